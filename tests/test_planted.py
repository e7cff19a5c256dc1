"""The planted-complementarity generator of the quality benchmark (bench/planted.py).

The benchmark's figures are only as good as this ground truth, so the tests check it against
a brute-force recomputation from the topics, and the texts against the topics they came from.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.planted import (
    PlantedEvent,
    generate_event,
    paraphrase_pairs,
    topic_of_statement,
    topics,
    translation_pairs,
    unrelated_same_field_pairs,
)
from matcher import THEMES, Profile


def _brute_force_good(event: PlantedEvent) -> dict[str, set[str]]:
    """Every pair of different organisations where each offers a topic the other needs."""
    good: dict[str, set[str]] = {p.id: set() for p in event.profiles}
    for a, b in itertools.combinations(event.profiles, 2):
        if a.organisation == b.organisation:
            continue
        if (
            event.offer_topics[a.id] & event.need_topics[b.id]
            and event.offer_topics[b.id] & event.need_topics[a.id]
        ):
            good[a.id].add(b.id)
            good[b.id].add(a.id)
    return good


def _check_invariants(event: PlantedEvent) -> None:
    by_id = {p.id: p for p in event.profiles}
    assert len(by_id) == len(event.profiles), "profile ids are unique"
    assert set(event.good_partners) == set(by_id)
    assert {k: set(v) for k, v in event.good_partners.items()} == _brute_force_good(event)
    for pid, partners in event.good_partners.items():
        assert partners, f"{pid} has no planted partner"
        for q in partners:
            assert pid in event.good_partners[q], "symmetric"
            assert by_id[q].organisation != by_id[pid].organisation
    for p in event.profiles:
        assert 1 <= len(p.offers) <= 4 and 1 <= len(p.needs) <= 4
        # the texts say exactly what the topics say: one statement per topic, the rest distractors
        offer_codes = [topic_of_statement(s) for s in p.offers]
        need_codes = [topic_of_statement(s) for s in p.needs]
        assert Counter(c for c in offer_codes if c) == Counter(event.offer_topics[p.id])
        assert Counter(c for c in need_codes if c) == Counter(event.need_topics[p.id])
        assert not event.offer_topics[p.id] & event.need_topics[p.id]


@pytest.fixture(scope="module")
def event60() -> PlantedEvent:
    return generate_event(60, seed=0)


def test_bank_is_rich_and_valid() -> None:
    bank = topics()
    assert len(bank) >= 30
    for topic in bank:
        for side in ("offers", "needs"):
            fi = topic.phrases(side, "fi")
            assert len(fi) >= 5 and len(set(fi)) == len(fi), topic.code
            assert len(topic.phrases(side, "sv")) >= 2, topic.code
        assert topic.themes and all(t in THEMES for t in topic.themes)
        assert topic_of_statement(topic.offers_fi[0]) == topic.code
    assert topic_of_statement("Tämä lause ei ole pankissa") is None


def test_paraphrases_vary_vocabulary_not_just_word_order() -> None:
    for topic in topics():
        for side in ("offers", "needs"):
            bags = [frozenset(s.casefold().rstrip("?.").split()) for s in topic.phrases(side, "fi")]
            assert len(set(bags)) == len(bags), f"{topic.code} {side}: a mere word-order swap"


def test_deterministic_per_seed() -> None:
    a, b = generate_event(40, seed=7), generate_event(40, seed=7)
    assert a == b
    c = generate_event(40, seed=8)
    assert [p.offers for p in a.profiles] != [p.offers for p in c.profiles]


def test_invariants_on_default_event(event60: PlantedEvent) -> None:
    _check_invariants(event60)
    assert len({p.organisation for p in event60.profiles}) == 60
    assert 60 <= len(event60.profiles) <= 120


def test_good_pairs_never_share_wording(event60: PlantedEvent) -> None:
    by_id = {p.id: p for p in event60.profiles}
    for pid, partners in event60.good_partners.items():
        mine = set(by_id[pid].offers) | set(by_id[pid].needs)
        for q in partners:
            assert not mine & (set(by_id[q].offers) | set(by_id[q].needs)), (pid, q)


def _cross_share(event: PlantedEvent) -> float:
    org_profile = {p.organisation: p for p in event.profiles}
    cross = 0
    for a_name, b_name in event.planted_pairs:
        a, b = org_profile[a_name], org_profile[b_name]
        assert event.offer_topics[a.id] & event.need_topics[b.id]
        assert event.offer_topics[b.id] & event.need_topics[a.id]
        assert b.id in event.good_partners[a.id]
        cross += a.sector != b.sector
    assert {o for pair in event.planted_pairs for o in pair} == set(org_profile), "everyone is planted"
    return cross / len(event.planted_pairs)


def test_planted_pairs_are_complementary_and_sector_blind_by_default() -> None:
    events = [generate_event(200, seed=s) for s in (2, 3)]
    sectors = [p.sector for e in events for p in {p.organisation: p for p in e.profiles}.values()]
    shares = Counter(sectors)
    chance = 1 - sum((n / len(sectors)) ** 2 for n in shares.values())  # a random partner's
    assert abs(np.mean([_cross_share(e) for e in events]) - chance) < 0.06
    assert _cross_share(generate_event(200, seed=2, cross_share=0.9)) >= 0.8


def test_sector_mix_close_to_soteuttamo() -> None:
    event = generate_event(400, seed=1)
    shares = Counter(p.sector for p in event.profiles)
    n = len(event.profiles)
    assert abs(shares["private"] / n - 0.45) < 0.04
    assert abs(shares["public"] / n - 0.235) < 0.04
    assert abs(shares["third_sector"] / n - 0.235) < 0.04
    assert abs((shares["education_research"] + shares["other"]) / n - 0.08) < 0.03


def test_swedish_offers_meet_finnish_needs() -> None:
    event = generate_event(200, seed=4, swedish_share=0.1)
    languages = Counter(p.language for p in event.profiles)
    assert 0.05 < languages["sv"] / len(event.profiles) < 0.16
    by_id = {p.id: p for p in event.profiles}
    mixed = [
        (pid, q)
        for pid, qs in event.good_partners.items()
        for q in qs
        if by_id[pid].language != by_id[q].language
    ]
    assert mixed, "some good pairs cross the language line"
    swedish = next(p for p in event.profiles if p.language == "sv")
    assert any(ch in " ".join(swedish.offers + swedish.needs) for ch in "åäö")
    assert all(p.language == "fi" for p in generate_event(50, seed=4, swedish_share=0.0).profiles)


def test_people_per_org_and_unique_names() -> None:
    event = generate_event(30, seed=5, people_per_org=(2, 3))
    per_org = Counter(p.organisation for p in event.profiles)
    assert len(per_org) == 30 and set(per_org.values()) <= {2, 3}
    assert all(isinstance(p, Profile) for p in event.profiles)


def test_scales_to_650_organisations() -> None:
    event = generate_event(650, seed=0, people_per_org=(2, 2))
    assert len(event.profiles) == 1300
    assert len({p.organisation for p in event.profiles}) == 650
    assert all(event.good_partners[p.id] for p in event.profiles)
    assert len({p.id for p in event.profiles}) == 1300


def test_bad_parameters_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="n_orgs"):
        generate_event(1)
    with pytest.raises(ValueError, match="people_per_org"):
        generate_event(10, people_per_org=(2, 1))
    with pytest.raises(ValueError, match="swedish_share"):
        generate_event(10, swedish_share=1.5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 40), seed=st.integers(0, 10_000), swedish=st.sampled_from([0.0, 0.1, 0.5]))
def test_invariants_hold_for_any_size_and_seed(n: int, seed: int, swedish: float) -> None:
    _check_invariants(generate_event(n, seed=seed, swedish_share=swedish))


def test_labelled_sets_for_model_choice() -> None:
    para, unrelated, trans = paraphrase_pairs(), unrelated_same_field_pairs(), translation_pairs()
    assert len(para) >= 20 and len(unrelated) >= 20 and len(trans) >= 10
    for a, b in para + unrelated:
        assert a != b and a.strip() and b.strip()
    assert len({a for a, _ in para}) == len(para)
    for fi, sv, en in trans:
        assert len({fi, sv, en}) == 3
    assert any("ä" in fi for fi, _, _ in trans) and any("å" in sv or "ä" in sv for _, sv, _ in trans)


def test_docstring_examples_run() -> None:
    import doctest

    import bench.planted

    result = doctest.testmod(bench.planted)
    assert result.attempted >= 5 and result.failed == 0
