"""Who takes part in an event: the one place that decides it, for every face of the service.

Before the event everyone registered takes part (cancelled registrations never do). On the
day, "present" means checked in and not checked out: people who have left get no new
suggestions, seats or meetings. The API and the CLI both read the population through
:func:`participants` (or :func:`models.profiles.event_profiles`), so they cannot disagree.

Example:
    >>> import sqlalchemy as sa
    >>> from models.db import make_engine, upgrade_database
    >>> engine = make_engine("sqlite://", poolclass=sa.pool.StaticPool)
    >>> upgrade_database(engine)
    >>> with Session(engine) as session:
    ...     participant_ids(session, 1, present_only=True)
    []
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models.entities import Registration


def checked_out() -> sa.ColumnElement[bool]:
    """True for a registration whose person has checked out."""
    return col(Registration.checked_out_at).is_not(None)


def is_present() -> sa.ColumnElement[bool]:
    """True for a registration whose person is in the room: checked in, not checked out, not
    cancelled."""
    return sa.and_(
        col(Registration.cancelled).is_(False),
        col(Registration.checked_in_at).is_not(None),
        sa.not_(checked_out()),
    )


def participants(event_id: int, *, present_only: bool) -> SelectOfScalar[Registration]:
    """The registrations that take part, in registration order: everyone not cancelled, or
    (``present_only``) only those present now."""
    condition = is_present() if present_only else col(Registration.cancelled).is_(False)
    return (
        select(Registration)
        .where(Registration.event_id == event_id, condition)
        .order_by(col(Registration.id))
    )


def participant_ids(session: Session, event_id: int, *, present_only: bool) -> list[int]:
    """Person ids of :func:`participants`, in registration order."""
    return [r.person_id for r in session.exec(participants(event_id, present_only=present_only)).all()]
