"""Participants' feedback on their partners: right after the event (met, useful, cooperation
agreed, a comment) and at the follow-up months later (did the cooperation happen, and what);
and the themes each participant wants at the next event.

One :class:`Feedback` row per (event, person, partner), updated in place, so a form sent twice
changes nothing and an answer can be corrected later. The follow-up writes to the same row.

Example:
    >>> FeedbackCreate(target_id=4, met=True, usefulness=3,
    ...                cooperation_types=["joint_project"]).cooperation_agreed
    True
    >>> FollowupCreate(target_id=4, realised_types=["training"]).realised
    True
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import field_validator, model_validator
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.taxonomy import COOPERATION_TYPES, THEMES
from models.types import UTCDateTime, check_codes, utc_now

COMMENT_MAX = 2000


def _cooperation_codes(value: list[str]) -> list[str]:
    unknown = [v for v in value if v not in COOPERATION_TYPES]
    if unknown:
        raise ValueError(f"{unknown!r} are not cooperation types (one of: {', '.join(COOPERATION_TYPES)})")
    return sorted(set(value))


class FeedbackBase(SQLModel):
    """A participant's answer about one suggested or met partner."""

    target_id: int = Field(
        ge=1, le=2**31 - 1, description="The partner (person id).", schema_extra={"examples": [42]}
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
    comment: str = Field(
        default="", max_length=COMMENT_MAX, sa_type=sa.Text, description="Free comment on this partner."
    )

    @field_validator("cooperation_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        return _cooperation_codes(value)


class Feedback(FeedbackBase, table=True):
    """Feedback of ``person_id`` at ``event_id`` on ``target_id``; one row per pair, updated in place.

    ``realised`` is ``None`` until the follow-up is answered; then whether the cooperation
    happened, its ``realised_types`` and a ``realised_note`` on what came of it.
    """

    __table_args__ = (UniqueConstraint("event_id", "person_id", "target_id", name="uq_feedback_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    target_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    realised: bool | None = Field(default=None)
    realised_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    realised_note: str = Field(default="", sa_type=sa.Text)
    followed_up_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FeedbackCreate(FeedbackBase):
    """Body of ``POST /me/feedback``; giving cooperation types implies cooperation agreed."""

    @model_validator(mode="after")
    def _agreed(self) -> FeedbackCreate:
        if self.cooperation_types:
            self.cooperation_agreed = True
        if self.usefulness is not None and not self.met:
            raise ValueError("usefulness: only a meeting that took place (met = true) can be rated")
        return self


class FollowupCreate(SQLModel):
    """Body of ``POST /me/followup``: months later, did the cooperation with ``target_id`` happen?
    Giving the types of what happened implies it did."""

    target_id: int = Field(ge=1, le=2**31 - 1, description="The partner (person id).")
    realised: bool = Field(default=False, description="Did cooperation with this partner happen?")
    realised_types: list[str] = Field(
        default_factory=list, description="Codes of matcher.taxonomy.COOPERATION_TYPES: what happened."
    )
    realised_note: str = Field(default="", max_length=COMMENT_MAX, description="What came of it, in words.")

    @field_validator("realised_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        return _cooperation_codes(value)

    @model_validator(mode="after")
    def _happened(self) -> FollowupCreate:
        if self.realised_types:
            self.realised = True
        return self


class FeedbackPublic(FeedbackBase):
    """Stored feedback as the API shows it to its author."""

    id: int
    event_id: int
    updated_at: datetime
    realised: bool | None = None
    realised_types: list[str] = Field(default_factory=list)
    realised_note: str = ""
    followed_up_at: datetime | None = None


class ThemeWishBase(SQLModel):
    """The themes a participant wants at the next event (codes of :data:`matcher.taxonomy.THEMES`)."""

    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))

    @field_validator("themes")
    @classmethod
    def _themes(cls, value: list[str]) -> list[str]:
        return sorted(check_codes("themes", value, THEMES))


class ThemeWish(ThemeWishBase, table=True):
    """What ``person_id`` answered at ``event_id``: one row per person and event, updated in place."""

    __tablename__ = "theme_wish"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ThemeWishCreate(ThemeWishBase):
    """Body of ``PUT /me/theme-wishes``."""
