"""Population search with group-based crossover for large single-seating problems (private).

After TPSDP (Yang et al., EJOR 2022): a population of seatings, each improved by the tabu
walk of :mod:`matcher._mdgp`, is recombined by a group-based crossover, and the population
shrinks over the run until only the best seating is left, which the plain iterated tabu
search then improves for the rest of the budget.

Crossover (:func:`crossover`): table by table, alternating between the two parents, the child
inherits the parent's table (same table index) whose members not yet seated have the largest
affinity per member; people left over are then seated greedily where they add the most,
first filling tables up to their minimum size. Inheriting a table keeps its index, so pinned
people stay at their tables and ``separate`` labels stay apart; the greedy step only uses
tables with room and without the label. Where it finds no such table the crossover reports
failure and the driver starts from a randomised parent instead.

Used only where no hard rule beyond table sizes, pins and ``separate`` is active (the
rule counts of :mod:`matcher._rules` are not carried through the crossover), for rooms of
at least ``MIN_N`` people and a budget long enough for a population to pay (``applies``).
Every choice is seeded; the population schedule follows the share of the budget used,
counted in iterations when an iteration budget is given, so that a run stopped by the
budget is a deterministic function of the inputs and the seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numba import njit

from matcher import _mdgp
from matcher.table_rules import TableRules, rule_state
from matcher.table_seating import IntArray

MIN_N = 240  # below, one tabu trajectory converges well within the budget (bench/mdgp.py)
MIN_SECONDS = 5.0  # a time budget shorter than this goes to the single trajectory
POP_MAX = 6  # seatings in the first population
POP_END = 0.6  # share of the budget after which only the best seating is left

Walk = Callable[..., tuple[IntArray, int]]


def applies(n: int, rules: TableRules, seconds: float, iteration_budget: int | None) -> bool:
    """Whether the population search is used: n >= MIN_N, no rules beyond sizes/pins/separate."""
    if n < MIN_N or rules.active:
        return False
    if iteration_budget is not None:
        return iteration_budget >= 4 * POP_MAX * walk_length(n)
    return seconds >= MIN_SECONDS


def walk_length(n: int) -> int:
    """Iterations of tabu search given to each seating of the population: one stall limit."""
    return int(min(20_000, 200 + 82 * max(0, n - 120)))


@njit(cache=True)
def _table_value(a, parent, child, t):  # type: ignore[no-untyped-def]
    """Affinity per member among the people at ``parent`` table t not yet seated in ``child``."""
    n = a.shape[0]
    idx = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        if parent[i] == t and child[i] < 0:
            idx[m] = i
            m += 1
    total = 0.0
    for x in range(m):
        for y in range(x + 1, m):
            total += a[idx[x], idx[y]]
    return total / m if m > 0 else -np.inf


@njit(cache=True)
def crossover(a, ga, gb, lo, hi, sep, n_sep, seed):  # type: ignore[no-untyped-def]
    """Child seating of parents ``ga`` and ``gb``; all -1 when the greedy repair finds no table."""
    np.random.seed(seed)
    n = a.shape[0]
    n_groups = lo.shape[0]
    child = np.full(n, -1, dtype=np.int64)
    used = np.zeros(n_groups, dtype=np.bool_)
    first = np.random.randint(2)
    for step in range(n_groups):
        parent = ga if (step + first) % 2 == 0 else gb
        best_t, best_v = -1, -np.inf
        for t in range(n_groups):
            if not used[t]:
                v = _table_value(a, parent, child, t)
                if best_t < 0 or v > best_v:
                    best_t, best_v = t, v
        used[best_t] = True
        for i in range(n):
            if parent[i] == best_t and child[i] < 0:
                child[i] = best_t
    if not _fill(a, child, lo, hi, sep, n_sep):
        child[:] = -1
    return child


@njit(cache=True)
def _fill(a, child, lo, hi, sep, n_sep):  # type: ignore[no-untyped-def]
    """Seat the people of ``child`` still at -1 greedily (in random order); False if stuck."""
    n = a.shape[0]
    n_groups = lo.shape[0]
    sizes = np.zeros(n_groups, dtype=np.int64)
    sepcnt = np.zeros((n_sep, n_groups), dtype=np.int64)
    d = np.zeros((n, n_groups))
    for j in range(n):
        if child[j] >= 0:
            sizes[child[j]] += 1
            if sep[j] >= 0:
                sepcnt[sep[j], child[j]] += 1
            for i in range(n):
                d[i, child[j]] += a[i, j]
    left = np.flatnonzero(child < 0)
    np.random.shuffle(left)
    need = 0
    for t in range(n_groups):
        need += max(0, lo[t] - sizes[t])
    for r in range(left.shape[0]):
        i = left[r]
        only_short = left.shape[0] - r <= need
        best_t = -1
        for t in range(n_groups):
            if sizes[t] >= hi[t] or (only_short and sizes[t] >= lo[t]):
                continue
            if sep[i] >= 0 and sepcnt[sep[i], t] > 0:
                continue
            if best_t < 0 or d[i, t] > d[i, best_t]:
                best_t = t
        if best_t < 0:
            return False
        if sizes[best_t] < lo[best_t]:
            need -= 1
        child[i] = best_t
        sizes[best_t] += 1
        if sep[i] >= 0:
            sepcnt[sep[i], best_t] += 1
        for k in range(n):
            d[k, best_t] += a[k, i]
    return True


@njit(cache=True)
def randomise(a, g, lo, hi, movable, sep, sepcnt, rs, strength, seed):  # type: ignore[no-untyped-def]
    """Apply ``strength`` random feasible moves and swaps to ``g`` (in place; sizes recounted)."""
    np.random.seed(seed)
    n_groups = lo.shape[0]
    sizes = np.zeros(n_groups, dtype=np.int64)
    for i in range(g.shape[0]):
        sizes[g[i]] += 1
    d, dt = _mdgp.build_sums(a, g, n_groups)
    dself = np.empty(g.shape[0])
    for k in range(g.shape[0]):
        dself[k] = d[k, g[k]]
    _mdgp._perturb(a, g, d, dt, dself, sizes, lo, hi, movable, sep, sepcnt, rs, strength)


def search(
    b: np.ndarray,
    seat: IntArray,
    lo: IntArray,
    hi: IntArray,
    movable: np.ndarray,
    sep: IntArray,
    rules: TableRules,
    deadline: float,
    iteration_budget: int | None,
    seed: int,
    walk: Walk,
) -> tuple[IntArray, int]:
    """Population search of one seating; ``walk`` is the tabu search (same arguments, budget).

    Returns the best seating and the iterations done, like ``walk``. Example (the driver of
    :func:`matcher.plan_tables` calls it): ``search(b, seat, lo, hi, movable, sep, rules,
    time.perf_counter() + 20, None, 0, _tabu_walk)``.
    """
    n = len(seat)
    length = walk_length(n)
    rng = np.random.default_rng(seed + 104_729)
    start, used, k = time.perf_counter(), 0, 0
    n_sep = max(1, int(sep.max(initial=-1)) + 1)

    def progress() -> float:
        if iteration_budget is not None:
            return used / iteration_budget
        return (time.perf_counter() - start) / max(1e-9, deadline - start)

    def run(g: IntArray, iterations: int | None) -> IntArray:
        nonlocal used, k
        if iteration_budget is not None:
            left = iteration_budget - used
            iterations = left if iterations is None else min(iterations, left)
        best, done = walk(b, g, lo, hi, movable, sep, rules, deadline, iterations, seed + 7919 * k)
        used, k = used + done, k + 1
        return best

    def scrambled(g: IntArray) -> IntArray:
        g = g.copy()
        sepcnt = np.zeros((n_sep, len(lo)), dtype=np.int64)
        np.add.at(sepcnt, (sep[sep >= 0], g[sep >= 0]), 1)
        rs = rule_state(rules, sep, g, int(hi.max()))
        randomise(b, g, lo, hi, movable, sep, sepcnt, rs, 2 * n, int(rng.integers(2**31 - 1)))
        return g

    pop: list[tuple[float, IntArray]] = []
    while len(pop) < POP_MAX and progress() < POP_END / 2:
        g = run(seat if not pop else scrambled(seat), length)
        pop.append((float(_mdgp.objective(b, g)), g))
    while progress() < POP_END and len(pop) > 1:
        pop.sort(key=lambda x: -x[0])
        del pop[max(2, int(np.ceil(POP_MAX * (1 - progress() / POP_END)))) :]
        i, j = rng.choice(len(pop), size=2, replace=False)
        child = crossover(b, pop[i][1], pop[j][1], lo, hi, sep, n_sep, int(rng.integers(2**31 - 1)))
        if child[0] < 0:
            child = scrambled(pop[i][1])
        g = run(child, length)
        f = float(_mdgp.objective(b, g))
        if f > pop[-1][0] + _mdgp.EPS and all(abs(f - q) > _mdgp.EPS for q, _ in pop):
            pop[-1] = (f, g)
    best = max(pop, key=lambda x: x[0])[1]
    if time.perf_counter() < deadline and (iteration_budget is None or used < iteration_budget):
        best = run(best, None)
    return best, used
