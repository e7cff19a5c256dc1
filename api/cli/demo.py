"""``kohtaamo demo``: the main job on the bundled sample event, end to end.

Imports the sample event into the embedded default database, then runs every pipeline
stage that exists: suggestions with reasons, a 4-round table plan, the participants'
"before" e-mails written to the outbox folder as a dry run, the plan's printouts (PDF), and
where the web pages are (the dashboard's address and a log-in token). Re-running is safe:
the import updates rather than duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from rich.rule import Rule

from api.cli import dashboard, plans, printing, report, send, suggest
from api.cli.base import database_url as configured
from api.workflows.sample import import_sample_event

Stage = Callable[[str, int, Console], None]
STAGES: tuple[tuple[str, Stage], ...] = (
    ("Suggested partners", suggest.demo_stage),
    ("Workshop table plan", plans.demo_stage),
    ("E-mails to participants (dry run)", send.demo_stage),
    ("Printouts for organisers", printing.demo_stage),
    ("Impact report (simulated feedback)", report.demo_stage),
    ("Web pages", dashboard.demo_stage),
)
"""(title, stage): each stage is ``stage(database_url, event_id, console)``."""


def demo(
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: the configured one, SQLite).")
    ] = None,
) -> None:
    """Run the sample event through every stage and print a short summary."""
    console = Console()
    url = configured(database_url)
    started = time.perf_counter()
    console.print(Rule("Kohtaamo demo: Soteuttamo Kanta-Häme 2026 (sample event)"))
    event_id = import_sample_event(url)
    console.print(f"Imported the sample event into {url} (event id {event_id}).")
    for title, stage in STAGES:
        console.print(Rule(title))
        stage(url, event_id, console)
    console.print(Rule())
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo demo`` to the command line."""
    app.command("demo")(demo)
