"""What organisers and participants ask of the seating: meeting requests (who asked to meet
whom, for the 1:1 rounds) and pairs who must never share a workshop table.

A meeting request is directed: ``requester_id`` asked to meet ``requested_id``; when the
other direction is stored too, the request is mutual and the planner puts it first. It is
unique per event and (requester, requested), so asking twice finds the same row. An apart
pair is unordered and stored with the smaller person id first, so (a, b) and (b, a) are one
row. Pins (a host who stays at one table) and facilitators (spread one per table) are
columns of the registration (:class:`models.entities.Registration`).

Example:
    >>> ApartPairCreate(person_a_id=9, person_b_id=4).person_a_id
    4
    >>> MeetingRequestCreate(requester_id=3, requested_id=3)
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for MeetingRequestCreate
    ...
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import model_validator
from sqlmodel import Field, Session, SQLModel, col, select

from models.types import StrEnumColumn, UTCDateTime, one_of, utc_now

MAX_ID = 2**31 - 1


class RequestSource(StrEnum):
    """Who stored a meeting request: the organiser (API, CLI, dashboard) or the participant
    (from their own link)."""

    ORGANISER = "organiser"
    PARTICIPANT = "participant"


class MeetingRequestBase(SQLModel):
    """``requester_id`` asked to meet ``requested_id`` (person ids)."""

    requester_id: int = Field(ge=1, le=MAX_ID, description="The person who asked (person id).")
    requested_id: int = Field(ge=1, le=MAX_ID, description="The person they asked to meet.")

    @model_validator(mode="after")
    def _not_self(self) -> MeetingRequestBase:
        if self.requester_id == self.requested_id:
            raise ValueError(f"requested_id: a person cannot ask to meet themselves ({self.requester_id})")
        return self


class MeetingRequest(MeetingRequestBase, table=True):
    """One stored request (see the module docstring)."""

    __tablename__ = "meeting_request"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "requester_id", "requested_id", name="uq_meeting_request_pair"),
        sa.CheckConstraint("requester_id <> requested_id", name="not_self"),
        sa.CheckConstraint(one_of("source", tuple(RequestSource)), name="source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    requester_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    requested_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    source: RequestSource = Field(sa_type=StrEnumColumn(RequestSource, 16))
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class MeetingRequestCreate(MeetingRequestBase):
    """An organiser's request on someone's behalf; ``mutual`` stores both directions."""

    mutual: bool = Field(default=False, description="Both asked: store the request in both directions.")


class MeetingRequestPublic(MeetingRequestBase):
    """A stored request as the API shows it."""

    id: int
    event_id: int
    source: RequestSource
    created_at: datetime


class ApartPairBase(SQLModel):
    """Two people who must never share a workshop table (person ids, smaller first)."""

    person_a_id: int = Field(ge=1, le=MAX_ID)
    person_b_id: int = Field(ge=1, le=MAX_ID)

    @model_validator(mode="after")
    def _ordered(self) -> ApartPairBase:
        if self.person_a_id == self.person_b_id:
            raise ValueError(
                f"person_b_id: a person cannot be kept apart from themselves ({self.person_a_id})"
            )
        if self.person_a_id > self.person_b_id:
            self.person_a_id, self.person_b_id = self.person_b_id, self.person_a_id
        return self


class ApartPair(ApartPairBase, table=True):
    """One stored pair (see the module docstring)."""

    __tablename__ = "apart_pair"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "person_a_id", "person_b_id", name="uq_apart_pair_pair"),
        sa.CheckConstraint("person_a_id < person_b_id", name="ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    person_a_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    person_b_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ApartPairCreate(ApartPairBase):
    pass


class ApartPairPublic(ApartPairBase):
    """A stored pair as the API shows it."""

    id: int
    event_id: int
    created_at: datetime


# --------------------------------------------------------------------------- CRUD


def find_meeting_request(
    *, session: Session, event_id: int, requester_id: int, requested_id: int
) -> MeetingRequest | None:
    """The stored request of ``requester_id`` to meet ``requested_id`` at the event, if any."""
    return session.exec(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event_id,
            MeetingRequest.requester_id == requester_id,
            MeetingRequest.requested_id == requested_id,
        )
    ).first()


def add_meeting_request(
    *, session: Session, event_id: int, requester_id: int, requested_id: int, source: RequestSource
) -> tuple[MeetingRequest, bool]:
    """The request, stored if new (flushed, not committed), and whether it was new. Asking
    again keeps the first row and its source."""
    found = find_meeting_request(
        session=session, event_id=event_id, requester_id=requester_id, requested_id=requested_id
    )
    if found is not None:
        return found, False
    row = MeetingRequest(
        event_id=event_id, requester_id=requester_id, requested_id=requested_id, source=source
    )
    session.add(row)
    session.flush()
    return row, True


def event_meeting_requests(
    *, session: Session, event_id: int, requester_id: int | None = None
) -> list[MeetingRequest]:
    """The event's requests in the order they were made (only ``requester_id``'s, if given)."""
    statement = select(MeetingRequest).where(MeetingRequest.event_id == event_id)
    if requester_id is not None:
        statement = statement.where(MeetingRequest.requester_id == requester_id)
    return list(session.exec(statement.order_by(col(MeetingRequest.id))).all())


def find_apart_pair(*, session: Session, event_id: int, pair: ApartPairBase) -> ApartPair | None:
    """The stored pair (in either order), if any."""
    return session.exec(
        select(ApartPair).where(
            ApartPair.event_id == event_id,
            ApartPair.person_a_id == min(pair.person_a_id, pair.person_b_id),
            ApartPair.person_b_id == max(pair.person_a_id, pair.person_b_id),
        )
    ).first()


def add_apart_pair(*, session: Session, event_id: int, pair: ApartPairCreate) -> tuple[ApartPair, bool]:
    """The pair, stored if new (flushed, not committed), and whether it was new."""
    found = find_apart_pair(session=session, event_id=event_id, pair=pair)
    if found is not None:
        return found, False
    row = ApartPair(event_id=event_id, person_a_id=pair.person_a_id, person_b_id=pair.person_b_id)
    session.add(row)
    session.flush()
    return row, True


def event_apart_pairs(*, session: Session, event_id: int) -> list[ApartPair]:
    """The event's apart pairs in the order they were added."""
    statement = select(ApartPair).where(ApartPair.event_id == event_id).order_by(col(ApartPair.id))
    return list(session.exec(statement).all())
