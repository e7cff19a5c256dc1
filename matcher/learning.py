"""Learning from feedback: a re-scorer of partner pairs fitted on what participants said
("useful", "cooperation agreed"), and the time-split test that decides whether it may replace
the hand-set weights.

Pairs are described by plain features (the affinity components of both directions, the sector
pair, shared themes, the hand-set score itself). :class:`FeedbackRescorer` is a logistic
regression over them. :func:`time_split_verdict` fits it on earlier events only and compares
its ranking of a later event's pairs with the hand-set score's (ROC AUC over the pairs that
were rated). The learned scores are used only when there is enough feedback and they rank
better by a margin; otherwise the verdict says why the hand-set weights stay.

scikit-learn is imported on first use: it is heavy, and the server imports this module.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 3)); y = (X[:, 1] + 0.3 * rng.normal(size=400)) > 0
    >>> default = X[:, 0]  # the hand-set score looks at the wrong feature
    >>> events = np.repeat([1, 2], 200)
    >>> verdict = time_split_verdict(X, y, default, events, min_pairs=100)
    >>> verdict.use_learned, verdict.learned_auc > verdict.default_auc
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


class FeedbackRescorer:
    """Logistic regression from pair features to "the pair found the meeting useful".

    ``C`` is the inverse regularisation strength; ``random_state`` seeds the solver.
    """

    def __init__(self, C: float = 1.0, random_state: int = 0) -> None:  # noqa: N803 (scikit-learn's name)
        self.C = C
        self.random_state = random_state

    def fit(self, X: NDArray[np.floating], y: NDArray[np.bool_]) -> FeedbackRescorer:  # noqa: N803
        """Fit on features ``X`` (pairs x features) and outcomes ``y``; both classes needed."""
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=bool)  # noqa: N806
        if X.ndim != 2 or len(X) != len(y):
            raise ValueError(
                f"X, y: need X of shape (pairs, features) and one y per pair, got {X.shape}, {y.shape}"
            )
        if y.all() or not y.any():
            raise ValueError("y: the feedback holds only one kind of answer; nothing to learn from")
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        self.scaler_ = StandardScaler().fit(X)
        self.model_ = LogisticRegression(C=self.C, random_state=self.random_state, max_iter=1000)
        self.model_.fit(self.scaler_.transform(X), y)
        return self

    def score_pairs(self, X: NDArray[np.floating]) -> F64:  # noqa: N803
        """The learned probability that each pair of ``X`` finds its meeting useful."""
        if not hasattr(self, "model_"):
            raise RuntimeError("FeedbackRescorer: call fit first")
        proba = self.model_.predict_proba(self.scaler_.transform(np.asarray(X, dtype=np.float64)))
        return np.asarray(proba[:, 1], dtype=np.float64)


@dataclass(frozen=True)
class Verdict:
    """Whether the learned scores may replace the hand-set ones, with the figures and why."""

    use_learned: bool
    reason: str
    train_pairs: int
    test_pairs: int
    default_auc: float | None
    learned_auc: float | None


def _auc(y: NDArray[np.bool_], scores: F64) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, scores)) if 0 < y.sum() < len(y) else None


def time_split_verdict(
    X: NDArray[np.floating],  # noqa: N803
    y: NDArray[np.bool_],
    default: NDArray[np.floating],
    events: NDArray[np.integer],
    *,
    min_pairs: int = 200,
    margin: float = 0.01,
    random_state: int = 0,
) -> Verdict:
    """Fit on every event but the latest (``events`` orders them), test on the latest: use the
    learned scores only with ``min_pairs`` rated training pairs and an AUC at least ``margin``
    above the hand-set ``default`` score's on the test event."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=bool)  # noqa: N806
    default, events = np.asarray(default, dtype=np.float64), np.asarray(events)
    if not (len(X) == len(y) == len(default) == len(events)):
        raise ValueError("X, y, default, events: need one row per rated pair in each")
    last = events.max(initial=0) if len(events) else 0
    train, test = events < last, events == last
    n_train, n_test = int(train.sum()), int(test.sum())
    if len(np.unique(events)) < 2:
        return Verdict(
            False, "feedback from one event only: no later event to test on", n_train, n_test, None, None
        )
    if n_train < min_pairs:
        return Verdict(
            False,
            f"{n_train} rated pairs before the latest event, fewer than {min_pairs}",
            n_train,
            n_test,
            None,
            None,
        )
    base = _auc(y[test], default[test])
    if base is None or y[train].all() or not y[train].any():
        return Verdict(False, "the feedback holds only one kind of answer", n_train, n_test, base, None)
    learned = _auc(
        y[test], FeedbackRescorer(random_state=random_state).fit(X[train], y[train]).score_pairs(X[test])
    )
    assert learned is not None
    if learned < base + margin:
        reason = f"learned AUC {learned:.3f} does not beat the hand-set {base:.3f} by {margin}"
        return Verdict(False, reason, n_train, n_test, base, learned)
    return Verdict(
        True, f"learned AUC {learned:.3f} beats the hand-set {base:.3f}", n_train, n_test, base, learned
    )
