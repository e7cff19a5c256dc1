"""Spreadsheet rows to validated import records (the database-free half of the import).

Example:
    >>> from models.spreadsheet import read_sheet_bytes
    >>> sheet = read_sheet_bytes(b"Etunimi;Sukunimi;S\\xe4hk\\xf6posti;Organisaatio;Sektori\\n"
    ...                          b"Maija;M;maija@;Hoiva Oy;yksityinen\\n", "a.csv")
    >>> [str(p) for p in parse_sheet(sheet).problems]
    ["row 2, email: 'maija@' is not a valid address"]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.imports.headers import (
    CONSENT_FIELDS,
    DEFAULT_MAPPING,
    MAX_LENGTHS,
    ORGANISATION_FIELDS,
    REQUIRED,
    checked_mapping,
    resolve_columns,
)
from models.imports.values import PARSERS, SPACES
from models.spreadsheet import Sheet, SheetRow, SpreadsheetError
from models.validation import normalise_name


@dataclass(frozen=True)
class RowProblem:
    """One problem with one row (``row`` as the spreadsheet shows it; 0 = the whole file)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"row {self.row}, {self.field}: {self.message}" if self.row else f"{self.field}: {self.message}"
        )


class ImportErrors(ValueError):  # noqa: N818 (the name the team agreed on)
    """The import was refused; ``problems`` lists every problem found, nothing was written."""

    def __init__(self, problems: Sequence[RowProblem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}{len(self.problems)} problem(s), nothing imported; first: {self.problems[0]}{more}"
        )


@dataclass
class ImportRecord:
    """One valid row: the person, their organisation's fields, the registration source."""

    row: int
    person: dict[str, Any]
    organisation: dict[str, Any]
    source: str | None  # None: not given, so a stored registration keeps its source

    def same_data(self, other: ImportRecord) -> bool:
        return (self.person, self.organisation, self.source) == (
            other.person,
            other.organisation,
            other.source,
        )


@dataclass
class ParsedSheet:
    """What :func:`parse_sheet` found: valid records, every problem, and notes."""

    records: list[ImportRecord]
    problems: list[RowProblem]
    duplicates: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0


def _row_cells(row: SheetRow, columns: Mapping[str, int]) -> dict[str, str]:
    return {name: (row.values[i] if i < len(row.values) else "") for name, i in columns.items()}


def _parse_cells(number: int, cells: Mapping[str, str]) -> tuple[dict[str, Any], list[RowProblem]]:
    values: dict[str, Any] = {}
    problems: list[RowProblem] = []
    for name, raw in cells.items():
        text = raw.strip()
        if not text and name not in CONSENT_FIELDS:
            continue
        parser = PARSERS.get(name)
        try:
            if len(text) > MAX_LENGTHS.get(name, 20_000):
                raise ValueError(
                    f"is {len(text)} characters long; at most {MAX_LENGTHS.get(name, 20_000)} fit"
                )
            values[name] = parser(text) if parser else SPACES.sub(" ", text)
        except ValueError as exc:
            problems.append(RowProblem(number, name, str(exc)))
    return values, problems


def _record(
    number: int, values: Mapping[str, Any], failed: set[str]
) -> tuple[ImportRecord | None, list[RowProblem]]:
    problems = [
        RowProblem(number, name, "is empty") for name in REQUIRED if name not in values.keys() | failed
    ]
    name = " ".join(p for p in (values.get("first_name"), values.get("last_name")) if p) or values.get("name")
    if not name:
        problems.append(RowProblem(number, "first_name" if "name" not in values else "name", "is empty"))
    organisation = values.get("organisation", "")
    if organisation and not normalise_name(organisation):
        problems.append(RowProblem(number, "organisation", f"{organisation!r} has no letters or digits"))
    if problems or failed:
        return None, problems
    person = {"name": name, "email": values["email"]}
    person.update({k: values[k] for k in ("role", "language", *CONSENT_FIELDS) if k in values})
    org = {"name": organisation, **{k: values[k] for k in ORGANISATION_FIELDS[1:] if k in values}}
    return ImportRecord(number, person, org, values.get("registration")), []


def _dedupe(records: list[ImportRecord]) -> tuple[list[ImportRecord], list[str], list[RowProblem]]:
    first: dict[str, ImportRecord] = {}
    duplicates: list[str] = []
    problems: list[RowProblem] = []
    conflicted: set[str] = set()
    for record in records:
        email = record.person["email"]
        seen = first.get(email)
        if seen is None:
            first[email] = record
        elif seen.same_data(record):
            duplicates.append(f"row {record.row} repeats row {seen.row} ({email}); counted once")
        else:
            conflicted.add(email)
            problems.append(
                RowProblem(record.row, "email", f"{email!r} is also on row {seen.row} with different data")
            )
    for email in conflicted:
        seen = first[email]
        problems.append(RowProblem(seen.row, "email", f"{email!r} appears again later with different data"))
    kept = [r for r in first.values() if r.person["email"] not in conflicted]
    return kept, duplicates, sorted(problems, key=lambda p: p.row)


def parse_sheet(
    sheet: Sheet,
    mapping: Mapping[str, str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedSheet:
    """Validate every row of ``sheet``; collect every problem instead of stopping at the first.

    ``mapping`` is ``{header: field}`` (default :data:`DEFAULT_MAPPING`; see :func:`extend_mapping`).
    Same e-mail twice: identical rows count once (noted in ``duplicates``), different ones are
    a problem on both rows.
    """
    columns, ignored = resolve_columns(
        sheet.headers, DEFAULT_MAPPING if mapping is None else checked_mapping(mapping)
    )
    if not sheet.rows:
        raise SpreadsheetError("the file has a header row but no data rows")
    records: list[ImportRecord] = []
    problems: list[RowProblem] = []
    for done, row in enumerate(sheet.rows, start=1):
        if progress is not None and (done % 500 == 0 or done == len(sheet.rows)):
            progress(done, len(sheet.rows))
        values, row_problems = _parse_cells(row.number, _row_cells(row, columns))
        record, missing = _record(row.number, values, {p.field for p in row_problems})
        problems.extend(row_problems + missing)
        if record is not None and not row_problems:
            records.append(record)
    records, duplicates, duplicate_problems = _dedupe(records)
    problems = sorted(problems + duplicate_problems, key=lambda p: p.row)
    return ParsedSheet(records, problems, duplicates, ignored, rows_read=len(sheet.rows))
