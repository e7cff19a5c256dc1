"""The feedback re-scorer and its time-split verdict: it takes over only with enough feedback
and only when it ranks a later event better; it never wins against hand-set weights that are
already right; and bad input is named."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.learning import simulate
from matcher.affinity import affinity
from matcher.embed import HashingEmbedder
from matcher.learning import (
    PAIR_FEATURES,
    FeedbackRescorer,
    pair_features,
    rescored_affinity,
    time_split_verdict,
)
from matcher.profile import Profile
from matcher.taxonomy import REGIONS, SECTORS, THEMES


def _data(seed: int, true_w: np.ndarray, n: int = 600) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))  # noqa: N806
    y = X @ true_w + 0.4 * rng.normal(size=n) > 0
    return X, y, np.repeat([1, 2, 3], n // 3)


def test_it_takes_over_only_when_it_ranks_better() -> None:
    X, y, events = _data(0, np.array([0.0, 1.0, 0.5]))  # noqa: N806
    wrong = X @ np.array([1.0, 0.0, 0.0])
    verdict = time_split_verdict(X, y, wrong, events, min_pairs=100)
    assert verdict.use_learned and verdict.train_pairs == 400 and verdict.test_pairs == 200
    right = X @ np.array([0.0, 1.0, 0.5])  # the hand-set weights are already the truth
    kept = time_split_verdict(X, y, right, events, min_pairs=100)
    assert not kept.use_learned and "does not beat" in kept.reason


def test_too_little_feedback_keeps_the_hand_set_weights_and_says_why() -> None:
    X, y, events = _data(1, np.array([0.0, 1.0, 0.5]))  # noqa: N806
    wrong = X[:, 0]
    few = time_split_verdict(X, y, wrong, events, min_pairs=1000)
    assert not few.use_learned and few.reason == "400 rated pairs before the latest event, fewer than 1000"
    one = time_split_verdict(X, y, wrong, np.ones(len(y), dtype=int))
    assert not one.use_learned and "one event only" in one.reason


def test_the_rescorer_names_bad_input_and_is_deterministic() -> None:
    X, y, _ = _data(2, np.array([1.0, 0.0, 0.0]))  # noqa: N806
    with pytest.raises(ValueError, match="only one kind of answer"):
        FeedbackRescorer().fit(X, np.ones(len(X), dtype=bool))
    with pytest.raises(ValueError, match="one y per pair"):
        FeedbackRescorer().fit(X, y[:-1])
    with pytest.raises(RuntimeError, match="call fit first"):
        FeedbackRescorer().score_pairs(X)
    first = FeedbackRescorer(random_state=3).fit(X, y).score_pairs(X)
    assert np.array_equal(first, FeedbackRescorer(random_state=3).fit(X, y).score_pairs(X))
    assert ((first > 0.5) == y).mean() > 0.8


def test_the_simulated_tour_learns_and_is_seeded() -> None:
    rows = simulate(events=4, n=40, seed=5)
    assert rows == simulate(events=4, n=40, seed=5)
    assert [r["events_of_feedback"] for r in rows] == [1, 2, 3]
    assert not rows[0]["use_learned"]  # one event of feedback is never enough


def _profiles(seed: int, n: int) -> list[Profile]:
    rng = np.random.default_rng(seed)
    themes, regions = list(THEMES)[:5], [None, *list(REGIONS)[:2]]
    return [
        Profile(
            id=f"p{i}",
            organisation=f"O{i}",
            sector=str(rng.choice(SECTORS)),
            region=regions[int(rng.integers(len(regions)))],
            themes=tuple(str(t) for t in rng.choice(themes, size=int(rng.integers(0, 4)), replace=False)),
            offers=(f"palvelu {int(rng.integers(5))}",),
            needs=(f"palvelu {int(rng.integers(5))}",),
        )
        for i in range(n)
    ]


@given(seed=st.integers(0, 10_000), n=st.integers(1, 9))
@settings(max_examples=40, deadline=None)
def test_pair_features_agree_with_a_pair_by_pair_reference(seed: int, n: int) -> None:
    profiles = _profiles(seed, n)
    scores = np.random.default_rng(seed + 1).normal(size=(n, n))
    scores[0, -1] = -np.inf
    features = pair_features(profiles, scores)
    assert features.shape == (n, n, len(PAIR_FEATURES))
    for i, a in enumerate(profiles):
        for j, b in enumerate(profiles):
            expected = [
                scores[i, j] if np.isfinite(scores[i, j]) else 0.0,
                float(a.sector != b.sector),
                float(a.region is not None and a.region == b.region),
                float(len(set(a.themes) & set(b.themes))),
            ]
            assert features[i, j].tolist() == pytest.approx(expected)


def test_rescored_scores_keep_exclusions_the_scale_and_the_learned_order() -> None:
    profiles = _profiles(3, 30)
    aff = affinity(profiles, HashingEmbedder(dimension=32))
    aff = dataclasses.replace(aff, matrix=aff.matrix.copy())
    aff.matrix[0, 1] = aff.matrix[1, 0] = -np.inf
    features = pair_features(profiles, aff.matrix).reshape(900, -1)
    useful = features[:, 2] > 0  # same region: what the hand-set score does not know
    rescorer = FeedbackRescorer().fit(features, useful)
    ranked = rescored_affinity(aff, rescorer)
    allowed = np.isfinite(aff.matrix) & ~np.eye(30, dtype=bool)
    assert np.isneginf(ranked.matrix[0, 1]) and np.all(np.diag(ranked.matrix) == 0)
    assert np.allclose(ranked.matrix, ranked.matrix.T)
    assert ranked.matrix[allowed].mean() == pytest.approx(aff.matrix[allowed].mean(), abs=1e-5)
    assert ranked.matrix[allowed].std() == pytest.approx(aff.matrix[allowed].std(), rel=1e-4)
    decision = rescorer.decision(features).reshape(30, 30)
    order = np.argsort(decision[allowed], kind="stable")
    assert np.all(np.diff(ranked.matrix[allowed][order]) >= -1e-5)  # the learned order, rescaled
    assert ranked.components is aff.components and ranked.profiles == aff.profiles
    with pytest.raises(ValueError, match=r"scores: need shape \(30, 30\)"):
        pair_features(profiles, np.zeros((3, 3)))
