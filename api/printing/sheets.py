"""The same table plan as a spreadsheet: one row per (round, person) with table, name,
organisation, sector and role (host, facilitator), as CSV (the format of ``kohtaamo tables --out``,
:func:`api.workflows.plan_rows.write_csv`) or XLSX (:func:`models.spreadsheet.write_sheet`).

Example:
    >>> import os
    >>> rows = [TableRow(1, 2, 7, "Maija", "Hoiva Oy", "private")]
    >>> path = write_plan_sheet(rows, os.path.join(tempfile.mkdtemp(), "plan.csv"))
    >>> path.read_text(encoding="utf-8-sig").splitlines()[1]
    '1,2,7,Maija,Hoiva Oy,private,'
"""

from __future__ import annotations

import tempfile
from dataclasses import astuple, fields
from pathlib import Path

from sqlmodel import Session

from api.printing.gather import table_plan_for
from api.workflows.errors import FieldError
from api.workflows.plan_rows import TableRow, seat_role, write_csv
from api.workflows.table_plans import table_plan_view
from models.spreadsheet import write_sheet

SHEET_FORMATS = ("csv", "xlsx")


def plan_table_rows(session: Session, *, event_id: int, plan_id: int | None = None) -> list[TableRow]:
    """The seats of the event's table plan (the newest, or ``plan_id``), by round, table, name."""
    stored = table_plan_for(session, event_id=event_id, plan_id=plan_id)
    return [
        TableRow(
            s.round,
            s.table,
            s.person_id,
            s.name,
            s.organisation or "",
            s.sector or "",
            seat_role(host=s.host, facilitator=s.facilitator),
        )
        for s in table_plan_view(session=session, stored=stored).seats
    ]


def write_plan_sheet(rows: list[TableRow], path: str | Path) -> Path:
    """Write ``rows`` to ``path``: CSV or XLSX by its suffix (anything else is an error)."""
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt == "csv":
        return write_csv(rows, out, TableRow)
    if fmt == "xlsx":
        header = [f.name.rstrip("_") for f in fields(TableRow)]
        return write_sheet(out, header, (astuple(r) for r in rows))
    raise FieldError("out", f"{out.name}: a spreadsheet is .csv or .xlsx")


def plan_sheet_bytes(session: Session, *, event_id: int, fmt: str, plan_id: int | None = None) -> bytes:
    """The event's table plan as ``fmt`` (csv or xlsx) file contents."""
    if fmt not in SHEET_FORMATS:
        raise FieldError("format", f"{fmt!r} is not one of csv, xlsx")
    rows = plan_table_rows(session, event_id=event_id, plan_id=plan_id)
    with tempfile.TemporaryDirectory() as folder:
        return write_plan_sheet(rows, Path(folder) / f"plan.{fmt}").read_bytes()
