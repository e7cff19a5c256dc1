"""A table plan and its checker: :class:`TablePlan`, and the hard constraints it must keep.

:func:`table_plan_violations` lists every hard constraint a plan breaks (table sizes,
``separate``, ``pinned``, locked rounds and the rules of :mod:`matcher.table_rules`);
:func:`is_valid_table_plan` says whether there are none: the checker beside the algorithm
(:func:`matcher.tables.plan_tables`), as in networkx. :func:`locked_from` carries played
rounds over to a changed population (walk-ins, people who left).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.table_rule_spec import encode_rules, rule_violations
from matcher.table_seating import IntArray, Pinned, check_tables, encode_labels, pins_by_round
from matcher.wording import at, table_no

FloatArray = npt.NDArray[np.float64]

__all__ = ["TablePlan", "is_valid_table_plan", "locked_from", "table_plan_violations"]


@dataclass(frozen=True, eq=False)
class TablePlan:
    """A seating for every round, with its score and a report on every constraint.

    ``assignment[r, i]`` is the table of person ``i`` in round ``r``; ``-1`` means absent,
    which only occurs in locked rounds (a walk-in who was not there yet).
    ``score`` = ``affinity_total`` - ``repeat_penalty`` * ``repeats``, where
    ``affinity_total`` sums the affinity of every pair sharing a table, over all rounds, and
    ``repeats`` counts repeat encounters (a pair meeting in m rounds counts C(m, 2)).
    An excluded pair (affinity ``-inf``) seated together makes the score ``-inf`` and is
    named in ``notes``. ``violations`` lists broken hard constraints (empty for every plan
    :func:`plan_tables` returns); ``sector_issues`` lists tables whose sector mix misses the
    soft goal although attendance would allow it.

    Example:
        >>> from matcher.tables import plan_tables
        >>> plan = plan_tables(np.ones((4, 4)) - np.eye(4), [(2, 2), (2, 2)], seconds=0.05)
        >>> plan.assignment.shape, plan.score
        ((1, 4), 2.0)
    """

    assignment: IntArray
    score: float
    affinity_total: float
    repeats: int
    repeat_penalty: float
    round_scores: FloatArray
    table_scores: FloatArray
    table_sizes: IntArray
    locked_rounds: int = 0
    violations: tuple[str, ...] = ()
    sector_issues: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    iterations: int = 0
    seed: int = 0
    sector_weight: float = 0.0

    @property
    def rounds(self) -> int:
        """Number of rounds, locked ones included."""
        return int(self.assignment.shape[0])

    @property
    def n_tables(self) -> int:
        """Number of tables."""
        return int(self.table_sizes.shape[1])

    def seating(self, round_: int) -> list[list[int]]:
        """People at each table in one round: ``seating(r)[t]`` lists table t's people."""
        row = self.assignment[round_]
        return [np.flatnonzero(row == t).tolist() for t in range(self.n_tables)]

    def rows(self) -> list[tuple[int, int, int]]:
        """(round, table, person) for every seated person, sorted: the printable plan."""
        out = [
            (r, int(t), i)
            for r in range(self.rounds)
            for i, t in enumerate(self.assignment[r].tolist())
            if t >= 0
        ]
        return sorted(out)


def locked_rows(locked: TablePlan | npt.ArrayLike | None, locked_rounds: int | None, n: int) -> IntArray:
    """The locked rounds of ``locked`` as a (k, n) array (``locked_rounds`` of them, default all),
    checked against ``n`` people; no rows when nothing is locked."""
    if locked is None:
        if locked_rounds:
            raise ValueError("locked_rounds: given without a locked plan")
        return np.zeros((0, n), dtype=np.int64)
    rows = np.asarray(locked.assignment if isinstance(locked, TablePlan) else locked)
    if rows.ndim == 1:
        rows = rows[None, :]
    if rows.ndim != 2 or rows.shape[1] != n:
        raise ValueError(
            f"locked: expected (rounds, {n}) table indices for the current people, got shape {rows.shape}; "
            "use locked_from() to carry an earlier plan over to a changed population"
        )
    k = rows.shape[0] if locked_rounds is None else locked_rounds
    if not 0 <= k <= rows.shape[0]:
        raise ValueError(f"locked_rounds: {k} is outside 0..{rows.shape[0]} (rounds in the locked plan)")
    return rows[:k].astype(np.int64)


# --------------------------------------------------------------------------- checker


def table_plan_violations(
    plan: TablePlan | npt.ArrayLike,
    tables: Sequence[tuple[int, int]],
    *,
    sectors: Sequence[Hashable | None] | None = None,
    separate: Sequence[Hashable | None] | None = None,
    pinned: Pinned | None = None,
    max_sector_share: float | None = None,
    min_sectors: int | None = None,
    facilitators: Sequence[int] | None = None,
    apart: Sequence[tuple[int, int]] | None = None,
    locked: TablePlan | npt.ArrayLike | None = None,
    locked_rounds: int | None = None,
) -> list[str]:
    """List every hard constraint a plan breaks (empty list: the plan is valid).

    ``plan`` is a :class:`TablePlan` or a (rounds, n) array of table indices. Checks: the
    shape and table indices; in every round that is not locked, the table size bounds,
    ``separate`` (no two people with the same label at one table), ``pinned`` and the rules
    of :mod:`matcher.table_rules` (``max_sector_share``, ``min_sectors``, ``facilitators``,
    ``apart``); locked rounds must equal the leading rows of ``locked`` (``-1`` = absent,
    allowed only there). Parameters mean the same as in :func:`plan_tables`.

    Example:
        >>> table_plan_violations([[0, 0, 1]], [(1, 2), (1, 2)], separate=["a", "a", None])
        ['round 1, table 1: people 0 and 1 share separate label a']
        >>> for v in table_plan_violations([[0, 0, 1, 1]], [(2, 2)] * 2, facilitators=[0, 1], apart=[(2, 3)]):
        ...     print(v)
        round 1, table 1: 2 facilitators [0, 1], allowed 1..1
        round 1, table 2: 0 facilitators [], allowed 1..1
        round 1, table 2: people 2 and 3 must not share a table
    """
    rows = np.asarray(plan.assignment if isinstance(plan, TablePlan) else plan)
    if rows.ndim == 1:
        rows = rows[None, :]
    if rows.ndim != 2:
        return [f"assignment: expected a (rounds, n) array, got shape {rows.shape}"]
    n_rounds, n = rows.shape
    lo, hi = check_tables(tables)
    keep = locked_rows(locked, locked_rounds, n)
    sep, sep_names = encode_labels(separate, n, "separate")
    pins = pins_by_round(pinned, n, n_rounds, len(lo))
    rules = encode_rules(n, len(lo), sectors, max_sector_share, min_sectors, facilitators, apart)
    out: list[str] = []
    if len(keep) > n_rounds:
        out.append(f"locked: {len(keep)} locked rounds but the plan has only {n_rounds}")
    for r in range(n_rounds):
        row = rows[r]
        is_locked = r < len(keep)
        if is_locked and not np.array_equal(row, keep[r]):
            diff = np.flatnonzero(row != keep[r])
            out.append(f"{at(r)}: locked round changed for people {diff[:5].tolist()}")
            continue
        bad = np.flatnonzero((row < (-1 if is_locked else 0)) | (row >= len(lo)))
        if len(bad):
            out.append(f"{at(r)}: person {bad[0]} has table index {row[bad[0]]}, outside 0..{len(lo) - 1}")
            continue
        if not is_locked:
            out.extend(_round_violations(r, row, lo, hi, sep, sep_names, pins[r]))
            if rules.active:
                out.extend(rule_violations(r, row, rules))
    return out


def _round_violations(
    r: int,
    row: IntArray,
    lo: IntArray,
    hi: IntArray,
    sep: IntArray,
    sep_names: list[Any],
    pins: Mapping[int, int],
) -> list[str]:
    out = []
    sizes = np.bincount(row, minlength=len(lo))
    for t in np.flatnonzero((sizes < lo) | (sizes > hi)).tolist():
        out.append(f"{at(r, t)}: {sizes[t]} people, allowed {lo[t]}..{hi[t]}")
    seen: dict[tuple[int, int], int] = {}
    for i in np.flatnonzero(sep >= 0).tolist():
        other = seen.setdefault((int(sep[i]), int(row[i])), i)
        if other != i:
            out.append(f"{at(r, row[i])}: people {other} and {i} share separate label {sep_names[sep[i]]}")
    for person, t in sorted(pins.items()):
        if row[person] != t:
            sits = table_no(row[person])
            out.append(f"{at(r)}: person {person} is pinned to {table_no(t)} but sits at {sits}")
    return out


def is_valid_table_plan(
    plan: TablePlan | npt.ArrayLike,
    tables: Sequence[tuple[int, int]],
    *,
    sectors: Sequence[Hashable | None] | None = None,
    separate: Sequence[Hashable | None] | None = None,
    pinned: Pinned | None = None,
    max_sector_share: float | None = None,
    min_sectors: int | None = None,
    facilitators: Sequence[int] | None = None,
    apart: Sequence[tuple[int, int]] | None = None,
    locked: TablePlan | npt.ArrayLike | None = None,
    locked_rounds: int | None = None,
) -> bool:
    """True when ``plan`` breaks no hard constraint (see :func:`table_plan_violations`).

    Example:
        >>> is_valid_table_plan([[0, 1, 0, 1]], [(2, 2), (2, 2)])
        True
    """
    return not table_plan_violations(
        plan,
        tables,
        sectors=sectors,
        separate=separate,
        pinned=pinned,
        max_sector_share=max_sector_share,
        min_sectors=min_sectors,
        facilitators=facilitators,
        apart=apart,
        locked=locked,
        locked_rounds=locked_rounds,
    )


def locked_from(plan: TablePlan | npt.ArrayLike, rounds: int, old_index: Sequence[int]) -> IntArray:
    """Carry the first ``rounds`` rounds of an earlier plan over to a changed population.

    ``old_index[k]`` is the column of new person ``k`` in the earlier plan, or ``-1`` for a
    walk-in (absent in those rounds). People who left are simply not listed. Pass the result
    as ``locked=`` to :func:`plan_tables` with the affinity of the new population.

    Example:
        >>> locked_from([[0, 1, 1], [1, 0, 1]], 1, [2, 0, -1])  # person 1 left, one walk-in
        array([[ 1,  0, -1]])
    """
    rows = np.asarray(plan.assignment if isinstance(plan, TablePlan) else plan, dtype=np.int64)
    if not 0 <= rounds <= rows.shape[0]:
        raise ValueError(f"rounds: {rounds} is outside 0..{rows.shape[0]}")
    idx = np.asarray(old_index, dtype=np.int64)
    if len(idx) and (idx.max() >= rows.shape[1] or idx.min() < -1):
        raise ValueError(f"old_index: entries must be -1 or columns 0..{rows.shape[1] - 1}")
    out = np.full((rounds, len(idx)), -1, dtype=np.int64)
    present = idx >= 0
    out[:, present] = rows[:rounds, idx[present]]
    return out
