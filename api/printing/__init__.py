"""Printouts for organisers: per round a table list, a card to stand on each table, and a
slip per participant with their seats, 1:1 meetings and a QR code of their personal page;
as A4 PDF (WeasyPrint), and the same plan as CSV or XLSX.

:func:`render_printout` is the one way in for the CLI (``kohtaamo print``), the organiser
API (``GET /events/{id}/printouts/{what}.pdf``) and the dashboard.

Example:
    >>> PrintWhat("cards").parts, [p.value for p in PrintWhat.ALL.parts]
    ((<PrintWhat.CARDS: 'cards'>,), ['tables', 'cards', 'slips'])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from api.printing.document import Printout, PrintWhat
from api.printing.gather import gather, table_plan_for
from api.printing.pdf import render_html, render_pdf
from api.printing.sheets import SHEET_FORMATS, plan_sheet_bytes, plan_table_rows, write_plan_sheet
from api.security import LinkSigner
from api.workflows.errors import FieldError
from matcher.taxonomy import LANGUAGES


def print_what(what: str) -> PrintWhat:
    """``what`` as a :class:`PrintWhat`; anything else is an error naming the parameter."""
    try:
        return PrintWhat(what)
    except ValueError:
        raise FieldError("what", f"{what!r} is not one of tables, cards, slips, all") from None


@dataclass(frozen=True)
class Written:
    """What :func:`write_printout` wrote: the file, the table plan it shows, and its pages
    (PDF) or rows (spreadsheet)."""

    path: Path
    plan_id: int
    pages: int | None = None
    rows: int | None = None


def _pdf(
    session: Session,
    *,
    event_id: int,
    what: str,
    lang: str,
    signer: LinkSigner,
    base_url: str,
    plan_id: int | None,
) -> tuple[bytes, int, int]:
    """PDF bytes, pages and the table plan's id."""
    kind = print_what(what)
    if lang not in LANGUAGES:
        raise FieldError("lang", f"{lang!r} is not one of {', '.join(LANGUAGES)}")
    printout = gather(
        session, event_id=event_id, what=kind, lang=lang, signer=signer, base_url=base_url, plan_id=plan_id
    )
    pdf, pages = render_pdf(printout, kind)
    return pdf, pages, printout.plan_id


def render_printout(
    session: Session,
    *,
    event_id: int,
    what: str,
    lang: str,
    signer: LinkSigner,
    base_url: str,
    plan_id: int | None = None,
) -> bytes:
    """The PDF of ``what`` (tables, cards, slips or all) for the event's newest table plan
    (or ``plan_id``), in ``lang`` (fi, sv, en); slips link to ``base_url`` with tokens of
    ``signer``. No table plan: :class:`~api.workflows.errors.NotFoundError`."""
    pdf, _, _ = _pdf(
        session, event_id=event_id, what=what, lang=lang, signer=signer, base_url=base_url, plan_id=plan_id
    )
    return pdf


def write_printout(
    session: Session,
    out: str | Path,
    *,
    event_id: int,
    what: str,
    lang: str,
    signer: LinkSigner,
    base_url: str,
    plan_id: int | None = None,
) -> Written:
    """Write the printout to ``out``: PDF, or the plan as a spreadsheet where ``out`` ends
    in ``.csv`` or ``.xlsx`` (then ``what`` must be tables or all)."""
    path = Path(out)
    kind = print_what(what)
    if path.suffix.lower() in (".csv", ".xlsx"):
        if kind not in (PrintWhat.TABLES, PrintWhat.ALL):
            raise FieldError("what", f"a spreadsheet holds the table plan: use tables or all, not {what}")
        stored = table_plan_for(session, event_id=event_id, plan_id=plan_id)
        assert stored.id is not None
        rows = plan_table_rows(session, event_id=event_id, plan_id=stored.id)
        return Written(write_plan_sheet(rows, path), stored.id, rows=len(rows))
    pdf, pages, shown = _pdf(
        session, event_id=event_id, what=what, lang=lang, signer=signer, base_url=base_url, plan_id=plan_id
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    return Written(path, shown, pages=pages)


__all__ = [
    "SHEET_FORMATS",
    "PrintWhat",
    "Printout",
    "Written",
    "gather",
    "plan_sheet_bytes",
    "print_what",
    "render_html",
    "render_pdf",
    "render_printout",
    "table_plan_for",
    "write_printout",
]
