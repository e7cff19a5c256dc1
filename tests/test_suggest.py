"""Suggestions: invariants (exclusions, exposure cap, k and quota when feasible, determinism),
an exact LP reference for the assignment, and hand-made cases with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from matcher.affinity import affinity
from matcher.fairness import QUOTA_PENALTY, SCALE, assign, assignment_violations, exposure_steps
from matcher.profile import Profile
from matcher.suggest import SuggestConfig, suggest, suggest_from_affinity
from matcher.suggest_checks import suggestion_violations
from matcher.taxonomy import SECTORS
from tests.test_affinity import EMB, NO_LEX, PHRASES, _ring

FAST = SuggestConfig(affinity=NO_LEX)


def _lexicographic_reference(
    w: np.ndarray,
    allowed: np.ndarray,
    cross: np.ndarray,
    k: int,
    cap: int,
    q: int,
    exposure_cost: float = 0.0,
) -> tuple[float, float, float]:
    """(most suggestions, fewest quota shortfalls, best weight minus exposure costs) by three exact LPs."""
    n = w.shape[0]
    rows, cols = np.nonzero(allowed)
    a = len(rows)
    steps = exposure_steps(k, cap, exposure_cost) if exposure_cost > 0 else np.zeros(0)
    ns = len(steps)
    nv = a + n + n * ns  # arc variables, one shortfall slack per row, exposure steps per column
    a_ub, b_ub = [], []
    for i in range(n):
        r = np.zeros(nv)
        r[:a][rows == i] = 1
        a_ub.append(r), b_ub.append(k)
        r = np.zeros(nv)
        r[:a][(rows == i) & ~cross[rows, cols]] = 1
        r[a + i] = -1
        a_ub.append(r), b_ub.append(k - min(q, k))
    for j in range(n):
        r = np.zeros(nv)
        r[:a][cols == j] = 1
        a_ub.append(r), b_ub.append(cap)
        if ns:
            r = r.copy()
            r[a + n + j * ns : a + n + (j + 1) * ns] = -1
            a_ub.append(r), b_ub.append(k)
    bounds = [(0, 1)] * a + [(0, min(q, k))] * n + [(0, 1)] * (n * ns)
    count_c = np.r_[-np.ones(a), np.zeros(n + n * ns)]
    slack_c = np.r_[np.zeros(a), np.ones(n), np.zeros(n * ns)]
    step_c = np.tile(np.round(steps * SCALE) / SCALE, n)
    weight_c = np.r_[-np.round(w[rows, cols] * SCALE) / SCALE, np.zeros(n), step_c]
    best = []
    for c in (count_c, slack_c, weight_c):
        res = linprog(c, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
        assert res.status == 0
        best.append(res.fun)
        a_ub.append(c), b_ub.append(res.fun + 1e-7)  # keep earlier levels optimal
    return -best[0], best[1], -best[2]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 8),
    k=st.integers(1, 3),
    cap=st.integers(1, 4),
    q=st.integers(0, 3),
    seed=st.integers(0, 10_000),
    exposure_cost=st.sampled_from([0.0, 0.3, 2.0]),
)
def test_assignment_matches_the_exact_lp_reference(
    n: int, k: int, cap: int, q: int, seed: int, exposure_cost: float
) -> None:
    rng = np.random.default_rng(seed)
    w = rng.uniform(0, 1, (n, n))
    allowed = (rng.uniform(size=(n, n)) < 0.8) & ~np.eye(n, dtype=bool)
    sectors = rng.integers(0, 3, n)
    cross = sectors[:, None] != sectors[None, :]
    chosen = assign(w, allowed, k=k, max_exposure=cap, cross=cross, min_cross=q, exposure_cost=exposure_cost)
    assert assignment_violations(chosen, allowed, k=k, max_exposure=cap) == []
    count, shortfall, weight = _lexicographic_reference(w, allowed, cross, k, cap, q, exposure_cost)
    same = (chosen & ~cross).sum(1)
    got_shortfall = np.maximum(0, same - (k - min(q, k))).sum()
    assert chosen.sum() == round(count)
    assert got_shortfall == round(shortfall)
    steps = np.round(exposure_steps(k, cap, exposure_cost) * SCALE) / SCALE
    per_col = chosen.sum(0)
    paid = sum(steps[: max(0, c - k)].sum() for c in per_col) if exposure_cost > 0 else 0.0
    assert np.round(w * SCALE)[chosen].sum() / SCALE - paid == pytest.approx(weight, abs=1e-5)
    assert n * k * SCALE < QUOTA_PENALTY  # a shortfall always costs more than any weight gain


def _event(rows: list[tuple[int, str, list[str], list[str]]]) -> list[Profile]:
    return [
        Profile(
            id=f"p{i}", organisation=f"Org {org}", sector=sector, offers=tuple(offers), needs=tuple(needs)
        )
        for i, (org, sector, offers, needs) in enumerate(rows)
    ]


event_strategy = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.sampled_from(SECTORS[:3]),
        st.lists(st.sampled_from(PHRASES), max_size=2, unique=True),
        st.lists(st.sampled_from(PHRASES), max_size=2, unique=True),
    ),
    min_size=2,
    max_size=9,
)


@settings(max_examples=50, deadline=None)
@given(rows=event_strategy, k=st.integers(1, 3), data=st.data())
def test_suggestions_keep_every_rule(rows: list, k: int, data: st.DataObject) -> None:
    profiles = _event(rows)
    n = len(profiles)
    ids = [p.id for p in profiles]
    cap = data.draw(st.integers(1, 2 * k))
    q = data.draw(st.integers(0, k))
    present = data.draw(st.one_of(st.none(), st.sets(st.sampled_from(ids))))
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3))
    opted = data.draw(st.sets(st.sampled_from(ids), max_size=1))
    config = SuggestConfig(
        max_exposure=cap,
        min_cross_sector=q,
        affinity=NO_LEX,
        candidates=data.draw(st.sampled_from([None, 1])),
        max_per_organisation=None,  # the LP reference below knows no per-organisation limit
    )
    lists = suggest(profiles, k, exclude=pairs, present=present, config=config, embedder=EMB, opted_out=opted)
    again = suggest(profiles, k, exclude=pairs, present=present, config=config, embedder=EMB, opted_out=opted)
    assert lists == again
    assert len(lists) == n
    active = np.array([(present is None or p.id in present) and p.id not in opted for p in profiles])
    org = [p.organisation for p in profiles]
    allowed = np.array(
        [
            [
                active[i]
                and active[j]
                and org[i] != org[j]
                and (ids[i], ids[j]) not in pairs
                and (ids[j], ids[i]) not in pairs
                for j in range(n)
            ]
            for i in range(n)
        ]
    )
    chosen = np.zeros((n, n), bool)
    for i, lst in enumerate(lists):
        assert len({s.target_id for s in lst}) == len(lst) <= k
        for s in lst:
            chosen[i, ids.index(s.target_id)] = True
            assert 1 <= len(s.reasons) <= 3
            assert all(r.render("fi") for r in s.reasons)
        assert [s.score for s in lst] == sorted((s.score for s in lst), reverse=True)
    assert assignment_violations(chosen, allowed, k=k, max_exposure=cap, active=active) == []
    rules = {"exclude": pairs, "opted_out": opted, "present": present, "max_per_organisation": None}
    assert suggestion_violations(lists, profiles, k, max_exposure=cap, **rules) == []  # type: ignore[arg-type]
    sectors = np.array([p.sector for p in profiles])
    cross = sectors[:, None] != sectors[None, :]
    count, shortfall, _ = _lexicographic_reference(np.zeros((n, n)), allowed, cross, k, cap, q)
    assert chosen.sum() == round(count)  # as many suggestions as the rules allow: k each when feasible
    got_shortfall = np.maximum(0, (chosen & ~cross).sum(1) - (k - q)).sum()
    assert got_shortfall == round(shortfall)  # the quota holds wherever it can


def test_popular_organisation_is_capped_and_everyone_still_gets_k() -> None:
    hub = Profile(id="hub", organisation="Hub", sector="public", offers=(PHRASES[0],), needs=(PHRASES[1],))
    others = [
        Profile(
            id=f"q{i}",
            organisation=f"Q{i}",
            sector="private",
            offers=(PHRASES[1], PHRASES[2 + i]),
            needs=(PHRASES[0],),
        )
        for i in range(8)
    ]
    profiles = [hub, *others]
    uncapped = suggest(
        profiles,
        1,
        config=SuggestConfig(max_exposure=20, min_cross_sector=0, exposure_cost=0.0, affinity=NO_LEX),
        embedder=EMB,
    )
    assert sum(s.target_id == "hub" for lst in uncapped for s in lst) == 8
    capped = suggest(
        profiles, 1, config=SuggestConfig(max_exposure=2, min_cross_sector=0, affinity=NO_LEX), embedder=EMB
    )
    assert sum(s.target_id == "hub" for lst in capped for s in lst) == 2
    assert all(len(lst) == 1 for lst in capped)


def test_cross_sector_quota_overrides_a_better_same_sector_match() -> None:
    a = Profile(id="a", organisation="A", sector="private", offers=(PHRASES[0],), needs=(PHRASES[1],))
    twin = Profile(id="b", organisation="B", sector="private", offers=(PHRASES[1],), needs=(PHRASES[0],))
    weak = Profile(id="c", organisation="C", sector="public", offers=(PHRASES[5],), needs=(PHRASES[6],))
    fill = [
        Profile(id=f"f{i}", organisation=f"F{i}", sector="third_sector", offers=(PHRASES[7 + i],))
        for i in range(3)
    ]
    profiles = [a, twin, weak, *fill]
    free = suggest(profiles, 1, config=SuggestConfig(min_cross_sector=0, affinity=NO_LEX), embedder=EMB)
    assert free[0][0].target_id == "b"
    quota = suggest(profiles, 1, config=SuggestConfig(min_cross_sector=1, affinity=NO_LEX), embedder=EMB)
    assert profiles[[p.id for p in profiles].index(quota[0][0].target_id)].sector != "private"


def test_diversity_prefers_a_different_partner_over_a_near_copy() -> None:
    me = Profile(
        id="me",
        organisation="Me",
        sector="public",
        description="Kotihoidon yöpartiointia kehittävä kunta",
        offers=(PHRASES[9],),
        needs=(PHRASES[0], PHRASES[3]),
    )
    copy = "Kotihoidon yöpartiointia ja turvapuhelinpalvelua Hämeessä"
    a1 = Profile(
        id="a1",
        organisation="A1",
        sector="private",
        description=copy,
        offers=(PHRASES[0],),
        needs=(PHRASES[9],),
    )
    a2 = Profile(
        id="a2",
        organisation="A2",
        sector="private",
        description=copy,
        offers=(PHRASES[0],),
        needs=(PHRASES[9],),
    )
    b = Profile(
        id="b",
        organisation="B",
        sector="third_sector",
        description="Kuljetuksia",
        offers=(PHRASES[3],),
        needs=(PHRASES[9],),
    )
    fill = [
        Profile(
            id=f"f{i}",
            organisation=f"F{i}",
            sector="public",
            description=PHRASES[4 + i],
            offers=(PHRASES[4 + i],),
        )
        for i in range(4)
    ]
    profiles = [me, a1, a2, b, *fill]
    aff = affinity(profiles, EMB, NO_LEX)
    assert aff.matrix[0, 1] == aff.matrix[0, 2] > aff.matrix[0, 3] > 0  # the copies score best
    plain = suggest_from_affinity(
        aff, 2, config=SuggestConfig(diversity=0.0, min_cross_sector=0, affinity=NO_LEX)
    )
    assert {s.target_id for s in plain[0]} == {"a1", "a2"}
    diverse = suggest_from_affinity(
        aff, 2, config=SuggestConfig(diversity=0.5, min_cross_sector=0, affinity=NO_LEX)
    )
    assert {s.target_id for s in diverse[0]} == {"a1", "b"}


def test_present_and_opted_out_people_are_left_out() -> None:
    profiles = _ring(9)
    lists = suggest(
        profiles, 3, present=[f"p{i}" for i in range(6)], opted_out=["p1"], config=FAST, embedder=EMB
    )
    for i, lst in enumerate(lists):
        if i >= 6 or i == 1:
            assert lst == []
        else:
            assert len(lst) == 3
            assert all(s.target_id in {"p0", "p2", "p3", "p4", "p5"} for s in lst)


def test_reasons_quote_the_matching_phrases() -> None:
    profiles = _ring(10)
    aff = affinity(profiles, EMB, NO_LEX)
    lists = suggest(profiles, 2, config=SuggestConfig(min_cross_sector=0, affinity=NO_LEX), affinity=aff)
    by_target = {s.target_id: s for s in lists[2]}
    assert "p3" in by_target  # p2 needs what p3 offers
    reason = by_target["p3"].reasons[0]
    assert reason.kind == "they_offer" and reason.phrase == PHRASES[3]
    assert reason.render("fi") == f"He tarjoavat '{PHRASES[3]}', jota etsitte"
    assert reason.render("sv") == f"De erbjuder '{PHRASES[3]}', som ni söker"
    assert reason.render("en") == f"They offer '{PHRASES[3]}', which you are looking for"


def test_bad_arguments_are_named() -> None:
    profiles = _ring(4)
    aff = affinity(profiles, EMB, NO_LEX)
    with pytest.raises(ValueError, match="k:"):
        suggest_from_affinity(aff, -1)
    with pytest.raises(ValueError, match="present: id 'zz'"):
        suggest_from_affinity(aff, 1, present=["zz"])
    with pytest.raises(ValueError, match="affinity: was computed for other profiles"):
        suggest(profiles[::-1], 1, affinity=aff)
    with pytest.raises(ValueError, match="diversity"):
        SuggestConfig(diversity=1.0)
    with pytest.raises(ValueError, match="max_exposure"):
        SuggestConfig(max_exposure=0)
    with pytest.raises(ValueError, match="max_per_organisation: must be at least 1 or None, got 0"):
        SuggestConfig(max_per_organisation=0)


def test_default_config_caps_exposure_at_twice_k() -> None:
    profiles = _ring(12)
    lists = suggest(profiles, 2, embedder=EMB)
    exposure = np.bincount([int(s.target_id[1:]) for lst in lists for s in lst], minlength=12)
    assert exposure.max() <= 4 and all(len(lst) == 2 for lst in lists)
    assert SuggestConfig().max_exposure is None  # meaning 2k


def test_colleagues_of_one_organisation_fill_at_most_one_slot() -> None:
    me = Profile(
        id="me", organisation="Puhdas Arki Ky", sector="private", offers=(PHRASES[1],), needs=(PHRASES[0],)
    )
    names = ["Vanajaveden hyvinvointialue", "vanajaveden  Hyvinvointialue", "Vanajaveden hyvinvointialue"]
    colleagues = [
        Profile(id=f"v{i}", organisation=name, sector="public", offers=(PHRASES[0],), needs=(PHRASES[1],))
        for i, name in enumerate(names)
    ]
    others = [
        Profile(id=f"o{i}", organisation=f"Other {i}", sector="third_sector", offers=(PHRASES[2 + i],))
        for i in range(3)
    ]
    profiles = [me, *colleagues, *others]
    aff = affinity(profiles, EMB, NO_LEX)
    assert aff.matrix[0, 1] == aff.matrix[0, 2] == aff.matrix[0, 3] > aff.matrix[0, 4:].max()
    free = suggest(
        profiles, 3, config=SuggestConfig(max_per_organisation=None, affinity=NO_LEX), affinity=aff
    )
    assert {s.target_id for s in free[0]} == {"v0", "v1", "v2"}  # the failure this rule prevents
    lists = suggest(profiles, 3, config=SuggestConfig(affinity=NO_LEX), affinity=aff)
    ids = [s.target_id for s in lists[0]]
    assert len(ids) == 3 and sum(t.startswith("v") for t in ids) == 1
    assert ids[0] in {"v0", "v1", "v2"}  # the best colleague is kept, ranked first
    two = suggest(profiles, 3, config=SuggestConfig(max_per_organisation=2, affinity=NO_LEX), affinity=aff)
    assert sum(s.target_id.startswith("v") for s in two[0]) == 2


@settings(max_examples=40, deadline=None)
@given(rows=event_strategy, k=st.integers(1, 3), data=st.data())
def test_no_list_holds_more_than_max_per_organisation(rows: list, k: int, data: st.DataObject) -> None:
    profiles = _event(rows)
    n = len(profiles)
    ids = [p.id for p in profiles]
    limit = data.draw(st.integers(1, 2))
    loose = data.draw(st.booleans())  # exposure cap that never binds: then k is feasible per person
    cap = n if loose else data.draw(st.integers(1, 2 * k))
    q = data.draw(st.integers(0, k))
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3))
    config = SuggestConfig(
        max_exposure=cap,
        min_cross_sector=q,
        max_per_organisation=limit,
        affinity=NO_LEX,
        candidates=data.draw(st.sampled_from([None, 1])),
    )
    lists = suggest(profiles, k, exclude=pairs, config=config, embedder=EMB)
    org = [p.organisation for p in profiles]
    allowed = np.array(
        [
            [
                org[i] != org[j] and (ids[i], ids[j]) not in pairs and (ids[j], ids[i]) not in pairs
                for j in range(n)
            ]
            for i in range(n)
        ]
    )
    chosen = np.zeros((n, n), bool)
    for i, lst in enumerate(lists):
        for s in lst:
            chosen[i, ids.index(s.target_id)] = True
        per_org = np.bincount([int(org[ids.index(s.target_id)][4:]) for s in lst], minlength=7)
        assert per_org.max(initial=0) <= limit
        if loose:  # feasible: k whenever enough distinct allowed organisations (each counting `limit`)
            room = sum(min(limit, sum(allowed[i, j] for j in range(n) if org[j] == o)) for o in set(org))
            assert len(lst) == min(k, room)
    group = np.array([int(o[4:]) for o in org])
    assert assignment_violations(chosen, allowed, k=k, max_exposure=cap, group=group, per_group=limit) == []
    assert (
        suggestion_violations(lists, profiles, k, max_exposure=cap, max_per_organisation=limit, exclude=pairs)
        == []
    )
    if chosen.any():  # the checker itself catches a list over the limit
        i, j = np.argwhere(chosen)[0]
        strict = assignment_violations(chosen, allowed, k=k, max_exposure=cap, group=group, per_group=0)
        assert f"row {i}: more than per_group=0 targets of group {group[j]}" in strict


def test_the_flow_spreads_exposure_over_colleagues() -> None:
    team = [
        Profile(id=f"v{i}", organisation="V", sector="public", offers=(PHRASES[0],), needs=(PHRASES[1],))
        for i in range(3)
    ]
    askers = [
        Profile(id=f"a{i}", organisation=f"A{i}", sector="private", offers=(PHRASES[1],), needs=(PHRASES[0],))
        for i in range(6)
    ]
    profiles = [*team, *askers]
    config = SuggestConfig(max_exposure=2, min_cross_sector=0, exposure_cost=0.0, affinity=NO_LEX)
    lists = suggest(profiles, 1, config=config, embedder=EMB)
    picks = [lst[0].target_id for lst in lists[3:]]
    assert sorted(picks) == ["v0", "v0", "v1", "v1", "v2", "v2"]  # each asker gets one colleague
