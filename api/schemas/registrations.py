"""Registrations and the event day: co-organisers, people at an event, walk-ins, imports, links."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlmodel._compat import SQLModelConfig

from models.entities import OrganisationCreate, PersonCreate
from models.validation import check_email


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
    pinned_table: int | None = Field(default=None, description="A host's table (from 1) in every round.")
    facilitator: bool = Field(default=False, description="Spread one per table.")


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
    """A participant's personal link token, the API address that carries it and their page."""

    token: str
    url: str = Field(examples=["http://127.0.0.1:8000/me/suggestions?token=eyJwIjo..."])
    page_url: str = Field(examples=["http://127.0.0.1:8000/p/eyJwIjo..."])
    feedback_url: str = Field(examples=["http://127.0.0.1:8000/p/eyJwIjo.../feedback"])
    unsubscribe_url: str = Field(examples=["http://127.0.0.1:8000/unsubscribe/eyJwIjo..."])
    expires_in_days: int
