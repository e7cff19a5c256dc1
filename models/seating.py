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
from sqlmodel import Field, SQLModel

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
