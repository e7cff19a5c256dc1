"""Meeting requests and seating rules: organisers' views of them, and a participant's own
requests (no one else's)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from models.seating import RequestSource

RequestMark = Literal["requested", "mutual"]
"""How a planned meeting relates to the requests: one of the two asked, or both did."""


class PersonRef(BaseModel):
    """A participant as organisers see them in lists."""

    person_id: int
    name: str
    organisation: str | None


class MeetingRequestView(BaseModel):
    """A stored meeting request: who asked to meet whom, and whether the other asked too."""

    id: int
    event_id: int
    requester: PersonRef
    requested: PersonRef
    source: RequestSource
    created_at: dt.datetime
    mutual: bool = Field(description="The requested person asked to meet the requester too.")


class MyMeetingRequestCreate(BaseModel):
    """Ask to meet one of my suggested partners in the 1:1 rounds."""

    person_id: int = Field(ge=1, le=2**31 - 1, description="The suggested partner (person id).")


class MyMeetingRequest(BaseModel):
    """One of my requests: whom I asked to meet (as my suggestions name them)."""

    id: int
    person_id: int
    name: str
    organisation: str | None
    source: RequestSource = Field(description="participant: I asked; organiser: the organiser added it.")
    created_at: dt.datetime


class PinSet(BaseModel):
    """Pin a host to a table for every round."""

    table: int = Field(ge=1, le=500, examples=[3], description="Table number, from 1.")


class SeatHolder(BaseModel):
    """A participant with a seating rule: pinned to a table, or a facilitator."""

    person_id: int
    name: str
    organisation: str | None
    pinned_table: int | None
    facilitator: bool


class ApartPairView(BaseModel):
    """Two people who never share a table."""

    id: int
    people: list[PersonRef]


class SeatingRules(BaseModel):
    """An event's seating rules: pinned hosts, facilitators, pairs kept apart."""

    event_id: int
    seats: list[SeatHolder] = Field(description="Everyone pinned to a table or marked facilitator.")
    apart: list[ApartPairView]
