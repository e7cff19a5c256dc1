"""Table plans: optimum on small cases, hard constraints on random inputs, clear errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import TablePlan, is_valid_table_plan, locked_from, plan_tables, table_plan_violations

ITERATIONS = 5000
"""The search budget of the brute-force comparisons (iterations, not seconds)."""


def random_affinity(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, n))
    x = np.round((x + x.T) / 2, 3)
    np.fill_diagonal(x, 0.0)
    return x


def all_seatings(n: int, bounds: list[tuple[int, int]]) -> np.ndarray:
    """Every assignment of n people to tables within the size bounds (brute force)."""
    rows = np.array(list(itertools.product(range(len(bounds)), repeat=n)), dtype=np.int64)
    sizes = np.stack([(rows == t).sum(axis=1) for t in range(len(bounds))], axis=1)
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    return rows[((sizes >= lo) & (sizes <= hi)).all(axis=1)]


def seating_scores(a: np.ndarray, rows: np.ndarray) -> np.ndarray:
    same = rows[:, :, None] == rows[:, None, :]
    return (same * np.triu(a, 1)[None]).sum(axis=(1, 2))


def independent_violations(rows, bounds, separate=None, pinned=None) -> int:
    """A second, deliberately simple checker: count broken hard constraints."""
    bad = 0
    for r, row in enumerate(np.asarray(rows)):
        for t, (mn, mx) in enumerate(bounds):
            bad += not mn <= int(np.sum(row == t)) <= mx
        if separate is not None:
            for i, j in itertools.combinations(range(len(row)), 2):
                bad += separate[i] is not None and separate[i] == separate[j] and row[i] == row[j]
        for key, t in (pinned or {}).items():
            rr, person = key if isinstance(key, tuple) else (r, key)
            bad += rr == r and row[person] != t
    return bad


# ------------------------------------------------------------------ optimum on small cases


@pytest.mark.parametrize(
    ("n", "bounds", "seed"),
    [
        (6, [(3, 3), (3, 3)], 1),
        (8, [(2, 3), (2, 3), (2, 3)], 2),
        (9, [(3, 3), (3, 3), (3, 3)], 3),
        (10, [(5, 5), (5, 5)], 4),
        (10, [(2, 4), (3, 3), (1, 5)], 5),
        (11, [(3, 4), (3, 4), (3, 4)], 6),
    ],
)
def test_single_round_finds_the_brute_force_optimum(n, bounds, seed):
    # an iteration budget, not a time limit (ITERATIONS): a loaded machine cannot fail it
    a = random_affinity(n, seed)
    best = seating_scores(a, all_seatings(n, bounds)).max()
    plan = plan_tables(a, bounds, seconds=60.0, max_iterations=ITERATIONS, seed=seed)
    assert plan.violations == ()
    assert plan.score == pytest.approx(best, abs=1e-6)


def test_twelve_people_in_three_tables_of_four_reach_the_optimum():
    n, bounds = 12, [(4, 4)] * 3
    a = random_affinity(n, 12)
    # Brute force over partitions: person 0 sits at table 0 (tables are interchangeable).
    best = -np.inf
    rest = list(range(1, n))
    for mates in itertools.combinations(rest, 3):
        left = [p for p in rest if p not in mates]
        for second in itertools.combinations(left[1:], 3):
            groups = [
                (0, *mates),
                (left[0], *second),
                tuple(p for p in left if p not in second and p != left[0]),
            ]
            best = max(best, sum(a[i, j] for g in groups for i, j in itertools.combinations(g, 2)))
    plan = plan_tables(a, bounds, seconds=60.0, max_iterations=ITERATIONS)
    assert plan.score == pytest.approx(best, abs=1e-6)


def test_negative_and_excluded_pairs_are_kept_apart_when_possible():
    a = -np.ones((6, 6))
    a[0, 1] = a[1, 0] = -np.inf
    a[2, 3] = a[3, 2] = 50.0
    plan = plan_tables(a, [(3, 3), (3, 3)], seconds=0.2)
    row = plan.assignment[0]
    assert row[0] != row[1] and row[2] == row[3]
    assert np.isfinite(plan.score) and plan.notes == ()


def test_unavoidable_excluded_pair_is_reported_not_hidden():
    a = np.zeros((3, 3))
    a[0, 1] = a[1, 0] = -np.inf
    plan = plan_tables(a, [(3, 3)], seconds=0.05)
    assert plan.score == -np.inf
    assert "excluded pair (0, 1)" in plan.notes[0]
    assert plan.violations == ()


# ------------------------------------------------------------------ multi-round goals


def test_rounds_avoid_repeat_encounters_when_possible():
    # 9 people, 3 tables of 3, 4 rounds: a resolvable design (affine plane of order 3) has none.
    a = random_affinity(9, 7) / 100.0
    plan = plan_tables(a, [(3, 3)] * 3, rounds=4, seconds=1.0, repeat_penalty=10.0)
    assert plan.repeats == 0
    assert plan.violations == ()
    assert plan.score == pytest.approx(plan.affinity_total)


def test_score_parts_add_up():
    a = random_affinity(12, 3)
    plan = plan_tables(a, [(4, 4)] * 3, rounds=3, seconds=0.3, repeat_penalty=1000.0)
    rows = plan.assignment
    total = sum(seating_scores(a, rows[r : r + 1])[0] for r in range(3))
    meet = sum((row[:, None] == row[None, :]).astype(int) for row in rows)
    repeats = sum(m * (m - 1) // 2 for m in meet[np.triu_indices(12, 1)])
    assert plan.affinity_total == pytest.approx(total)
    assert plan.repeats == repeats
    assert plan.score == pytest.approx(total - 1000.0 * repeats)
    assert plan.round_scores.sum() == pytest.approx(total)
    assert plan.table_scores.shape == (3, 3) and (plan.table_sizes == 4).all()


def test_sector_mix_spreads_sectors_over_tables():
    n = 16
    sectors = ["private"] * 8 + ["public"] * 4 + ["third"] * 4
    a = np.zeros((n, n))
    a[:8, :8] = 5.0  # the private sector likes itself: only the sector weight spreads it
    np.fill_diagonal(a, 0.0)
    plan = plan_tables(a, [(4, 4)] * 4, sectors=sectors, sector_weight=20.0, seconds=0.3)
    for table in plan.seating(0):
        assert sum(sectors[p] == "private" for p in table) <= 2
        assert len({sectors[p] for p in table}) >= 2
    assert plan.sector_issues == ()
    # With the sector mix off, the affinity alone groups the private sector together.
    plain = plan_tables(a, [(4, 4)] * 4, sectors=sectors, sector_weight=0.0, seconds=0.3)
    assert plain.sector_issues != ()


# ------------------------------------------------------------------ locked rounds, walk-ins


def test_locked_rounds_are_kept_and_walk_ins_join_later_rounds():
    a = random_affinity(12, 9)
    first = plan_tables(a, [(3, 5)] * 3, rounds=3, seconds=0.3)
    # Person 4 leaves after round 0, one walk-in arrives: 12 people again.
    old_index = [i for i in range(12) if i != 4] + [-1]
    b = random_affinity(12, 10)
    keep = locked_from(first, 1, old_index)
    assert keep.shape == (1, 12) and keep[0, -1] == -1
    plan = plan_tables(b, [(3, 5)] * 3, rounds=3, locked=keep, seconds=0.3)
    assert np.array_equal(plan.assignment[0], keep[0])
    assert plan.locked_rounds == 1
    assert (plan.assignment[1:] >= 0).all()
    assert is_valid_table_plan(plan, [(3, 5)] * 3, locked=keep)
    assert not is_valid_table_plan(plan.assignment[:, ::-1], [(3, 5)] * 3, locked=keep)


def test_locked_plan_with_locked_rounds_parameter():
    a = random_affinity(8, 1)
    first = plan_tables(a, [(4, 4)] * 2, rounds=3, seconds=0.2)
    again = plan_tables(a, [(4, 4)] * 2, rounds=3, locked=first, locked_rounds=2, seconds=0.2)
    assert np.array_equal(again.assignment[:2], first.assignment[:2])
    with pytest.raises(ValueError, match="locked_rounds"):
        plan_tables(a, [(4, 4)] * 2, rounds=2, locked=first, seconds=0.1)


# ------------------------------------------------------------------ errors and the checker


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tables": [(4, 5), (4, 5)]}, "minimum sizes add up to 8"),
        ({"tables": [(1, 2), (1, 2)]}, "maximum sizes add up to 4"),
        ({"separate": ["x"] * 3 + [None] * 4}, "label 'x' has 3 people"),
        ({"pinned": {0: 0, 1: 0, 2: 0, 3: 0, 4: 0}}, "5 people pinned to table 1 in round 1"),
        ({"pinned": {0: 1}, "separate": ["o", "o"] + [None] * 5, "tables": [(1, 6), (1, 6)]}, None),
        ({"pinned": {0: 1, 1: 1}, "separate": ["o", "o"] + [None] * 5}, "share separate label 'o'"),
        ({"pinned": {(5, 0): 1}}, r"round index 5 is outside 0\.\.0"),
        ({"pinned": {9: 1}}, "person 9 is outside"),
        ({"pinned": {0: 2}}, r"table index 2 is outside 0\.\.1"),
        (
            {"separate": ["a", "a", "b", "b", "c", "c", "d"], "tables": [(1, 1), (6, 6)]},
            "no seating satisfies",
        ),
    ],
)
def test_infeasible_inputs_raise_a_clear_error(kwargs, message):
    a = random_affinity(7, 0)
    kwargs = {"tables": [(3, 4), (3, 4)], **kwargs}
    tables = kwargs.pop("tables")
    if message is None:  # the feasible control case
        assert plan_tables(a, tables, seconds=0.05, **kwargs).violations == ()
        return
    with pytest.raises(ValueError, match=message):
        plan_tables(a, tables, seconds=0.05, **kwargs)


@pytest.mark.parametrize(
    ("affinity", "message"),
    [
        (np.zeros((3, 4)), "square"),
        (np.array([[0, 1], [2, 0]]), r"not symmetric: \[0, 1\]"),
        (np.array([[0, np.nan], [np.nan, 0]]), r"entry \[0, 1\] is nan"),
        (np.array([[0, np.inf], [np.inf, 0]]), r"entry \[0, 1\] is inf"),
    ],
)
def test_bad_affinity_is_named(affinity, message):
    with pytest.raises(ValueError, match=message):
        plan_tables(affinity, [(1, 2), (1, 2)], seconds=0.05)


def test_bad_parameters_are_named():
    a = random_affinity(4, 0)
    for kwargs, message in [
        ({"tables": [(3, 2)]}, r"tables\[0\]"),
        ({"tables": []}, "at least one"),
        ({"rounds": 0}, "rounds"),
        ({"seconds": 0}, "seconds"),
        ({"sectors": ["a"]}, "sectors"),
        ({"locked": np.zeros((1, 3), int)}, "locked"),
    ]:
        kwargs = {"tables": [(2, 2), (2, 2)], **kwargs}
        with pytest.raises(ValueError, match=message):
            plan_tables(a, kwargs.pop("tables"), **kwargs)


def test_checker_names_each_broken_constraint():
    bounds = [(2, 2), (2, 2)]
    v = table_plan_violations([[0, 0, 0, 1]], bounds, separate=["a", None, "a", None], pinned={3: 0})
    assert "round 1, table 1: 3 people, allowed 2..2" in v
    assert "round 1, table 2: 1 people, allowed 2..2" in v
    assert "round 1, table 1: people 0 and 2 share separate label a" in v
    assert "round 1: person 3 is pinned to table 1 but sits at table 2" in v
    bad_index = table_plan_violations([[0, 2, 1, 1]], bounds)[0]
    assert bad_index.startswith("round 1: person 1 has table index 2, outside 0..1"), bad_index
    assert is_valid_table_plan([[0, 1, 1, 0]], bounds)


# ------------------------------------------------------------------ properties on random inputs


@st.composite
def instances(draw):
    n = draw(st.integers(2, 7))
    n_tables = draw(st.integers(1, 3))
    bounds = []
    for _ in range(n_tables):
        mn = draw(st.integers(0, 3))
        bounds.append((mn, mn + draw(st.integers(0 if mn else 1, 3))))
    separate = draw(st.lists(st.sampled_from([None, "a", "b"]), min_size=n, max_size=n))
    pinned = draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, n_tables - 1), max_size=2))
    rounds = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**16))
    return n, bounds, separate, pinned, rounds, seed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plans_meet_hard_constraints_or_infeasibility_is_real(case):
    n, bounds, separate, pinned, rounds, seed = case
    a = random_affinity(n, seed)
    feasible = [
        row for row in all_seatings(n, bounds) if independent_violations([row], bounds, separate, pinned) == 0
    ]
    if not feasible:
        with pytest.raises(ValueError):
            plan_tables(a, bounds, rounds, separate=separate, pinned=pinned, seconds=0.02, seed=seed)
        return
    plan = plan_tables(a, bounds, rounds, separate=separate, pinned=pinned, seconds=0.02, seed=seed)
    assert plan.assignment.shape == (rounds, n)
    assert plan.violations == ()
    assert independent_violations(plan.assignment, bounds, separate, pinned) == 0
    if rounds == 1:  # tiny cases: the optimum itself
        assert plan.score == pytest.approx(seating_scores(a, np.array(feasible)).max(), abs=1e-6)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 1000), st.integers(10, 30))
def test_same_seed_same_plan(seed, n):
    a = random_affinity(n, seed)
    bounds = [(2, 6)] * 5
    kwargs = {"rounds": 2, "seconds": 60.0, "max_iterations": 300, "seed": seed}
    p1 = plan_tables(a, bounds, **kwargs)
    p2 = plan_tables(a, bounds, **kwargs)
    assert np.array_equal(p1.assignment, p2.assignment)
    assert p1.score == p2.score and p1.iterations == p2.iterations >= 300


def test_time_limit_is_respected_loosely():
    a = random_affinity(150, 0)
    plan_tables(a, [(6, 8)] * 20, rounds=4, seconds=0.05)  # warm the kernels
    plan = plan_tables(a, [(6, 8)] * 20, rounds=4, seconds=0.5)
    assert plan.seconds < 5.0
    assert isinstance(plan, TablePlan) and plan.violations == ()


def test_locked_round_and_pins_must_agree():
    a = random_affinity(6, 2)
    first = plan_tables(a, [(3, 3), (3, 3)], rounds=2, seconds=0.05)
    table = int(first.assignment[0, 0])
    with pytest.raises(
        ValueError,
        match=r"pinned\[\(0, 0\)\]: table index \d, but locked round index 0 seats them at table index",
    ):
        plan_tables(
            a,
            [(3, 3), (3, 3)],
            rounds=2,
            locked=first,
            locked_rounds=1,
            pinned={(0, 0): 1 - table},
            seconds=0.05,
        )
    # A pin for every round binds only the rounds still to plan.
    plan = plan_tables(
        a, [(3, 3), (3, 3)], rounds=2, locked=first, locked_rounds=1, pinned={0: 1 - table}, seconds=0.05
    )
    assert plan.assignment[0, 0] == table and plan.assignment[1, 0] == 1 - table


def test_locked_from_checks_its_indices():
    with pytest.raises(ValueError, match="old_index"):
        locked_from([[0, 1]], 1, [0, 5])
    with pytest.raises(ValueError, match="rounds"):
        locked_from([[0, 1]], 2, [0, 1])
