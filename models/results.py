"""What the API stores from the engine and from participants: suggestions, feedback,
background jobs and workshop table plans.

Rows reference the data layer's ``event`` and ``person`` tables. JSON columns keep small
structured values whose shape belongs to the engine (reasons, plan parameters and seat
assignments) so a change in the engine does not need a migration.

Example:
    >>> FeedbackCreate(target_id=4, met=True, usefulness=3,
    ...                cooperation_types=["joint_project"]).cooperation_agreed
    True
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import field_validator, model_validator
from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.taxonomy import COOPERATION_TYPES
from models.types import UTCDateTime

JOB_STATUSES: tuple[str, ...] = ("queued", "running", "succeeded", "failed")
JobStatus = Literal["queued", "running", "succeeded", "failed"]


def _now() -> datetime:
    return datetime.now(UTC)


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
    computed_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


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
    updated_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


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


class Job(SQLModel, table=True):
    """A background job (suggestions, table plan) with status and progress from 0 to 1."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50)
    event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="CASCADE", index=True)
    organiser_id: int | None = Field(default=None, foreign_key="organiser.id", ondelete="SET NULL")
    status: str = Field(default="queued", max_length=20)
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    message: str = Field(default="", max_length=2000)
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class JobPublic(SQLModel):
    """A job as ``GET /jobs/{id}`` shows it."""

    id: int
    kind: str = Field(schema_extra={"examples": ["suggestions"]})
    event_id: int | None
    status: JobStatus = Field(schema_extra={"examples": ["running"]})
    progress: float = Field(schema_extra={"examples": [0.5]})
    message: str = Field(schema_extra={"examples": ["scoring 80 participants"]})
    result: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class StoredTablePlan(SQLModel, table=True):
    """A workshop table plan: ``assignment[r][i]`` is the table of ``person_ids[i]`` in round ``r``.

    Rounds ``0 .. locked_rounds - 1`` are printed or played and never change on re-planning.
    """

    __tablename__ = "stored_table_plan"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    person_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    assignment: list[list[int]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    locked_rounds: int = Field(default=0, ge=0)
    score: float | None = None
    violations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class Attendance(SQLModel, table=True):
    """Event-day marks the registration table does not carry: check-out time and no-show.

    One row per registration, created on the first mark. A person is present while
    checked in (``registration.checked_in_at``) and not checked out.
    """

    registration_id: int = Field(foreign_key="registration.id", primary_key=True, ondelete="CASCADE")
    checked_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    no_show: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
