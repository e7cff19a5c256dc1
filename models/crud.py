"""Keyword-only create/read/update/list helpers (FastAPI full-stack template style).

Each writer validates through the ``XCreate``/``XUpdate`` schema, commits and refreshes,
so a route handler is one call. Listing takes filters and ``offset``/``limit``;
``count_*`` gives the total for the same filters. The bulk spreadsheet import does not
use these (it batches its own statements in one transaction, see :mod:`models.importing`).

Example:
    >>> from models.db import make_engine, upgrade_database
    >>> engine = make_engine("sqlite://", poolclass=sa.pool.StaticPool)
    >>> upgrade_database(engine)
    >>> with Session(engine) as session:
    ...     org = create_organisation(session=session, organisation_in=OrganisationCreate(
    ...         name="Hoiva Oy", sector="private", themes=["home_care"]))
    ...     [o.name for o in list_organisations(session=session, theme="home_care")]
    ['Hoiva Oy']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from models.tables import (
    Event,
    EventCreate,
    EventUpdate,
    Organisation,
    OrganisationCreate,
    OrganisationUpdate,
    Person,
    PersonCreate,
    PersonUpdate,
    Registration,
    RegistrationCreate,
    RegistrationUpdate,
    Theme,
)
from models.validation import check_business_id, check_email, normalise_name

MAX_LIMIT = 1000
_M = TypeVar("_M")
_Row = TypeVar("_Row", Organisation, Person, Event, Registration)


def _page(statement: SelectOfScalar[_M], offset: int, limit: int) -> SelectOfScalar[_M]:
    if offset < 0:
        raise ValueError(f"offset: {offset} must be 0 or more")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit: {limit} must be between 1 and {MAX_LIMIT}")
    return statement.offset(offset).limit(limit)


def json_list_contains(column: Any, value: str) -> sa.ColumnElement[bool]:
    """A portable "this JSON list of strings holds ``value``" condition (SQLite and PostgreSQL).

    The list is stored as JSON text, so the quoted value appears in it exactly when it is an
    element; codes contain no quotes or backslashes.
    """
    if any(ch in value for ch in '"\\'):
        raise ValueError(f"{value!r} is not a code (it has quotes or backslashes)")
    return sa.cast(column, sa.Text).contains(f'"{value}"', autoescape=True)


def _save(session: Session, row: _Row) -> _Row:
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
    return _save(session, row)


def get_organisation(*, session: Session, organisation_id: int) -> Organisation | None:
    """The organisation with this id, or None."""
    return session.get(Organisation, organisation_id)


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
    return _save(session, db_organisation)


def _organisation_filters(statement: Any, sector: str | None, region: str | None, theme: str | None) -> Any:
    if sector is not None:
        statement = statement.where(Organisation.sector == sector)
    if region is not None:
        statement = statement.where(Organisation.region == region)
    if theme is not None:
        statement = statement.where(json_list_contains(Organisation.themes, theme))
    return statement


def list_organisations(
    *,
    session: Session,
    sector: str | None = None,
    region: str | None = None,
    theme: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Sequence[Organisation]:
    """Organisations by name, filtered by sector, region and theme code."""
    statement = _organisation_filters(select(Organisation), sector, region, theme)
    return session.exec(_page(statement.order_by(Organisation.name, Organisation.id), offset, limit)).all()


def count_organisations(
    *, session: Session, sector: str | None = None, region: str | None = None, theme: str | None = None
) -> int:
    """How many organisations :func:`list_organisations` would page through."""
    statement = _organisation_filters(select(func.count()).select_from(Organisation), sector, region, theme)
    return int(session.exec(statement).one())


# --------------------------------------------------------------------------- people


def create_person(*, session: Session, person_in: PersonCreate) -> Person:
    """Insert a person (e-mail lower-cased by the schema; a second one with it fails)."""
    return _save(session, Person.model_validate(person_in))


def get_person(*, session: Session, person_id: int) -> Person | None:
    """The person with this id, or None."""
    return session.get(Person, person_id)


def get_person_by_email(*, session: Session, email: str) -> Person | None:
    """The person with this e-mail address (any case), or None."""
    return session.exec(select(Person).where(Person.email == check_email(email))).first()


def update_person(*, session: Session, db_person: Person, person_in: PersonUpdate) -> Person:
    """Change the fields given in ``person_in``."""
    db_person.sqlmodel_update(person_in.model_dump(exclude_unset=True))
    return _save(session, db_person)


def _people_filters(
    statement: Any,
    event_id: int | None,
    organisation_id: int | None,
    sector: str | None,
    region: str | None,
    theme: str | None,
) -> Any:
    if event_id is not None:
        statement = statement.join(Registration, col(Registration.person_id) == col(Person.id)).where(
            Registration.event_id == event_id, col(Registration.cancelled).is_(False)
        )
    if organisation_id is not None:
        statement = statement.where(Person.organisation_id == organisation_id)
    if sector is not None or region is not None or theme is not None:
        statement = statement.join(Organisation, col(Organisation.id) == col(Person.organisation_id))
        statement = _organisation_filters(statement, sector, region, theme)
    return statement


def list_people(
    *,
    session: Session,
    event_id: int | None = None,
    organisation_id: int | None = None,
    sector: str | None = None,
    region: str | None = None,
    theme: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Sequence[Person]:
    """People by name; ``event_id`` keeps those registered (not cancelled) to that event;
    sector, region and theme filter by their organisation."""
    statement = _people_filters(select(Person), event_id, organisation_id, sector, region, theme)
    return session.exec(_page(statement.order_by(Person.name, Person.id), offset, limit)).all()


def count_people(
    *,
    session: Session,
    event_id: int | None = None,
    organisation_id: int | None = None,
    sector: str | None = None,
    region: str | None = None,
    theme: str | None = None,
) -> int:
    """How many people :func:`list_people` would page through."""
    statement = _people_filters(
        select(func.count()).select_from(Person), event_id, organisation_id, sector, region, theme
    )
    return int(session.exec(statement).one())


# --------------------------------------------------------------------------- events


def create_event(*, session: Session, event_in: EventCreate) -> Event:
    """Insert an event."""
    return _save(session, Event.model_validate(event_in))


def get_event(*, session: Session, event_id: int) -> Event | None:
    """The event with this id, or None."""
    return session.get(Event, event_id)


def get_event_by_name(*, session: Session, name: str) -> Event | None:
    """The first event (lowest id) with exactly this name, or None."""
    return session.exec(select(Event).where(Event.name == name).order_by(col(Event.id))).first()


def update_event(*, session: Session, db_event: Event, event_in: EventUpdate) -> Event:
    """Change the fields given in ``event_in``."""
    db_event.sqlmodel_update(event_in.model_dump(exclude_unset=True))
    return _save(session, db_event)


def list_events(
    *,
    session: Session,
    status: str | None = None,
    region: str | None = None,
    theme: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Sequence[Event]:
    """Events, newest date first (undated last), filtered by status, region and theme."""
    statement = select(Event)
    if status is not None:
        statement = statement.where(Event.status == status)
    if region is not None:
        statement = statement.where(Event.region == region)
    if theme is not None:
        statement = statement.where(json_list_contains(Event.themes, theme))
    order = (col(Event.date).is_(None), col(Event.date).desc(), col(Event.id))
    return session.exec(_page(statement.order_by(*order), offset, limit)).all()


# --------------------------------------------------------------------------- registrations


def register(*, session: Session, registration_in: RegistrationCreate) -> Registration:
    """Register a person to an event. Registering again updates the one row: it is
    un-cancelled, and the fields given explicitly (e.g. ``source``) change."""
    existing = get_registration(
        session=session, person_id=registration_in.person_id, event_id=registration_in.event_id
    )
    if existing is None:
        return _save(session, Registration.model_validate(registration_in))
    existing.sqlmodel_update(registration_in.model_dump(exclude_unset=True))
    existing.cancelled = registration_in.cancelled
    return _save(session, existing)


def get_registration(*, session: Session, person_id: int, event_id: int) -> Registration | None:
    """The registration of this person to this event, or None."""
    statement = select(Registration).where(
        Registration.person_id == person_id, Registration.event_id == event_id
    )
    return session.exec(statement).first()


def update_registration(
    *, session: Session, db_registration: Registration, registration_in: RegistrationUpdate
) -> Registration:
    """Change the fields given (check in, cancel, change source)."""
    db_registration.sqlmodel_update(registration_in.model_dump(exclude_unset=True))
    return _save(session, db_registration)


def list_registrations(
    *,
    session: Session,
    event_id: int,
    include_cancelled: bool = False,
    checked_in: bool | None = None,
    source: str | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> Sequence[Registration]:
    """Registrations of one event in id order; cancelled ones only if asked."""
    statement = select(Registration).where(Registration.event_id == event_id)
    if not include_cancelled:
        statement = statement.where(col(Registration.cancelled).is_(False))
    if checked_in is not None:
        checked = col(Registration.checked_in_at)
        statement = statement.where(checked.is_not(None) if checked_in else checked.is_(None))
    if source is not None:
        statement = statement.where(Registration.source == source)
    return session.exec(_page(statement.order_by(col(Registration.id)), offset, limit)).all()


def count_registrations(*, session: Session, event_id: int, include_cancelled: bool = False) -> int:
    """How many people are registered to the event (cancelled ones only if asked)."""
    statement = select(func.count()).select_from(Registration).where(Registration.event_id == event_id)
    if not include_cancelled:
        statement = statement.where(col(Registration.cancelled).is_(False))
    return int(session.exec(statement).one())


# --------------------------------------------------------------------------- themes


def list_themes(*, session: Session, kind: str | None = None) -> Sequence[Theme]:
    """The taxonomy as seeded: themes and cooperation types, in seeding order."""
    statement = select(Theme)
    if kind is not None:
        statement = statement.where(Theme.kind == kind)
    return session.exec(statement.order_by(col(Theme.id))).all()
