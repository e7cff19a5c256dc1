"""What an organiser may see: the events they run, the people registered at those events,
and those people's organisations (plus organisations no one belongs to yet). Admins see
everything; ``organiser=None`` is the local operator at the command line, who has the
database itself and sees everything too. Anything out of scope is "not found", the same
answer as for something that does not exist.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.access import EventOrganiser, Organiser
from models.entities import Organisation, Person, Registration


def sees_everything(organiser: Organiser | None) -> bool:
    """Admins and the local operator (``None``) are not scoped."""
    return organiser is None or organiser.is_admin


def own_event_ids(organiser: Organiser) -> Any:
    """Subquery: ids of the events ``organiser`` runs."""
    return select(EventOrganiser.event_id).where(EventOrganiser.organiser_id == organiser.id)


def visible_person_ids(organiser: Organiser) -> Any:
    """Subquery: ids of people registered (even if cancelled) at the organiser's events."""
    return select(Registration.person_id).where(col(Registration.event_id).in_(own_event_ids(organiser)))


def visible_organisation(organiser: Organiser) -> sa.ColumnElement[bool]:
    """Condition on :class:`Organisation`: one of the organiser's people's, or nobody's yet."""
    with_people = select(Person.organisation_id).where(col(Person.organisation_id).is_not(None))
    mine = select(Person.organisation_id).where(col(Person.id).in_(visible_person_ids(organiser)))
    return sa.or_(col(Organisation.id).in_(mine), col(Organisation.id).not_in(with_people))


def organises(session: Session, organiser: Organiser, event_id: int) -> bool:
    """Whether ``organiser`` may see and change event ``event_id`` (admins: every event)."""
    if organiser.is_admin:
        return True
    return session.get(EventOrganiser, (event_id, organiser.id)) is not None
