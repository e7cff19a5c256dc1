"""The import's entry points: a sheet, an upload's bytes or a file into one event, in one
transaction (see :mod:`models.imports`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from models.entities import Event
from models.imports.organisations import OrgPlan, group_organisations, match_stored, write_organisations
from models.imports.people import write_people, write_registrations
from models.imports.result import ImportResult
from models.imports.rows import ImportErrors, ImportRecord, ParsedSheet, RowProblem, parse_sheet
from models.spreadsheet import (
    DEFAULT_LIMITS,
    Sheet,
    SheetLimits,
    SpreadsheetError,
    read_sheet,
    read_sheet_bytes,
    write_sheet,
)

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stages are "validating" and "writing"."""


def _validate_against_db(
    session: Session, parsed: ParsedSheet, skip_invalid: bool
) -> tuple[list[ImportRecord], list[OrgPlan], dict[int, OrgPlan], list[str], list[RowProblem]]:
    """Group organisations and match them to stored ones; in skip mode, drop bad rows and retry."""
    records, problems = parsed.records, list(parsed.problems)
    while True:
        plans, of_row, warnings, found = group_organisations(records)
        found += match_stored(session, plans)
        problems += found
        if not found or not skip_invalid:
            return records, plans, of_row, warnings, sorted(problems, key=lambda p: p.row)
        bad = {p.row for p in found}
        records = [r for r in records if r.row not in bad]


def _write_rejects(path: Path, sheet: Sheet, problems: Sequence[RowProblem]) -> Path:
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(f"{problem.field}: {problem.message}")
    width = len(sheet.headers)
    rows: Iterable[list[Any]] = (
        [*row.values[:width], *[""] * (width - len(row.values)), row.number, "; ".join(reasons[row.number])]
        for row in sheet.rows
        if row.number in reasons
    )
    return write_sheet(path, [*sheet.headers, "row", "reason"], rows)


def import_sheet(
    engine: sa.Engine,
    sheet: Sheet,
    *,
    event_id: int,
    source_name: str = "file",
    mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    rejected_out: str | Path | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate ``sheet`` and write it to ``event_id`` in one transaction (see the module doc).

    Raises :class:`ImportErrors` (every problem; nothing written) unless ``skip_invalid``;
    then the rejected rows go to ``rejected_out`` (CSV, or XLSX by suffix) if given.
    :class:`SpreadsheetError` means the file as a whole is unusable (e.g. missing columns).
    """
    with Session(engine) as session, session.begin():
        if session.get(Event, event_id) is None:
            raise LookupError(f"event: no event with id {event_id}")
        try:
            parsed = parse_sheet(
                sheet, mapping, progress=(lambda d, t: progress("validating", d, t)) if progress else None
            )
        except SpreadsheetError as exc:
            raise SpreadsheetError(f"{source_name}: {exc}") from None
        records, plans, of_row, warnings, problems = _validate_against_db(session, parsed, skip_invalid)
        if problems and not skip_invalid:
            raise ImportErrors(problems, source_name)
        result = ImportResult(
            event_id=event_id,
            rows_read=parsed.rows_read,
            rows_imported=len(records),
            duplicates=parsed.duplicates,
            warnings=warnings,
            ignored_columns=parsed.ignored_columns,
            rejected=problems,
        )
        steps: list[Callable[[], Any]] = [
            lambda: write_organisations(session, plans, result),
            lambda: write_registrations(
                session, event_id, records, write_people(session, records, of_row, result), result
            ),
        ]
        for done, step in enumerate(steps, start=1):
            step()
            if progress:
                progress("writing", done, len(steps))
        if problems and rejected_out is not None:
            result.rejected_path = _write_rejects(Path(rejected_out), sheet, problems)
    return result


def import_bytes(
    engine: sa.Engine,
    data: bytes,
    filename: str,
    *,
    event_id: int,
    limits: SheetLimits = DEFAULT_LIMITS,
    **options: Any,
) -> ImportResult:
    """:func:`import_sheet` for an uploaded file's bytes (CSV or XLSX, told apart by content)."""
    return import_sheet(
        engine, read_sheet_bytes(data, filename, limits), event_id=event_id, source_name=filename, **options
    )


def default_rejected_path(path: str | Path) -> Path:
    """Where rejected rows of ``path`` go unless told otherwise: ``<name>.rejected.csv`` beside it.

    Example:
        >>> default_rejected_path("/tmp/ilmo.xlsx").name
        'ilmo.rejected.csv'
    """
    path = Path(path)
    return path.with_name(f"{path.stem}.rejected.csv")


def import_file(
    engine: sa.Engine,
    path: str | Path,
    *,
    event_id: int,
    mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    rejected_out: str | Path | None = None,
    progress: Progress | None = None,
    limits: SheetLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import the CSV or XLSX file at ``path`` into ``event_id``.

    With ``skip_invalid`` the rejected rows are written to ``rejected_out`` (default
    :func:`default_rejected_path`). A file over ``limits`` is refused with
    :class:`~models.spreadsheet.SheetTooLarge`. See :func:`import_sheet` for the rest.
    """
    if skip_invalid and rejected_out is None:
        rejected_out = default_rejected_path(path)
    return import_sheet(
        engine,
        read_sheet(path, limits),
        event_id=event_id,
        source_name=str(path),
        mapping=mapping,
        skip_invalid=skip_invalid,
        rejected_out=rejected_out,
        progress=progress,
    )
