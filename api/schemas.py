"""Request and response shapes that belong to the API only (the tables' own families,
``XCreate``/``XUpdate``/``XPublic``, live in ``models``).

Example:
    >>> Page[int](items=[1, 2], total=7, offset=0, limit=2).total
    7
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlmodel._compat import SQLModelConfig

from models.tables import OrganisationCreate, PersonCreate
from models.validation import check_email

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, the ``total`` matching, and where the page starts."""

    items: list[T]
    total: int = Field(examples=[134])
    offset: int = Field(examples=[0])
    limit: int = Field(examples=[50])


class Health(BaseModel):
    """Liveness and database reachability."""

    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"


class EventOrganiserAdd(BaseModel):
    """Add a co-organiser to an event by their account e-mail."""

    email: str = Field(max_length=320, examples=["pekka@pirkanmaa.fi"])

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)


class PersonAtEvent(PersonCreate):
    """Create a person and register them at the event in one call (pre-registration)."""

    model_config = SQLModelConfig(
        json_schema_extra={
            "examples": [
                {
                    "name": "Maija Meikäläinen",
                    "email": "maija@hoivaaurinko.fi",
                    "organisation_id": 1,
                    "role": "toimitusjohtaja",
                    "language": "fi",
                    "consent_email": True,
                    "consent_share_contact": True,
                }
            ]
        }
    )


class RegistrationAdd(BaseModel):
    """Register an existing person (one of your events' participants) at this event."""

    person_id: int = Field(ge=1, le=2**31 - 1, examples=[12])
    source: Literal["pre_registered", "walk_in"] = "pre_registered"


class RegistrationChange(BaseModel):
    """Cancel or restore a registration."""

    cancelled: bool = Field(examples=[True])


class RegistrationView(BaseModel):
    """A registration as organisers see it on the event day."""

    id: int
    event_id: int
    person_id: int
    person_name: str = Field(examples=["Maija Meikäläinen"])
    organisation_id: int | None
    organisation_name: str | None = Field(examples=["Hoivapalvelu Aurinko Oy"])
    sector: str | None = Field(examples=["private"])
    source: str = Field(examples=["walk_in"])
    cancelled: bool
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    no_show: bool
    present: bool = Field(description="Checked in and not checked out.")


class WalkInPerson(BaseModel):
    """The walk-in's own details."""

    name: str = Field(min_length=1, max_length=300, examples=["Erik Lindqvist"])
    email: str = Field(max_length=320, examples=["erik@vardhem.fi"])
    role: str = Field(default="", max_length=300, examples=["verksamhetsledare"])
    language: Literal["fi", "sv", "en"] = "fi"
    consent_email: bool = False
    consent_share_contact: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)


class WalkIn(BaseModel):
    """A walk-in: the person, their organisation (an existing id, or details to find or add it).

    The organisation is matched by business ID, then by normalised name; it is created only
    when neither matches.
    """

    person: WalkInPerson
    organisation_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    organisation: OrganisationCreate | None = None
    check_in: bool = Field(default=True, description="Check the person in at once.")

    @model_validator(mode="after")
    def _one_organisation(self) -> WalkIn:
        if (self.organisation_id is None) == (self.organisation is None):
            raise ValueError("organisation: give exactly one of organisation_id or organisation")
        return self

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person": {
                        "name": "Erik Lindqvist",
                        "email": "erik@vardhem.fi",
                        "language": "sv",
                        "consent_share_contact": True,
                    },
                    "organisation": {
                        "name": "Vårdhem Ab",
                        "sector": "private",
                        "region": "pohjanmaa",
                        "offers": "Boendeservice för äldre",
                        "needs": "Digitala tjänster för anhöriga",
                    },
                }
            ]
        }
    )


class ImportRowError(BaseModel):
    """One problem in an imported file."""

    row: int | None = Field(examples=[17])
    field: str | None = Field(examples=["email"])
    message: str = Field(examples=["row 17, email: 'maija@' is not a valid address"])


class ImportResult(BaseModel):
    """What an import did."""

    rows: int
    created: dict[str, int] = Field(default_factory=dict)
    updated: dict[str, int] = Field(default_factory=dict)
    rejected: list[ImportRowError] = Field(default_factory=list)


class LinkToken(BaseModel):
    """A participant's personal link token and the URL that carries it."""

    token: str
    url: str = Field(examples=["http://127.0.0.1:8000/me/suggestions?token=eyJwIjo..."])
    expires_in_days: int


class SuggestionsCompute(BaseModel):
    """Parameters of a suggestions run."""

    k: int = Field(default=5, ge=1, le=20, description="Suggestions per participant.")
    mode: Literal["auto", "registered", "present"] = Field(
        default="auto",
        description="registered: everyone registered (before the event); present: checked-in people only, "
        "excluding pairs who already met; auto: present when the event is live, else registered.",
    )


class ContactDetails(BaseModel):
    """How to reach a suggested partner: shown only if they consented."""

    email: str
    role: str


class SuggestedPartner(BaseModel):
    """One suggested partner with the reasons, in the reader's language."""

    rank: int = Field(examples=[1])
    person_id: int = Field(examples=[42])
    name: str = Field(examples=["Pekka Virtanen"])
    organisation: str | None = Field(examples=["Pirkanmaan hyvinvointialue"])
    sector: str | None = Field(examples=["public"])
    score: float = Field(examples=[0.71])
    reasons: list[str] = Field(examples=[["He tarjoavat 'kotihoidon yöpartiointi', jota etsitte"]])
    contact: ContactDetails | None = Field(description="Present only if the partner agreed to share it.")


class SuggestionList(BaseModel):
    """One participant's suggested partners at one event."""

    event_id: int
    person_id: int
    language: Literal["fi", "sv", "en"]
    computed_at: dt.datetime | None
    suggestions: list[SuggestedPartner]


class FeedbackSummary(BaseModel):
    """An event's feedback in aggregate (no individual answers)."""

    event_id: int
    responses: int = Field(description="Feedback rows (one per participant and partner).")
    respondents: int
    met: int
    met_share: float | None = Field(description="Share of answers where the pair met.")
    mean_usefulness: float | None = Field(description="1 to 4, over rated meetings.", examples=[3.3])
    cooperation_agreed: int
    cooperation_types: dict[str, int] = Field(examples=[{"joint_project": 4, "subcontracting": 2}])
    suggestions_stored: int


class TablePlanCreate(BaseModel):
    """Parameters of a workshop table plan over the event's participants."""

    rounds: int = Field(default=4, ge=1, le=12, examples=[4])
    tables: int | None = Field(
        default=None, ge=1, le=500, description="Number of tables; default: as many as the sizes need."
    )
    min_size: int = Field(default=6, ge=2, le=20, examples=[6])
    max_size: int = Field(default=8, ge=2, le=20, examples=[8])
    present_only: bool = Field(default=False, description="Seat only checked-in people (on the day).")
    separate_organisations: bool = Field(default=True, description="Never seat colleagues together.")
    seconds: float = Field(default=5.0, gt=0, le=120, description="Time budget of the optimiser.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)

    @model_validator(mode="after")
    def _sizes(self) -> TablePlanCreate:
        if self.min_size > self.max_size:
            raise ValueError(f"min_size: {self.min_size} is larger than max_size {self.max_size}")
        return self


class TablePlanReplan(BaseModel):
    """Re-plan the rounds after the locked ones (after walk-ins arrived or people left)."""

    present_only: bool = True
    seconds: float = Field(default=2.0, gt=0, le=120)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class TablePlanLock(BaseModel):
    """Lock rounds ``1 .. rounds`` (printed or played): re-planning never changes them."""

    rounds: int = Field(ge=0, le=12, examples=[1])


class Seat(BaseModel):
    """One person's table in one round."""

    round: int = Field(examples=[1])
    table: int = Field(examples=[3])
    person_id: int
    name: str
    organisation: str | None
    sector: str | None


class TablePlanPublic(BaseModel):
    """A stored table plan, as printable rows (round, table, person)."""

    id: int
    event_id: int
    params: dict[str, Any]
    rounds: int
    locked_rounds: int
    score: float | None
    violations: list[str]
    seats: list[Seat]


class MySeat(BaseModel):
    """A participant's own seat in one round (no one else's names)."""

    round: int
    table: int
    locked: bool


class MyTables(BaseModel):
    """A participant's tables, round by round, from the event's newest plan."""

    event_id: int
    plan_id: int | None
    seats: list[MySeat]


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
