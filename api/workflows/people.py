"""Participants an organiser may see (people registered at their events): list, read,
create at an event, change."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from api.workflows.common import check_no_nulls
from api.workflows.errors import ConflictError, NotFoundError
from api.workflows.organisations import get_organisation
from api.workflows.scope import sees_everything, visible_person_ids
from models import crud
from models.access import Organiser
from models.entities import Event, Organisation, Person, PersonCreate, PersonUpdate, Registration


def in_organisations(sector: str | None, region: str | None, theme: str | None) -> list[Any]:
    """Conditions on :class:`Person`: their organisation passes the taxonomy filters given."""
    conditions = crud.organisation_filters(sector=sector, region=region, theme=theme)
    if not conditions:
        return []
    return [col(Person.organisation_id).in_(select(Organisation.id).where(*conditions))]


def list_people(
    *,
    session: Session,
    organiser: Organiser | None,
    event_id: int | None = None,
    organisation_id: int | None = None,
    sector: str | None = None,
    region: str | None = None,
    theme: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Person], int]:
    """People registered at the organiser's events (admins: everyone), by name, filtered;
    ``event_id`` keeps those registered there (not cancelled)."""
    conditions: list[Any] = in_organisations(sector, region, theme)
    if not sees_everything(organiser):
        assert organiser is not None
        conditions.append(col(Person.id).in_(visible_person_ids(organiser)))
    if event_id is not None:
        at_event = select(Registration.person_id).where(
            Registration.event_id == event_id, col(Registration.cancelled).is_(False)
        )
        conditions.append(col(Person.id).in_(at_event))
    if organisation_id is not None:
        conditions.append(Person.organisation_id == organisation_id)
    statement = select(Person).where(*conditions).order_by(Person.name, col(Person.id))
    return crud.page(session, statement, offset=offset, limit=limit)


def get_person(*, session: Session, organiser: Organiser | None, person_id: int) -> Person:
    """One person in the organiser's scope, else :class:`NotFoundError`."""
    statement = select(Person).where(Person.id == person_id)
    if not sees_everything(organiser):
        assert organiser is not None
        statement = statement.where(col(Person.id).in_(visible_person_ids(organiser)))
    found = session.exec(statement).first()
    if found is None:
        raise NotFoundError("person not found")
    return found


def check_organisation_reference(
    *, session: Session, organiser: Organiser | None, organisation_id: int | None
) -> None:
    """A person may only be attached to an organisation the organiser can see."""
    if organisation_id is not None:
        get_organisation(session=session, organiser=organiser, organisation_id=organisation_id)


def create_person_at_event(
    *, session: Session, organiser: Organiser | None, event: Event, person_in: PersonCreate
) -> Person:
    """Create a person and pre-register them at ``event`` in one transaction."""
    check_organisation_reference(
        session=session, organiser=organiser, organisation_id=person_in.organisation_id
    )
    if crud.get_person_by_email(session=session, email=person_in.email) is not None:
        raise ConflictError(f"email: a person with {person_in.email!r} already exists; register them by id")
    person = Person.model_validate(person_in)
    session.add(person)
    session.flush()
    assert person.id is not None and event.id is not None
    session.add(Registration(person_id=person.id, event_id=event.id, source="pre_registered"))
    session.commit()
    session.refresh(person)
    return person


def update_person(
    *, session: Session, organiser: Organiser | None, person_id: int, person_in: PersonUpdate
) -> Person:
    """Change a person in the organiser's scope; a new organisation must be one they see."""
    person = get_person(session=session, organiser=organiser, person_id=person_id)
    if "organisation_id" in person_in.model_fields_set:
        check_organisation_reference(
            session=session, organiser=organiser, organisation_id=person_in.organisation_id
        )
    check_no_nulls(person_in, Person)
    return crud.update_person(session=session, db_person=person, person_in=person_in)
