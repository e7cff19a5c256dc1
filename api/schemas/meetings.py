"""1:1 meeting rounds: parameters, printable meetings, a participant's own meetings."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.seating import RequestMark
from api.schemas.suggestions import ContactDetails


class MeetingPlanCreate(BaseModel):
    """Parameters of a plan of 1:1 meeting rounds (each round a best matching, no pair twice)."""

    rounds: int = Field(default=4, ge=1, le=30, examples=[4])
    odd: Literal["bye", "trio"] = Field(
        default="bye",
        description="With an odd number of people: one sits the round out (bye) or joins a pair (trio).",
    )
    mode: Literal["auto", "registered", "present"] = Field(
        default="auto",
        description="registered: everyone registered; present: checked-in people only; "
        "auto: present when the event is live, else registered.",
    )
    seconds: float = Field(default=5.0, gt=0, le=120, description="Time budget of the optimiser.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class MeetingPlanReplan(BaseModel):
    """Re-plan the rounds after the locked ones for the people there now (walk-ins join)."""

    present_only: bool = True
    seconds: float = Field(default=2.0, gt=0, le=120)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class MeetingPlanLock(BaseModel):
    """Lock rounds ``1 .. rounds`` (played): re-planning never changes them."""

    rounds: int = Field(ge=0, le=30, examples=[1])


class MeetingPerson(BaseModel):
    """Someone at a meeting table, as printed for the organiser."""

    person_id: int
    name: str
    organisation: str | None
    sector: str | None


class MeetingTable(BaseModel):
    """One meeting: round and table (from 1) and its two (or, in a trio, three) people."""

    round: int = Field(examples=[1])
    table: int = Field(examples=[3])
    people: list[MeetingPerson]
    request: RequestMark | None = Field(
        default=None, description="requested: one of them asked to meet the other; mutual: both did."
    )


class MeetingBye(BaseModel):
    """Someone present in a round without a meeting (odd number of people, ``odd="bye"``)."""

    round: int
    person: MeetingPerson


class MeetingPlanPublic(BaseModel):
    """A stored plan of 1:1 meeting rounds."""

    id: int
    event_id: int
    params: dict[str, Any]
    rounds: int
    locked_rounds: int
    score: float | None
    violations: list[str]
    meetings: list[MeetingTable]
    byes: list[MeetingBye]


class MeetingPartner(BaseModel):
    """A participant's partner in one meeting: name and organisation; contact only with consent."""

    person_id: int
    name: str
    organisation: str | None
    contact: ContactDetails | None = Field(description="Present only if the partner agreed to share it.")


class MyMeeting(BaseModel):
    """A participant's own meeting in one round (no one else's meetings)."""

    round: int
    table: int
    locked: bool
    partners: list[MeetingPartner]


class MyMeetings(BaseModel):
    """A participant's meetings, round by round, from the event's newest meeting plan."""

    event_id: int
    plan_id: int | None
    meetings: list[MyMeeting]
    byes: list[int] = Field(description="Rounds in which I have no meeting.")
