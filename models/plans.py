"""Stored seating plans: workshop table plans and 1:1 meeting plans, told apart by ``kind``.

``assignment[r][i]`` is the table (from 0) of ``person_ids[i]`` in round ``r``; ``-1`` means
no seat. In a meeting plan ``-1`` is a bye (there, without a meeting) and ``-2`` absent.
Rounds ``0 .. locked_rounds - 1`` are printed or played and never change on re-planning.
``kind`` and a meeting plan's ``odd`` rule are columns with CHECK constraints, so an unknown
value cannot be stored and reading never guesses.

Example:
    >>> StoredTablePlan(event_id=1, kind=PlanKind.MEETINGS, odd=OddRule.TRIO).odd == "trio"
    True
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.types import StrEnumColumn, UTCDateTime, one_of, utc_now


class PlanKind(StrEnum):
    """What a stored plan seats: workshop tables, or 1:1 meeting rounds."""

    TABLES = "tables"
    MEETINGS = "meetings"


class OddRule(StrEnum):
    """A meeting plan's rule for an odd head count: one person sits out, or one table of three."""

    BYE = "bye"
    TRIO = "trio"


class StoredTablePlan(SQLModel, table=True):
    """A stored plan of an event (see the module docstring); ``odd`` is set for meeting plans only."""

    __tablename__ = "stored_table_plan"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", tuple(PlanKind)), name="kind"),
        sa.CheckConstraint(f"odd IS NULL OR {one_of('odd', tuple(OddRule))}", name="odd"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    kind: PlanKind = Field(default=PlanKind.TABLES, sa_type=StrEnumColumn(PlanKind, 16))
    odd: OddRule | None = Field(default=None, sa_type=StrEnumColumn(OddRule, 8))
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    person_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    assignment: list[list[int]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    locked_rounds: int = Field(default=0, ge=0)
    score: float | None = None
    violations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
