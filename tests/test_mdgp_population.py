"""Population search of the table planner: optimum on a tiny case, feasible crossover, determinism."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import _mdgp_population as pop
from matcher import plan_tables
from matcher.table_rules import encode_rules
from matcher.table_search import tabu_walk


def weights(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, n))
    x = (x + x.T) / 2
    np.fill_diagonal(x, 0.0)
    return x


def brute_force(a: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Best objective over every assignment within the size bounds."""
    n, best = a.shape[0], -np.inf
    for row in itertools.product(range(len(lo)), repeat=n):
        g = np.array(row)
        sizes = np.bincount(g, minlength=len(lo))
        if (sizes >= lo).all() and (sizes <= hi).all():
            best = max(best, float(np.sum(np.triu(a * (g[:, None] == g[None, :]), 1))))
    return best


def run_search(a: np.ndarray, lo: np.ndarray, hi: np.ndarray, seed: int, budget: int) -> np.ndarray:
    n = a.shape[0]
    seat = np.repeat(np.arange(len(lo)), lo)[:n].astype(np.int64)
    seat = np.concatenate([seat, np.arange(n - len(seat)) % len(lo)]).astype(np.int64)
    rules = encode_rules(n, len(lo), None, None, None, None, None)
    movable = np.ones(n, dtype=np.bool_)
    sep = np.full(n, -1, dtype=np.int64)
    best, used = pop.search(
        a, seat, lo, hi, movable, sep, rules, time.perf_counter() + 60, budget, seed, tabu_walk
    )
    assert used == budget
    return best


def test_population_search_finds_the_brute_force_optimum() -> None:
    a = weights(9, 3)
    lo, hi = np.array([2, 3, 2]), np.array([3, 4, 3])
    best = run_search(a, lo, hi, seed=1, budget=4 * pop.POP_MAX * pop.walk_length(9))
    sizes = np.bincount(best, minlength=3)
    assert (sizes >= lo).all() and (sizes <= hi).all()
    score = float(np.sum(np.triu(a * (best[:, None] == best[None, :]), 1)))
    assert score == pytest.approx(brute_force(a, lo, hi))


def test_population_search_is_deterministic_for_a_seed() -> None:
    a = weights(30, 5)
    lo, hi = np.array([7, 7, 7, 7]), np.array([8, 8, 8, 8])
    budget = 4 * pop.POP_MAX * pop.walk_length(30)
    first = run_search(a, lo, hi, seed=7, budget=budget)
    assert np.array_equal(first, run_search(a, lo, hi, seed=7, budget=budget))


def test_plan_tables_uses_the_population_and_keeps_pins_and_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pop, "MIN_N", 20)
    calls: list[int] = []
    search = pop.search
    monkeypatch.setattr(pop, "search", lambda *args: calls.append(1) or search(*args))
    a = weights(24, 9)
    tables = [(5, 7)] * 4
    separate = [i % 6 if i < 12 else None for i in range(24)]
    pinned = {0: 3, 5: 1}
    budget = 4 * pop.POP_MAX * pop.walk_length(24)
    plans = [
        plan_tables(
            a, tables, separate=separate, pinned=pinned, seconds=60, max_iterations=budget, sector_weight=0.0
        )
        for _ in range(2)
    ]
    assert calls == [1, 1]
    assert not plans[0].violations
    assert np.array_equal(plans[0].assignment, plans[1].assignment)


@st.composite
def parents(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """Two seatings with the same sizes, bounds around them, and labels both keep apart."""
    n_groups = draw(st.integers(2, 4))
    sizes = np.array(draw(st.lists(st.integers(1, 4), min_size=n_groups, max_size=n_groups)))
    lo = np.maximum(
        0, sizes - np.array(draw(st.lists(st.integers(0, 2), min_size=n_groups, max_size=n_groups)))
    )
    hi = sizes + np.array(draw(st.lists(st.integers(0, 2), min_size=n_groups, max_size=n_groups)))
    n = int(sizes.sum())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    base = np.repeat(np.arange(n_groups), sizes).astype(np.int64)
    ga, gb = rng.permutation(base), rng.permutation(base)
    sep = np.full(n, -1, dtype=np.int64)
    for label in range(draw(st.integers(0, 3))):
        i, j = rng.integers(n, size=2)
        if i != j and ga[i] != ga[j] and gb[i] != gb[j] and sep[i] < 0 and sep[j] < 0:
            sep[i] = sep[j] = label
    a = weights(n, int(rng.integers(1000)))
    return a, ga, gb, lo, hi, sep


@settings(max_examples=150, deadline=None)
@given(parents(), st.integers(0, 10_000))
def test_crossover_gives_a_feasible_seating(case: tuple[np.ndarray, ...], seed: int) -> None:
    a, ga, gb, lo, hi, sep = case
    child = pop.crossover(a, ga, gb, lo, hi, sep, 4, seed)
    if (child < 0).all():
        assert (sep >= 0).any()  # only a label can leave the greedy repair stuck
        return
    sizes = np.bincount(child, minlength=len(lo))
    assert (child >= 0).all() and (sizes >= lo).all() and (sizes <= hi).all()
    same = ga == gb  # pinned people sit at the same table in both parents: they keep it
    assert np.array_equal(child[same], ga[same])
    for label in set(sep[sep >= 0].tolist()):
        assert len(set(child[sep == label].tolist())) == (sep == label).sum()
