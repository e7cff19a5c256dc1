"""Events: create (the creator runs it), list the caller's, change, co-organisers, and find
one by id or name for the command line."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from api.workflows.common import check_no_nulls
from api.workflows.errors import NotFoundError
from api.workflows.scope import own_event_ids, sees_everything
from models.access import EventOrganiser, Organiser
from models.crud import json_list_contains, page
from models.crud import update_event as crud_update_event
from models.entities import Event, EventCreate, EventUpdate
from models.validation import check_email


def create_event(*, session: Session, organiser: Organiser | None, event_in: EventCreate) -> Event:
    """Create an event run by ``organiser`` (in one transaction with the link; the local
    operator's events have no organiser until one is added)."""
    event = Event.model_validate(event_in)
    session.add(event)
    session.flush()
    assert event.id is not None
    if organiser is not None:
        assert organiser.id is not None
        session.add(EventOrganiser(event_id=event.id, organiser_id=organiser.id))
    session.commit()
    session.refresh(event)
    return event


def list_events(
    *,
    session: Session,
    organiser: Organiser | None,
    status: str | None = None,
    region: str | None = None,
    theme: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Event], int]:
    """The events the organiser runs (admins and the local operator: all), newest first."""
    conditions: list[Any] = []
    if not sees_everything(organiser):
        assert organiser is not None
        conditions.append(col(Event.id).in_(own_event_ids(organiser)))
    if status is not None:
        conditions.append(Event.status == status)
    if region is not None:
        conditions.append(Event.region == region)
    if theme is not None:
        conditions.append(json_list_contains(Event.themes, theme))
    order = (col(Event.date).is_(None), col(Event.date).desc(), col(Event.id))
    return page(session, select(Event).where(*conditions).order_by(*order), offset=offset, limit=limit)


def update_event(*, session: Session, event: Event, event_in: EventUpdate) -> Event:
    """Change the fields given (``null`` only where a field may be empty)."""
    check_no_nulls(event_in, Event)
    return crud_update_event(session=session, db_event=event, event_in=event_in)


def add_event_organiser(*, session: Session, event: Event, email: str) -> list[Organiser]:
    """Let the organiser with ``email`` run ``event`` too; returns the event's organisers."""
    organiser = session.exec(select(Organiser).where(Organiser.email == check_email(email))).first()
    if organiser is None or not organiser.active:
        raise NotFoundError(f"email: no active organiser with {email!r}")
    assert event.id is not None and organiser.id is not None
    if session.get(EventOrganiser, (event.id, organiser.id)) is None:
        session.add(EventOrganiser(event_id=event.id, organiser_id=organiser.id))
        session.commit()
    return event_organisers(session=session, event_id=event.id)


def event_organisers(*, session: Session, event_id: int) -> list[Organiser]:
    """The organisers who run the event."""
    statement = (
        select(Organiser)
        .join(EventOrganiser, col(EventOrganiser.organiser_id) == col(Organiser.id))
        .where(EventOrganiser.event_id == event_id)
        .order_by(col(Organiser.id))
    )
    return list(session.exec(statement).all())


def require_event(*, session: Session, event_id: int) -> Event:
    """The event with this id, or :class:`NotFoundError` naming the id."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFoundError(f"event: no event with id {event_id}")
    return event


def find_event(*, session: Session, event: str) -> Event:
    """The event given by id (digits) or by exact name; unknown is an error naming it.

    Example: ``find_event(session=s, event="Soteuttamo Kanta-Häme 2026")``.
    """
    found = session.get(Event, int(event)) if event.strip().isdigit() else None
    if found is None:
        found = session.exec(select(Event).where(Event.name == event).order_by(col(Event.id))).first()
    if found is None:
        raise NotFoundError(f"--event: no event with id or name {event!r} (see `kohtaamo event list`)")
    return found
