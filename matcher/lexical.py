"""The lexical channel: TF-IDF over character n-grams, and its fusion with dense cosines.

Finnish inflects and compounds heavily ("kotihoito", "kotihoidon", "kotihoitoon",
"yöpartiointi"); character n-grams within word boundaries (``char_wb``, 3-5, sublinear tf)
match shared stems that word-level TF-IDF misses, and they cover for an English-only dense
model where the multilingual one cannot be installed.

Dense cosines of different models live in different bands (E5 puts almost everything between
0.7 and 0.95), so the two channels are put on one scale before they are mixed: a
:class:`Calibration` is fitted per model on the similarity matrices at hand (an empirical CDF
or a z-score, the default by measurement) and can be reused, e.g. for one walk-in's new row.

Example:
    >>> space = LexicalSpace().fit(["kotihoidon yöpartiointi", "ruokapalvelu kotiin"])
    >>> sims = space.similarity(["kotihoito yöllä"], ["kotihoidon yöpartiointi", "ruokapalvelu kotiin"])
    >>> bool(sims[0, 0] > sims[0, 1])
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float32]
CalibrationMethod = Literal["quantile", "zscore", "none"]

DEFAULT_FUSION_WEIGHT = 0.8
"""Share of the dense channel for multilingual E5, chosen in bench/embedding_models.py.

On the need → offer ranking of the planted topic bank (178 Finnish needs against 181 Finnish
and 70 Swedish offers), z-score fusion at 0.8 gave MRR 0.858 (dense only 0.796, lexical only
0.795) and fi → sv MRR 0.590 (dense only 0.577); see bench/results/embedding.md.
"""

FALLBACK_FUSION_WEIGHT = 0.25
"""Share of the dense channel for the English-only MiniLM fallback: the lexical channel
carries Finnish (MiniLM alone: need → offer MRR 0.515; lexical alone 0.795; 0.25 fused 0.797)."""

DEFAULT_CALIBRATION: CalibrationMethod = "zscore"
"""Calibration of both channels before fusion; z-score beat the empirical CDF in the benchmark."""


def recommended_fusion_weight(model_name: str) -> float:
    """The measured dense share for an embedder's ``name``: lower for English-only MiniLM.

    Example:
        >>> recommended_fusion_weight("all-MiniLM-L6-v2/st/gt-0.1.0")
        0.25
    """
    return FALLBACK_FUSION_WEIGHT if "minilm" in model_name.lower() else DEFAULT_FUSION_WEIGHT


_QUANTILES = 201


class LexicalSpace:
    """TF-IDF over character n-grams within word boundaries, rows L2-normalised.

    Parameters follow scikit-learn's ``TfidfVectorizer``; ``fit`` learns the vocabulary and
    idf weights from a corpus of statements (all offers and needs of an event, say) and returns
    ``self``; ``transform`` maps texts to a sparse ``(n, vocabulary)`` matrix whose rows have unit
    length (an empty or unseen text gives a zero row: lexical cosine 0 with everything).

    Example:
        >>> space = LexicalSpace(ngram_range=(3, 4)).fit(["kotihoito", "ruokapalvelu"])
        >>> space.transform(["kotihoidon"]).shape[0]
        1
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = (3, 5),
        analyzer: Literal["char_wb", "char", "word"] = "char_wb",
        sublinear_tf: bool = True,
        min_df: int = 1,
        max_features: int | None = None,
    ):
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.max_features = max_features
        self._vectorizer: Any = None

    def fit(self, texts: Sequence[str]) -> LexicalSpace:
        """Learn n-gram vocabulary and idf weights from ``texts``; returns ``self``."""
        self._start(texts).fit(_texts(texts, "texts"))
        return self

    def _start(self, texts: Sequence[str]) -> Any:
        """A fresh vectorizer with this space's parameters, after checking the corpus.

        The default path (``char_wb``, ``min_df=1``, no ``max_features``, sublinear tf) uses
        :class:`matcher.ngrams.CharWbTfidf`, the same matrix as scikit-learn's about twice as fast;
        every other combination uses scikit-learn's ``TfidfVectorizer``.
        """
        from sklearn.feature_extraction.text import TfidfVectorizer

        from matcher.ngrams import CharWbTfidf

        items = _texts(texts, "texts")
        if not any(t.strip() for t in items):
            raise ValueError("texts: fit needs at least one non-empty text")
        default = isinstance(self.min_df, int) and self.min_df == 1 and self.max_features is None
        if self.analyzer == "char_wb" and default and self.sublinear_tf:
            self._vectorizer = CharWbTfidf(ngram_range=self.ngram_range)
            return self._vectorizer
        self._vectorizer = TfidfVectorizer(
            analyzer=self.analyzer,
            ngram_range=self.ngram_range,
            sublinear_tf=self.sublinear_tf,
            min_df=self.min_df,
            max_features=self.max_features,
            lowercase=True,
            norm="l2",
            dtype=np.float32,
        )
        return self._vectorizer

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sparse ``(n, vocabulary)`` float32 matrix, rows L2-normalised (or zero)."""
        if self._vectorizer is None:
            raise RuntimeError("LexicalSpace: call fit(corpus) before transform")
        items = _texts(texts, "texts")
        return sp.csr_matrix(self._vectorizer.transform(items), dtype=np.float32)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """``fit(texts).transform(texts)``, in one pass over the texts."""
        return sp.csr_matrix(self._start(texts).fit_transform(_texts(texts, "texts")), dtype=np.float32)

    def similarity(self, texts_a: Sequence[str], texts_b: Sequence[str]) -> FloatArray:
        """Dense ``(len(a), len(b))`` matrix of lexical cosines in [0, 1]."""
        return lexical_cosine(self.transform(texts_a), self.transform(texts_b))


def _texts(texts: Sequence[str], name: str) -> list[str]:
    if isinstance(texts, str):
        raise TypeError(f"{name}: give a list of strings, not one string")
    items = list(texts)
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise TypeError(f"{name}[{i}]: expected str, got {type(text).__name__}")
    return items


def lexical_cosine(lex_a: Any, lex_b: Any) -> FloatArray:
    """Cosines between the rows of two L2-normalised (sparse or dense) matrices, as float32."""
    product = lex_a @ lex_b.T
    dense = product.toarray() if sp.issparse(product) else np.asarray(product)
    return np.asarray(dense, dtype=np.float32)


@dataclass(frozen=True)
class ChannelCalibration:
    """Maps raw similarities of one channel onto a common scale.

    ``quantile``: the empirical CDF of the fitted values (``knots`` -> ``levels``), so the result
    is in [0, 1] and uniform over the fitting matrix. ``zscore``: ``(x - center) / scale``.
    """

    method: CalibrationMethod
    knots: tuple[float, ...] = ()
    levels: tuple[float, ...] = ()
    center: float = 0.0
    scale: float = 1.0

    @classmethod
    def fit(cls, values: npt.ArrayLike, method: CalibrationMethod = "quantile") -> ChannelCalibration:
        """Fit on the finite entries of ``values`` (a similarity matrix).

        Example:
            >>> cal = ChannelCalibration.fit(np.array([0.1, 0.2, 0.3, 0.4]))
            >>> [round(float(v), 2) for v in cal.apply(np.array([0.1, 0.4, 0.9]))]
            [0.0, 1.0, 1.0]
        """
        flat = np.asarray(values, dtype=np.float64).ravel()
        flat = flat[np.isfinite(flat)]
        if method == "none":
            return cls("none")
        if flat.size == 0:
            raise ValueError("values: calibration needs at least one finite similarity")
        if method == "zscore":
            std = float(flat.std())
            return cls("zscore", center=float(flat.mean()), scale=std if std > 1e-12 else 1.0)
        if method != "quantile":
            raise ValueError(f"method: {method!r} is not one of 'quantile', 'zscore', 'none'")
        probs = np.linspace(0.0, 1.0, _QUANTILES)
        qs = np.quantile(flat, probs)
        knots, inverse = np.unique(qs, return_inverse=True)
        levels = np.bincount(inverse, weights=probs) / np.bincount(inverse)  # ties: mean level
        if knots.size == 1:
            levels = np.array([0.5])
        return cls("quantile", knots=tuple(knots.tolist()), levels=tuple(levels.tolist()))

    def apply(self, values: npt.ArrayLike) -> FloatArray:
        """Calibrated copy of ``values`` (same shape, float32; -inf and NaN pass through)."""
        arr = np.asarray(values, dtype=np.float32)
        if self.method == "none":
            return arr.copy()
        if self.method == "zscore":
            return ((arr - np.float32(self.center)) / np.float32(self.scale)).astype(np.float32)
        out = np.interp(arr, self.knots, self.levels).astype(np.float32)
        bad = ~np.isfinite(arr)
        out[bad] = arr[bad]
        return out


@dataclass(frozen=True)
class Calibration:
    """Per-model calibration of both channels, fitted once and reusable for new rows.

    Example:
        >>> dense = np.array([[0.80, 0.90], [0.85, 0.70]], dtype=np.float32)
        >>> lex = np.array([[0.0, 0.5], [0.1, 0.0]], dtype=np.float32)
        >>> cal = Calibration.fit(dense, lex)
        >>> int(cal.fuse(dense, lex, weight=1.0).argmax())
        1
    """

    dense: ChannelCalibration
    lexical: ChannelCalibration

    @classmethod
    def fit(
        cls, dense_sim: npt.ArrayLike, lex_sim: npt.ArrayLike, method: CalibrationMethod = DEFAULT_CALIBRATION
    ) -> Calibration:
        """Fit both channels on similarity matrices of the same model and corpus."""
        return cls(ChannelCalibration.fit(dense_sim, method), ChannelCalibration.fit(lex_sim, method))

    def fuse(self, dense_sim: npt.ArrayLike, lex_sim: npt.ArrayLike, weight: float) -> FloatArray:
        """``weight * dense' + (1 - weight) * lexical'`` on calibrated similarities."""
        _check_weight(weight)
        d, x = np.asarray(dense_sim), np.asarray(lex_sim)
        if d.shape != x.shape:
            raise ValueError(f"dense and lexical similarities differ in shape: {d.shape} vs {x.shape}")
        if weight == 1.0:
            return self.dense.apply(d)
        if weight == 0.0:
            return self.lexical.apply(x)
        return (
            np.float32(weight) * self.dense.apply(d) + np.float32(1 - weight) * self.lexical.apply(x)
        ).astype(np.float32)


def _check_weight(weight: float) -> None:
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight: must lie in [0, 1], got {weight}")


def fused_similarity(
    dense_a: npt.ArrayLike,
    dense_b: npt.ArrayLike,
    lex_a: Any,
    lex_b: Any,
    weight: float = DEFAULT_FUSION_WEIGHT,
    *,
    calibration: Calibration | CalibrationMethod = DEFAULT_CALIBRATION,
) -> FloatArray:
    """Similarity of every row of ``a`` to every row of ``b``, dense and lexical fused.

    ``dense_*``: L2-normalised embeddings (``Embedder.encode``); ``lex_*``: rows of
    ``LexicalSpace.transform``. Returns ``weight * cal(dense cosine) + (1 - weight) *
    cal(lexical cosine)``, shape ``(len(a), len(b))``, float32. ``calibration`` is a fitted
    :class:`Calibration` (reuse one for a walk-in's new row) or a method name, in which case it is
    fitted on this call's two matrices. With ``"zscore"`` (default) the result is a z-score mix
    (0 = the average pair; rank by it); with ``"quantile"`` it lies in [0, 1].

    Example:
        >>> e = np.eye(3, dtype=np.float32)
        >>> fused_similarity(e, e, e, e, weight=0.5).shape
        (3, 3)
    """
    _check_weight(weight)
    da, db = np.asarray(dense_a, dtype=np.float32), np.asarray(dense_b, dtype=np.float32)
    if da.ndim != 2 or db.ndim != 2 or da.shape[1] != db.shape[1]:
        raise ValueError(f"dense_a, dense_b: need 2-D arrays of equal width, got {da.shape} and {db.shape}")
    if lex_a.shape[0] != da.shape[0] or lex_b.shape[0] != db.shape[0]:
        raise ValueError(
            f"lex_a, lex_b: need {da.shape[0]} and {db.shape[0]} rows, "
            f"got {lex_a.shape[0]} and {lex_b.shape[0]}"
        )
    dense_sim = np.clip(da @ db.T, -1.0, 1.0)
    lex_sim = lexical_cosine(lex_a, lex_b)
    cal = (
        calibration
        if isinstance(calibration, Calibration)
        else Calibration.fit(dense_sim, lex_sim, calibration)
    )
    return cal.fuse(dense_sim, lex_sim, weight)
