"""Registrations and the event day: list, register, walk-ins, check-in and -out, no-shows.

Who counts as present is decided in one place, :mod:`models.participation`; the event-day
row (:class:`api.schemas.RegistrationView`) shows the same answer.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.schemas import RegistrationView, WalkIn
from api.workflows.common import now, retrying
from api.workflows.errors import ConflictError, FieldError, NotFoundError
from api.workflows.organisations import get_organisation
from api.workflows.people import get_person, in_organisations
from models import crud
from models.access import Organiser
from models.entities import Event, Organisation, Person, PersonCreate, Registration
from models.participation import is_present
from models.types import new_link_nonce
from models.validation import normalise_name


class Mark(StrEnum):
    """Event-day marks on a registration."""

    CHECK_IN = "check-in"
    CHECK_OUT = "check-out"
    NO_SHOW = "no-show"
    CANCEL = "cancel"
    RESTORE = "restore"


def _statement() -> Any:
    return (
        select(Registration, Person, Organisation)
        .join(Person, col(Person.id) == col(Registration.person_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
    )


def _view(row: tuple[Registration, Person, Organisation | None]) -> RegistrationView:
    registration, person, organisation = row
    checked_out = registration.checked_out_at
    assert registration.id is not None and person.id is not None
    return RegistrationView(
        id=registration.id,
        event_id=registration.event_id,
        person_id=person.id,
        person_name=person.name,
        organisation_id=organisation.id if organisation else None,
        organisation_name=organisation.name if organisation else None,
        sector=organisation.sector if organisation else None,
        source=registration.source,
        cancelled=registration.cancelled,
        checked_in_at=registration.checked_in_at,
        checked_out_at=checked_out,
        no_show=registration.no_show,
        present=registration.checked_in_at is not None and checked_out is None and not registration.cancelled,
        pinned_table=registration.pinned_table,
        facilitator=registration.facilitator,
    )


def list_registrations(
    *,
    session: Session,
    event_id: int,
    present: bool | None = None,
    source: str | None = None,
    include_cancelled: bool = False,
    sector: str | None = None,
    region: str | None = None,
    theme: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[RegistrationView], int]:
    """The event's registrations as event-day rows, in registration order, filtered."""
    conditions: list[Any] = [Registration.event_id == event_id]
    if not include_cancelled:
        conditions.append(col(Registration.cancelled).is_(False))
    if source is not None:
        conditions.append(Registration.source == source)
    if present is not None:
        conditions.append(is_present() if present else sa.not_(is_present()))
    by_organisation = in_organisations(sector, region, theme)
    if by_organisation:
        conditions.append(col(Registration.person_id).in_(select(Person.id).where(*by_organisation)))
    statement = _statement().where(*conditions).order_by(col(Registration.id))
    rows, total = crud.page(session, statement, offset=offset, limit=limit)
    return [_view(row) for row in rows], total


def registration_view(*, session: Session, event_id: int, person_id: int) -> RegistrationView:
    """One registration as an event-day row, or :class:`NotFoundError`."""
    row = session.exec(
        _statement().where(Registration.event_id == event_id, Registration.person_id == person_id)
    ).first()
    if row is None:
        raise NotFoundError("registration not found")
    return _view(row)


def register_person(
    *, session: Session, organiser: Organiser | None, event: Event, person_id: int, source: str
) -> RegistrationView:
    """Register a person the organiser can see; registering again restores a cancelled one."""
    person = get_person(session=session, organiser=organiser, person_id=person_id)
    assert event.id is not None and person.id is not None
    event_id, pid = event.id, person.id

    def work() -> None:
        found = crud.find_registration(session=session, event_id=event_id, person_id=pid)
        if found is None:
            session.add(Registration(person_id=pid, event_id=event_id, source=source))
        else:
            found.cancelled = False
            session.add(found)
        session.commit()

    retrying(session, work)
    return registration_view(session=session, event_id=event_id, person_id=pid)


def _apply(mark: Mark, registration: Registration) -> None:
    if mark is Mark.CHECK_IN:
        if registration.checked_in_at is None:
            registration.checked_in_at = now()
        registration.cancelled = False
        registration.checked_out_at, registration.no_show = None, False
    elif mark is Mark.CHECK_OUT:
        if registration.checked_in_at is None:
            raise ConflictError("check-out: this person has not checked in")
        registration.checked_out_at = registration.checked_out_at or now()
    elif mark is Mark.NO_SHOW:
        if registration.checked_in_at is not None:
            raise ConflictError("no-show: this person has checked in")
        registration.no_show = True
    else:
        if mark is Mark.CANCEL and not registration.cancelled:
            registration.link_nonce = new_link_nonce()  # cancelling revokes the person's links
        registration.cancelled = mark is Mark.CANCEL


def mark(*, session: Session, event_id: int, person_id: int, action: str) -> RegistrationView:
    """Event-day marks on a registration, each one short transaction.

    ``check-in`` keeps the first check-in time and clears check-out and no-show;
    ``check-out`` records when someone left; ``no-show`` marks a registered person who
    never came; ``cancel``/``restore`` flip the cancellation.
    """
    try:
        chosen = Mark(action)
    except ValueError:
        raise FieldError("action", f"{action!r} is not one of {', '.join(Mark)}") from None

    def work() -> None:
        registration = crud.find_registration(session=session, event_id=event_id, person_id=person_id)
        if registration is None:
            raise NotFoundError("registration not found")
        _apply(chosen, registration)
        session.add(registration)
        session.commit()

    retrying(session, work)
    return registration_view(session=session, event_id=event_id, person_id=person_id)


def _walk_in_organisation(session: Session, organiser: Organiser | None, walk_in: WalkIn) -> int:
    if walk_in.organisation_id is not None:
        get_organisation(session=session, organiser=organiser, organisation_id=walk_in.organisation_id)
        return walk_in.organisation_id
    details = walk_in.organisation
    assert details is not None
    found = crud.find_organisation(session=session, business_id=details.business_id, name=details.name)
    if found is None:
        found = Organisation.model_validate(details, update={"normalised_name": normalise_name(details.name)})
        session.add(found)
        session.flush()
    assert found.id is not None
    return found.id


def walk_in(
    *, session: Session, organiser: Organiser | None, event: Event, walk_in: WalkIn
) -> RegistrationView:
    """Add a walk-in in one transaction: the organisation if new, the person if new, the
    registration (source ``walk_in``), and the check-in. An existing person (same e-mail)
    keeps their record; an existing registration is restored and checked in.

    Two organisers adding people of one new organisation at the same moment both succeed:
    the loser of the insert race retries and finds the winner's row.
    """
    assert event.id is not None
    event_id = event.id
    details = walk_in.person

    def work() -> int:
        organisation_id = _walk_in_organisation(session, organiser, walk_in)
        person = crud.get_person_by_email(session=session, email=details.email)
        if person is None:
            person = Person.model_validate(
                PersonCreate(organisation_id=organisation_id, **details.model_dump())
            )
            session.add(person)
            session.flush()
        elif person.organisation_id is None:
            person.organisation_id = organisation_id
        assert person.id is not None
        registration = crud.find_registration(session=session, event_id=event_id, person_id=person.id)
        if registration is None:
            registration = Registration(person_id=person.id, event_id=event_id, source="walk_in")
        registration.cancelled = False
        if walk_in.check_in and registration.checked_in_at is None:
            registration.checked_in_at = now()
        session.add(registration)
        session.commit()
        return person.id

    person_id = retrying(session, work)
    return registration_view(session=session, event_id=event_id, person_id=person_id)
