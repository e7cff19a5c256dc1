"""The checker beside suggest: what suggest returns keeps every rule (property tests over random
events and random vectors), and each broken rule is caught and named (hand-made lists)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import (
    Profile,
    SuggestConfig,
    Suggestion,
    affinity,
    affinity_from_vectors,
    is_valid_suggestions,
    suggest,
    suggest_from_affinity,
    suggestion_violations,
)
from matcher.statements import Statements, Vectors
from matcher.taxonomy import SECTORS
from tests.test_affinity import EMB, NO_LEX
from tests.test_suggest import _event, event_strategy


@settings(max_examples=50, deadline=None)
@given(rows=event_strategy, k=st.integers(1, 3), data=st.data())
def test_suggest_keeps_every_rule_on_random_events(rows: list, k: int, data: st.DataObject) -> None:
    profiles = _event(rows)
    ids = [p.id for p in profiles]
    config = SuggestConfig(
        max_exposure=data.draw(st.one_of(st.none(), st.integers(1, 2 * k))),
        min_cross_sector=data.draw(st.integers(0, k)),
        max_per_organisation=data.draw(st.sampled_from([None, 1, 2])),
        affinity=NO_LEX,
    )
    present = data.draw(st.one_of(st.none(), st.sets(st.sampled_from(ids))))
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3))
    opted = data.draw(st.sets(st.sampled_from(ids), max_size=1))
    lists = suggest(profiles, k, exclude=pairs, present=present, opted_out=opted, config=config, embedder=EMB)
    rules = {
        "max_exposure": config.max_exposure,
        "max_per_organisation": config.max_per_organisation,
        "exclude": pairs,
        "opted_out": opted,
        "present": present,
    }
    assert suggestion_violations(lists, profiles, k, **rules) == []  # type: ignore[arg-type]
    assert is_valid_suggestions(lists, profiles, k, **rules)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 14),
    orgs=st.integers(1, 8),
    k=st.integers(1, 4),
    seed=st.integers(0, 2**16),
    limit=st.sampled_from([None, 1, 2]),
)
def test_suggest_from_affinity_keeps_every_rule_on_random_vectors(
    n: int, orgs: int, k: int, seed: int, limit: int | None
) -> None:
    rng = np.random.default_rng(seed)
    profiles = [
        Profile(
            id=f"p{i}",
            organisation=f"Org {int(rng.integers(orgs))}",
            sector=SECTORS[int(rng.integers(len(SECTORS)))],
            offers=tuple(f"o{i}-{s}" for s in range(int(rng.integers(0, 3)))),
            needs=tuple(f"n{i}-{s}" for s in range(int(rng.integers(0, 3)))),
            description="kuvaus" if rng.random() < 0.5 else "",
        )
        for i in range(n)
    ]
    st_ = Statements.of(profiles)

    def unit(rows: int) -> np.ndarray:
        m = rng.normal(size=(rows, 8)).astype(np.float32)
        return m / np.linalg.norm(m, axis=1, keepdims=True)

    texts = unit(len(st_.texts)) * np.array([[bool(t)] for t in st_.texts], dtype=np.float32)
    sides = (unit(len(profiles)), unit(len(profiles)))
    aff = affinity_from_vectors(
        profiles, Vectors(unit(len(st_.needs)), unit(len(st_.offers)), texts, *sides), config=NO_LEX
    )
    exclude = [(f"p{int(rng.integers(n))}", f"p{int(rng.integers(n))}") for _ in range(2)]
    config = SuggestConfig(max_per_organisation=limit, max_exposure=int(rng.integers(1, 2 * k + 1)))
    lists = suggest_from_affinity(aff, k, exclude=exclude, config=config)
    rules = {"max_exposure": config.max_exposure, "max_per_organisation": limit, "exclude": exclude}
    assert suggestion_violations(lists, aff, k, **rules) == []  # type: ignore[arg-type]


def _people() -> list[Profile]:
    orgs = ["A", "A", "B", "B", "C", "D"]
    return [Profile(id=f"p{i}", organisation=o, sector="public") for i, o in enumerate(orgs)]


def _lists(*targets: list[str]) -> list[list[Suggestion]]:
    out = [[Suggestion(t, 0.5, []) for t in row] for row in targets]
    return out + [[] for _ in range(6 - len(out))]


def test_valid_lists_pass() -> None:
    lists = _lists(["p2", "p4"], ["p4", "p5"], ["p0"], ["p1"], ["p0"])
    assert suggestion_violations(lists, _people(), k=2) == []
    assert is_valid_suggestions(lists, _people(), k=2)


@pytest.mark.parametrize(
    ("lists", "rules", "expected"),
    [
        (_lists(["p1"]), {}, "list of 'p0': suggests 'p1', a colleague (same organisation 'A')"),
        (_lists(["p0"]), {}, "list of 'p0': suggests the person themself"),
        (_lists(["p4", "p4"]), {}, "list of 'p0': suggests 'p4' 2 times"),
        (_lists(["p2", "p4", "p5"]), {}, "list of 'p0': 3 suggestions, more than k=2"),
        (_lists(["p9"]), {}, "list of 'p0': suggests 'p9', who is not one of the profiles"),
        (_lists(["p4"]), {"exclude": [("p4", "p0")]}, "list of 'p0': suggests 'p4', an excluded pair"),
        (_lists(["p4"]), {"opted_out": ["p4"]}, "list of 'p0': suggests 'p4', who opted out"),
        (_lists(["p4"]), {"opted_out": ["p0"]}, "list of 'p0': gets suggestions but is opted out"),
        (_lists(["p4"]), {"present": ["p0"]}, "list of 'p0': suggests 'p4', who is not present"),
        (_lists(["p4"]), {"present": ["p4"]}, "list of 'p0': gets suggestions but is not present"),
        (
            _lists(["p2", "p3"]),
            {},
            "list of 'p0': 2 people of organisation 'b', more than max_per_organisation=1",
        ),
        (
            _lists(["p4"], ["p4"], ["p4"]),
            {"max_exposure": 2},
            "'p4' appears in 3 lists, more than max_exposure=2",
        ),
        (_lists(["p4"])[:3], {}, "lists: 3 lists for 6 profiles (need one per profile)"),
    ],
)
def test_each_broken_rule_is_named(lists: list, rules: dict, expected: str) -> None:
    problems = suggestion_violations(lists, _people(), 2, **rules)
    assert expected in problems
    assert not is_valid_suggestions(lists, _people(), 2, **rules)


def test_limits_default_like_suggest_and_can_be_lifted() -> None:
    five = _lists(["p5"], ["p5"], ["p5"], ["p5"], ["p5"])
    assert suggestion_violations(five, _people(), k=2) == [
        "'p5' appears in 5 lists, more than max_exposure=4"
    ]
    two_of_b = _lists(["p2", "p3"])
    assert suggestion_violations(two_of_b, _people(), k=2, max_per_organisation=None) == []
    assert suggestion_violations(two_of_b, _people(), k=2, max_per_organisation=2) == []


def test_the_affinity_exclusions_count() -> None:
    people = [Profile(id=f"p{i}", organisation=f"O{i}", sector="public", offers=("apu",)) for i in range(3)]
    aff = affinity(people, EMB, NO_LEX, exclude=[("p0", "p1")])
    lists = [[Suggestion("p1", 0.1, [])], [], []]
    assert suggestion_violations(lists, aff, k=1) == [
        "list of 'p0': suggests 'p1', a pair the affinity excludes"
    ]
    assert suggestion_violations(lists, people, k=1) == []  # the bare profiles know nothing of it
