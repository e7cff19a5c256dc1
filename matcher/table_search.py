"""The search behind :func:`matcher.tables.plan_tables`: block coordinate ascent over rounds,
each round improved by an iterated tabu search, with restarts in small rooms.

:func:`optimise` improves the free rounds of a plan in place, each against the others (its
pair weights minus the repeat penalty for encounters in those rounds); :func:`search_round`
improves one round with the Numba kernels of :mod:`matcher._mdgp` (:func:`tabu_walk`; one free
round of a large room also gets :mod:`matcher._mdgp_population`), walking only through
seatings that keep the hard rules (:mod:`matcher._rules`). The overview of the method and
its benchmark figures are in :mod:`matcher.tables`.

Example:
    >>> schedule(list(range(1, 3)))[:2]  # first each round against the rounds before it
    [(1, 0.25, True), (2, 0.25, True)]
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.table_rules import TableRules, round_seating, rule_state
from matcher.table_score import meet_counts, search_total
from matcher.table_seating import IntArray

FloatArray = npt.NDArray[np.float64]

KICK_MAX_N = 240  # restarts pay where one round's search converges well within its share
KICK_SHARE = 0.4  # share of the budget that goes to restarts
KICKS_PER_ROUND = 4

__all__ = [
    "KICKS_PER_ROUND",
    "KICK_MAX_N",
    "KICK_SHARE",
    "optimise",
    "schedule",
    "search_round",
    "tabu_walk",
]


def search_round(
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
        return pop.search(*args, tabu_walk)
    return tabu_walk(*args)


def tabu_walk(
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


def schedule(free_rounds: list[int]) -> list[tuple[int, float, bool]]:
    """(round, share of the budget, whether later rounds are ignored) for each search step."""
    if len(free_rounds) == 1:
        return [(free_rounds[0], 1.0, False)]
    first = [(r, 0.5 / len(free_rounds), True) for r in free_rounds]
    passes = 3
    cyc = [(r, 0.5 / (passes * len(free_rounds)), False) for _ in range(passes) for r in free_rounds]
    return first + cyc


def optimise(
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
        weights = b - penalty * meet_counts(others, n) if penalty and len(others) else b
        movable = np.ones(n, dtype=np.bool_)
        movable[list(pins[r])] = False
        budget = None if max_iterations is None else int(np.ceil(share * max_iterations))
        one = len(free_rounds) == 1
        rows[r], done = search_round(
            weights, rows[r], lo, hi, movable, sep, rules, clock[0], budget, seed + 7919 * k, one
        )
        return done

    order_of_steps = schedule(free_rounds)
    used = 0
    for k, (r, share, first) in enumerate(order_of_steps):
        used += step(r, share * scale, list(range(r)) if first else None, k)
    if not kicking:
        return used
    rng = np.random.default_rng(seed + 1)
    kicks = KICKS_PER_ROUND * len(free_rounds)
    share = KICK_SHARE / (kicks * (2 * len(free_rounds) - 1))  # steps per kick: 2R - 1
    k = len(order_of_steps)
    for kick in range(kicks):
        # keep one round, re-seat the others at random, then seat them in turn against the
        # rounds seated so far (and the locked ones), then one full pass
        saved, before = rows.copy(), search_total(b, rows, penalty)
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
        if search_total(b, rows, penalty) < before:
            rows[:] = saved
    return used
