"""Background jobs (suggestions, plans, imports): status, progress and result, in a table so
any worker process can answer ``GET /jobs/{id}``.

Example:
    >>> Job(kind="suggestions").status
    'queued'
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col

from models.types import UTCDateTime, utc_now

JOB_STATUSES: tuple[str, ...] = ("queued", "running", "succeeded", "failed")
JobStatus = Literal["queued", "running", "succeeded", "failed"]
UNFINISHED: tuple[str, ...] = ("queued", "running")
DEFAULT_STALE_AFTER = timedelta(minutes=2)
STALE_MESSAGE = (
    "interrupted: the worker running this job stopped (the server was restarted or killed) "
    "and nothing of it was kept; start it again"
)


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


def _stale(cutoff: datetime) -> sa.ColumnElement[bool]:
    last_sign = sa.func.coalesce(col(Job.heartbeat_at), col(Job.started_at), col(Job.created_at))
    return sa.and_(col(Job.status).in_(UNFINISHED), last_sign < cutoff)


def fail_stale_jobs(
    session: Session,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    job_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Mark queued or running jobs whose worker has given no sign of life for ``stale_after``
    as failed, with :data:`STALE_MESSAGE` and ``result = {"interrupted": True}``; returns how
    many. ``job_id`` limits it to one job. Safe to run from any process at any time: a live
    worker renews its jobs' ``heartbeat_at`` far more often than ``stale_after``.

    Example:
        >>> from models.db import make_engine, upgrade_database
        >>> engine = make_engine("sqlite://", poolclass=sa.pool.StaticPool)
        >>> upgrade_database(engine)
        >>> with Session(engine) as s:
        ...     s.add(Job(kind="suggestions", status="running", created_at=utc_now() - timedelta(hours=1)))
        ...     s.commit()
        ...     fail_stale_jobs(s), s.get(Job, 1).status
        (1, 'failed')
    """
    moment = now or utc_now()
    condition = _stale(moment - stale_after)
    if job_id is not None:
        condition = sa.and_(col(Job.id) == job_id, condition)
    update = (
        sa.update(Job)
        .where(condition)
        .values(status="failed", message=STALE_MESSAGE, result={"interrupted": True}, finished_at=moment)
        .execution_options(synchronize_session=False)
    )
    count = session.connection().execute(update).rowcount
    session.commit()
    session.expire_all()
    return int(count or 0)
