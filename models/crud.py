"""Keyword-only building blocks over the tables (FastAPI full-stack template style).

The API's and CLI's workflows (``api/workflows/``) compose these: one pagination helper
(:func:`page`), one set of taxonomy filters (:func:`organisation_filters`), and the
create/find/update helpers that validate through the ``XCreate``/``XUpdate`` schemas and
commit. The bulk spreadsheet import does not use them (it batches its own statements in one
transaction, see :mod:`models.imports`).

Example:
    >>> from models.db import make_engine, upgrade_database
    >>> engine = make_engine("sqlite://", poolclass=sa.pool.StaticPool)
    >>> upgrade_database(engine)
    >>> with Session(engine) as session:
    ...     org = create_organisation(session=session, organisation_in=OrganisationCreate(
    ...         name="Hoiva Oy", sector="private", themes=["home_care"]))
    ...     rows, total = page(session, select(Organisation).where(
    ...         *organisation_filters(theme="home_care")), offset=0, limit=10)
    ...     [o.name for o in rows], total
    (['Hoiva Oy'], 1)
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from models.entities import (
    Event,
    EventCreate,
    EventUpdate,
    Organisation,
    OrganisationCreate,
    OrganisationUpdate,
    Person,
    PersonUpdate,
    Registration,
)
from models.validation import check_business_id, check_email, normalise_name

MAX_LIMIT = 1000
_M = TypeVar("_M")
_Row = TypeVar("_Row", bound=SQLModel)


def page(session: Session, statement: SelectOfScalar[_M], *, offset: int, limit: int) -> tuple[list[_M], int]:
    """One page of ``statement``'s rows and the total over all pages (the same filters).

    Example: ``rows, total = page(session, select(Event), offset=0, limit=50)``.
    """
    if offset < 0:
        raise ValueError(f"offset: {offset} must be 0 or more")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit: {limit} must be between 1 and {MAX_LIMIT}")
    rows = list(session.exec(statement.offset(offset).limit(limit)).all())
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return rows, int(session.exec(counted).one())


def json_list_contains(column: Any, value: str) -> sa.ColumnElement[bool]:
    """A portable "this JSON list of strings holds ``value``" condition (SQLite and PostgreSQL).

    The list is stored as JSON text, so the quoted value appears in it exactly when it is an
    element; codes contain no quotes or backslashes.
    """
    if any(ch in value for ch in '"\\'):
        raise ValueError(f"{value!r} is not a code (it has quotes or backslashes)")
    return sa.cast(column, sa.Text).contains(f'"{value}"', autoescape=True)


def organisation_filters(
    *, sector: str | None = None, region: str | None = None, theme: str | None = None, q: str | None = None
) -> list[sa.ColumnElement[bool]]:
    """Conditions on :class:`Organisation` for the filters given (``q``: part of the name).

    Example: ``select(Organisation).where(*organisation_filters(sector="public"))``.
    """
    conditions: list[sa.ColumnElement[bool]] = []
    if sector is not None:
        conditions.append(col(Organisation.sector) == sector)
    if region is not None:
        conditions.append(col(Organisation.region) == region)
    if theme is not None:
        conditions.append(json_list_contains(Organisation.themes, theme))
    if q:
        conditions.append(col(Organisation.normalised_name).contains(normalise_name(q), autoescape=True))
    return conditions


def save(session: Session, row: _Row) -> _Row:
    """Add, commit and refresh ``row``."""
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


# --------------------------------------------------------------------------- organisations


def create_organisation(*, session: Session, organisation_in: OrganisationCreate) -> Organisation:
    """Insert an organisation; its ``normalised_name`` key is derived from the name."""
    row = Organisation.model_validate(
        organisation_in, update={"normalised_name": normalise_name(organisation_in.name)}
    )
    return save(session, row)


def find_organisation(
    *, session: Session, business_id: str | None = None, name: str | None = None
) -> Organisation | None:
    """The organisation with this business ID, else with this (normalised) name, else None.

    Example: ``find_organisation(session=s, name="HOIVA oy")`` finds "Hoiva Oy".
    """
    if business_id:
        found = session.exec(
            select(Organisation).where(Organisation.business_id == check_business_id(business_id))
        ).first()
        if found is not None:
            return found
    if name:
        return session.exec(
            select(Organisation).where(Organisation.normalised_name == normalise_name(name))
        ).first()
    return None


def update_organisation(
    *, session: Session, db_organisation: Organisation, organisation_in: OrganisationUpdate
) -> Organisation:
    """Change the fields given in ``organisation_in``; the name key follows the name."""
    data = organisation_in.model_dump(exclude_unset=True)
    if data.get("name") is not None:
        data["normalised_name"] = normalise_name(data["name"])
    db_organisation.sqlmodel_update(data)
    return save(session, db_organisation)


# --------------------------------------------------------------------------- people


def get_person_by_email(*, session: Session, email: str) -> Person | None:
    """The person with this e-mail address (any case), or None."""
    return session.exec(select(Person).where(Person.email == check_email(email))).first()


def update_person(*, session: Session, db_person: Person, person_in: PersonUpdate) -> Person:
    """Change the fields given in ``person_in``."""
    db_person.sqlmodel_update(person_in.model_dump(exclude_unset=True))
    return save(session, db_person)


# --------------------------------------------------------------------------- events and registrations


def create_event(*, session: Session, event_in: EventCreate) -> Event:
    """Insert an event."""
    return save(session, Event.model_validate(event_in))


def update_event(*, session: Session, db_event: Event, event_in: EventUpdate) -> Event:
    """Change the fields given in ``event_in``."""
    db_event.sqlmodel_update(event_in.model_dump(exclude_unset=True))
    return save(session, db_event)


def find_registration(*, session: Session, event_id: int, person_id: int) -> Registration | None:
    """The registration of this person at this event (cancelled or not), or None."""
    statement = select(Registration).where(
        Registration.event_id == event_id, Registration.person_id == person_id
    )
    return session.exec(statement).first()


def count_registrations(*, session: Session, event_id: int) -> int:
    """How many people are registered at the event (cancelled registrations not counted)."""
    statement = (
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event_id, col(Registration.cancelled).is_(False))
    )
    return int(session.exec(statement).one())
