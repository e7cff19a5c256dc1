"""Kohtaamo's tables and API schemas (SQLModel, in the FastAPI full-stack template's style).

Each entity comes as a family: ``XBase`` (shared, validated fields), ``X`` (the table),
``XCreate`` (input to create), ``XUpdate`` (partial input, every field optional) and
``XPublic`` (what the API returns, with ``id``). Lists (themes, keywords, languages) are
JSON columns, which SQLite and PostgreSQL both store. The schema itself is created only
by the Alembic migrations in ``models/migrations``.

Codes come from :mod:`matcher.taxonomy` (sectors, regions, themes); the validators here
refuse anything else, naming the field and the value.

Example:
    >>> OrganisationCreate(name="Hoiva Oy", sector="private", business_id="0112038-9").business_id
    '0112038-9'
"""

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import JSON, Column, Field, Relationship, SQLModel

from matcher.taxonomy import COOPERATION_TYPES, LANGUAGES, REGIONS, SECTORS, THEMES
from models.types import UTCDateTime
from models.validation import (
    EVENT_STATUSES,
    REGISTRATION_SOURCES,
    SIZE_CLASSES,
    THEME_KINDS,
    check_business_id,
    check_choice,
    check_email,
    normalise_name,
)

# Naming convention so constraint names are the same on SQLite and PostgreSQL (migrations need names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _check_codes(field: str, values: list[str], table: dict[str, Any]) -> list[str]:
    unknown = [v for v in values if v not in table]
    if unknown:
        raise ValueError(f"{field}: unknown code(s) {unknown!r}")
    return list(dict.fromkeys(values))


# --------------------------------------------------------------------------- Theme


class ThemeBase(SQLModel):
    """A theme or cooperation type of the taxonomy, with its three labels."""

    code: str = Field(max_length=64)
    kind: str = Field(default="theme", max_length=32)
    label_fi: str = Field(max_length=200)
    label_sv: str = Field(max_length=200)
    label_en: str = Field(max_length=200)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return check_choice(value, THEME_KINDS)


class Theme(ThemeBase, table=True):
    """Seeded from :data:`matcher.taxonomy.THEMES` and ``COOPERATION_TYPES`` by the first migration.

    A code is unique within its kind ("recruitment" is both a theme and a cooperation type).
    """

    __table_args__ = (
        sa.UniqueConstraint("kind", "code", name="uq_theme_kind_code"),
        sa.CheckConstraint(_in("kind", THEME_KINDS), name="kind"),
    )
    id: int | None = Field(default=None, primary_key=True)


class ThemePublic(ThemeBase):
    id: int


def theme_seed_rows() -> list[dict[str, str]]:
    """Rows the theme table is seeded with: every theme, then every cooperation type.

    Example:
        >>> theme_seed_rows()[0]["code"]
        'freedom_of_choice'
    """
    rows = []
    for kind, table in (("theme", THEMES), ("cooperation_type", COOPERATION_TYPES)):
        for label in table.values():
            rows.append(
                {
                    "code": label.code,
                    "kind": kind,
                    "label_fi": label.fi,
                    "label_sv": label.sv,
                    "label_en": label.en,
                }
            )
    return rows


# --------------------------------------------------------------------------- Organisation


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
        return _check_codes("themes", value, THEMES)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        return _check_codes("languages", value, {code: code for code in LANGUAGES})

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(k.strip() for k in value if k.strip()))


class Organisation(OrganisationBase, table=True):
    """The organisation table; ``normalised_name`` (see :func:`models.validation.normalise_name`)
    and ``business_id`` are unique keys, so a re-import finds the same row."""

    __table_args__ = (sa.CheckConstraint(_in("sector", SECTORS), name="sector"),)
    id: int | None = Field(default=None, primary_key=True)
    normalised_name: str = Field(max_length=300, unique=True, index=True)
    business_id: str | None = Field(default=None, max_length=9, unique=True)
    themes: list[str] = _json_list()
    keywords: list[str] = _json_list()
    languages: list[str] = _json_list()
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
        return None if value is None else _check_codes("themes", value, THEMES)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_codes("languages", value, {c: c for c in LANGUAGES})


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
    __table_args__ = (sa.CheckConstraint(_in("language", tuple(LANGUAGES)), name="language"),)
    id: int | None = Field(default=None, primary_key=True)
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
        return _check_codes("themes", value, THEMES)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return check_choice(value, EVENT_STATUSES)


class Event(EventBase, table=True):
    __table_args__ = (sa.CheckConstraint(_in("status", EVENT_STATUSES), name="status"),)
    id: int | None = Field(default=None, primary_key=True)
    themes: list[str] = _json_list()
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
        return None if value is None else _check_codes("themes", value, THEMES)

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

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return check_choice(value, REGISTRATION_SOURCES)


class Registration(RegistrationBase, table=True):
    """Unique per person and event: registering twice updates the one row."""

    __table_args__ = (
        sa.UniqueConstraint("person_id", "event_id", name="uq_registration_person_event"),
        sa.CheckConstraint(_in("source", REGISTRATION_SOURCES), name="source"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
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
    "Theme",
    "ThemePublic",
    "theme_seed_rows",
]
