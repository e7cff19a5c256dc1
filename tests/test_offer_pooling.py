"""Issue 9's engine options and benchmark metric, against brute-force references.

``pool_offers`` (hard or soft maximum of a need over each profile's offers), ``split_passages``
(long texts into passages of whole sentences) and the expertise loss of ``bench.expertise``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.expertise import loss_parts
from matcher.affinity import AffinityConfig, affinity, pool_offers, top_k_mean_offers
from matcher.profile import Profile
from matcher.statements import split_passages
from tests.test_affinity import EMB, PHRASES


def _bystanders() -> list[Profile]:
    """Six third-sector profiles, each offering one phrase and needing the next: the event's background."""
    return [
        Profile(
            id=f"x{k}",
            organisation=f"X{k}",
            sector="third_sector",
            offers=(PHRASES[k],),
            needs=(PHRASES[k + 1],),
        )
        for k in range(2, 8)
    ]


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(1, 5), min_size=1, max_size=6),
    needs=st.integers(1, 4),
    tau=st.sampled_from([0.0, 0.3, 1.0, 2.5]),
    seed=st.integers(0, 10_000),
)
def test_pool_offers_equals_a_loop_over_each_profiles_offers(
    counts: list[int], needs: int, tau: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    col_of = np.repeat(np.arange(len(counts)), counts)
    z = rng.normal(0, 3, (needs, len(col_of))).astype(np.float32)
    got = pool_offers(z, col_of, len(counts), tau)
    for i in range(needs):
        for c in range(len(counts)):
            vals = z[i, col_of == c].astype(np.float64)
            want = vals.max() if tau == 0 else tau * np.log(np.exp(vals / tau).sum())
            assert got[i, c] == pytest.approx(want, abs=1e-4)
            assert got[i, c] >= vals.max() - 1e-5  # a soft maximum never falls below the best offer


@settings(max_examples=80, deadline=None)
@given(
    counts=st.lists(st.integers(1, 6), min_size=1, max_size=6),
    needs=st.integers(1, 4),
    k=st.integers(1, 7),
    seed=st.integers(0, 10_000),
)
def test_top_k_mean_equals_a_sort_of_each_profiles_offers(
    counts: list[int], needs: int, k: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    col_of = np.repeat(np.arange(len(counts)), counts)
    z = rng.normal(0, 3, (needs, len(col_of))).astype(np.float32)
    if seed % 3 == 0:
        z = np.round(z)  # ties
    got = top_k_mean_offers(z, col_of, len(counts), k)
    for i in range(needs):
        for c in range(len(counts)):
            vals = np.sort(z[i, col_of == c].astype(np.float64))[::-1]
            assert got[i, c] == pytest.approx(vals[:k].mean(), abs=1e-4)
    if k == 1:
        np.testing.assert_array_equal(got, pool_offers(z, col_of, len(counts), 0.0))


def test_top_k_pooling_ranks_a_profile_with_three_good_offers_above_one_lucky_offer() -> None:
    needer = Profile(id="a", organisation="A", sector="private", needs=(PHRASES[1],), offers=(PHRASES[9],))
    lucky = Profile(id="b", organisation="B", sector="public", offers=(PHRASES[1], PHRASES[5], PHRASES[6]))
    steady = Profile(
        id="c",
        organisation="C",
        sector="public",
        offers=(PHRASES[1] + " ja muuta", PHRASES[1] + " ja lisää", PHRASES[1] + " sekä tukea"),
    )
    others = _bystanders()
    people = [needer, lucky, steady, *others]
    config = AffinityConfig(lexical_weight=0.0, joined_weight=0.0, offer_top_k=3)
    comp = affinity(people, EMB, config).components["complementarity"]
    assert comp[0, 2] > comp[0, 1]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"offer_top_k": 0}, "offer_top_k"),
        ({"offer_top_k": 2.5}, "offer_top_k"),
        ({"offer_top_k": 3, "offer_softness": 1.0}, "offer_softness"),
    ],
)
def test_bad_top_k_is_named(kwargs: dict[str, float], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        AffinityConfig(**kwargs)  # type: ignore[arg-type]


def test_soft_pooling_rewards_a_second_good_offer_and_only_then() -> None:
    needer = Profile(id="a", organisation="A", sector="private", needs=(PHRASES[1],), offers=(PHRASES[9],))
    one = Profile(
        id="b", organisation="B", sector="public", needs=(PHRASES[9],), offers=(PHRASES[1], PHRASES[5])
    )
    two = Profile(
        id="c",
        organisation="C",
        sector="public",
        needs=(PHRASES[9],),
        offers=(PHRASES[1], PHRASES[1] + " ja muuta"),
    )
    others = _bystanders()
    people = [needer, one, two, *others]
    hard = affinity(people, EMB, AffinityConfig(lexical_weight=0.0, joined_weight=0.0)).components[
        "complementarity"
    ]
    soft = affinity(
        people, EMB, AffinityConfig(lexical_weight=0.0, joined_weight=0.0, offer_softness=1.0)
    ).components["complementarity"]
    assert soft[0, 2] - hard[0, 2] > soft[0, 1] - hard[0, 1] >= -1e-6


def test_bad_softness_is_named() -> None:
    with pytest.raises(ValueError, match="offer_softness"):
        AffinityConfig(offer_softness=-1.0)


@settings(max_examples=80, deadline=None)
@given(
    sentences=st.lists(
        st.lists(st.sampled_from(["hoito", "apu", "koti", "data", "työ"]), min_size=1, max_size=12),
        min_size=1,
        max_size=8,
    ),
    limit=st.integers(1, 15),
)
def test_split_passages_keeps_every_word_in_order_within_the_limit(
    sentences: list[list[str]], limit: int
) -> None:
    text = " ".join(" ".join(words) + "." for words in sentences)
    parts = split_passages(text, max_words=limit)
    assert " ".join(parts).split() == text.split()
    if len(text.split()) <= limit:
        assert parts == (text,)
    else:
        assert all(1 <= len(p.split()) <= limit for p in parts)


def test_split_passages_refuses_a_zero_limit() -> None:
    with pytest.raises(ValueError, match="max_words"):
        split_passages("a b", max_words=0)


def _loss_brute(scores: list[float], ratings: list[float]) -> tuple[float, float]:
    wrong = total = 0.0
    for a, b in itertools.combinations(range(len(scores)), 2):
        gap = abs(ratings[a] - ratings[b])
        if gap == 0:
            continue
        total += gap
        if scores[a] == scores[b]:
            wrong += gap / 2
        elif (scores[a] > scores[b]) != (ratings[a] > ratings[b]):
            wrong += gap
    return wrong, total


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.1, 0.2, 0.5, 0.9]), st.sampled_from([1.0, 2.5, 3.0, 5.0])),
        min_size=2,
        max_size=10,
    )
)
def test_expertise_loss_equals_the_pairwise_definition(rows: list[tuple[float, float]]) -> None:
    scores, ratings = [s for s, _ in rows], [r for _, r in rows]
    assert loss_parts(scores, ratings) == pytest.approx(_loss_brute(scores, ratings))
    wrong, total = loss_parts([-s for s in ratings], ratings)  # the exact reverse order is all wrong
    assert wrong == pytest.approx(total)
