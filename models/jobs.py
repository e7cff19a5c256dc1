"""Background jobs (suggestions, plans, imports): status, progress and result, in a table so
any worker process can answer ``GET /jobs/{id}``.

Example:
    >>> Job(kind="suggestions").status
    'queued'
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utc_now

JOB_STATUSES: tuple[str, ...] = ("queued", "running", "succeeded", "failed")
JobStatus = Literal["queued", "running", "succeeded", "failed"]


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
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


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
