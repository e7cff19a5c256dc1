"""Who may call the HTTP API: organiser accounts and the events each one runs.

An :class:`Organiser` holds an argon2 hash of its API token (never the token itself);
``is_admin`` organisers manage other organisers and see every event. An organiser sees an
event only through an :class:`EventOrganiser` link (created when the organiser creates the
event, or added by a co-organiser). Participants have no account: their signed link token
names one person at one event (see ``api.security``).

Example:
    >>> OrganiserCreate(name="Maija", email="Maija@Example.fi").email
    'maija@example.fi'
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime
from models.validation import check_email


def _now() -> datetime:
    return datetime.now(UTC)


class OrganiserBase(SQLModel):
    """Fields an admin sets on an organiser account."""

    name: str = Field(min_length=1, max_length=200, schema_extra={"examples": ["Maija Meikäläinen"]})
    email: str = Field(max_length=320, schema_extra={"examples": ["maija@soteuttamo.fi"]})
    is_admin: bool = Field(default=False, description="Admins manage organisers and see every event.")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return check_email(value)


class Organiser(OrganiserBase, table=True):
    """An organiser account; ``token_hash`` is an argon2 hash of its API token."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True, index=True)
    token_hash: str = Field(max_length=200)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class OrganiserCreate(OrganiserBase):
    """Body of ``POST /organisers`` (admin only)."""


class OrganiserUpdate(SQLModel):
    """Body of ``PATCH /organisers/{id}``: only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    is_admin: bool | None = None
    active: bool | None = None


class OrganiserPublic(OrganiserBase):
    """An organiser as the API shows it (never the token hash)."""

    id: int
    active: bool
    created_at: datetime


class OrganiserWithToken(OrganiserPublic):
    """An organiser with its new API token: shown once, at creation or rotation."""

    token: str = Field(description="Send as `Authorization: Bearer <token>`; it is not shown again.")


class EventOrganiser(SQLModel, table=True):
    """Link: ``organiser_id`` runs ``event_id`` and may read and change everything in it."""

    __tablename__ = "event_organiser"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    organiser_id: int = Field(foreign_key="organiser.id", primary_key=True, ondelete="CASCADE")
