"""``kohtaamo report``: the impact report of an event or a tour, on the terminal or as a file.

Examples::

    kohtaamo report --event 1                          # key figures on the terminal
    kohtaamo report --tour "Soteuttamo 2027" --out raportti.pdf
    kohtaamo report --event 1 --format csv --out vaikuttavuus.csv --lang en

The format is ``--format``, else the ``--out`` file's suffix (.pdf, .csv, .html).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.cli.base import CliError, DatabaseOpt, session_for
from api.printing.impact import REPORT_FORMATS, report_bytes, summary_lines
from api.workflows.events import find_event
from api.workflows.impact_data import ImpactReport, event_report, tour_report
from api.workflows.simulate_feedback import simulate_feedback
from api.workflows.tours import find_tour

DEMO_SEED = 11
DEMO_OUT = Path("demo-out") / "vaikuttavuus.pdf"


def load_report(database_url: str | None, *, event: str | None, tour: str | None) -> ImpactReport:
    """The report of ``event`` or ``tour`` (id or exact name): exactly one must be given."""
    if (event is None) == (tour is None):
        raise CliError("give either --event or --tour")
    with session_for(database_url) as session:
        if event is not None:
            found = find_event(session=session, event=event)
            assert found.id is not None
            return event_report(session=session, event_id=found.id)
        assert tour is not None
        stop = find_tour(session=session, tour=tour)
        assert stop.id is not None
        return tour_report(session=session, tour_id=stop.id)


def _format(fmt: str | None, out: Path | None) -> str | None:
    if fmt is None and out is not None:
        fmt = out.suffix.lower().lstrip(".")
    if fmt is not None and fmt not in REPORT_FORMATS:
        raise CliError(f"--format: {fmt!r} is not one of {', '.join(REPORT_FORMATS)}")
    if fmt is not None and out is None:
        raise CliError("--out: give the file to write the report to")
    return fmt


def report(
    event: Annotated[str | None, typer.Option("--event", help="Event id or exact name.")] = None,
    tour: Annotated[str | None, typer.Option("--tour", help="Tour id or exact name.")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="pdf, csv or html (default: from --out).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write; without it, print the figures.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="fi, sv or en.")] = "fi",
    database_url: DatabaseOpt = None,
) -> None:
    """The impact report: who met a new actor, cross-sector meetings, cooperation, themes."""
    if lang not in ("fi", "sv", "en"):
        raise CliError(f"--lang: {lang!r} is not one of fi, sv, en")
    chosen = _format(fmt, out)
    found = load_report(database_url, event=event, tour=tour)
    if chosen is None or out is None:
        Console().print("\n".join(summary_lines(found, lang)), highlight=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(report_bytes(found, chosen, lang))
    Console().print(f"Wrote the {chosen.upper()} impact report of {found.title} to {out}", highlight=False)


def demo_stage(database_url: str, event_id: int, console: Console) -> None:
    """``make demo``: simulated feedback (seeded) on the sample event, its impact summary, and
    the report as PDF."""
    with session_for(database_url) as session:
        answers = simulate_feedback(session=session, event_id=event_id, seed=DEMO_SEED)
    console.print(f"Simulated {answers} feedback answers (seed {DEMO_SEED}; not real answers).")
    found = load_report(database_url, event=str(event_id), tour=None)
    console.print("\n".join(summary_lines(found, "en")), highlight=False)
    DEMO_OUT.parent.mkdir(parents=True, exist_ok=True)
    DEMO_OUT.write_bytes(report_bytes(found, "pdf", "fi"))
    console.print(f"Wrote the impact report to {DEMO_OUT}")


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo report`` to the command line."""
    app.command("report")(report)
