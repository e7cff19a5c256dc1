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

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from matcher.affinity import Affinity
    from matcher.profile import Profile

F64 = NDArray[np.float64]

#: The columns of a pair's features, in order: the hand-set score, whether the sectors differ,
#: whether both are from the same region, and how many themes they share.
PAIR_FEATURES = ("score", "cross_sector", "same_region", "shared_themes")


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

    def decision(self, X: NDArray[np.floating]) -> F64:  # noqa: N803
        """The learned log-odds of each pair of ``X``: the same order as :meth:`score_pairs`,
        but linear in the features, so it spreads like a score rather than piling up at 0 or 1."""
        if not hasattr(self, "model_"):
            raise RuntimeError("FeedbackRescorer: call fit first")
        values = self.model_.decision_function(self.scaler_.transform(np.asarray(X, dtype=np.float64)))
        return np.asarray(values, dtype=np.float64)


def pair_features(profiles: Sequence[Profile], scores: NDArray[np.floating]) -> F64:
    """Every pair's :data:`PAIR_FEATURES` as an (n, n, 4) array; excluded pairs (``-inf`` in
    ``scores``) get score 0 here, the caller keeps them excluded.

    Example:
        >>> from matcher.profile import Profile
        >>> a = Profile(id="a", organisation="A", sector="private", region="pirkanmaa",
        ...             themes=("digital_services", "productisation"))
        >>> b = Profile(id="b", organisation="B", sector="public", region="pirkanmaa",
        ...             themes=("productisation",))
        >>> pair_features([a, b], np.array([[0.0, 0.4], [0.4, 0.0]]))[0, 1].tolist()
        [0.4, 1.0, 1.0, 1.0]
    """
    scores = np.asarray(scores, dtype=np.float64)
    n = len(profiles)
    if scores.shape != (n, n):
        raise ValueError(f"scores: need shape ({n}, {n}) for {n} profiles, got {scores.shape}")
    _, sector = np.unique([p.sector for p in profiles], return_inverse=True)
    regions = [p.region or "" for p in profiles]
    _, region = np.unique(regions, return_inverse=True)
    has_region = np.array([bool(r) for r in regions])
    same_region = (region[:, None] == region[None, :]) & has_region[:, None] & has_region[None, :]
    themes = sorted({t for p in profiles for t in p.themes})
    column = {t: c for c, t in enumerate(themes)}
    hot = np.zeros((n, len(themes)))
    for row, profile in enumerate(profiles):
        hot[row, [column[t] for t in set(profile.themes)]] = 1.0
    return np.stack(
        [
            np.where(np.isfinite(scores), scores, 0.0),
            (sector[:, None] != sector[None, :]).astype(np.float64),
            same_region.astype(np.float64),
            hot @ hot.T,
        ],
        axis=-1,
    )


def rescored_affinity(aff: Affinity, rescorer: FeedbackRescorer) -> Affinity:
    """``aff`` with its matrix replaced by the fitted ``rescorer``'s scores, ready for
    :func:`matcher.suggest.suggest_from_affinity` (through :func:`rescaled_affinity`).

    Components, and so the reasons, are unchanged.
    """
    n = len(aff.profiles)
    learned = rescorer.decision(pair_features(aff.profiles, aff.matrix).reshape(n * n, -1)).reshape(n, n)
    return rescaled_affinity(aff, learned)


def rescaled_affinity(aff: Affinity, learned: NDArray[np.floating]) -> Affinity:
    """``aff`` with its matrix replaced by ``learned`` (any (n, n) pair scores), made symmetric and
    put on the hand-set scores' scale (same mean and spread over the pairs that may be
    suggested), so that the suggestion flow's costs (exposure, diversity), which are in score
    units, keep their meaning. Excluded pairs stay ``-inf`` and the diagonal 0.

    Example:
        >>> from matcher.affinity import affinity_from_vectors
        >>> from matcher.profile import Profile
        >>> from matcher.statements import Vectors
        >>> p = [Profile(id=i, organisation=i, sector=s, needs=("x",), offers=("y",))
        ...      for i, s in zip("abc", ["private", "public", "third_sector"])]
        >>> e = np.eye(3, dtype=np.float32)
        >>> needs, offers = e[[0, 1, 2]], e[[1, 0, 0]]
        >>> v = Vectors(needs, offers, np.zeros((3, 3), np.float32), joined_needs=needs, joined_offers=offers)
        >>> aff = affinity_from_vectors(p, v)
        >>> m = rescaled_affinity(aff, np.array([[0, 3, 1], [3, 0, 2], [1, 2, 0.0]])).matrix
        >>> bool(m[0, 1] > m[1, 2] > m[0, 2]), bool(m[0, 1] == m[1, 0])
        (True, True)
    """
    n = len(aff.profiles)
    learned = np.asarray(learned, dtype=np.float64)
    if learned.shape != (n, n):
        raise ValueError(f"learned: need shape ({n}, {n}) for {n} profiles, got {learned.shape}")
    learned = (learned + learned.T) / 2
    allowed = np.isfinite(aff.matrix) & ~np.eye(n, dtype=bool)
    matrix = np.zeros((n, n), dtype=np.float32)
    if allowed.any():
        base, mine = aff.matrix[allowed].astype(np.float64), learned[allowed]
        spread = mine.std()
        z = (learned - mine.mean()) / spread if spread > 0 else np.zeros_like(learned)
        matrix = np.where(allowed, base.mean() + z * base.std(), 0.0).astype(np.float32)
    matrix[~np.isfinite(aff.matrix)] = -np.inf
    return dataclasses.replace(aff, matrix=matrix)


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
