"""Tours: several events under one name (the Soteuttamo tour visits a region at a time), so
feedback and impact can be read across them and what was learnt at one event carries to the
next.

An event belongs to at most one tour (:class:`TourEvent` is keyed by the event); the tour's
order is its events' dates, then ids.

Example:
    >>> TourCreate(name="Soteuttamo 2027").name
    'Soteuttamo 2027'
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utc_now


class TourBase(SQLModel):
    """What an organiser says about a tour."""

    name: str = Field(min_length=1, max_length=300, schema_extra={"examples": ["Soteuttamo 2027"]})
    description: str = Field(default="", sa_type=sa.Text)


class Tour(TourBase, table=True):
    """A tour; ``organiser_id`` created it (``None``: made at the command line)."""

    id: int | None = Field(default=None, primary_key=True)
    organiser_id: int | None = Field(default=None, foreign_key="organiser.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class TourEvent(SQLModel, table=True):
    """Link: ``event_id`` is one stop of ``tour_id`` (an event is on at most one tour)."""

    __tablename__ = "tour_event"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    tour_id: int = Field(foreign_key="tour.id", ondelete="CASCADE", index=True)


class TourCreate(TourBase):
    """Body of ``POST /tours``."""


class TourPublic(TourBase):
    """A tour with its events in tour order."""

    id: int
    created_at: datetime
    event_ids: list[int] = Field(default_factory=list)
