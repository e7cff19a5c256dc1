"""Workshop table plans and 1:1 meeting rounds for an event: load, score, plan, print, export.

Thin glue between the data layer and the engine: :func:`load_event_people` reads the event's
profiles (``models.mapping.event_profiles``) and the names to print; :func:`score` builds the
affinity (``matcher.affinity``); ``matcher.plan_tables`` / ``matcher.plan_meetings`` plan;
the pure functions :func:`table_rows`, :func:`meeting_rows`, :func:`table_mix` and
:func:`write_csv` turn a plan into what the organiser prints. Rounds and tables are numbered
from 1 in everything printed (the engine counts from 0).

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
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from rich.console import Console
from rich.table import Table

import matcher
from matcher import MeetingPlan, Profile, TablePlan
from matcher.affinity import affinity as affinity_of

T = TypeVar("T")

# --------------------------------------------------------------------------- pure part


@dataclass(frozen=True)
class PlanPerson:
    """What a printed plan shows of a person (the plan itself knows only positions)."""

    id: int
    name: str
    organisation: str
    sector: str


@dataclass(frozen=True)
class TableRow:
    """One seat: ``round`` and ``table`` from 1."""

    round: int
    table: int
    person_id: int
    person: str
    organisation: str
    sector: str


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


def parse_table_size(text: str) -> tuple[int, int]:
    """``"6-8"`` -> (6, 8); ``"6"`` -> (6, 6); anything else is an error naming the option.

    Example:
        >>> parse_table_size("6-8"), parse_table_size(" 5 ")
        ((6, 8), (5, 5))
    """
    found = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", text)
    if not found:
        raise ValueError(f"--table-size: {text!r} is not a size like 6 or 6-8")
    low = int(found.group(1))
    high = int(found.group(2) or low)
    if not 2 <= low <= high:
        raise ValueError(f"--table-size: {text!r} needs 2 <= min <= max")
    return low, high


def table_layout(n: int, *, tables: int | None, min_size: int, max_size: int) -> list[tuple[int, int]]:
    """``(min, max)`` per table for ``n`` people; by default as few tables as the maximum allows.

    Example:
        >>> layout = table_layout(80, tables=None, min_size=6, max_size=8)
        >>> len(layout), layout[0]
        (10, (6, 8))
    """
    if tables is not None and tables < 1:
        raise ValueError(f"--tables: must be at least 1, got {tables}")
    count = tables if tables is not None else max(1, -(-n // max_size))
    if not count * min_size <= n <= count * max_size:
        raise ValueError(
            f"tables: {n} people cannot sit at {count} tables of {min_size} to {max_size} "
            f"(that seats {count * min_size} to {count * max_size})"
        )
    return [(min_size, max_size)] * count


def table_rows(plan: TablePlan, people: Sequence[PlanPerson]) -> list[TableRow]:
    """The printable seats of ``plan``: one row per (round, person present), by round, table, name.

    ``people[i]`` describes the plan's person ``i``.
    """
    if len(people) != plan.assignment.shape[1]:
        raise ValueError(f"people: {len(people)} given for a plan of {plan.assignment.shape[1]} people")
    rows = [
        TableRow(r + 1, t + 1, p.id, p.name, p.organisation, p.sector)
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
    with its Finnish letters intact (UTF-8 with BOM).
    """
    out = Path(path)
    header = [f.name.rstrip("_") for f in fields(kind)]
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(astuple(row) for row in rows)
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
        >>> plan = matcher.plan_tables(np.zeros((4, 4)), [(2, 2), (2, 2)], seconds=0.05)
        >>> mix = table_mix(plan, ["a", "a", "b", "b"])
        >>> mix.mixed, mix.repeats
        (2, 0)
    """
    grid = [[Counter(sectors[i] for i in seated) for seated in plan.seating(r)] for r in range(plan.rounds)]
    return TableMix(grid, int(plan.repeats), float(plan.score))


def print_table_summary(mix: TableMix, console: Console, *, title: str = "Sectors per table") -> None:
    """A round x table grid of sector counts, then the mix, repeat and score totals."""
    n_tables = max((len(r) for r in mix.sectors), default=0)
    grid = Table(title=title)
    grid.add_column("round")
    for t in range(n_tables):
        grid.add_column(f"T{t + 1}", justify="right")
    for r, row in enumerate(mix.sectors):
        grid.add_row(str(r + 1), *(str(len(c)) for c in row))
    console.print(grid)
    console.print(
        f"Cross-sector mix: {mix.mixed}/{mix.cells} tables seat two or more sectors; "
        f"{mix.dominated} have one sector above half the table. "
        f"Repeat encounters: {mix.repeats}. Score: {mix.score:.3f}."
    )


def plan_people(profiles: Sequence[Profile], names: dict[str, tuple[str, str]]) -> list[PlanPerson]:
    """Join profiles with printable ``names[profile.id] = (person name, organisation name)``."""
    missing = [p.id for p in profiles if p.id not in names]
    if missing:
        raise ValueError(f"names: no name for people {missing[:5]}")
    return [PlanPerson(int(p.id), *names[p.id], p.sector) for p in profiles]


# --------------------------------------------------------------------------- database part


def load_event_people(
    database_url: str, event_id: int, *, present_only: bool = False
) -> tuple[list[Profile], list[PlanPerson]]:
    """The event's profiles (registration order) and what to print of each person."""
    from sqlmodel import Session, col, select

    from models.db import make_engine
    from models.mapping import event_profiles
    from models.tables import Event, Organisation, Person

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            if session.get(Event, event_id) is None:
                raise ValueError(f"--event: no event with id {event_id} in {database_url}")
            profiles = event_profiles(session, event_id, present_only=present_only)
            ids = [int(p.id) for p in profiles]
            found = session.exec(
                select(Person, Organisation)
                .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
                .where(col(Person.id).in_(ids))
            ).all()
            names = {str(person.id): (person.name, org.name if org else "") for person, org in found}
    finally:
        engine.dispose()
    return profiles, plan_people(profiles, names)


def score(
    profiles: Sequence[Profile], model: str | None = None, cache_dir: Path | None = None
) -> npt.NDArray[Any]:
    """Affinity of every pair (``matcher.affinity``); ``model="hashing"`` needs no model weights.

    ``model`` is any name :class:`matcher.Embedder` takes (``None``: the default model; ``"hashing"``:
    hashed character n-grams, fast, for tests and dry runs).
    Colleagues score ``-inf`` there: both planners treat that as "never together".
    """
    encoder = matcher.Embedder(model, cache_dir=cache_dir)
    return np.asarray(affinity_of(list(profiles), encoder).matrix, dtype=np.float64)


def plan_event_tables(
    profiles: Sequence[Profile],
    affinity: npt.NDArray[Any],
    layout: list[tuple[int, int]],
    rounds: int,
    *,
    seconds: float,
    seed: int,
    on_tick: Callable[[float], None] | None = None,
) -> TablePlan:
    """Plan the tables with sectors from the profiles and ``separate`` = organisation; check it.

    ``on_tick(elapsed_seconds)`` is called about ten times a second while the search runs (for
    a progress bar). A plan that breaks a hard rule is an error listing the broken rules.
    """
    sectors = [p.sector for p in profiles]
    separate = [p.organisation for p in profiles]
    plan = _run_ticking(
        lambda: matcher.plan_tables(
            affinity, layout, rounds, sectors=sectors, separate=separate, seconds=seconds, seed=seed
        ),
        on_tick,
    )
    if not matcher.is_valid_table_plan(plan, layout, separate=separate):
        broken = matcher.table_plan_violations(plan, layout, separate=separate)
        raise RuntimeError(f"table plan: breaks {len(broken)} hard rule(s), first: {broken[0]}")
    return plan


def _run_ticking(job: Callable[[], T], on_tick: Callable[[float], None] | None) -> T:
    if on_tick is None:
        return job()
    import time
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(job)
        while not future.done():
            on_tick(time.perf_counter() - started)
            time.sleep(0.1)
        return future.result()


def plan_event_meetings(
    profiles: Sequence[Profile],
    affinity: npt.NDArray[Any],
    rounds: int,
    *,
    odd: str,
    seconds: float,
    seed: int,
) -> MeetingPlan:
    """Meeting rounds for the event: colleagues (``-inf`` affinity) never meet; plan checked."""
    if odd not in ("bye", "trio"):
        raise ValueError(f"--odd: must be 'bye' or 'trio', got {odd!r}")
    same_org = _same_organisation(profiles)
    plan = matcher.plan_meetings(
        affinity, rounds, blocked=same_org, odd="trio" if odd == "trio" else "bye", seconds=seconds, seed=seed
    )
    if not matcher.is_valid_meeting_plan(plan, blocked=same_org):
        raise RuntimeError(f"meeting plan: breaks a hard rule: {plan.violations[:1]}")
    return plan


def _same_organisation(profiles: Sequence[Profile]) -> list[tuple[int, int]]:
    by_org: dict[str, list[int]] = {}
    for k, p in enumerate(profiles):
        by_org.setdefault(p.organisation, []).append(k)
    return [(a, b) for members in by_org.values() for x, a in enumerate(members) for b in members[x + 1 :]]


def meeting_summary(plan: MeetingPlan) -> str:
    """One line: meetings, byes, trios, proven-optimal rounds, score."""
    trios = sum(len(m.people) == 3 for m in plan.meetings)
    byes = sum(len(b) for b in plan.byes)
    return (
        f"{len(plan.meetings)} meetings in {plan.rounds} rounds ({trios} trios, {byes} byes); "
        f"{sum(plan.optimal)}/{plan.rounds} rounds proven optimal; score {plan.score:.3f}."
    )


def demo_stage(database_url: str, event_id: int, console: Console, *, seconds: float = 5.0) -> None:
    """``kohtaamo demo``: a 4-round plan at tables of 6-8 for the sample event, with its mix.

    Scores with the configured model (``settings.model``); ``seconds`` is the search time.
    """
    from api.settings import get_settings

    settings = get_settings()
    profiles, people = load_event_people(database_url, event_id)
    scores = score(profiles, settings.model, settings.cache_dir)
    size = (6, 8)
    layout = table_layout(len(profiles), tables=None, min_size=size[0], max_size=size[1])
    plan = plan_event_tables(profiles, scores, layout, 4, seconds=seconds, seed=0)
    console.print(f"{len(profiles)} people at {len(layout)} tables of {size[0]}-{size[1]}, 4 rounds:")
    print_table_summary(table_mix(plan, [p.sector for p in profiles]), console)
    first = [r for r in table_rows(plan, people) if r.round == 1 and r.table == 1]
    console.print(
        "Round 1, table 1: " + "; ".join(f"{r.person} ({r.organisation}, {r.sector})" for r in first)
    )


def rows_to_dicts(rows: Iterable[TableRow | MeetingRow]) -> list[dict[str, Any]]:
    """Rows as dicts (``with_`` as ``with``), e.g. for JSON."""
    return [{f.name.rstrip("_"): getattr(r, f.name) for f in fields(r)} for r in rows]
