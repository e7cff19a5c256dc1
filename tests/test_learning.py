"""The feedback re-scorer and its time-split verdict: it takes over only with enough feedback
and only when it ranks a later event better; it never wins against hand-set weights that are
already right; and bad input is named."""

from __future__ import annotations

import numpy as np
import pytest

from bench.learning import simulate
from matcher.learning import FeedbackRescorer, time_split_verdict


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
