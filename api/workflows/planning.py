"""Plan an event's tables and meetings with the engine, and check every plan with the
engine's checker before anyone sees it (a plan that breaks a hard rule is an error).

Example:
    >>> import numpy as np
    >>> from matcher import Profile
    >>> people = [Profile(id=str(i), organisation=str(i // 2), sector="public") for i in range(4)]
    >>> plan = plan_event_meetings(people, np.ones((4, 4)), 1, odd="bye", seconds=0.1, seed=0)
    >>> any(len({a // 2 for a in m.people}) == 1 for m in plan.meetings)  # colleagues never meet
    False
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy.typing as npt

import matcher
from api.workflows.errors import FieldError
from api.workflows.seating_rules import TableRules
from matcher import MeetingPlan, Profile, TablePlan
from matcher.ids import positions
from models.plans import OddRule

T = TypeVar("T")


def plan_event_tables(
    profiles: Sequence[Profile],
    affinity: npt.NDArray[Any],
    layout: list[tuple[int, int]],
    rounds: int,
    *,
    seconds: float,
    seed: int,
    separate_organisations: bool = True,
    rules: TableRules | None = None,
    on_tick: Callable[[float], None] | None = None,
) -> TablePlan:
    """Plan the tables with sectors from the profiles, (by default) colleagues apart, and the
    event's seating ``rules`` (pins, facilitators, pairs apart, sector caps) as hard rules.

    ``on_tick(elapsed_seconds)`` is called about ten times a second while the search runs (for
    a progress bar).
    """
    sectors = [p.sector for p in profiles]
    separate = [p.organisation for p in profiles] if separate_organisations else None
    hard = engine_rules(rules)
    plan = run_ticking(
        lambda: matcher.plan_tables(
            affinity, layout, rounds, sectors=sectors, separate=separate, seconds=seconds, seed=seed, **hard
        ),
        on_tick,
    )
    check_table_plan(plan, layout, separate, sectors=sectors, rules=rules)
    return plan


def engine_rules(rules: TableRules | None) -> dict[str, Any]:
    """The keyword arguments of the seating rules for :func:`matcher.plan_tables` and its checker."""
    return rules.engine_kwargs() if rules is not None else {}


def _check_pins(
    profiles: Sequence[Profile], separate: Sequence[Any] | None, rules: TableRules, names: Sequence[str]
) -> None:
    """Two people pinned to one table who may not share it: named ``names[k]`` (id and name),
    with the table numbered from 1, as in the engine's messages (its indices count from 0)."""
    apart = {frozenset(pair) for pair in rules.apart}
    by_table: dict[int, list[int]] = {}
    for k, table in sorted(rules.pinned.items()):
        by_table.setdefault(table, []).append(k)
    for table, pinned in by_table.items():
        for x, a in enumerate(pinned):
            for b in pinned[x + 1 :]:
                colleagues = separate is not None and separate[a] is not None and separate[a] == separate[b]
                if colleagues or frozenset((a, b)) in apart:
                    why = "colleagues" if colleagues else "kept apart"
                    raise FieldError(
                        "pinned_table",
                        f"{names[a]} and {names[b]} are both pinned to table {table + 1} but are {why}",
                    )


RULE_STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seating", ("pinned", "facilitators", "apart")),
    ("max_sector_share", ("max_sector_share",)),
    ("min_sectors", ("min_sectors",)),
)
"""The request fields to blame, in order, as the rules are added one group at a time."""


def precheck_tables(
    profiles: Sequence[Profile],
    layout: Sequence[tuple[int, int]],
    rounds: int,
    *,
    separate: Sequence[Any] | None,
    rules: TableRules,
    names: Sequence[str] | None = None,
    locked_rounds: int = 0,
) -> None:
    """Refuse rules no seating can keep, before any search (:func:`matcher.check_table_rules`):
    a :class:`FieldError` naming the rule that makes it impossible (``seating``: the sizes,
    colleagues apart, pins, facilitators or apart pairs; else the sector rule) and the engine's
    reason, e.g. most of the room from one sector under ``max_sector_share``. A reason about
    someone names them ``names[k]`` (:func:`person_labels`), else by position. The first
    ``locked_rounds`` rounds are played (a re-plan keeps them) and not checked."""
    labels = list(names) if names is not None else person_labels(profiles, {})
    _check_pins(profiles, separate, rules, labels)
    every = rules.engine_kwargs()
    given: dict[str, Any] = {}
    for field, names in RULE_STAGES:
        given.update({name: every[name] for name in names})
        if field != "seating" and all(every[name] is None for name in names):
            continue
        try:
            matcher.check_table_rules(
                len(profiles),
                layout,
                rounds,
                sectors=[p.sector for p in profiles],
                separate=separate,
                names=labels,
                locked_rounds=locked_rounds,
                **given,
            )
        except matcher.InfeasibleTablesError as exc:
            raise FieldError(field, str(exc)) from None


def person_labels(profiles: Sequence[Profile], names: Mapping[int, str]) -> list[str]:
    """How an error names each of ``profiles``: id and name (``names[id]``), e.g.
    ``'person 12 (Maija Virtanen)'``; just the id where the name is unknown.

    Example:
        >>> people = [Profile(id=str(k), organisation="Hoiva Oy", sector="public") for k in (12, 13)]
        >>> person_labels(people, {12: "Maija Virtanen"})
        ['person 12 (Maija Virtanen)', 'person 13']
    """
    labels = []
    for p in profiles:
        name = names.get(int(p.id))
        labels.append(f"person {p.id} ({name})" if name else f"person {p.id}")
    return labels


def check_table_plan(
    plan: TablePlan,
    layout: list[tuple[int, int]],
    separate: Sequence[Any] | None,
    *,
    sectors: Sequence[Any] | None = None,
    rules: TableRules | None = None,
    locked: npt.ArrayLike | None = None,
) -> None:
    """Raise if ``plan`` breaks a hard rule (:func:`matcher.is_valid_table_plan`); ``locked``
    holds the played rounds it must keep."""
    hard = {**engine_rules(rules), "sectors": sectors}
    if not matcher.is_valid_table_plan(plan, layout, separate=separate, locked=locked, **hard):
        broken = matcher.table_plan_violations(plan, layout, separate=separate, locked=locked, **hard)
        raise RuntimeError(f"table plan: breaks {len(broken)} hard rule(s), first: {broken[0]}")


def run_ticking(job: Callable[[], T], on_tick: Callable[[float], None] | None) -> T:
    """Run ``job``, calling ``on_tick(elapsed)`` about ten times a second until it is done."""
    if on_tick is None:
        return job()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(job)
        while not future.done():
            on_tick(time.perf_counter() - started)
            time.sleep(0.1)
        return future.result()


def by_position(profiles: Sequence[Profile], pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pairs`` of person ids as positions in ``profiles`` (through :func:`matcher.ids.positions`);
    a pair naming someone not among them is left out."""
    pos = positions([int(p.id) for p in profiles], "profiles")
    return [(pos[a], pos[b]) for a, b in pairs if a in pos and b in pos]


def colleague_pairs(profiles: Sequence[Profile]) -> list[tuple[int, int]]:
    """Positions of every two people of one organisation (they never meet 1:1)."""
    by_org: dict[str, list[int]] = {}
    for k, p in enumerate(profiles):
        by_org.setdefault(p.organisation, []).append(k)
    return [(a, b) for members in by_org.values() for x, a in enumerate(members) for b in members[x + 1 :]]


def odd_rule(odd: str) -> OddRule:
    """``odd`` as an :class:`~models.plans.OddRule`; anything else is an error naming it."""
    try:
        return OddRule(odd)
    except ValueError:
        raise FieldError("odd", f"must be 'bye' or 'trio', got {odd!r}") from None


def plan_event_meetings(
    profiles: Sequence[Profile],
    affinity: npt.NDArray[Any],
    rounds: int,
    *,
    odd: str,
    seconds: float,
    seed: int,
    requested: Sequence[tuple[int, int]] = (),
) -> MeetingPlan:
    """Meeting rounds for the event: colleagues never meet, ``requested`` pairs (positions:
    (i, j) = i asked to meet j) come first, mutual ones before one-way; the plan is checked."""
    rule = odd_rule(odd)
    same_org = colleague_pairs(profiles)
    plan = matcher.plan_meetings(
        affinity, rounds, requested=requested, blocked=same_org, odd=rule.value, seconds=seconds, seed=seed
    )
    if not matcher.is_valid_meeting_plan(plan, blocked=same_org):
        raise RuntimeError(f"meeting plan: breaks a hard rule: {plan.violations[:1]}")
    return plan
