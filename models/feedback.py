"""Participants' feedback on their suggested partners: met, useful, cooperation agreed.

Example:
    >>> FeedbackCreate(target_id=4, met=True, usefulness=3,
    ...                cooperation_types=["joint_project"]).cooperation_agreed
    True
"""

from __future__ import annotations

from datetime import datetime

from pydantic import field_validator, model_validator
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.taxonomy import COOPERATION_TYPES
from models.types import UTCDateTime, utc_now


class FeedbackBase(SQLModel):
    """A participant's answer about one suggested partner."""

    target_id: int = Field(
        ge=1, le=2**31 - 1, description="The suggested partner (person id).", schema_extra={"examples": [42]}
    )
    met: bool = Field(description="Did you meet this person at the event?", schema_extra={"examples": [True]})
    usefulness: int | None = Field(
        default=None, ge=1, le=4, description="How useful was the meeting, 1 (not) to 4 (very)."
    )
    cooperation_agreed: bool = Field(default=False, description="Did you agree on cooperation?")
    cooperation_types: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="Codes of matcher.taxonomy.COOPERATION_TYPES, e.g. joint_project, subcontracting.",
        schema_extra={"examples": [["joint_project", "sharing_expertise"]]},
    )

    @field_validator("cooperation_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in COOPERATION_TYPES]
        if unknown:
            raise ValueError(
                f"{unknown!r} are not cooperation types (one of: {', '.join(COOPERATION_TYPES)})"
            )
        return sorted(set(value))


class Feedback(FeedbackBase, table=True):
    """Feedback of ``person_id`` at ``event_id`` on ``target_id``; one row per pair, updated in place."""

    __table_args__ = (UniqueConstraint("event_id", "person_id", "target_id", name="uq_feedback_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    target_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class FeedbackCreate(FeedbackBase):
    """Body of ``POST /me/feedback``; giving cooperation types implies cooperation agreed."""

    @model_validator(mode="after")
    def _agreed(self) -> FeedbackCreate:
        if self.cooperation_types:
            self.cooperation_agreed = True
        if self.usefulness is not None and not self.met:
            raise ValueError("usefulness: only a meeting that took place (met = true) can be rated")
        return self


class FeedbackPublic(FeedbackBase):
    """Stored feedback as the API shows it to its author."""

    id: int
    event_id: int
    updated_at: datetime
