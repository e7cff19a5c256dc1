"""Export organisations, people and registrations to CSV (Finnish-Excel friendly) or XLSX.

Headers are the import's English field names and values are codes (sector ``private``,
themes ``home_care, digital_services``), so an exported people file imports again as is:
export, edit in Excel, re-import updates. CSV is UTF-8 with BOM and ``;``, which Excel in
Finland opens directly; ``.xlsx`` gives a workbook.

Example:
    >>> import sqlalchemy as sa
    >>> from models.db import make_engine, upgrade_database
    >>> engine = make_engine("sqlite://", poolclass=sa.pool.StaticPool)
    >>> upgrade_database(engine)
    >>> with Session(engine) as s:
    ...     export_table(s, "organisations")[0][:3]
    ['id', 'organisation', 'business_id']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from sqlmodel import Session, col, select

from models.entities import Event, Organisation, Person, Registration
from models.imports.headers import ORGANISATION_FIELDS
from models.spreadsheet import write_sheet

What = Literal["organisations", "people", "registrations"]
WHAT: tuple[str, ...] = ("organisations", "people", "registrations")

ORGANISATION_COLUMNS = ORGANISATION_FIELDS
PERSON_COLUMNS = ("name", "email", "role", "language", "consent_email", "consent_share_contact")
REGISTRATION_COLUMNS = (
    "event_id",
    "event",
    "person_id",
    "name",
    "email",
    "organisation",
    "registration",
    "checked_in_at",
    "cancelled",
)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _organisation_cells(org: Organisation | None) -> list[Any]:
    if org is None:
        return [""] * len(ORGANISATION_COLUMNS)
    values = [org.name, *(getattr(org, name) for name in ORGANISATION_COLUMNS[1:])]
    return [_cell(v) for v in values]


def _organisations(session: Session, event_id: int | None) -> list[list[Any]]:
    statement = select(Organisation).order_by(col(Organisation.id))
    if event_id is not None:
        registered = (
            select(Person.organisation_id)
            .join(Registration, col(Registration.person_id) == col(Person.id))
            .where(Registration.event_id == event_id, col(Registration.cancelled).is_(False))
        )
        statement = statement.where(col(Organisation.id).in_(registered))
    return [[org.id, *_organisation_cells(org)] for org in session.exec(statement)]


def _people(session: Session, event_id: int | None) -> list[list[Any]]:
    people = select(Person, Organisation).outerjoin(
        Organisation, col(Organisation.id) == col(Person.organisation_id)
    )
    sources: dict[int, str] = {}
    if event_id is not None:
        registrations = select(Registration).where(
            Registration.event_id == event_id, col(Registration.cancelled).is_(False)
        )
        sources = {r.person_id: r.source for r in session.exec(registrations)}
        registered = select(Registration.person_id).where(
            Registration.event_id == event_id, col(Registration.cancelled).is_(False)
        )
        people = people.where(col(Person.id).in_(registered))
    rows = []
    for person, org in session.exec(people.order_by(col(Person.id))):
        cells = [_cell(getattr(person, name)) for name in PERSON_COLUMNS]
        rows.append([person.id, *cells, *_organisation_cells(org), sources.get(person.id or 0, "")])
    return rows


def _registrations(session: Session, event_id: int | None) -> list[list[Any]]:
    statement = (
        select(Registration, Event, Person, Organisation)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .join(Person, col(Person.id) == col(Registration.person_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .order_by(col(Registration.event_id), col(Registration.id))
    )
    if event_id is not None:
        statement = statement.where(Registration.event_id == event_id)
    return [
        [
            event.id,
            event.name,
            person.id,
            person.name,
            person.email,
            org.name if org is not None else "",
            reg.source,
            reg.checked_in_at,
            _cell(reg.cancelled),
        ]
        for reg, event, person, org in session.exec(statement)
    ]


def export_table(
    session: Session, what: str, *, event_id: int | None = None
) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of one export; ``event_id`` keeps what belongs to that event.

    ``what`` is ``organisations``, ``people`` (one row per person with their organisation's
    fields: the import format) or ``registrations``.
    """
    if what == "organisations":
        return ["id", *ORGANISATION_COLUMNS], _organisations(session, event_id)
    if what == "people":
        headers = ["id", *PERSON_COLUMNS, *ORGANISATION_COLUMNS, "registration"]
        return headers, _people(session, event_id)
    if what == "registrations":
        return list(REGISTRATION_COLUMNS), _registrations(session, event_id)
    raise ValueError(f"what: {what!r} is not one of {', '.join(WHAT)}")


def export_file(
    session: Session, what: str, path: str | Path, *, event_id: int | None = None, fmt: str | None = None
) -> tuple[Path, int]:
    """Write one export to ``path`` as CSV or XLSX (``fmt``, default from the suffix).

    Returns the path written (the suffix follows ``fmt``) and the number of rows.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"format: {fmt!r} is not csv or xlsx")
    if path.suffix.lower() != f".{fmt}":
        path = path.with_suffix(f".{fmt}")
    if event_id is not None and session.get(Event, event_id) is None:
        raise LookupError(f"event: no event with id {event_id}")
    headers, rows = export_table(session, what, event_id=event_id)
    write_sheet(path, headers, rows)
    return path, len(rows)


__all__ = ["WHAT", "export_file", "export_table"]
