"""The service's records: organisations, people, events and registrations (SQLModel, in the
FastAPI full-stack template's style).

Each comes as a family: ``XBase`` (shared, validated fields), ``X`` (the table),
``XCreate`` (input to create), ``XUpdate`` (partial input, every field optional) and
``XPublic`` (what the API returns, with ``id``). Lists (themes, keywords, languages) are
JSON columns, which SQLite and PostgreSQL both store. The schema itself is created only
by the Alembic migrations in ``models/migrations``. They live in one module because their
relationships name each other.

Codes come from :mod:`matcher.taxonomy` (sectors, regions, themes); the validators here
refuse anything else, naming the field and the value.

Example:
    >>> OrganisationCreate(name="Hoiva Oy", sector="private", business_id="0112038-9").business_id
    '0112038-9'
"""

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, Relationship, SQLModel

from matcher.taxonomy import LANGUAGES, REGIONS, SECTORS, THEMES
from models.types import UTCDateTime, check_codes, json_list, new_link_nonce, one_of
from models.validation import (
    EVENT_STATUSES,
    REGISTRATION_SOURCES,
    SIZE_CLASSES,
    check_business_id,
    check_choice,
    check_email,
    normalise_name,
)


class OrganisationBase(SQLModel):
    """An organisation taking part: what it offers, what it needs, where and what it is.

    ``offers`` and ``needs`` are free text, one item a line (``matcher.split_statements``
    cuts them into statements); ``themes`` are theme codes; ``keywords`` free words;
    ``languages`` the languages it works in.
    """

    name: str = Field(min_length=1, max_length=300)
    business_id: str | None = Field(default=None, max_length=9)
    sector: str = Field(max_length=32)
    region: str | None = Field(default=None, max_length=32)
    size_class: str | None = Field(default=None, max_length=16)
    website: str | None = Field(default=None, max_length=500)
    description: str = Field(default="", sa_type=sa.Text)
    offers: str = Field(default="", sa_type=sa.Text)
    needs: str = Field(default="", sa_type=sa.Text)
    themes: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not normalise_name(value):
            raise ValueError(f"{value!r} has no letters or digits")
        return value.strip()

    @field_validator("business_id")
    @classmethod
    def _business_id(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else check_business_id(value)

    @field_validator("sector")
    @classmethod
    def _sector(cls, value: str) -> str:
        return check_choice(value, SECTORS)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, tuple(REGIONS))

    @field_validator("size_class")
    @classmethod
    def _size_class(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, SIZE_CLASSES)

    @field_validator("themes")
    @classmethod
    def _themes(cls, value: list[str]) -> list[str]:
        return check_codes("themes", value, THEMES)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        return check_codes("languages", value, {code: code for code in LANGUAGES})

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(k.strip() for k in value if k.strip()))


class Organisation(OrganisationBase, table=True):
    """The organisation table; ``normalised_name`` (see :func:`models.validation.normalise_name`)
    and ``business_id`` are unique keys, so a re-import finds the same row."""

    __table_args__ = (sa.CheckConstraint(one_of("sector", SECTORS), name="sector"),)
    id: int | None = Field(default=None, primary_key=True)
    normalised_name: str = Field(max_length=300, unique=True, index=True)
    business_id: str | None = Field(default=None, max_length=9, unique=True)
    themes: list[str] = json_list()
    keywords: list[str] = json_list()
    languages: list[str] = json_list()
    people: list["Person"] = Relationship(back_populates="organisation")


class OrganisationCreate(OrganisationBase):
    pass


class OrganisationUpdate(SQLModel):
    """Partial update: only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    business_id: str | None = None
    sector: str | None = None
    region: str | None = None
    size_class: str | None = None
    website: str | None = None
    description: str | None = None
    offers: str | None = None
    needs: str | None = None
    themes: list[str] | None = None
    keywords: list[str] | None = None
    languages: list[str] | None = None

    @field_validator("business_id")
    @classmethod
    def _business_id(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else check_business_id(value)

    @field_validator("sector")
    @classmethod
    def _sector(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, SECTORS)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, tuple(REGIONS))

    @field_validator("size_class")
    @classmethod
    def _size_class(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, SIZE_CLASSES)

    @field_validator("themes")
    @classmethod
    def _themes(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_codes("themes", value, THEMES)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_codes("languages", value, {c: c for c in LANGUAGES})


class OrganisationPublic(OrganisationBase):
    id: int


# --------------------------------------------------------------------------- Person


class PersonBase(SQLModel):
    """A participant. ``email`` (lower-cased) is the key; consents are explicit flags."""

    name: str = Field(min_length=1, max_length=300)
    email: str = Field(max_length=320)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", ondelete="SET NULL")
    role: str = Field(default="", max_length=300)
    language: str = Field(default="fi", max_length=2)
    consent_email: bool = False
    consent_share_contact: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return check_choice(value, tuple(LANGUAGES))


class Person(PersonBase, table=True):
    """``unsubscribed_at``: when the person asked for no more e-mail (a re-import never undoes it)."""

    __table_args__ = (sa.CheckConstraint(one_of("language", tuple(LANGUAGES)), name="language"),)
    id: int | None = Field(default=None, primary_key=True)
    unsubscribed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    email: str = Field(max_length=320, unique=True, index=True)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL", index=True
    )
    organisation: Optional["Organisation"] = Relationship(back_populates="people")
    registrations: list["Registration"] = Relationship(back_populates="person", passive_deletes="all")


class PersonCreate(PersonBase):
    pass


class PersonUpdate(SQLModel):
    """Partial update: only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    email: str | None = None
    organisation_id: int | None = None
    role: str | None = None
    language: str | None = None
    consent_email: bool | None = None
    consent_share_contact: bool | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else check_email(value)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, tuple(LANGUAGES))


class PersonPublic(PersonBase):
    id: int
    unsubscribed_at: dt.datetime | None = None


# --------------------------------------------------------------------------- Event


class EventBase(SQLModel):
    """A networking event: where, when, about what, and where it is in its life."""

    name: str = Field(min_length=1, max_length=300)
    region: str | None = Field(default=None, max_length=32)
    date: dt.date | None = None
    venue: str = Field(default="", max_length=300)
    themes: list[str] = Field(default_factory=list)
    status: str = Field(default="planning", max_length=16)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, tuple(REGIONS))

    @field_validator("themes")
    @classmethod
    def _themes(cls, value: list[str]) -> list[str]:
        return check_codes("themes", value, THEMES)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return check_choice(value, EVENT_STATUSES)


class Event(EventBase, table=True):
    __table_args__ = (sa.CheckConstraint(one_of("status", EVENT_STATUSES), name="status"),)
    id: int | None = Field(default=None, primary_key=True)
    themes: list[str] = json_list()
    registrations: list["Registration"] = Relationship(back_populates="event", passive_deletes="all")


class EventCreate(EventBase):
    pass


class EventUpdate(SQLModel):
    """Partial update: only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    region: str | None = None
    date: dt.date | None = None
    venue: str | None = None
    themes: list[str] | None = None
    status: str | None = None

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, tuple(REGIONS))

    @field_validator("themes")
    @classmethod
    def _themes(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_codes("themes", value, THEMES)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, EVENT_STATUSES)


class EventPublic(EventBase):
    id: int


# --------------------------------------------------------------------------- Registration


class RegistrationBase(SQLModel):
    """A person's place at an event: pre-registered or walk-in, checked in or not, cancelled or not."""

    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    source: str = Field(default="pre_registered", max_length=16)
    checked_in_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled: bool = False
    pinned_table: int | None = Field(
        default=None, ge=1, le=500, description="A host's table (from 1) in every round, or none."
    )
    facilitator: bool = Field(default=False, description="Facilitators are spread one per table.")

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return check_choice(value, REGISTRATION_SOURCES)


class Registration(RegistrationBase, table=True):
    """Unique per person and event: registering twice updates the one row.

    The event-day marks live here too: ``checked_out_at`` (when someone left) and
    ``no_show`` (registered but never came); :mod:`models.participation` reads them.
    """

    __table_args__ = (
        sa.UniqueConstraint("person_id", "event_id", name="uq_registration_person_event"),
        sa.CheckConstraint(one_of("source", REGISTRATION_SOURCES), name="source"),
        sa.CheckConstraint("pinned_table IS NULL OR pinned_table >= 1", name="pinned_table"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    # Every personal link of this registration carries it; a new one (revoke, reissue,
    # cancel) invalidates them all. Core inserts (imports) get one from the column default.
    link_nonce: str = Field(
        default_factory=new_link_nonce, max_length=32, sa_column_kwargs={"default": new_link_nonce}
    )
    checked_out_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    no_show: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    person: Optional["Person"] = Relationship(back_populates="registrations")
    event: Optional["Event"] = Relationship(back_populates="registrations")


class RegistrationCreate(RegistrationBase):
    pass


class RegistrationUpdate(SQLModel):
    """Partial update: only the fields given change."""

    source: str | None = None
    checked_in_at: dt.datetime | None = None
    cancelled: bool | None = None

    @field_validator("source")
    @classmethod
    def _source(cls, value: str | None) -> str | None:
        return None if value is None else check_choice(value, REGISTRATION_SOURCES)


class RegistrationPublic(RegistrationBase):
    id: int


__all__ = [
    "Event",
    "EventCreate",
    "EventPublic",
    "EventUpdate",
    "Organisation",
    "OrganisationCreate",
    "OrganisationPublic",
    "OrganisationUpdate",
    "Person",
    "PersonCreate",
    "PersonPublic",
    "PersonUpdate",
    "Registration",
    "RegistrationCreate",
    "RegistrationPublic",
    "RegistrationUpdate",
]
