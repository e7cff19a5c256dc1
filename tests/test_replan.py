"""Live re-planning: played rounds stay as they were, only the rounds to come change."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matcher.replan as replan_module
from matcher.meetings import plan_meetings
from matcher.replan import old_index, replan_meetings, replan_tables
from matcher.tables import InfeasibleTablesError, is_valid_table_plan, locked_from, plan_tables


def _affinity(ids: list[str], seed: int = 0) -> np.ndarray:
    """A symmetric affinity that depends only on the ids, so it is the same before and after."""
    out = np.zeros((len(ids), len(ids)))
    for a, x in enumerate(ids):
        for b, y in enumerate(ids):
            if a != b:
                lo, hi = sorted((x, y))
                out[a, b] = np.random.default_rng([seed, *map(ord, lo + "|" + hi)]).random()
    return out


def test_old_index_maps_people_and_marks_walk_ins() -> None:
    assert old_index(["a", "b", "c"], ["c", "x", "a"]) == [2, -1, 0]
    with pytest.raises(ValueError, match=r"new_ids: id 'a' appears twice \(positions 0 and 1\)"):
        old_index(["a"], ["a", "a"])


def test_replan_tables_keeps_played_rounds_and_reseats_the_rest() -> None:
    old_ids = [f"p{k}" for k in range(12)]
    tables = [(3, 5)] * 3
    sectors_of = {f"p{k}": ("public", "private", "third")[k % 3] for k in range(14)}
    first = plan_tables(
        _affinity(old_ids), tables, rounds=3, sectors=[sectors_of[x] for x in old_ids], seconds=0.3
    )
    new_ids = [x for x in old_ids if x not in ("p3", "p7")] + ["p12", "p13", "p14"]
    sectors_of["p14"] = "public"
    again = replan_tables(
        first,
        old_ids,
        new_ids,
        _affinity(new_ids),
        tables,
        played=1,
        sectors=[sectors_of[x] for x in new_ids],
        seconds=0.3,
    )
    col = {x: k for k, x in enumerate(old_ids)}
    for k, x in enumerate(new_ids):
        expected = first.assignment[0, col[x]] if x in col else -1
        assert again.assignment[0, k] == expected
    assert (again.assignment[1:] >= 0).all()  # everyone present is seated in the rounds to come
    assert again.violations == ()
    locked = locked_from(first, 1, old_index(old_ids, new_ids))
    assert is_valid_table_plan(again, tables, locked=locked)


def test_replan_tables_refuses_mismatched_input() -> None:
    first = plan_tables(np.ones((4, 4)) - np.eye(4), [(2, 2), (2, 2)], rounds=2, seconds=0.05)
    with pytest.raises(ValueError, match="old_ids: 3 ids for a plan of 4 people"):
        replan_tables(first, [0, 1, 2], [0, 1, 2], np.ones((3, 3)), [(3, 3)], played=1)
    with pytest.raises(ValueError, match=r"played: 3 is outside 0\.\.2"):
        replan_tables(first, [0, 1, 2, 3], [0, 1, 2, 3], np.ones((4, 4)), [(2, 2)] * 2, played=3)
    with pytest.raises(ValueError, match=r"affinity: shape \(4, 4\) does not match 3 new_ids"):
        replan_tables(first, [0, 1, 2, 3], [0, 1, 2], np.ones((4, 4)), [(3, 3)], played=1)


def test_an_impossible_replan_names_the_people_in_the_rounds_still_to_come() -> None:
    old_ids = ["a", "b", "c", "d"]
    first = plan_tables(_affinity(old_ids), [(2, 3), (2, 3)], rounds=3, seconds=0.05)
    new_ids = [*old_ids, "e"]  # a walk-in, kept apart from a but pinned with a at table index 1
    names = [f"person {x} ({x.upper()}.)" for x in new_ids]
    rules = {"pinned": {0: 1, 4: 1}, "apart": [(0, 4)]}
    with pytest.raises(InfeasibleTablesError) as err:
        replan_tables(
            first, old_ids, new_ids, _affinity(new_ids), [(2, 3)] * 2, played=1, names=names, **rules
        )
    why = "person a (A.) and person e (E.) are pinned together but kept apart"
    assert err.value.reasons == (f"round 2, table 2: {why}", f"round 3, table 2: {why}")  # round 1 played
    with pytest.raises(InfeasibleTablesError, match="position 0 and position 4"):  # no names: positions
        replan_tables(first, old_ids, new_ids, _affinity(new_ids), [(2, 3)] * 2, played=1, **rules)
    with pytest.raises(ValueError, match=r"names: expected one name per person \(5\), got 4"):
        replan_tables(first, old_ids, new_ids, _affinity(new_ids), [(2, 3)] * 2, played=1, names=names[:4])


def _check_replanned_meetings(before, old_ids, new_ids, after, played: int) -> None:
    plan, ids = after.plan, after.ids
    assert ids[: len(old_ids)] == tuple(old_ids)
    assert plan.violations == ()
    # played rounds: the same meetings between the same people
    for r in range(played):
        old = sorted(tuple(old_ids[p] for p in m.people) for m in before.in_round(r))
        new = sorted(after.people(m.people) for m in plan.in_round(r))
        assert old == new
    # rounds to come: only the people now present, no meeting repeated from any round
    for r in range(played, plan.rounds):
        assert {ids[p] for p in plan.present[r]} == set(new_ids)
    pairs = [frozenset(after.people(pair)) for m in plan.meetings for pair in [m.people]]
    assert len(pairs) == len(set(pairs))


def test_replan_meetings_with_walk_ins_and_leavers() -> None:
    old_ids = [f"p{k}" for k in range(10)]
    before = plan_meetings(_affinity(old_ids), rounds=5)
    new_ids = [x for x in old_ids if x not in ("p2", "p5")] + ["w1", "w2", "w3"]
    after = replan_meetings(before, old_ids, new_ids, _affinity(new_ids), played=2)
    _check_replanned_meetings(before, old_ids, new_ids, after, played=2)
    assert after.ids[-3:] == ("w1", "w2", "w3")
    # 11 present: one bye per round to come, never twice for one person
    later_byes = [p for r in range(2, 5) for p in after.plan.byes[r]]
    assert len(later_byes) == 3 and len(set(later_byes)) == 3


def test_replan_meetings_twice_composes() -> None:
    ids0 = list("abcdefgh")
    p0 = plan_meetings(_affinity(ids0), rounds=4)
    ids1 = [*ids0[:-1], "x"]
    p1 = replan_meetings(p0, ids0, ids1, _affinity(ids1), played=1)
    ids2 = [*ids1[1:], "y", "z"]
    p2 = replan_meetings(p1.plan, p1.ids, ids2, _affinity(ids2), played=2)
    _check_replanned_meetings(p1.plan, p1.ids, ids2, p2, played=2)
    assert p2.ids == (*ids0, "x", "y", "z")


def test_replan_meetings_requests_and_blocks_by_id() -> None:
    ids = list("abcdef")
    before = plan_meetings(np.zeros((6, 6)), rounds=3)
    after = replan_meetings(
        before,
        ids,
        ids,
        np.zeros((6, 6)),
        played=0,
        requested=[("a", "f"), ("f", "a"), ("a", "gone")],
        blocked=[("b", "c")],
    )
    assert ("a", "f") in [after.people(m.people) for m in after.plan.in_round(0)]
    assert ("b", "c") not in {after.people(m.people) for m in after.plan.meetings}


def test_replan_meetings_refuses_mismatched_input() -> None:
    before = plan_meetings(np.zeros((4, 4)), rounds=2)
    with pytest.raises(ValueError, match="old_ids: 3 ids for a plan of 4 people"):
        replan_meetings(before, "abc", "abc", np.zeros((3, 3)), played=1)
    with pytest.raises(ValueError, match=r"played: 5 is outside 0\.\.2"):
        replan_meetings(before, "abcd", "abc", np.zeros((3, 3)), played=5)
    with pytest.raises(ValueError, match="old_ids: id 'a' appears twice"):
        replan_meetings(before, "aacd", "abc", np.zeros((3, 3)), played=1)
    with pytest.raises(ValueError, match="odd: 'trio' differs"):
        replan_meetings(before, "abcd", "abc", np.zeros((3, 3)), played=1, odd="trio")


@settings(max_examples=25, deadline=None)
@given(
    n_old=st.integers(2, 9),
    leave=st.integers(0, 3),
    arrive=st.integers(0, 3),
    rounds=st.integers(1, 4),
    played_frac=st.floats(0, 1),
    seed=st.integers(0, 100),
    odd=st.sampled_from(["bye", "trio"]),
)
def test_property_replanned_meetings_stay_valid(n_old, leave, arrive, rounds, played_frac, seed, odd) -> None:
    old_ids = [f"p{k}" for k in range(n_old)]
    before = plan_meetings(_affinity(old_ids, seed), rounds=rounds, odd=odd)
    rng = np.random.default_rng(seed)
    gone = set(rng.choice(old_ids, size=min(leave, n_old), replace=False).tolist())
    new_ids = [x for x in old_ids if x not in gone] + [f"w{k}" for k in range(arrive)]
    played = int(played_frac * rounds)
    after = replan_meetings(before, old_ids, new_ids, _affinity(new_ids, seed), played=played)
    _check_replanned_meetings(before, old_ids, new_ids, after, played)


def test_docstring_examples() -> None:
    assert doctest.testmod(replan_module).failed == 0
