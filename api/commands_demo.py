"""``kohtaamo demo``: the main job on the bundled sample event, end to end.

Imports the sample event into the embedded default database, then runs every pipeline
stage that exists: suggestions with reasons, a 4-round table plan. Re-running is safe:
the import updates rather than duplicates.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from rich.rule import Rule

from api.settings import get_settings

# (title, module, function): each stage is ``fn(database_url, event_id, console) -> None``.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("Suggested partners", "api.commands_suggest", "demo_stage"),
    ("Workshop table plan", "api.workflows_tables", "demo_stage"),
)


def _stage(module: str, function: str) -> Callable[[str, int, Console], None]:
    fn: Callable[[str, int, Console], None] = getattr(importlib.import_module(module), function)
    return fn


def demo(
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: the configured one, SQLite).")
    ] = None,
) -> None:
    """Run the sample event through every stage and print a short summary."""
    from api.workflows_data import import_sample_event

    console = Console()
    url = database_url or get_settings().database_url
    started = time.perf_counter()
    console.print(Rule("Kohtaamo demo: Soteuttamo Kanta-Häme 2026 (sample event)"))
    event_id = import_sample_event(url)
    console.print(f"Imported the sample event into {url} (event id {event_id}).")
    for title, module, function in STAGES:
        console.print(Rule(title))
        _stage(module, function)(url, event_id, console)
    console.print(Rule())
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo demo`` to the command line."""
    app.command("demo")(demo)
