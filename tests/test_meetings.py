"""plan_meetings: exact per-round matchings (brute force), hard rules, rotation, requests."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcher.meetings as meetings_module
from matcher.meetings import (
    Meeting,
    MeetingPlan,
    is_valid_meeting_plan,
    meeting_plan_violations,
    plan_meetings,
)


def _sym(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    return (a + a.T) / 2


def _matchings(vertices: list[int], edges: set[tuple[int, int]]):
    """Every matching (not only perfect ones) of the graph, as lists of edges."""
    if not vertices:
        yield []
        return
    v, rest = vertices[0], vertices[1:]
    yield from _matchings(rest, edges)  # v unmatched
    for u in rest:
        if (min(u, v), max(u, v)) in edges:
            others = [x for x in rest if x != u]
            for m in _matchings(others, edges):
                yield [(min(u, v), max(u, v)), *m]


def _brute_best_key(a, here, allowed, mutual, weight, candidates):
    """Best (edges, dummy matched, mutual met, weight) over all matchings, dummy = -1."""
    edges = {(i, j) for i in here for j in here if i < j and allowed[i][j]}
    dummy_edges = {(-1, c) for c in candidates} if len(here) % 2 else set()
    best = None
    for m in _matchings([-1, *here] if dummy_edges else list(here), edges | dummy_edges):
        real = [e for e in m if e[0] != -1]
        key = (
            len(m),
            len(m) - len(real),
            sum(mutual[i][j] for i, j in real),
            sum(weight[i][j] for i, j in real),
        )
        if best is None or key[:3] > best[:3] or (key[:3] == best[:3] and key[3] > best[3]):
            best = key
    return best


def _check_rounds_exact(a, plan: MeetingPlan, requested=frozenset(), blocked=frozenset(), bonus=None):
    """Re-derive each round's optimum by enumeration and compare the plan's round with it."""
    n = a.shape[0]
    asked = {(i, j) for i, j in requested}
    mutual = [[(i, j) in asked and (j, i) in asked for j in range(n)] for i in range(n)]
    if bonus is None:
        off = a[~np.eye(n, dtype=bool)]
        bonus = 0.5 * (off.max() - off.min()) if off.size else 0.0
    weight = [
        [a[i, j] + bonus * (((i, j) in asked or (j, i) in asked) and not mutual[i][j]) for j in range(n)]
        for i in range(n)
    ]
    blk = {(min(i, j), max(i, j)) for i, j in blocked}
    met: set[tuple[int, int]] = set()
    byes = dict.fromkeys(range(n), 0)
    for r in range(plan.rounds):
        here = list(plan.present[r])
        allowed = [[i != j and (min(i, j), max(i, j)) not in blk | met for j in range(n)] for i in range(n)]
        fewest = min((byes[p] for p in here), default=0)
        candidates = [p for p in here if byes[p] == fewest]
        best = _brute_best_key(a, here, allowed, mutual, weight, candidates)
        ms = plan.in_round(r)
        got_pairs = [m.people for m in ms]
        left = [p for p in here if all(p not in g for g in got_pairs)]
        dummy = 1 if len(here) % 2 and len(left) >= 1 and any(p in candidates for p in left) else 0
        got = (
            len(got_pairs) + dummy,
            dummy,
            sum(mutual[i][j] for i, j in got_pairs),
            sum(weight[i][j] for i, j in got_pairs),
        )
        assert got[:3] == best[:3], (r, got, best)
        assert got[3] == pytest.approx(best[3], abs=1e-7), (r, got, best)
        met |= set(got_pairs)
        if len(plan.byes[r]) == 1:
            byes[plan.byes[r][0]] += 1


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7, 8, 9, 10])
def test_each_round_is_a_max_weight_matching_given_earlier_rounds(n: int) -> None:
    a = _sym(n, seed=n)
    plan = plan_meetings(a, rounds=min(4, n), seed=1)
    assert plan.violations == ()
    assert all(plan.optimal)
    _check_rounds_exact(a, plan)


def test_exact_with_requests_blocks_and_absentees() -> None:
    a = _sym(9, seed=3)
    requested = {(0, 5), (5, 0), (2, 3), (4, 1), (1, 4), (4, 6)}
    blocked = {(0, 1), (7, 8)}
    present = [0, 1, 2, 4, 5, 6, 7, 8]
    plan = plan_meetings(a, rounds=4, requested=requested, blocked=blocked, present=present)
    assert is_valid_meeting_plan(plan, blocked=blocked)
    assert all(3 not in m.people for m in plan.meetings)
    _check_rounds_exact(a, plan, requested, blocked)


def test_known_answer_and_score() -> None:
    a = np.array([[0, 9, 1, 2], [9, 0, 3, 1], [1, 3, 0, 9], [2, 1, 9, 0]], dtype=float)
    plan = plan_meetings(a, rounds=3)
    assert [m.people for m in plan.in_round(0)] == [(0, 1), (2, 3)]
    assert [m.people for m in plan.in_round(1)] == [(0, 3), (1, 2)]
    assert [m.people for m in plan.in_round(2)] == [(0, 2), (1, 3)]
    assert plan.round_scores == (18.0, 5.0, 2.0)
    assert plan.score == 25.0
    assert [m.table for m in plan.in_round(0)] == [0, 1]


def test_mutual_request_comes_first_even_against_affinity() -> None:
    a = np.array([[0, 0, 5, 0], [0, 0, 0, 5], [5, 0, 0, 0], [0, 5, 0, 0]], dtype=float)
    plan = plan_meetings(a, rounds=2, requested={(0, 1), (1, 0)})
    assert (0, 1) in [m.people for m in plan.in_round(0)]
    assert plan.requests_met({(0, 1)}) == 1


def test_one_sided_request_gets_only_a_bonus() -> None:
    a = np.array([[0, 0, 5, 0], [0, 0, 0, 5], [5, 0, 0, 0], [0, 5, 0, 0]], dtype=float)
    plan = plan_meetings(a, rounds=1, requested={(0, 1)}, request_bonus=1.0)
    assert [m.people for m in plan.in_round(0)] == [(0, 2), (1, 3)]
    plan = plan_meetings(a, rounds=1, requested={(0, 1)}, request_bonus=20.0)
    assert [m.people for m in plan.in_round(0)] == [(0, 1), (2, 3)]


def test_overlapping_mutual_requests_spread_over_rounds() -> None:
    a = np.zeros((6, 6))
    requested = {(0, 1), (1, 0), (0, 2), (2, 0), (0, 3), (3, 0)}
    plan = plan_meetings(a, rounds=3, requested=requested)
    partners = [
        next(p for m in plan.in_round(r) if 0 in m.people for p in m.people if p != 0) for r in range(3)
    ]
    assert sorted(partners) == [1, 2, 3]


def test_mutual_requests_do_not_cost_anyone_their_partner() -> None:
    # 0-1 mutual, but 2 may meet only 0 and 3 only 1: everyone seated beats the request
    a = np.zeros((4, 4))
    blocked = {(2, 1), (2, 3), (3, 0)}
    plan = plan_meetings(a, rounds=1, requested={(0, 1), (1, 0)}, blocked=blocked)
    assert [m.people for m in plan.in_round(0)] == [(0, 2), (1, 3)]


def test_odd_bye_rotates_fairly() -> None:
    a = _sym(7, seed=5)
    plan = plan_meetings(a, rounds=7)
    byes = [plan.byes[r] for r in range(7)]
    assert all(len(b) == 1 for b in byes)
    assert sorted(b[0] for b in byes) == list(range(7))  # everyone once before anyone twice
    assert plan.violations == ()


def test_odd_trio_rotates_and_stays_valid() -> None:
    a = _sym(9, seed=6)
    plan = plan_meetings(a, rounds=3, odd="trio")
    trios = [m.people for m in plan.meetings if len(m.people) == 3]
    assert len(trios) == 3
    assert len(set().union(*map(set, trios))) == 9  # three disjoint trios: nobody twice
    assert all(plan.byes[r] == () for r in range(3))
    assert plan.violations == ()


def test_blocked_pairs_and_infeasible_perfect_matching() -> None:
    # 1, 2, 3 may only meet 0: one of them is matched, the others sit out
    a = np.ones((4, 4))
    blocked = {(1, 2), (1, 3), (2, 3)}
    plan = plan_meetings(a, rounds=3, blocked=blocked)
    assert all(len(plan.in_round(r)) == 1 for r in range(3))
    assert sorted(next(iter(set(plan.in_round(r)[0].people) - {0})) for r in range(3)) == [1, 2, 3]
    assert is_valid_meeting_plan(plan, blocked=blocked)


def test_more_rounds_than_partners_leaves_people_out_without_repeats() -> None:
    plan = plan_meetings(np.ones((4, 4)), rounds=5)
    assert len(plan.pairs()) == 6
    assert plan.in_round(3) == () and plan.byes[3] == (0, 1, 2, 3)
    assert plan.violations == ()


def test_locked_rounds_are_kept_and_not_repeated() -> None:
    a = _sym(8, seed=8)
    full = plan_meetings(a, rounds=4)
    played = full.first(2)
    again = plan_meetings(a, rounds=4, locked=played, present=[0, 1, 2, 3, 4, 5, 6])
    assert again.meetings[: len(played.meetings)] == played.meetings
    assert again.present[:2] == full.present[:2]
    assert all(7 not in m.people for m in again.meetings if m.round >= 2)
    assert again.violations == ()
    assert not (again.pairs(2) & {p for m in again.meetings if m.round >= 2 for p in [m.people]})


def test_deterministic_for_a_seed() -> None:
    a = np.round(_sym(12, seed=9), 1)  # rounding makes ties
    first = plan_meetings(a, rounds=3, seed=4)
    assert plan_meetings(a, rounds=3, seed=4) == first
    assert all(plan_meetings(a, rounds=3, seed=s).score == pytest.approx(first.score) for s in range(3))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"affinity": np.ones((2, 3)), "rounds": 1}, "affinity: must be a square"),
        ({"affinity": np.array([[0, 1], [2, 0]]), "rounds": 1}, "affinity: must be symmetric"),
        ({"affinity": np.array([[0, np.nan], [np.nan, 0]]), "rounds": 1}, "affinity: contains NaN"),
        ({"affinity": np.ones((2, 2)), "rounds": -1}, "rounds: must be >= 0"),
        ({"affinity": np.ones((2, 2)), "rounds": 1, "blocked": [(0, 2)]}, r"blocked: pair \(0, 2\)"),
        ({"affinity": np.ones((2, 2)), "rounds": 1, "requested": [(1, 1)]}, "requested: pair"),
        ({"affinity": np.ones((2, 2)), "rounds": 1, "present": [5]}, r"present: \[5\]"),
        ({"affinity": np.ones((2, 2)), "rounds": 1, "odd": "skip"}, "odd: must be"),
        ({"affinity": np.ones((2, 2)), "rounds": 1, "seconds": 0}, "seconds: must be > 0"),
    ],
)
def test_bad_input_names_the_parameter(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_meetings(**kwargs)


def test_locked_plan_of_other_size_is_refused() -> None:
    locked = plan_meetings(np.ones((4, 4)), rounds=1)
    with pytest.raises(ValueError, match="locked: plan is for 4 people"):
        plan_meetings(np.ones((5, 5)), rounds=2, locked=locked)
    with pytest.raises(ValueError, match="locked: plan has 1 rounds"):
        plan_meetings(np.ones((4, 4)), rounds=0, locked=locked)


def _plan(meetings, byes, present, rounds=1, odd="bye") -> MeetingPlan:
    return MeetingPlan(
        n=6,
        rounds=rounds,
        meetings=tuple(Meeting(*m) for m in meetings),
        byes=byes,
        present=present,
        score=0.0,
        round_scores=(0.0,) * rounds,
        optimal=(True,) * rounds,
        odd=odd,
    )


@pytest.mark.parametrize(
    ("plan", "blocked", "expected"),
    [
        (_plan([(0, 0, (0, 1))], ((),), ((0, 1),)), [(1, 0)], "blocked pair (0, 1) meets"),
        (
            _plan([(0, 0, (0, 1)), (1, 0, (1, 0))], ((), ()), ((0, 1),) * 2, 2),
            [],
            "round 2, table 1: pair (0, 1) already met in round 1",
        ),
        (_plan([(0, 0, (0, 1))], ((),), ((0, 2),)), [], "person 1 is not present"),
        (_plan([(0, 0, (0, 1)), (0, 1, (1, 2))], ((),), ((0, 1, 2),)), [], "person 1 has two meetings"),
        (_plan([(0, 1, (0, 1))], ((),), ((0, 1),)), [], "round 1: table indices [1] are not 0..0"),
        (_plan([(0, 0, (0, 1, 2))], ((),), ((0, 1, 2),)), [], "is not a pair"),
        (_plan([(0, 0, (0, 1))], ((),), ((0, 1, 2),)), [], "are not the present people without"),
        (
            _plan(
                [(0, 0, (0, 1)), (0, 1, (2, 3)), (1, 0, (0, 2)), (1, 1, (1, 3))],
                ((4,), (4,)),
                ((0, 1, 2, 3, 4),) * 2,
                2,
            ),
            [],
            "person 4 sits out again",
        ),
    ],
)
def test_checker_finds_each_kind_of_violation(plan: MeetingPlan, blocked: list, expected: str) -> None:
    found = meeting_plan_violations(plan, blocked=blocked)
    assert any(expected in v for v in found), found
    assert not is_valid_meeting_plan(plan, blocked=blocked)


def test_checker_accepts_a_fair_hand_made_plan() -> None:
    ok = _plan([(0, 0, (0, 1)), (1, 0, (0, 2))], ((2,), (1,)), ((0, 1, 2),) * 2, 2)
    assert meeting_plan_violations(ok) == []


@st.composite
def _instances(draw):
    n = draw(st.integers(0, 9))
    seed = draw(st.integers(0, 10_000))
    pairs = st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))).filter(
        lambda p: p[0] != p[1]
    )
    requested = draw(st.sets(pairs, max_size=8)) if n >= 2 else set()
    blocked = draw(st.sets(pairs, max_size=8)) if n >= 2 else set()
    present = draw(st.sets(st.integers(0, n - 1))) if n and draw(st.booleans()) else None
    rounds = draw(st.integers(0, 5))
    odd = draw(st.sampled_from(["bye", "trio"]))
    a = np.round(_sym(n, seed), 2) if n else np.zeros((0, 0))
    return a, rounds, requested, blocked, present, odd


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_instances())
def test_property_valid_and_exact(instance) -> None:
    a, rounds, requested, blocked, present, odd = instance
    plan = plan_meetings(a, rounds, requested=requested, blocked=blocked, present=present, odd=odd)
    assert plan.violations == ()
    assert meeting_plan_violations(plan, blocked=blocked) == []
    here = set(range(a.shape[0])) if present is None else set(present)
    assert all(set(plan.present[r]) == here for r in range(rounds))
    seated = [p for m in plan.meetings for p in m.people]
    assert set(seated) <= here
    if odd == "bye":
        _check_rounds_exact(a, plan, requested, blocked)


def test_docstring_examples() -> None:
    assert doctest.testmod(meetings_module).failed == 0


def test_itertools_reference_counts_perfect_matchings() -> None:
    # the brute-force enumerator itself: K6 has 15 perfect matchings, 76 matchings in all
    edges = set(itertools.combinations(range(6), 2))
    all_m = list(_matchings(list(range(6)), edges))
    assert len(all_m) == 76
    assert sum(len(m) == 3 for m in all_m) == 15


def test_minus_inf_affinity_is_a_block() -> None:
    a = np.ones((4, 4))
    a[0, 1] = a[1, 0] = -np.inf
    plan = plan_meetings(a, rounds=3)
    assert (0, 1) not in plan.pairs()
    assert plan.pairs() == {(0, 2), (0, 3), (1, 2), (1, 3), (2, 3)}
    assert np.isfinite(plan.score)


def test_plus_inf_affinity_is_refused() -> None:
    a = np.ones((2, 2))
    a[0, 1] = a[1, 0] = np.inf
    with pytest.raises(ValueError, match=r"affinity: contains NaN or \+inf"):
        plan_meetings(a, rounds=1)


@pytest.mark.parametrize(("n", "kind"), [(70, "embedding"), (71, "normal"), (64, "ties")])
def test_large_rounds_match_networkx(n: int, kind: str) -> None:
    """Above ~55 people the solver prunes pairs by LP reduced costs; networkx checks it is exact."""
    nx = pytest.importorskip("networkx")
    rng = np.random.default_rng(n)
    if kind == "embedding":
        e = rng.normal(size=(n, 8))
        e /= np.linalg.norm(e, axis=1, keepdims=True)
        a = e @ e.T
    elif kind == "normal":
        a = _sym(n, seed=n)
    else:
        a = np.round(rng.random((n, n)) * 3)
        a = a + a.T
    blocked = {(int(i), int(j)) for i, j in rng.integers(0, n, size=(40, 2)) if i != j}
    plan = plan_meetings(a, rounds=2, blocked=blocked, seconds=30)
    assert all(plan.optimal) and plan.violations == ()
    met: set[tuple[int, int]] = {(min(i, j), max(i, j)) for i, j in blocked}
    earlier_bye = None
    for r in range(2):
        here = list(range(n))
        graph = nx.Graph()
        graph.add_nodes_from(here)
        graph.add_weighted_edges_from(
            (i, j, float(a[i, j])) for i in here for j in here if i < j and (i, j) not in met
        )
        if n % 2:  # a stand-in takes the bye: anyone in round 0, then not the same person again
            graph.add_weighted_edges_from((-1, p, 0.0) for p in here if p != earlier_bye)
        reference = nx.max_weight_matching(graph, maxcardinality=True)
        best = sum(a[i, j] for i, j in reference if -1 not in (i, j))
        assert plan.round_scores[r] == pytest.approx(best, abs=1e-9)
        met |= {m.people for m in plan.in_round(r)}
        earlier_bye = plan.byes[r][0] if n % 2 else None
