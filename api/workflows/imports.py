"""Bulk import of a registration spreadsheet through the API: in the request or as a job, with
the same summary and the same row-level problems either way (the CLI reads files through
:func:`models.imports.import_file` directly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.schemas import ImportResult, ImportRowError
from api.workflows.common import Progress
from api.workflows.errors import ProblemsError
from models.imports import ImportErrors, SpreadsheetError, import_sheet
from models.imports import ImportResult as SheetImport
from models.spreadsheet import Sheet


def _detail(row: int | None, field: str | None, message: str) -> dict[str, Any]:
    return {
        "loc": ["file", row or 0, field or ""],
        "row": row,
        "field": field,
        "msg": message,
        "type": "value_error",
    }


def summary(result: SheetImport) -> ImportResult:
    """The API's summary of a finished import."""
    return ImportResult(
        rows=result.rows_read,
        created={
            "organisations": result.organisations_created,
            "people": result.people_created,
            "registrations": result.registrations_created,
        },
        updated={
            "organisations": result.organisations_updated,
            "people": result.people_updated,
            "registrations": result.registrations_updated,
        },
        rejected=[ImportRowError(row=p.row, field=p.field, message=str(p)) for p in result.rejected],
    )


def problems(exc: ImportErrors | SpreadsheetError) -> list[dict[str, Any]]:
    """Every problem of a refused import, one validation-error entry each."""
    if isinstance(exc, ImportErrors):
        return [_detail(p.row, p.field, str(p)) for p in exc.problems]
    return [_detail(None, None, f"file: {exc}")]


def import_upload(
    engine: sa.Engine,
    sheet: Sheet,
    *,
    name: str,
    event_id: int,
    skip_invalid: bool,
    progress: Progress | None = None,
) -> ImportResult:
    """Import an uploaded sheet into the event; a refusal is a
    :class:`~api.workflows.errors.ProblemsError` listing every problem.

    ``progress`` follows the validation only: while writing, the import's transaction holds
    SQLite's write lock, so a job row could not be updated until it commits.
    """
    on_rows: Callable[[str, int, int], None] | None = None
    if progress is not None:
        report = progress

        def on_rows(stage: str, done: int, total: int) -> None:
            if stage == "validating" and (done == total or done % max(1, total // 20) == 0):
                report(0.5 * done / max(total, 1), f"validated {done}/{total} rows")

    try:
        result = import_sheet(
            engine, sheet, event_id=event_id, source_name=name, skip_invalid=skip_invalid, progress=on_rows
        )
    except (ImportErrors, SpreadsheetError) as exc:
        raise ProblemsError(str(exc), problems(exc)) from None
    return summary(result)


def import_job(
    engine: sa.Engine, sheet: Sheet, *, name: str, event_id: int, skip_invalid: bool
) -> Callable[[Session, Progress], dict[str, Any]]:
    """The work of a background import: the summary as its result (a refusal fails the job
    with the problems as its result)."""

    def work(_session: Session, progress: Progress) -> dict[str, Any]:
        found = import_upload(
            engine, sheet, name=name, event_id=event_id, skip_invalid=skip_invalid, progress=progress
        )
        return found.model_dump()

    return work
