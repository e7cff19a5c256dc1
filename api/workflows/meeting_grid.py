"""A 1:1 meeting plan as the grid it is stored in, and back.

``grid[r][i]`` is the table (from 0) of person ``i`` in round ``r``, :data:`BYE` when they
are there without a meeting, and :data:`ABSENT` when they are not there. People at the same
table in a round meet. The engine's per-round scores and optimality flags are stored beside
the grid so the plan can be rebuilt as a :class:`matcher.MeetingPlan` for
:func:`matcher.replan_meetings`.

Example:
    >>> from matcher import plan_meetings
    >>> import numpy as np
    >>> plan = plan_meetings(np.ones((3, 3)), rounds=1)
    >>> grid = to_assignment(plan)
    >>> sorted(grid[0]), from_stored(grid, [0.0], [True], "bye").meetings == plan.meetings
    ([-1, 0, 0], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matcher.meetings import Meeting, MeetingPlan, OddMode

BYE = -1
ABSENT = -2


def to_assignment(plan: MeetingPlan) -> list[list[int]]:
    """``grid[r][i]``: the table of person ``i`` in round ``r``, :data:`BYE` or :data:`ABSENT`."""
    grid = [[ABSENT] * plan.n for _ in range(plan.rounds)]
    for r in range(plan.rounds):
        for p in plan.present[r]:
            grid[r][p] = BYE
    for m in plan.meetings:
        for p in m.people:
            grid[m.round][p] = m.table
    return grid


def from_stored(
    assignment: Sequence[Sequence[int]],
    round_scores: Sequence[float],
    optimal: Sequence[bool],
    odd: OddMode,
) -> MeetingPlan:
    """Rebuild the engine's :class:`MeetingPlan` from :func:`to_assignment`'s grid."""
    n = len(assignment[0]) if assignment else 0
    meetings: list[Meeting] = []
    for r, row in enumerate(assignment):
        tables: dict[int, list[int]] = {}
        for i, table in enumerate(row):
            if table >= 0:
                tables.setdefault(table, []).append(i)
        meetings += [Meeting(r, t, tuple(sorted(people))) for t, people in sorted(tables.items())]
    return MeetingPlan(
        n=n,
        rounds=len(assignment),
        meetings=tuple(meetings),
        byes=tuple(tuple(i for i, t in enumerate(row) if t == BYE) for row in assignment),
        present=tuple(tuple(i for i, t in enumerate(row) if t != ABSENT) for row in assignment),
        score=float(sum(round_scores)),
        round_scores=tuple(float(s) for s in round_scores),
        optimal=tuple(bool(o) for o in optimal),
        odd=odd,
    )


def plan_params(plan: MeetingPlan) -> dict[str, Any]:
    """What :func:`from_stored` needs besides the grid, to store in the plan's ``params``."""
    return {"round_scores": list(plan.round_scores), "optimal": list(plan.optimal)}
