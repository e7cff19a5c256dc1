"""Import a registration spreadsheet (CSV or XLSX) into an event, all or nothing.

Steps: :func:`models.spreadsheet.read_sheet` reads the file (cp1252 or UTF-8 with BOM,
``;``/``,``/tab, or XLSX); :func:`models.import_rows.parse_sheet` maps headers to fields and
validates every row; this module merges rows of one organisation, checks them against the
stored organisations, and writes everything in one transaction with bulk statements.

By default nothing is written unless every row is valid: :class:`ImportErrors` carries the
full list of problems ("row 17, email: 'maija@' is not a valid address"). With
``skip_invalid=True`` the valid rows are written and the rejected rows go, with a ``reason``
column, to a file. Re-importing updates and never duplicates: people are keyed by e-mail
(lower-cased), organisations by business ID or normalised name. An empty cell never erases
a stored value; a different value replaces it.

Example:
    >>> import sqlalchemy as sa, tempfile, os
    >>> from models.db import make_engine, upgrade_database
    >>> from models.tables import Event
    >>> engine = make_engine("sqlite://", poolclass=sa.pool.StaticPool)
    >>> upgrade_database(engine)
    >>> with Session(engine) as s:
    ...     s.add(Event(name="Soteuttamo")); s.commit()
    >>> path = os.path.join(tempfile.mkdtemp(), "ilmo.csv")
    >>> _ = open(path, "w", encoding="utf-8-sig").write(
    ...     "Etunimi;Sukunimi;Sähköposti;Organisaatio;Sektori\\n"
    ...     "Maija;Mäki;maija@hoiva.fi;Hoiva Oy;yksityinen\\n")
    >>> import_file(engine, path, event_id=1).people_created
    1
    >>> import_file(engine, path, event_id=1).people_unchanged
    1
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from models.import_rows import (
    DEFAULT_MAPPING,
    FIELDS,
    ImportErrors,
    ImportRecord,
    ParsedSheet,
    RowProblem,
    extend_mapping,
    normalise_header,
    parse_sheet,
)
from models.spreadsheet import Sheet, SpreadsheetError, read_sheet, read_sheet_bytes, write_sheet
from models.tables import Event, Organisation, Person, Registration
from models.validation import normalise_name

__all__ = [
    "DEFAULT_MAPPING",
    "FIELDS",
    "ImportErrors",
    "ImportResult",
    "ParsedSheet",
    "Progress",
    "RowProblem",
    "SpreadsheetError",
    "extend_mapping",
    "import_bytes",
    "import_file",
    "import_sheet",
    "normalise_header",
    "parse_sheet",
]

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stages are "validating" and "writing"."""

CHUNK = 500
_SCALARS = ("business_id", "sector", "region", "size_class", "website", "description")
_TEXTS = ("offers", "needs")
_LISTS = ("themes", "keywords", "languages")
_T = TypeVar("_T")


@dataclass
class ImportResult:
    """What an import did. ``*_unchanged`` counts rows already stored exactly as given."""

    event_id: int
    rows_read: int = 0
    rows_imported: int = 0
    organisations_created: int = 0
    organisations_updated: int = 0
    organisations_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    registrations_created: int = 0
    registrations_updated: int = 0
    duplicates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    rejected_path: Path | None = None

    def summary(self) -> str:
        """One line for people: what was created, updated and rejected."""
        text = (
            f"{self.rows_imported}/{self.rows_read} rows imported: people {self.people_created} new, "
            f"{self.people_updated} updated, {self.people_unchanged} unchanged; organisations "
            f"{self.organisations_created} new, {self.organisations_updated} updated, "
            f"{self.organisations_unchanged} unchanged; registrations {self.registrations_created} new"
        )
        if self.rejected:
            rows = len({p.row for p in self.rejected})
            text += f"; {rows} rows rejected" + (f" (see {self.rejected_path})" if self.rejected_path else "")
        return text


@dataclass
class _OrgPlan:
    fields: dict[str, Any]
    rows: list[int]
    stored: Any = None  # the stored organisation's row, if any
    id: int | None = None

    @property
    def key(self) -> str:
        return normalise_name(self.fields["name"])


def _insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Core INSERT of many rows (batched "insertmanyvalues"); returns the new ids in row order."""
    if not rows:
        return []
    target = table.__table__
    statement = sa.insert(target).returning(target.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.connection().execute(statement, rows).scalars()]


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --------------------------------------------------------------------------- organisations in the file


def _union_lines(old: str, new: str) -> str:
    lines = old.split("\n") if old else []
    seen = {line.casefold() for line in lines}
    lines += [line for line in new.split("\n") if line and line.casefold() not in seen]
    return "\n".join(lines)


def _merge(plan: _OrgPlan, org: Mapping[str, Any], row: int, warnings: list[str]) -> None:
    for name, value in org.items():
        kept = plan.fields.get(name)
        if kept is None:
            plan.fields[name] = value
        elif name in _TEXTS:
            plan.fields[name] = _union_lines(kept, value)
        elif name in _LISTS:
            plan.fields[name] = list(dict.fromkeys([*kept, *value]))
        elif name in _SCALARS and kept != value:
            warnings.append(
                f"row {row}, {name}: {value!r} differs from {kept!r} on row {plan.rows[0]} for "
                f"organisation {plan.fields['name']!r}; kept row {plan.rows[0]}'s value"
            )
    plan.rows.append(row)


def _group_organisations(
    records: Sequence[ImportRecord],
) -> tuple[list[_OrgPlan], dict[int, _OrgPlan], list[str], list[RowProblem]]:
    """One plan per organisation in the file; rows of one organisation are merged."""
    plans: list[_OrgPlan] = []
    by_bid: dict[str, _OrgPlan] = {}
    by_name: dict[str, _OrgPlan] = {}
    of_row: dict[int, _OrgPlan] = {}
    warnings: list[str] = []
    problems: list[RowProblem] = []
    for record in records:
        org = record.organisation
        bid, key = org.get("business_id"), normalise_name(org["name"])
        plan = (by_bid.get(bid) if bid else None) or by_name.get(key)
        if plan is not None and bid and plan.fields.get("business_id") not in (None, bid):
            problems.append(
                RowProblem(
                    record.row,
                    "business_id",
                    f"{bid!r} differs from {plan.fields['business_id']!r} given for organisation "
                    f"{plan.fields['name']!r} on row {plan.rows[0]}",
                )
            )
            continue
        if plan is None:
            plan = _OrgPlan(fields=dict(org), rows=[record.row])
            plans.append(plan)
        else:
            _merge(plan, org, record.row, warnings)
        by_name.setdefault(key, plan)
        if bid:
            by_bid[bid] = plan
        of_row[record.row] = plan
    return plans, of_row, warnings, problems


# --------------------------------------------------------------------------- against the database


def _stored_rows(session: Session, table: Any, column: str, values: Sequence[Any], **where: Any) -> list[Any]:
    """Rows of ``table`` whose ``column`` is in ``values`` (plain rows: no ORM objects to build)."""
    target = table.__table__
    rows: list[Any] = []
    for chunk in _chunks(values):
        statement = sa.select(target).where(target.c[column].in_(chunk))
        for name, value in where.items():
            statement = statement.where(target.c[name] == value)
        rows.extend(session.connection().execute(statement).all())
    return rows


def _load_organisations(session: Session, plans: Sequence[_OrgPlan]) -> tuple[dict[str, Any], dict[str, Any]]:
    bids = sorted({p.fields["business_id"] for p in plans if p.fields.get("business_id")})
    keys = sorted({p.key for p in plans})
    found = {o.id: o for o in _stored_rows(session, Organisation, "business_id", bids)}
    found.update((o.id, o) for o in _stored_rows(session, Organisation, "normalised_name", keys))
    by_bid = {o.business_id: o for o in found.values() if o.business_id}
    by_name = {o.normalised_name: o for o in found.values()}
    return by_bid, by_name


def _match_stored(session: Session, plans: Sequence[_OrgPlan]) -> list[RowProblem]:
    """Find each planned organisation's stored row; conflicting keys are problems on its rows."""
    by_bid, by_name = _load_organisations(session, plans)
    problems: list[RowProblem] = []
    for plan in plans:
        bid, name = plan.fields.get("business_id"), plan.fields["name"]
        with_bid, with_name = by_bid.get(bid) if bid else None, by_name.get(plan.key)
        message = None
        if with_bid is not None and with_name is not None and with_bid.id != with_name.id:
            message = (
                "organisation",
                f"{name!r} is stored already, but business ID {bid} belongs to "
                f"the stored organisation {with_bid.name!r}",
            )
        stored = with_bid or with_name
        if message is None and stored is not None and bid and stored.business_id not in (None, bid):
            message = (
                "business_id",
                f"{bid!r} but organisation {name!r} is stored with business ID {stored.business_id!r}",
            )
        if message is not None:
            problems.extend(RowProblem(row, *message) for row in plan.rows)
        plan.stored = stored
    return problems


def _organisation_values(plan: _OrgPlan) -> dict[str, Any]:
    f = plan.fields
    values: dict[str, Any] = {"name": f["name"], "normalised_name": plan.key}
    values.update({name: f[name] for name in (*_SCALARS, *_TEXTS, *_LISTS) if name in f})
    return values


def _changes(stored: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(stored, name) != value}


def _write_organisations(session: Session, plans: Sequence[_OrgPlan], result: ImportResult) -> None:
    new = [p for p in plans if p.stored is None]
    defaults: dict[str, Any] = {name: None for name in _SCALARS}
    defaults.update(description="", offers="", needs="", themes=[], keywords=[], languages=[])
    new_ids = _insert(session, Organisation, [{**defaults, **_organisation_values(p)} for p in new])
    updates = []
    for plan in plans:
        if plan.stored is None:
            continue
        values = _organisation_values(plan)
        if plan.stored.normalised_name == plan.key:
            del values["name"]  # same organisation, maybe spelled differently: keep the stored spelling
        changes = _changes(plan.stored, values)
        if changes:
            updates.append({"id": plan.stored.id, **changes})
        plan.id = plan.stored.id
    if updates:
        session.execute(sa.update(Organisation), updates)
    for plan, new_id in zip(new, new_ids, strict=True):
        plan.id = new_id
    result.organisations_created = len(new)
    result.organisations_updated = len(updates)
    result.organisations_unchanged = len(plans) - len(new) - len(updates)


def _person_ids(session: Session, emails: Sequence[str]) -> dict[str, Any]:
    return {p.email: p for p in _stored_rows(session, Person, "email", emails)}


def _write_people(
    session: Session, records: Sequence[ImportRecord], of_row: Mapping[int, _OrgPlan], result: ImportResult
) -> dict[str, int]:
    emails = [r.person["email"] for r in records]
    stored = _person_ids(session, emails)
    new, updates = [], []
    for record in records:
        values = {**record.person, "organisation_id": of_row[record.row].id}
        person = stored.get(values["email"])
        if person is None:
            new.append(
                {
                    "role": "",
                    "language": "fi",
                    "consent_email": False,
                    "consent_share_contact": False,
                    **values,
                }
            )
        elif changes := _changes(person, values):
            updates.append({"id": person.id, **changes})
    new_ids = _insert(session, Person, new)
    if updates:
        session.execute(sa.update(Person), updates)
    result.people_created, result.people_updated = len(new), len(updates)
    result.people_unchanged = len(records) - len(new) - len(updates)
    ids = {email: p.id for email, p in stored.items() if p.id is not None}
    ids.update(zip((n["email"] for n in new), new_ids, strict=True))
    return ids


def _write_registrations(
    session: Session,
    event_id: int,
    records: Sequence[ImportRecord],
    ids: Mapping[str, int],
    result: ImportResult,
) -> None:
    person_ids = [ids[r.person["email"]] for r in records]
    found = _stored_rows(session, Registration, "person_id", person_ids, event_id=event_id)
    stored = {r.person_id: r for r in found}
    new, updates = [], []
    for record, person_id in zip(records, person_ids, strict=True):
        registration = stored.get(person_id)
        if registration is None:
            new.append(
                {
                    "person_id": person_id,
                    "event_id": event_id,
                    "source": record.source or "pre_registered",
                    "cancelled": False,
                }
            )
        elif record.source is not None and registration.source != record.source:
            updates.append({"id": registration.id, "source": record.source})
    _insert(session, Registration, new)
    if updates:
        session.execute(sa.update(Registration), updates)
    result.registrations_created, result.registrations_updated = len(new), len(updates)


# --------------------------------------------------------------------------- entry points


def _validate_against_db(
    session: Session, parsed: ParsedSheet, skip_invalid: bool
) -> tuple[list[ImportRecord], list[_OrgPlan], dict[int, _OrgPlan], list[str], list[RowProblem]]:
    """Group organisations and match them to stored ones; in skip mode, drop bad rows and retry."""
    records, problems = parsed.records, list(parsed.problems)
    while True:
        plans, of_row, warnings, found = _group_organisations(records)
        found += _match_stored(session, plans)
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
            lambda: _write_organisations(session, plans, result),
            lambda: _write_registrations(
                session, event_id, records, _write_people(session, records, of_row, result), result
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
    engine: sa.Engine, data: bytes, filename: str, *, event_id: int, **options: Any
) -> ImportResult:
    """:func:`import_sheet` for an uploaded file's bytes (CSV or XLSX, told apart by content)."""
    return import_sheet(
        engine, read_sheet_bytes(data, filename), event_id=event_id, source_name=filename, **options
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
) -> ImportResult:
    """Import the CSV or XLSX file at ``path`` into ``event_id``.

    With ``skip_invalid`` the rejected rows are written to ``rejected_out`` (default
    :func:`default_rejected_path`). See :func:`import_sheet` for the rest.
    """
    if skip_invalid and rejected_out is None:
        rejected_out = default_rejected_path(path)
    return import_sheet(
        engine,
        read_sheet(path),
        event_id=event_id,
        source_name=str(path),
        mapping=mapping,
        skip_invalid=skip_invalid,
        rejected_out=rejected_out,
        progress=progress,
    )
