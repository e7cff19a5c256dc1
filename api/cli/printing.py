"""``kohtaamo print``: an event's table plan on paper (table lists, table cards, participants'
slips with QR codes) as an A4 PDF, or the same plan as CSV or XLSX.

Examples::

    kohtaamo print --event 1 --what all --out plan.pdf
    kohtaamo print --event 1 --what cards --out kortit.pdf --lang sv --plan 3
    kohtaamo print --event 1 --out plan.xlsx

Prints from the event's newest stored table plan (``kohtaamo tables`` stores one), through
the same entry point as the organiser API (:func:`api.printing.write_printout`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.cli.base import DatabaseOpt, session_for
from api.keys import link_signer
from api.printing import Written, write_printout
from api.security import LinkSigner
from api.settings import get_settings
from api.workflows.events import find_event

DEMO_OUT = Path("demo-out") / "poytasuunnitelma.pdf"


def signer_from_settings() -> LinkSigner:
    """The link signer the API uses, from the settings (secret and lifetime)."""
    return link_signer(get_settings())


def write(
    database_url: str | None, event_id: int, out: Path, *, what: str, lang: str, plan: int | None
) -> Written:
    """Write the printout of ``event_id`` to ``out`` (see :func:`api.printing.write_printout`)."""
    with session_for(database_url) as session:
        find_event(session=session, event=str(event_id))
        return write_printout(
            session,
            out,
            event_id=event_id,
            what=what,
            lang=lang,
            signer=signer_from_settings(),
            base_url=get_settings().public_base_url,
            plan_id=plan,
        )


def _summary(written: Written) -> str:
    size = f"{written.pages} pages" if written.pages is not None else f"{written.rows} rows"
    return f"Wrote table plan {written.plan_id} to {written.path} ({size})."


def print_plan(
    event: Annotated[int, typer.Option("--event", help="Event id.")],
    out: Annotated[Path, typer.Option("--out", help="File to write: .pdf, or .csv / .xlsx.", dir_okay=False)],
    what: Annotated[str, typer.Option("--what", help="tables, cards, slips or all.")] = "all",
    lang: Annotated[str, typer.Option("--lang", help="Language: fi, sv or en.")] = "fi",
    plan: Annotated[
        int | None, typer.Option("--plan", min=1, help="Table plan id (default: the newest).")
    ] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Print the table plan: table lists, table cards, participants' slips (PDF), or CSV/XLSX."""
    written = write(database_url, event, out, what=what, lang=lang, plan=plan)
    Console().print(_summary(written), highlight=False, soft_wrap=True)


def demo_stage(database_url: str, event_id: int, console: Console) -> None:
    """``kohtaamo demo``: the sample event's newest table plan, all printouts, as one PDF."""
    written = write(database_url, event_id, DEMO_OUT, what="all", lang="fi", plan=None)
    console.print(_summary(written), highlight=False, soft_wrap=True)
    console.print(
        f"Printouts (table lists, table cards, slips): {written.path.resolve()}",
        highlight=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo print`` to the command line."""
    app.command("print")(print_plan)
