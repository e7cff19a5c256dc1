"""Tours: create one, add and remove its events, list the caller's, and find one for the
command line.

An organiser sees the tours they created and adds only events they run; admins and the local
operator (``organiser=None``) see every tour. A tour that is out of scope is "not found", the
same answer as one that does not exist. An event is on at most one tour: adding it to a
second one is a conflict naming the first; adding it again to the same tour changes nothing.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.workflows.errors import ConflictError, NotFoundError
from api.workflows.events import require_event
from api.workflows.scope import organises, sees_everything
from models.access import Organiser
from models.crud import page
from models.entities import Event
from models.tours import Tour, TourCreate, TourEvent, TourPublic


def tour_event_ids(*, session: Session, tour_id: int) -> list[int]:
    """The tour's events in tour order: by date (undated last), then id."""
    statement = (
        select(Event.id)
        .join(TourEvent, col(TourEvent.event_id) == col(Event.id))
        .where(TourEvent.tour_id == tour_id)
        .order_by(col(Event.date).is_(None), col(Event.date), col(Event.id))
    )
    return [int(i) for i in session.exec(statement).all() if i is not None]


def tour_public(session: Session, tour: Tour) -> TourPublic:
    """The tour as the API shows it, with its events in order."""
    assert tour.id is not None
    return TourPublic(
        id=tour.id,
        name=tour.name,
        description=tour.description,
        created_at=tour.created_at,
        event_ids=tour_event_ids(session=session, tour_id=tour.id),
    )


def create_tour(*, session: Session, organiser: Organiser | None, tour_in: TourCreate) -> Tour:
    """A new, empty tour of ``organiser``'s (the local operator's has no organiser)."""
    tour = Tour.model_validate(tour_in, update={"organiser_id": organiser.id if organiser else None})
    session.add(tour)
    session.commit()
    session.refresh(tour)
    return tour


def require_tour(*, session: Session, organiser: Organiser | None, tour_id: int) -> Tour:
    """The tour, if the caller may see it; :class:`NotFoundError` naming the id otherwise."""
    tour = session.get(Tour, tour_id)
    if tour is None or not (sees_everything(organiser) or (organiser and tour.organiser_id == organiser.id)):
        raise NotFoundError(f"tour: no tour with id {tour_id}")
    return tour


def list_tours(
    *, session: Session, organiser: Organiser | None, offset: int = 0, limit: int = 50
) -> tuple[list[Tour], int]:
    """The caller's tours (admins and the local operator: all), newest first."""
    statement = select(Tour).order_by(col(Tour.id).desc())
    if not sees_everything(organiser):
        assert organiser is not None
        statement = statement.where(Tour.organiser_id == organiser.id)
    return page(session, statement, offset=offset, limit=limit)


def _own_event(session: Session, organiser: Organiser | None, event_id: int) -> Event:
    if organiser is not None and not organises(session, organiser, event_id):
        raise NotFoundError(f"event: no event with id {event_id}")
    return require_event(session=session, event_id=event_id)


def add_tour_event(*, session: Session, organiser: Organiser | None, tour_id: int, event_id: int) -> Tour:
    """Put the event on the tour (again: nothing changes; on another tour: a conflict)."""
    tour = require_tour(session=session, organiser=organiser, tour_id=tour_id)
    _own_event(session, organiser, event_id)
    link = session.get(TourEvent, event_id)
    if link is not None and link.tour_id != tour_id:
        raise ConflictError(f"event {event_id} is already on tour {link.tour_id}; remove it there first")
    if link is None:
        session.add(TourEvent(event_id=event_id, tour_id=tour_id))
        session.commit()
    return tour


def remove_tour_event(*, session: Session, organiser: Organiser | None, tour_id: int, event_id: int) -> Tour:
    """Take the event off the tour (not on it: a :class:`NotFoundError`)."""
    tour = require_tour(session=session, organiser=organiser, tour_id=tour_id)
    _own_event(session, organiser, event_id)
    link = session.get(TourEvent, event_id)
    if link is None or link.tour_id != tour_id:
        raise NotFoundError(f"event: event {event_id} is not on tour {tour_id}")
    session.delete(link)
    session.commit()
    return tour


def tour_of_event(*, session: Session, event_id: int) -> int | None:
    """The id of the tour the event is on, if any."""
    link = session.get(TourEvent, event_id)
    return link.tour_id if link is not None else None


def find_tour(*, session: Session, tour: str) -> Tour:
    """The tour given by id (digits) or by exact name, for the command line."""
    found = session.get(Tour, int(tour)) if tour.strip().isdigit() else None
    if found is None:
        found = session.exec(select(Tour).where(Tour.name == tour).order_by(col(Tour.id))).first()
    if found is None:
        raise NotFoundError(f"--tour: no tour with id or name {tour!r} (see `kohtaamo tour list`)")
    return found
