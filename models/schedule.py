"""When the rounds of an event happen: the start of round 1, the length of a round and the
gap between rounds, per kind of plan (workshop tables, 1:1 meetings).

The event itself has only a date. Without a schedule, rounds are numbers (1, 2, ...) and
e-mails carry no calendar entries: a calendar entry at a guessed time would be worse than
none. Times are stored in UTC; ``timezone`` is how they are shown.

Example:
    >>> import datetime as dt
    >>> s = RoundSchedule(event_id=1, kind=PlanKind.MEETINGS, round_minutes=15, gap_minutes=5,
    ...                   starts_at=dt.datetime(2026, 12, 3, 11, 0, tzinfo=dt.UTC))
    >>> [t.strftime("%H:%M") for t in round_times(s, 2)]
    ['11:20', '11:35']
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.plans import PlanKind
from models.types import StrEnumColumn, UTCDateTime, one_of

DEFAULT_TIMEZONE = "Europe/Helsinki"


class RoundSchedule(SQLModel, table=True):
    """The times of one kind of round at one event (see the module docstring)."""

    __tablename__ = "round_schedule"
    __table_args__ = (sa.CheckConstraint(one_of("kind", tuple(PlanKind)), name="kind"),)

    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", primary_key=True)
    kind: PlanKind = Field(sa_type=StrEnumColumn(PlanKind, 16), primary_key=True)
    starts_at: dt.datetime = Field(sa_type=UTCDateTime, description="Start of round 1.")
    round_minutes: int = Field(ge=1, le=600)
    gap_minutes: int = Field(default=0, ge=0, le=600)
    timezone: str = Field(default=DEFAULT_TIMEZONE, max_length=64)


def round_times(schedule: RoundSchedule, round_number: int) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of round ``round_number`` (from 1) under ``schedule``."""
    if round_number < 1:
        raise ValueError(f"round: {round_number} is not a round number (they start from 1)")
    step = dt.timedelta(minutes=schedule.round_minutes + schedule.gap_minutes)
    start = schedule.starts_at + (round_number - 1) * step
    return start, start + dt.timedelta(minutes=schedule.round_minutes)
