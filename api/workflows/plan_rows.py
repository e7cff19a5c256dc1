"""What an organiser prints of a plan: seats and meetings as rows, table layouts, the sector
mix, CSV. Pure functions over the engine's plans (no database, no terminal), so the CLI, the
web pages and the printouts share them. Rounds and tables are numbered from 1 in everything
printed (the engine counts from 0).

Example:
    >>> import numpy as np
    >>> import matcher
    >>> people = [PlanPerson(i, f"P{i}", f"Org {i % 2}", ("public", "private")[i % 2]) for i in range(4)]
    >>> plan = matcher.plan_tables(np.ones((4, 4)) - np.eye(4), [(2, 2), (2, 2)], seconds=0.05)
    >>> [r.person for r in table_rows(plan, people)][:2] == [people[i].name for i in plan.seating(0)[0]]
    True
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from api.workflows.errors import FieldError
from matcher import MeetingPlan, Profile, TablePlan
from models.spreadsheet import escape_formula


@dataclass(frozen=True)
class PlanPerson:
    """What a printed plan shows of a person (the plan itself knows only positions)."""

    id: int
    name: str
    organisation: str
    sector: str


@dataclass(frozen=True)
class TableRow:
    """One seat: ``round`` and ``table`` from 1; ``role`` as :func:`seat_role` words it."""

    round: int
    table: int
    person_id: int
    person: str
    organisation: str
    sector: str
    role: str = ""


def seat_role(*, host: bool, facilitator: bool) -> str:
    """The role column of a seat: ``host`` (pinned to this table), ``facilitator``, both
    (``host+facilitator``) or empty.

    Example:
        >>> seat_role(host=True, facilitator=True), seat_role(host=False, facilitator=False)
        ('host+facilitator', '')
    """
    return "+".join(name for name, on in (("host", host), ("facilitator", facilitator)) if on)


@dataclass(frozen=True)
class MeetingRow:
    """One person's meeting in a round (``table`` 0 and ``with_`` '(bye)' for a bye)."""

    round: int
    table: int
    person_id: int
    person: str
    organisation: str
    sector: str
    with_: str


def table_layout(n: int, *, tables: int | None, min_size: int, max_size: int) -> list[tuple[int, int]]:
    """``(min, max)`` per table for ``n`` people; by default as few tables as the maximum allows.

    Example:
        >>> layout = table_layout(80, tables=None, min_size=6, max_size=8)
        >>> len(layout), layout[0]
        (10, (6, 8))
    """
    if tables is not None and tables < 1:
        raise FieldError("tables", f"must be at least 1, got {tables}")
    count = tables if tables is not None else max(1, -(-n // max_size))
    if not count * min_size <= n <= count * max_size:
        raise FieldError(
            "tables",
            f"{n} people cannot sit at {count} tables of {min_size} to {max_size} "
            f"(that seats {count * min_size} to {count * max_size})",
        )
    return [(min_size, max_size)] * count


def table_rows(
    plan: TablePlan,
    people: Sequence[PlanPerson],
    marks: Mapping[int, tuple[int | None, bool]] | None = None,
) -> list[TableRow]:
    """The printable seats of ``plan``: one row per (round, person present), by round, table, name.

    ``people[i]`` describes the plan's person ``i``; ``marks[person id]`` is their pinned
    table (from 1, or None) and whether they facilitate (as
    :func:`api.workflows.seating_rules.seat_marks` gives them), for the role column.
    """
    if len(people) != plan.assignment.shape[1]:
        raise ValueError(f"people: {len(people)} given for a plan of {plan.assignment.shape[1]} people")
    found = marks or {}

    def role(person_id: int, table: int) -> str:
        pinned, facilitator = found.get(person_id, (None, False))
        return seat_role(host=pinned == table, facilitator=facilitator)

    rows = [
        TableRow(r + 1, t + 1, p.id, p.name, p.organisation, p.sector, role(p.id, t + 1))
        for r, t, i in plan.rows()
        for p in [people[i]]
    ]
    return sorted(rows, key=lambda x: (x.round, x.table, x.person, x.person_id))


def meeting_rows(plan: MeetingPlan, people: Sequence[PlanPerson]) -> list[MeetingRow]:
    """One row per (round, person present): their table and who they meet, or '(bye)'."""
    if len(people) != plan.n:
        raise ValueError(f"people: {len(people)} given for a plan of {plan.n} people")
    rows: list[MeetingRow] = []
    for m in plan.meetings:
        for i in m.people:
            p = people[i]
            partners = ", ".join(people[j].name for j in m.people if j != i)
            rows.append(
                MeetingRow(m.round + 1, m.table + 1, p.id, p.name, p.organisation, p.sector, partners)
            )
    for r, byes in enumerate(plan.byes):
        for i in byes:
            p = people[i]
            rows.append(MeetingRow(r + 1, 0, p.id, p.name, p.organisation, p.sector, "(bye)"))
    return sorted(rows, key=lambda x: (x.round, x.table == 0, x.table, x.person, x.person_id))


def write_csv(rows: Sequence[TableRow] | Sequence[MeetingRow], path: str | Path, kind: type) -> Path:
    """Write ``rows`` (of dataclass ``kind``) as UTF-8 CSV with a header; returns the path.

    The header is the field names (``with_`` is written ``with``). The file opens in Excel
    with its Finnish letters intact (UTF-8 with BOM), and no name runs as a formula there
    (:func:`models.spreadsheet.escape_formula`).
    """
    out = Path(path)
    header = [f.name.rstrip("_") for f in fields(kind)]
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([escape_formula(v) for v in astuple(row)] for row in rows)
    return out


@dataclass(frozen=True)
class TableMix:
    """How mixed the tables are: per round and table, the sectors seated there."""

    sectors: list[list[Counter[str]]]  # [round][table] -> sector counts
    repeats: int
    score: float

    @property
    def cells(self) -> int:
        return sum(len(r) for r in self.sectors)

    @property
    def mixed(self) -> int:
        """Tables (over all rounds) seating at least two sectors."""
        return sum(len(c) >= 2 for r in self.sectors for c in r)

    @property
    def dominated(self) -> int:
        """Tables where one sector takes more than half the seats."""
        return sum(bool(c) and max(c.values()) * 2 > sum(c.values()) for r in self.sectors for c in r)


def table_mix(plan: TablePlan, sectors: Sequence[str]) -> TableMix:
    """Count the sectors at every table of every round (absent people are skipped).

    Example:
        >>> import numpy as np
        >>> import matcher
        >>> plan = matcher.plan_tables(np.zeros((4, 4)), [(2, 2), (2, 2)], seconds=0.05)
        >>> mix = table_mix(plan, ["a", "a", "b", "b"])
        >>> mix.mixed, mix.repeats
        (2, 0)
    """
    grid = [[Counter(sectors[i] for i in seated) for seated in plan.seating(r)] for r in range(plan.rounds)]
    return TableMix(grid, int(plan.repeats), float(plan.score))


def plan_people(profiles: Sequence[Profile], names: dict[str, tuple[str, str]]) -> list[PlanPerson]:
    """Join profiles with printable ``names[profile.id] = (person name, organisation name)``."""
    missing = [p.id for p in profiles if p.id not in names]
    if missing:
        raise ValueError(f"names: no name for people {missing[:5]}")
    return [PlanPerson(int(p.id), *names[p.id], p.sector) for p in profiles]


def meeting_summary(plan: MeetingPlan) -> str:
    """One line: meetings, byes, trios, proven-optimal rounds, score."""
    trios = sum(len(m.people) == 3 for m in plan.meetings)
    byes = sum(len(b) for b in plan.byes)
    return (
        f"{len(plan.meetings)} meetings in {plan.rounds} rounds ({trios} trios, {byes} byes); "
        f"{sum(plan.optimal)}/{plan.rounds} rounds proven optimal; score {plan.score:.3f}."
    )


def rows_to_dicts(rows: Iterable[TableRow | MeetingRow]) -> list[dict[str, Any]]:
    """Rows as dicts (``with_`` as ``with``), e.g. for JSON."""
    return [{f.name.rstrip("_"): getattr(r, f.name) for f in fields(r)} for r in rows]
