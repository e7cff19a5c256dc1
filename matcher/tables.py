"""Workshop table plans: seat people at tables, round after round, to maximise affinity.

Seating people so that the total affinity inside tables is as large as possible is the
Maximally Diverse Grouping Problem (MDGP). :func:`plan_tables` solves it with hard
constraints (table sizes, ``separate``, ``pinned``, ``locked`` rounds, and the rules of
:mod:`matcher.table_rules`: a sector's share of a table, sectors per table, facilitators
spread one per table, pairs kept apart; :func:`check_table_rules` refuses infeasible ones
before any search with :class:`InfeasibleTablesError`) and soft, weighted goals (a
cross-sector mix at every table, few repeat encounters over rounds);
:func:`table_plan_violations` / :func:`is_valid_table_plan` check a plan against the hard
constraints (the checker beside the algorithm, as in networkx).

How the soft goals enter the search: both are folded into the pair weights the optimiser sees.

- Sector mix: every pair of the same sector at a table costs ``sector_weight``. Minimising
  the number of same-sector pairs spreads each sector evenly over the tables, which gives
  every table two or more sectors and no sector above half a table wherever attendance
  allows. :attr:`TablePlan.sector_issues` lists the tables where that still fails.
- Repeats: a pair seated together in two rounds costs ``repeat_penalty`` once per earlier
  round in which they already shared a table (a pair meeting in m rounds costs C(m, 2) times
  the penalty). Rounds are optimised in turn, each against the others (block coordinate
  ascent): first in order, each round seeing the rounds before it, then cyclically with all
  other rounds fixed. Each step keeps the round's seating unless it finds a better one, so
  the total never drops. In rooms of up to 240 people the last 40 % of the time goes to
  restarts of that ascent, each kept only if the plan improves (``bench.cpsat_rounds``
  measures the gap to an exact solver on small 3-round cases).

The search in each round is an iterated tabu search with move and swap neighbourhoods and
O(1) evaluation of every candidate from per-person, per-table affinity sums (Numba kernels in
:mod:`matcher._mdgp`). On the MDGPLIB benchmark, at the same time limit, its mean over 5
seeds beats the mean of Lai & Hao's Iterated Maxima Search on every instance with n >= 60
(``python -m bench.mdgp``; figures in ``bench/results/tables.md``). With hard rules on, the
search only walks through seatings that keep them; its perturbations may break them and
are repaired back (:mod:`matcher._rules`), since single moves and swaps do not always
connect the seatings that meet every rule.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.table_rules import (
    TableRules,
    check_sizes,
    check_table_rules,
    encode_rules,
    feasible_rows,
    round_seating,
    rule_state,
    rule_violations,
)
from matcher.table_seating import (
    InfeasibleTablesError,
    IntArray,
    Pinned,
    check_tables,
    encode_labels,
    pins_by_round,
)

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "InfeasibleTablesError",
    "Pinned",
    "TablePlan",
    "check_table_rules",
    "is_valid_table_plan",
    "locked_from",
    "plan_tables",
    "table_plan_violations",
]


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


# --------------------------------------------------------------------------- input checks


def _check_affinity(affinity: npt.ArrayLike) -> FloatArray:
    a = np.array(affinity, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"affinity: expected a square (n, n) matrix, got shape {a.shape}")
    n = a.shape[0]
    if n == 0:
        raise ValueError("affinity: no people (shape (0, 0))")
    off = ~np.eye(n, dtype=bool)
    bad = np.argwhere(off & (np.isnan(a) | (a == np.inf)))
    if len(bad):
        i, j = bad[0]
        raise ValueError(f"affinity: entry [{i}, {j}] is {a[i, j]}; use a finite value or -inf (excluded)")
    both_inf = np.isneginf(a) & np.isneginf(a.T)
    with np.errstate(invalid="ignore"):
        diff = np.where(both_inf, 0.0, np.abs(a - a.T))
    scale = max(1.0, float(np.abs(a[np.isfinite(a)]).max(initial=0.0)))
    asym = np.argwhere(off & ~(diff <= 1e-6 * scale))
    if len(asym):
        i, j = asym[0]
        raise ValueError(f"affinity: not symmetric: [{i}, {j}] = {a[i, j]} but [{j}, {i}] = {a[j, i]}")
    return a


def _locked_rows(locked: TablePlan | npt.ArrayLike | None, locked_rounds: int | None, n: int) -> IntArray:
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
        ['round 0, table 0: people 0 and 1 share separate label a']
        >>> for v in table_plan_violations([[0, 0, 1, 1]], [(2, 2)] * 2, facilitators=[0, 1], apart=[(2, 3)]):
        ...     print(v)
        round 0, table 0: 2 facilitators [0, 1], allowed 1..1
        round 0, table 1: 0 facilitators [], allowed 1..1
        round 0, table 1: people 2 and 3 must not share a table
    """
    rows = np.asarray(plan.assignment if isinstance(plan, TablePlan) else plan)
    if rows.ndim == 1:
        rows = rows[None, :]
    if rows.ndim != 2:
        return [f"assignment: expected a (rounds, n) array, got shape {rows.shape}"]
    n_rounds, n = rows.shape
    lo, hi = check_tables(tables)
    keep = _locked_rows(locked, locked_rounds, n)
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
            out.append(f"round {r}: locked round changed for people {diff[:5].tolist()}")
            continue
        bad = np.flatnonzero((row < (-1 if is_locked else 0)) | (row >= len(lo)))
        if len(bad):
            out.append(f"round {r}: person {bad[0]} has table {row[bad[0]]}, outside 0..{len(lo) - 1}")
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
        out.append(f"round {r}, table {t}: {sizes[t]} people, allowed {lo[t]}..{hi[t]}")
    seen: dict[tuple[int, int], int] = {}
    for i in np.flatnonzero(sep >= 0).tolist():
        other = seen.setdefault((int(sep[i]), int(row[i])), i)
        if other != i:
            out.append(
                f"round {r}, table {row[i]}: people {other} and {i} share separate label {sep_names[sep[i]]}"
            )
    for person, t in sorted(pins.items()):
        if row[person] != t:
            out.append(f"round {r}: person {person} is pinned to table {t} but sits at table {row[person]}")
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


# --------------------------------------------------------------------------- evaluation


def _meetings(rows: IntArray, n: int) -> IntArray:
    """meet[i, j] = number of rounds in which i and j share a table (zero diagonal)."""
    meet = np.zeros((n, n), dtype=np.int64)
    for row in rows:
        meet += (row[:, None] == row[None, :]) & (row >= 0)[:, None]
    np.fill_diagonal(meet, 0)
    return meet


def _pair_sum(a: FloatArray, people: IntArray) -> float:
    sub = a[np.ix_(people, people)]
    return float(sub[np.triu_indices(len(people), 1)].sum()) if len(people) > 1 else 0.0


def _sector_issues(
    rows: IntArray, first: int, lo: IntArray, sectors: Sequence[Hashable | None] | None
) -> tuple[str, ...]:
    if sectors is None:
        return ()
    out = []
    labels = np.asarray([str(s) for s in sectors])
    for r in range(first, len(rows)):
        row = rows[r]
        present = row >= 0
        totals = {s: int(np.sum(labels[present] == s)) for s in set(labels[present].tolist())}
        sizes = np.bincount(row[present], minlength=len(lo))
        half_room = int(np.sum(sizes // 2))
        for t in range(len(lo)):
            here = labels[row == t]
            if len(here) < 2:
                continue
            values, counts = np.unique(here, return_counts=True)
            top = int(np.argmax(counts))
            if len(values) == 1 and len(totals) > 1:
                out.append(f"round {r}, table {t}: only sector {values[0]}")
            elif counts[top] > len(here) / 2 and totals[str(values[top])] <= half_room:
                out.append(
                    f"round {r}, table {t}: sector {values[top]} holds {counts[top]} of {len(here)} seats"
                )
    return tuple(out)


def _evaluate(
    a: FloatArray, rows: IntArray, n_tables: int, penalty: float
) -> tuple[float, float, int, FloatArray, FloatArray, IntArray, list[str]]:
    """Score, affinity total, repeats, per-round and per-table figures, excluded-pair notes."""
    n_rounds, n = rows.shape
    table_scores = np.zeros((n_rounds, n_tables))
    table_sizes = np.zeros((n_rounds, n_tables), dtype=np.int64)
    notes = []
    for r in range(n_rounds):
        for t in range(n_tables):
            people = np.flatnonzero(rows[r] == t)
            table_sizes[r, t] = len(people)
            table_scores[r, t] = _pair_sum(a, people)
            if table_scores[r, t] == -np.inf:
                sub = a[np.ix_(people, people)]
                i, j = np.argwhere(np.triu(np.isneginf(sub), 1))[0]
                notes.append(
                    f"round {r}, table {t}: excluded pair ({people[i]}, {people[j]}) seated together"
                )
    meet = _meetings(rows, n)
    repeats = int(np.sum(meet * (meet - 1) // 2) // 2)
    round_scores = table_scores.sum(axis=1)
    total = float(round_scores.sum())
    return total - penalty * repeats, total, repeats, round_scores, table_scores, table_sizes, notes


# --------------------------------------------------------------------------- search driver


def _search_round(
    b: FloatArray,
    seat: IntArray,
    lo: IntArray,
    hi: IntArray,
    movable: npt.NDArray[np.bool_],
    sep: IntArray,
    rules: TableRules,
    deadline: float,
    iteration_budget: int | None,
    seed: int,
    population: bool = False,
) -> tuple[IntArray, int]:
    """Improve one round's seating on pair weights ``b`` until the deadline or the budget.

    With ``population`` (one free round), large rooms without rules beyond sizes, pins and
    ``separate`` get the population search of :mod:`matcher._mdgp_population` (built on
    the same tabu walk); everything else gets the tabu walk alone.
    """
    from matcher import _mdgp_population as pop  # Numba loads on first use

    args = (b, seat, lo, hi, movable, sep, rules, deadline, iteration_budget, seed)
    left = deadline - time.perf_counter()
    if population and len(lo) > 1 and movable.any() and pop.applies(len(seat), rules, left, iteration_budget):
        return pop.search(*args, _tabu_walk)
    return _tabu_walk(*args)


def _tabu_walk(
    b: FloatArray,
    seat: IntArray,
    lo: IntArray,
    hi: IntArray,
    movable: npt.NDArray[np.bool_],
    sep: IntArray,
    rules: TableRules,
    deadline: float,
    iteration_budget: int | None,
    seed: int,
) -> tuple[IntArray, int]:
    """Iterated tabu search of one seating (:mod:`matcher._mdgp`) until the deadline or budget."""
    from matcher import _mdgp  # Numba loads on first use, not on `import matcher`

    n, n_tables = len(seat), len(lo)
    if n_tables == 1 or not movable.any():
        return seat, 0
    g = seat.copy()
    best = seat.copy()
    sizes = np.bincount(g, minlength=n_tables).astype(np.int64)
    n_sep = max(1, int(sep.max()) + 1)
    sepcnt = np.zeros((n_sep, n_tables), dtype=np.int64)
    for i in np.flatnonzero(sep >= 0):
        sepcnt[sep[i], g[i]] += 1
    rs = rule_state(rules, sep, g, int(hi.max()))
    tabu = np.zeros((n, n_tables), dtype=np.int64)
    istate = np.zeros(4, dtype=np.int64)
    fstate = np.zeros(2)
    fstate[_mdgp.F] = fstate[_mdgp.BEST_F] = _mdgp.objective(b, g)
    params = _search_params(n)
    chunk = int(max(1, min(1000, 10_000_000 // (n * n))))
    done = 0
    while iteration_budget is None or done < iteration_budget:
        steps = chunk if iteration_budget is None else min(chunk, iteration_budget - done)
        chunk_seed = (seed * 1_000_003 + done) % (2**31 - 1)
        _mdgp.run_chunk(
            b,
            g,
            best,
            sizes,
            lo,
            hi,
            movable,
            sep,
            sepcnt,
            rs,
            tabu,
            istate,
            fstate,
            params,
            steps,
            chunk_seed,
        )
        done += steps
        if time.perf_counter() >= deadline:  # checked after the chunk: at least one always runs
            break
    return best, done


def _search_params(n: int) -> IntArray:
    """(tenure_min, tenure_spread, stall_limit, strength_min, strength_spread) for n people.

    The stall limit (iterations without a new best before a perturbation) was measured on
    MDGPLIB at equal iteration budgets: 200 is best up to n = 120, while at n = 240 and 480
    the tabu walk needs 10,000 to 20,000 iterations before a restart pays (bench/mdgp.py).
    """
    tenure = max(1, min(10, n // 4))
    stall = 200 if n <= 120 else min(20_000, 200 + 82 * (n - 120))
    return np.array([tenure, tenure, stall, max(1, min(5, n // 4)), max(1, min(10, n // 3))], dtype=np.int64)


def _pair_weights(
    a: FloatArray,
    sectors: Sequence[Hashable | None] | None,
    sector_weight: float,
    penalty: float,
    n_rounds: int,
) -> FloatArray:
    """Affinity with the sector-mix cost folded in and -inf replaced by a cost no gain can offset."""
    n = a.shape[0]
    b = a.copy()
    np.fill_diagonal(b, 0.0)
    finite = np.isfinite(b)
    if sectors is not None:
        labels = np.asarray([str(s) for s in sectors])
        b -= sector_weight * (labels[:, None] == labels[None, :])
    big = 1.0 + 2.0 * (np.abs(b[finite]).sum() + (abs(sector_weight) + abs(penalty) * n_rounds) * n * n)
    b[~finite] = -big
    np.fill_diagonal(b, 0.0)
    return b


def _schedule(free_rounds: list[int]) -> list[tuple[int, float, bool]]:
    """(round, share of the budget, whether later rounds are ignored) for each search step."""
    if len(free_rounds) == 1:
        return [(free_rounds[0], 1.0, False)]
    first = [(r, 0.5 / len(free_rounds), True) for r in free_rounds]
    passes = 3
    cyc = [(r, 0.5 / (passes * len(free_rounds)), False) for _ in range(passes) for r in free_rounds]
    return first + cyc


# --------------------------------------------------------------------------- public entry point


def plan_tables(
    affinity: npt.ArrayLike,
    tables: Sequence[tuple[int, int]],
    rounds: int = 1,
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
    repeat_penalty: float | None = None,
    sector_weight: float | None = None,
    seconds: float = 10.0,
    max_iterations: int | None = None,
    seed: int = 0,
) -> TablePlan:
    """Seat people at tables for ``rounds`` rounds, maximising the affinity shared at tables.

    Args:
        affinity: (n, n) symmetric pair scores; the diagonal is ignored. ``-inf`` marks an
            excluded pair (e.g. same organisation): it is avoided at any cost, and where the
            hard constraints leave no other way, the plan seats it, names it in ``notes``
            and scores ``-inf``. NaN and ``+inf`` are errors.
        tables: ``(min_size, max_size)`` per table (hard).
        rounds: total number of rounds, locked rounds included.
        sectors: one sector label per person; drives the soft cross-sector mix and the
            sector rules below (``None``: no sector).
        separate: one label per person (``None``: no label); people sharing a label never
            share a table (hard), e.g. colleagues of one organisation.
        pinned: ``{person: table}`` for every round that is not locked, or
            ``{(round, person): table}`` for one round (hard), e.g. a host who stays.
        max_sector_share: hard cap on one sector's share of any table, e.g. 0.5: at a
            table of s people at most ``floor(share * s)`` share a sector. Needs ``sectors``.
        min_sectors: hard minimum of distinct sectors at every table with people.
        facilitators: people spread over the tables, ``F // T`` to ``ceil(F / T)`` per
            table: at most one each while there are no more facilitators than tables,
            exactly one when their numbers match (hard).
        apart: pairs ``(i, j)`` who never share a table (hard).
        locked: rounds already played: a :class:`TablePlan` or a (k, n) array of table
            indices for the *current* people (``-1`` = absent then, e.g. a walk-in). Its
            first ``locked_rounds`` rows (default: all) are kept as they are; size bounds,
            ``separate`` and ``pinned`` are not re-checked on them, but their encounters
            count as repeats. After people leave or arrive, build it with :func:`locked_from`.
        repeat_penalty: cost of each repeat encounter (default: the largest absolute
            affinity, so meeting someone again is never worth more than a new encounter).
        sector_weight: cost of each same-sector pair at a table (default: the mean absolute
            affinity; 0 turns the sector mix off).
        seconds: time limit; the best plan found by then is returned (anytime).
        max_iterations: optional budget of search iterations; when it stops the search
            before ``seconds`` does, the plan depends only on the inputs and ``seed``.
        seed: seed of every random choice.

    Raises:
        InfeasibleTablesError: no seating meets the hard rules, found before any search
            (:func:`check_table_rules`); its message names the conflict (sizes vs.
            attendance, a pin, a ``separate`` label, a sector share, ...).
        ValueError: malformed input, naming the parameter.

    Example:
        >>> aff = np.array([[0, 9, 1, 1], [9, 0, 1, 1], [1, 1, 0, 9], [1, 1, 9, 0]])
        >>> plan = plan_tables(aff, [(2, 2), (2, 2)], seconds=0.1)
        >>> sorted(map(sorted, plan.seating(0)))
        [[0, 1], [2, 3]]
    """
    start = time.perf_counter()
    a = _check_affinity(affinity)
    n = a.shape[0]
    lo, hi = check_tables(tables)
    if int(rounds) != rounds or rounds < 1:
        raise ValueError(f"rounds: expected a positive integer, got {rounds!r}")
    if seconds <= 0:
        raise ValueError(f"seconds: expected a positive time limit, got {seconds!r}")
    if max_iterations is not None and max_iterations < 0:
        raise ValueError(f"max_iterations: expected >= 0, got {max_iterations!r}")
    check_sizes(lo, hi, n)
    rules = encode_rules(n, len(lo), sectors, max_sector_share, min_sectors, facilitators, apart)
    keep = _locked_rows(locked, locked_rounds, n)
    if len(keep) > rounds:
        raise ValueError(f"locked_rounds: {len(keep)} locked rounds but rounds={rounds}")
    if len(keep) and (keep.min() < -1 or keep.max() >= len(lo)):
        raise ValueError(f"locked: table indices must be -1 (absent) or 0..{len(lo) - 1}")
    sep, sep_names = encode_labels(separate, n, "separate")
    pins = pins_by_round(pinned, n, rounds, len(lo))
    for r in range(len(keep)):
        for person, t in pins[r].items():
            if isinstance(pinned, Mapping) and (r, person) in pinned and keep[r, person] != t:
                raise ValueError(
                    f"pinned[({r}, {person})]: table {t}, but locked round {r} "
                    f"seats them at {keep[r, person]}"
                )
    finite = a[np.isfinite(a) & ~np.eye(n, dtype=bool)]
    scale = float(np.abs(finite).max()) if finite.size else 1.0
    penalty = scale if repeat_penalty is None else float(repeat_penalty)
    weight = (
        (float(np.abs(finite).mean()) if finite.size else 0.0)
        if sector_weight is None
        else float(sector_weight)
    )
    rng = np.random.default_rng(seed)
    rows = feasible_rows(rules, lo, hi, sep, sep_names, pins, len(keep), rng, seed)
    rows[: len(keep)] = keep
    b = _pair_weights(a, sectors, weight, penalty, rounds)
    iterations = _optimise(
        b,
        rows,
        len(keep),
        pins,
        lo,
        hi,
        sep,
        sep_names,
        rules,
        penalty,
        start + seconds,
        max_iterations,
        seed,
    )
    hard = {
        "sectors": sectors,
        "separate": separate,
        "pinned": pinned,
        "max_sector_share": max_sector_share,
        "min_sectors": min_sectors,
        "facilitators": facilitators,
        "apart": apart,
    }
    return _make_plan(a, rows, lo, hi, len(keep), penalty, weight, hard, keep, start, iterations, seed)


def _optimise(
    b: FloatArray,
    rows: IntArray,
    n_locked: int,
    pins: list[dict[int, int]],
    lo: IntArray,
    hi: IntArray,
    sep: IntArray,
    sep_names: list[Any],
    rules: TableRules,
    penalty: float,
    deadline: float,
    max_iterations: int | None,
    seed: int,
) -> int:
    """Block coordinate ascent over the free rounds of ``rows`` (changed in place).

    Best responses alone stop at a plan where no single round can improve against the others
    (2.3 % below the optimum on a 9-person, 3-round case, ``bench.cpsat_rounds``). So in rooms
    of up to ``KICK_MAX_N`` people the last part of the budget goes to restarts: one round is
    kept and the others seated afresh in turn (or, every other time, all rounds start afresh),
    all are re-optimised, and the new plan is kept only if its total is at least as good.
    """
    n_rounds, n = rows.shape
    free_rounds = list(range(n_locked, n_rounds))
    if not free_rounds:
        return 0
    total_time = max(0.0, deadline - time.perf_counter())
    clock = [time.perf_counter()]
    kicking = len(free_rounds) > 1 and penalty > 0 and n <= KICK_MAX_N
    scale = 1.0 - KICK_SHARE if kicking else 1.0

    def step(r: int, share: float, seen: list[int] | None, k: int) -> int:
        """Best response of round r to the rounds in ``seen`` (None: all others)."""
        clock[0] += share * total_time
        others = np.delete(rows, r, axis=0) if seen is None else rows[seen]
        weights = b - penalty * _meetings(others, n) if penalty and len(others) else b
        movable = np.ones(n, dtype=np.bool_)
        movable[list(pins[r])] = False
        budget = None if max_iterations is None else int(np.ceil(share * max_iterations))
        one = len(free_rounds) == 1
        rows[r], done = _search_round(
            weights, rows[r], lo, hi, movable, sep, rules, clock[0], budget, seed + 7919 * k, one
        )
        return done

    schedule = _schedule(free_rounds)
    used = 0
    for k, (r, share, first) in enumerate(schedule):
        used += step(r, share * scale, list(range(r)) if first else None, k)
    if not kicking:
        return used
    rng = np.random.default_rng(seed + 1)
    kicks = KICKS_PER_ROUND * len(free_rounds)
    share = KICK_SHARE / (kicks * (2 * len(free_rounds) - 1))  # steps per kick: 2R - 1
    k = len(schedule)
    for kick in range(kicks):
        # keep one round, re-seat the others at random, then seat them in turn against the
        # rounds seated so far (and the locked ones), then one full pass
        saved, before = rows.copy(), _total(b, rows, penalty)
        i0 = kick % len(free_rounds)
        order = free_rounds[i0:] + free_rounds[:i0]
        full = kick % 2 == 1  # every other kick starts all rounds afresh: other fixed points
        for r in order[0 if full else 1 :]:
            rows[r] = round_seating(rules, lo, hi, sep, sep_names, pins, r, rng, seed + k)
        for idx, r in enumerate(order[1:], start=1):
            used += step(r, share, None if full else list(range(n_locked)) + order[:idx], k)
            k += 1
        for r in order:
            used += step(r, share, None, k)
            k += 1
        if _total(b, rows, penalty) < before:
            rows[:] = saved
    return used


KICK_MAX_N = 240  # restarts pay where one round's search converges well within its share
KICK_SHARE = 0.4
KICKS_PER_ROUND = 4


def _total(b: FloatArray, rows: IntArray, penalty: float) -> float:
    """The search objective of a plan: pair weights at tables minus the repeat penalty."""
    meet = _meetings(rows, rows.shape[1])
    same = sum(float(np.sum(np.triu(b * (row[:, None] == row[None, :]), 1))) for row in rows)
    return same - penalty * float(np.sum(np.triu(meet * (meet - 1) // 2, 1)))


def _make_plan(
    a: FloatArray,
    rows: IntArray,
    lo: IntArray,
    hi: IntArray,
    n_locked: int,
    penalty: float,
    weight: float,
    hard: Mapping[str, Any],
    keep: IntArray,
    start: float,
    iterations: int,
    seed: int,
) -> TablePlan:
    score, total, repeats, round_scores, table_scores, sizes, notes = _evaluate(a, rows, len(lo), penalty)
    tables = list(zip(lo.tolist(), hi.tolist(), strict=True))
    violations = table_plan_violations(rows, tables, locked=keep, **hard)
    return TablePlan(
        assignment=rows,
        score=score,
        affinity_total=total,
        repeats=repeats,
        repeat_penalty=penalty,
        round_scores=round_scores,
        table_scores=table_scores,
        table_sizes=sizes,
        locked_rounds=n_locked,
        violations=tuple(violations),
        sector_issues=_sector_issues(rows, n_locked, lo, hard["sectors"]),
        notes=tuple(notes),
        seconds=time.perf_counter() - start,
        iterations=iterations,
        seed=seed,
        sector_weight=weight,
    )
