"""Workshop table plans: parameters, printable seats, a participant's own seats."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator


class TablePlanCreate(BaseModel):
    """Parameters of a workshop table plan over the event's participants."""

    rounds: int = Field(default=4, ge=1, le=12, examples=[4])
    tables: int | None = Field(
        default=None, ge=1, le=500, description="Number of tables; default: as many as the sizes need."
    )
    min_size: int = Field(default=6, ge=2, le=20, examples=[6])
    max_size: int = Field(default=8, ge=2, le=20, examples=[8])
    present_only: bool = Field(default=False, description="Seat only checked-in people (on the day).")
    separate_organisations: bool = Field(default=True, description="Never seat colleagues together.")
    max_sector_share: float | None = Field(
        default=None,
        gt=0,
        le=1,
        examples=[0.5],
        description="At most this share of a table from one sector (hard; 0.5: at most 3 of 6).",
    )
    min_sectors: int | None = Field(
        default=None,
        ge=1,
        le=20,
        examples=[2],
        description="At least this many sectors at every table (hard).",
    )
    seconds: float = Field(default=5.0, gt=0, le=120, description="Time budget of the optimiser.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)

    @model_validator(mode="after")
    def _sizes(self) -> TablePlanCreate:
        if self.min_size > self.max_size:
            raise ValueError(f"min_size: {self.min_size} is larger than max_size {self.max_size}")
        return self


class TablePlanReplan(BaseModel):
    """Re-plan the rounds after the locked ones (after walk-ins arrived or people left)."""

    present_only: bool = True
    seconds: float = Field(default=2.0, gt=0, le=120)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class TablePlanLock(BaseModel):
    """Lock rounds ``1 .. rounds`` (printed or played): re-planning never changes them."""

    rounds: int = Field(ge=0, le=12, examples=[1])


class Seat(BaseModel):
    """One person's table in one round."""

    round: int = Field(examples=[1])
    table: int = Field(examples=[3])
    person_id: int
    name: str
    organisation: str | None
    sector: str | None
    host: bool = Field(default=False, description="A host pinned to this table for every round.")
    facilitator: bool = Field(default=False, description="A facilitator (spread one per table).")


class TablePlanPublic(BaseModel):
    """A stored table plan, as printable rows (round, table, person)."""

    id: int
    event_id: int
    params: dict[str, Any]
    rounds: int
    locked_rounds: int
    score: float | None
    violations: list[str]
    seats: list[Seat]


class MySeat(BaseModel):
    """A participant's own seat in one round (no one else's names)."""

    round: int
    table: int
    locked: bool


class MyTables(BaseModel):
    """A participant's tables, round by round, from the event's newest plan."""

    event_id: int
    plan_id: int | None
    seats: list[MySeat]
