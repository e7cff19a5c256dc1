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
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.table_plan import TablePlan, is_valid_table_plan, locked_from, locked_rows, table_plan_violations
from matcher.table_rules import check_sizes, check_table_rules, encode_rules, feasible_rows
from matcher.table_score import FloatArray, evaluate, pair_weights, sector_issues
from matcher.table_search import optimise
from matcher.table_seating import (
    InfeasibleTablesError,
    IntArray,
    Pinned,
    check_tables,
    encode_labels,
    naming,
    pins_by_round,
)

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
    names: Sequence[str] | None = None,
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
        names: how an infeasibility reason names each person (one per person, e.g.
            ``"person 12 (Maija Virtanen)"``); by default ``"position i"``.

    Raises:
        InfeasibleTablesError: no seating meets the hard rules, found before any search
            (:func:`check_table_rules`); its message names the conflict (sizes vs.
            attendance, a pin, a ``separate`` label, a sector share, ...) and the people
            in it (``names``).
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
    who = naming(names, n)
    check_sizes(lo, hi, n)
    rules = encode_rules(n, len(lo), sectors, max_sector_share, min_sectors, facilitators, apart)
    keep = locked_rows(locked, locked_rounds, n)
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
                    f"pinned[({r}, {person})]: table index {t}, but locked round index {r} "
                    f"seats them at table index {keep[r, person]}"
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
    rows = feasible_rows(rules, lo, hi, sep, sep_names, pins, len(keep), rng, seed, who)
    rows[: len(keep)] = keep
    b = pair_weights(a, sectors, weight, penalty, rounds)
    iterations = optimise(
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
    score, total, repeats, round_scores, table_scores, sizes, notes = evaluate(a, rows, len(lo), penalty)
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
        sector_issues=sector_issues(rows, n_locked, lo, hard["sectors"]),
        notes=tuple(notes),
        seconds=time.perf_counter() - start,
        iterations=iterations,
        seed=seed,
        sector_weight=weight,
    )
