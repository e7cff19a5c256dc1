"""Hard table rules: sector share and mix, facilitators, pairs apart, against brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import (
    InfeasibleTablesError,
    check_table_rules,
    is_valid_table_plan,
    plan_tables,
    table_plan_violations,
)
from tests.test_tables import all_seatings, independent_violations, random_affinity, seating_scores


def rule_breaks(row, sectors, share=None, min_sectors=None, facilitators=(), apart=(), n_tables=1) -> int:
    """A second, deliberately plain checker of the new rules for one round."""
    bad = 0
    f = len(facilitators)
    for t in range(n_tables):
        people = [i for i in range(len(row)) if row[i] == t]
        secs = [sectors[i] for i in people if sectors is not None and sectors[i] is not None]
        if share is not None:
            bad += any(secs.count(s) > math.floor(share * len(people) + 1e-9) for s in set(secs))
        if min_sectors is not None and people:
            bad += len(set(secs)) < min_sectors
        if f:
            here = sum(1 for i in people if i in facilitators)
            bad += not f // n_tables <= here <= -(-f // n_tables)
        bad += sum(1 for i, j in apart if row[i] == t and row[j] == t)
    return bad


@st.composite
def rule_cases(draw):
    n = draw(st.integers(2, 8))
    n_tables = draw(st.integers(1, 3))
    bounds = []
    for _ in range(n_tables):
        mn = draw(st.integers(0, 3))
        bounds.append((mn, mn + draw(st.integers(0 if mn else 1, 3))))
    sectors = draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=n, max_size=n))
    share = draw(st.sampled_from([None, 0.5, 0.34, 0.67]))
    min_sectors = draw(st.sampled_from([None, None, 1, 2, 3]))
    facilitators = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=4))
    pairs = list(itertools.combinations(range(n), 2))
    apart = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)) if pairs else []
    separate = draw(st.lists(st.sampled_from([None, None, "x"]), min_size=n, max_size=n))
    pinned = draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, n_tables - 1), max_size=2))
    seed = draw(st.integers(0, 2**16))
    kw = {
        "sectors": sectors,
        "max_sector_share": share,
        "min_sectors": min_sectors,
        "facilitators": facilitators,
        "apart": apart,
        "separate": separate,
        "pinned": pinned,
    }
    return n, bounds, kw, seed


def brute_feasible(n, bounds, kw) -> np.ndarray:
    rows = all_seatings(n, bounds)
    ok = [
        row
        for row in rows
        if independent_violations([row], bounds, kw["separate"], kw["pinned"]) == 0
        and rule_breaks(
            row,
            kw["sectors"],
            kw["max_sector_share"],
            kw["min_sectors"],
            kw["facilitators"],
            kw["apart"],
            len(bounds),
        )
        == 0
    ]
    return np.array(ok, dtype=np.int64).reshape(-1, n)


ITERATIONS = 5000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_cases())
def test_feasible_exactly_when_brute_force_finds_a_seating(case):
    n, bounds, kw, seed = case
    a = random_affinity(n, seed)
    feasible = brute_feasible(n, bounds, kw)
    if len(feasible) == 0:
        with pytest.raises(ValueError):
            check_table_rules(n, bounds, **kw)
        with pytest.raises(ValueError):
            plan_tables(a, bounds, seconds=0.02, seed=seed, **kw)
        return
    check_table_rules(n, bounds, **kw)  # no error where a seating exists
    # an iteration budget, not a time limit: the answer may not depend on how loaded the machine is
    plan = plan_tables(a, bounds, seconds=60.0, max_iterations=ITERATIONS, seed=seed, sector_weight=0.0, **kw)
    assert plan.violations == ()
    assert table_plan_violations(plan, bounds, **kw) == []
    assert rule_breaks(plan.assignment[0], kw["sectors"], kw["max_sector_share"], kw["min_sectors"],
                       kw["facilitators"], kw["apart"], len(bounds)) == 0  # fmt: skip
    # one round on a tiny case: the search reaches the best seating among the feasible ones
    assert plan.score == pytest.approx(seating_scores(a, feasible).max(), abs=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.integers(20, 60), st.integers(2, 3))
def test_multi_round_plans_keep_every_rule(seed, n, rounds):
    rng = np.random.default_rng(seed)
    a = random_affinity(n, seed)
    n_tables = n // 6
    bounds = [(5, 8)] * n_tables
    sectors = rng.choice(["yks", "julk", "jarj", "yo"], size=n, p=[0.4, 0.3, 0.2, 0.1]).tolist()
    kw = {
        "sectors": sectors,
        "max_sector_share": 0.5,
        "min_sectors": 2,
        "facilitators": rng.choice(n, size=n_tables, replace=False).tolist(),
        "apart": [tuple(p) for p in rng.choice(n, size=(5, 2), replace=False).tolist()],
        "pinned": {int(rng.integers(n)): 0},
    }
    try:
        check_table_rules(n, bounds, rounds, **kw)
    except InfeasibleTablesError:
        return  # a 60 %-style room: allowed, the plan must refuse as well
    plan = plan_tables(a, bounds, rounds, seconds=0.1, seed=seed, **kw)
    assert is_valid_table_plan(plan, bounds, **kw), plan.violations
    for row in plan.assignment:
        assert rule_breaks(row, sectors, 0.5, 2, kw["facilitators"], kw["apart"], n_tables) == 0


# ------------------------------------------------------------------ hand-made cases


def test_share_cap_message_names_the_sector_and_the_arithmetic():
    sectors = ["yksityinen"] * 48 + ["julkinen"] * 20 + ["järjestö"] * 12
    with pytest.raises(InfeasibleTablesError) as err:
        check_table_rules(80, [(6, 8)] * 10, sectors=sectors, max_sector_share=0.5)
    msg = str(err.value)
    assert "60 % of the people (48 of 80) are from sector 'yksityinen'" in msg
    assert "10 tables of 6-8 a share cap of 50 % seats at most 40" in msg


def test_share_cap_at_exactly_half_is_feasible_and_kept():
    sectors = ["p"] * 8 + ["q"] * 4 + ["r"] * 4
    a = np.zeros((16, 16))
    a[:8, :8] = 10.0  # the search wants the p sector together; the cap forbids it
    plan = plan_tables(a, [(4, 4)] * 4, sectors=sectors, max_sector_share=0.5, sector_weight=0, seconds=0.2)
    for t in range(4):
        assert sum(sectors[i] == "p" for i in plan.seating(0)[t]) <= 2
    assert plan.violations == ()


def test_facilitators_one_per_table_when_numbers_match():
    a = np.zeros((12, 12))
    a[:3, :3] = 50.0  # they would rather sit together
    plan = plan_tables(a, [(4, 4)] * 3, 2, facilitators=[0, 1, 2], seconds=0.2)
    for r in range(2):
        assert sorted(plan.assignment[r, :3].tolist()) == [0, 1, 2]


def test_more_facilitators_than_tables_are_spread_evenly():
    plan = plan_tables(np.zeros((12, 12)), [(4, 4)] * 3, facilitators=[0, 1, 2, 3, 4], seconds=0.1)
    counts = np.bincount(plan.assignment[0, :5], minlength=3)
    assert sorted(counts.tolist()) == [1, 2, 2]


def test_apart_pairs_never_share_a_table_even_when_affinity_pulls():
    a = np.zeros((8, 8))
    a[0, 1] = a[1, 0] = 100.0
    plan = plan_tables(a, [(4, 4)] * 2, 3, apart=[(0, 1)], seconds=0.2)
    assert (plan.assignment[:, 0] != plan.assignment[:, 1]).all()


def test_min_sectors_and_pins_together():
    sectors = ["a", "a", "a", "b", "b", "b", "c", "c", "c"]
    plan = plan_tables(
        np.zeros((9, 9)), [(3, 3)] * 3, min_sectors=3, sectors=sectors, pinned={0: 2}, seconds=0.1
    )
    for table in plan.seating(0):
        assert sorted(sectors[i] for i in table) == ["a", "b", "c"]
    assert plan.assignment[0, 0] == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_sector_share": 0.5}, "need sectors"),
        ({"max_sector_share": 1.5, "sectors": "abab"}, "max_sector_share"),
        ({"min_sectors": 0, "sectors": "abab"}, "min_sectors"),
        ({"facilitators": [0, 0]}, "listed twice"),
        ({"facilitators": [7]}, r"facilitators\[0\]"),
        ({"apart": [(1, 1)]}, r"apart\[0\]"),
        ({"apart": [(0,)]}, r"apart\[0\]"),
    ],
)
def test_malformed_rules_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message) as err:
        check_table_rules(4, [(2, 2)] * 2, **kwargs)
    assert not isinstance(err.value, InfeasibleTablesError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sectors": "aaab", "min_sectors": 3}, "only 2 sector"),
        ({"facilitators": [0, 1], "pinned": {0: 0, 1: 0}}, "2 facilitators pinned"),
        ({"apart": [(0, 1)], "pinned": {0: 1, 1: 1}}, "pinned together but kept apart"),
        ({"apart": [(0, 1), (0, 2), (1, 2)]}, "no seating was found"),  # a triangle on 2 tables
    ],
)
def test_infeasible_rules_are_refused_with_a_reason(kwargs, message):
    with pytest.raises(InfeasibleTablesError, match=message):
        check_table_rules(4, [(2, 2)] * 2, **kwargs)
    with pytest.raises(InfeasibleTablesError, match=message):
        plan_tables(np.zeros((4, 4)), [(2, 2)] * 2, seconds=0.05, **kwargs)


def test_checker_names_each_new_rule():
    v = table_plan_violations(
        [[0, 0, 0, 1, 1, 1]],
        [(3, 3)] * 2,
        sectors=["a", "a", "b", "c", "c", "c"],
        max_sector_share=0.5,
        min_sectors=2,
    )
    assert "round 1, table 1: sector 'a' holds 2 of 3 seats, above the share cap of 50 % (1)" in v
    assert "round 1, table 2: 1 sector(s), at least 2 required" in v
    assert is_valid_table_plan([[0, 1, 0, 1, 0, 1]], [(3, 3)] * 2, sectors="abcabc", max_sector_share=0.5)


def test_rules_are_not_checked_on_locked_rounds():
    locked = np.array([[0, 0, 1, 1]])
    plan = plan_tables(np.zeros((4, 4)), [(2, 2)] * 2, 2, apart=[(0, 1)], locked=locked, seconds=0.05)
    assert plan.violations == ()
    assert plan.assignment[1, 0] != plan.assignment[1, 1]


def test_pins_of_a_locked_round_are_not_held_against_the_rules():
    locked = np.array([[1, 1, 0, 0]])
    pinned = {(0, 0): 1, (0, 1): 1}  # together in the played round, as it happened
    plan = plan_tables(
        np.zeros((4, 4)), [(2, 2)] * 2, 2, apart=[(0, 1)], pinned=pinned, locked=locked, seconds=0.05
    )
    assert plan.violations == ()
    assert plan.assignment[1, 0] != plan.assignment[1, 1]


def test_the_precheck_skips_played_rounds_and_numbers_rounds_and_tables_from_one():
    rules = {"pinned": {(0, 0): 1, (0, 1): 1, (2, 0): 0, (2, 1): 0}, "apart": [(0, 1)]}
    with pytest.raises(InfeasibleTablesError) as err:
        check_table_rules(4, [(2, 2)] * 2, 3, **rules)
    assert [r.split(":")[0] for r in err.value.reasons] == ["round 1, table 2", "round 3, table 1"]
    with pytest.raises(InfeasibleTablesError) as err:
        check_table_rules(4, [(2, 2)] * 2, 3, locked_rounds=1, **rules)
    assert [r.split(":")[0] for r in err.value.reasons] == ["round 3, table 1"]
    check_table_rules(4, [(2, 2)] * 2, 3, locked_rounds=3, **rules)  # all played: nothing left to seat
    with pytest.raises(ValueError, match=r"locked_rounds: 4 is outside 0\.\.3"):
        check_table_rules(4, [(2, 2)] * 2, 3, locked_rounds=4)
