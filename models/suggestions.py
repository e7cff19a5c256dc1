"""Suggested partners as the API stores them: computed by the engine, served without it.

Example:
    >>> StoredSuggestion(event_id=1, person_id=2, target_id=3, rank=1, score=0.8).rank
    1
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utc_now


class StoredSuggestion(SQLModel, table=True):
    """One suggested partner ``target_id`` for ``person_id`` at ``event_id``, at ``rank`` (1 = best).

    ``reasons`` maps a language code (fi, sv, en) to the rendered reason lines, so a
    participant's list is served without touching the engine.
    """

    __tablename__ = "stored_suggestion"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id", "rank", name="uq_stored_suggestion_rank"),
        Index("ix_stored_suggestion_event_person", "event_id", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    target_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    rank: int = Field(ge=1)
    score: float
    reasons: dict[str, list[str]] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    computed_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
