"""Statement-level vectors and their calibrated similarities: the raw material of affinity.

Complementarity is scored statement by statement (one offer against one need), so every
profile's offers and needs are embedded separately and kept in flat arrays with an
``owner`` array naming the profile each row belongs to. Two channels describe each text:
a dense sentence embedding (any :class:`Encoder`) and a lexical channel (TF-IDF on
character n-grams, which copes with Finnish inflection and compounds).

Raw cosines are not comparable across models (E5 cosines sit in a narrow band near 0.8,
MiniLM's spread over 0..1), so nothing here compares a cosine with a fixed number: each
channel is standardised against the event's own background distribution of cosines
(z-scores), the channels are fused by weight, standardised once more, and squashed to
[0, 1] by a logistic in standard-deviation units (:class:`Fusion`). The statistics are
fitted once per event and frozen, so a walk-in is scored on the same scale.

Example:
    >>> import numpy as np
    >>> f = Fusion.fit([np.array([[0.1, 0.2], [0.3, 0.9]])], weights=(1.0,))
    >>> bool(f.calibrate([np.array([[0.9]])], center=1.0, scale=0.5)[0, 0] > 0.5)
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from matcher.profile import Profile

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised rows: ``matcher.Embedder`` and test fakes."""

    def encode(self, texts: list[str]) -> Any:
        """Return an (n, d) float array, one L2-normalised row per text."""
        ...


def profile_text(profile: Profile) -> str:
    """The text that stands for a profile's interests: description plus keywords."""
    keywords = ", ".join(profile.keywords)
    return ". ".join(part for part in (profile.description.strip(), keywords) if part)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def split_passages(text: str, max_words: int = 80) -> tuple[str, ...]:
    """Split a long text into passages of whole sentences, at most ``max_words`` words each.

    A short statement (the usual case: one line of a registration form) stays one passage.
    A long one (an abstract, a description) is packed greedily sentence by sentence, so each
    passage says one or two things and a match on one of them is not averaged away by the
    rest; a single sentence longer than ``max_words`` is cut at word boundaries.

    Example:
        >>> split_passages("Kotihoito.")
        ('Kotihoito.',)
        >>> split_passages("One two three. Four five. Six.", max_words=3)
        ('One two three.', 'Four five. Six.')
    """
    if max_words < 1:
        raise ValueError(f"max_words: must be at least 1, got {max_words}")
    words = text.split()
    if len(words) <= max_words:
        return (text.strip(),) if text.strip() else ()
    out: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        tokens = sentence.split()
        while len(tokens) > max_words:
            if current:
                out.append(" ".join(current))
                current = []
            out.append(" ".join(tokens[:max_words]))
            tokens = tokens[max_words:]
        if current and len(current) + len(tokens) > max_words:
            out.append(" ".join(current))
            current = []
        current.extend(tokens)
    if current:
        out.append(" ".join(current))
    return tuple(out)


@dataclass(frozen=True)
class Statements:
    """Offers, needs and interest texts of a list of profiles, flattened with owner indices.

    ``need_owner[r]`` is the index (in the profile list) of the profile whose need is
    ``needs[r]``; owners are non-decreasing. ``texts[i]`` is :func:`profile_text` of profile i.
    ``joined_needs[i]`` / ``joined_offers[i]`` are all of profile i's needs / offers in one text
    (``""`` when it has none): the dense channel also embeds each side whole, so that what a
    profile asks for as a whole can meet what another offers as a whole.
    """

    needs: tuple[str, ...]
    need_owner: I64
    offers: tuple[str, ...]
    offer_owner: I64
    texts: tuple[str, ...]
    joined_needs: tuple[str, ...] = ()
    joined_offers: tuple[str, ...] = ()

    @classmethod
    def of(cls, profiles: Sequence[Profile]) -> Statements:
        """Collect the statements of ``profiles`` (blank statements are dropped)."""
        needs: list[str] = []
        need_owner: list[int] = []
        offers: list[str] = []
        offer_owner: list[int] = []
        for i, p in enumerate(profiles):
            for s in p.needs:
                if s.strip():
                    needs.append(s.strip())
                    need_owner.append(i)
            for s in p.offers:
                if s.strip():
                    offers.append(s.strip())
                    offer_owner.append(i)
        return cls(
            needs=tuple(needs),
            need_owner=np.asarray(need_owner, dtype=np.int64),
            offers=tuple(offers),
            offer_owner=np.asarray(offer_owner, dtype=np.int64),
            texts=tuple(profile_text(p) for p in profiles),
            joined_needs=tuple(join_side(p.needs) for p in profiles),
            joined_offers=tuple(join_side(p.offers) for p in profiles),
        )

    def all_texts(self, *, joined: bool = True) -> list[str]:
        """Every distinct text once, in first-seen order (what an encoder must embed); with
        ``joined=False`` without the joined sides (the lexical channel reads statements only)."""
        sides = (*self.joined_needs, *self.joined_offers) if joined else ()
        return list(dict.fromkeys((*self.needs, *self.offers, *(t for t in (*self.texts, *sides) if t))))


def join_side(statements: Sequence[str]) -> str:
    """One side of a profile (its needs or its offers) as one text: the non-blank statements
    joined with ". ".

    Example:
        >>> join_side(["kotihoito", " ", "ruokapalvelu"])
        'kotihoito. ruokapalvelu'
    """
    return ". ".join(s.strip() for s in statements if s.strip())


@dataclass(frozen=True)
class Vectors:
    """One channel's vectors for :class:`Statements`: rows L2-normalised, zero rows for blank texts.

    ``joined_needs`` / ``joined_offers`` (one row per profile) are the joined sides' vectors;
    the dense channel has them, the lexical channel does not (``None``).
    """

    needs: F32
    offers: F32
    texts: F32
    joined_needs: F32 | None = None
    joined_offers: F32 | None = None

    @classmethod
    def from_lookup(
        cls, statements: Statements, lookup: dict[str, F32], dim: int, *, joined: bool = True
    ) -> Vectors:
        """Assemble from a text → vector mapping (blank profile texts get zero rows)."""

        def stack(texts: Sequence[str]) -> F32:
            rows = [lookup[t] if t else np.zeros(dim, np.float32) for t in texts]
            return np.asarray(np.vstack(rows) if rows else np.zeros((0, dim)), dtype=np.float32)

        sides = (stack(statements.joined_needs), stack(statements.joined_offers)) if joined else (None, None)
        return cls(stack(statements.needs), stack(statements.offers), stack(statements.texts), *sides)


def encode_statements(statements: Statements, encoder: Encoder, *, joined: bool = True) -> Vectors:
    """Embed every distinct text of ``statements`` once with ``encoder``; ``joined``: the joined
    sides too (the dense channel), not for the lexical channel, which reads statements only.

    Example:
        >>> from matcher.statements import Statements
        >>> class Ones:
        ...     def encode(self, texts): return np.ones((len(texts), 2), np.float32) / np.sqrt(2)
        >>> p = Profile(id="a", organisation="A", sector="public", needs=("x",))
        >>> encode_statements(Statements.of([p]), Ones()).needs.shape
        (1, 2)
    """
    texts = statements.all_texts(joined=joined)
    if not texts:
        return Vectors.from_lookup(statements, {}, 1, joined=joined)
    matrix = np.asarray(encoder.encode(texts), dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != len(texts):
        raise ValueError(f"encoder: returned shape {matrix.shape} for {len(texts)} texts; expected (n, d)")
    lookup = dict(zip(texts, matrix, strict=True))
    return Vectors.from_lookup(statements, lookup, matrix.shape[1], joined=joined)


class CharNgramSpace:
    """The lexical channel as dense rows: :class:`matcher.lexical.LexicalSpace` reduced by LSA.

    A sparse product of 4,000 statements against 4,000 took 1.5 s on two cores (measured
    while writing this); a ``dims``-dimensional LSA of the same TF-IDF vectors
    (:class:`matcher.lsa.GramLSA`, ``n_iter`` power iterations) keeps every later product a
    dense BLAS call, which the walk-in path and the 1,300-person target need. ``fit`` keeps the
    vocabulary and basis, so a walk-in's statements land in the same space. Rows are
    L2-normalised (zero for a text with no known n-gram). Two power iterations, not four
    (2026-12-03): the same precision@5 on the planted events within 0.003 (dev 0.106 / 0.107,
    held-out 0.093 / 0.091 at 4 / 2) for about 100 ms less at 1,300 participants.

    Example:
        >>> space = CharNgramSpace(dims=2).fit(["kotihoito", "kotihoidon tuki", "ruokapalvelu"])
        >>> space.encode(["kotihoito"]).shape
        (1, 2)
    """

    def __init__(
        self,
        *,
        dims: int = 192,
        n_iter: int = 2,
        ngram_range: tuple[int, int] = (3, 5),
        random_state: int = 0,
    ):
        self.dims = dims
        self.n_iter = n_iter
        self.ngram_range = ngram_range
        self.random_state = random_state

    def fit(self, texts: Sequence[str]) -> CharNgramSpace:
        """Learn the n-gram vocabulary, IDF weights and the LSA basis from ``texts``."""
        from matcher.lexical import LexicalSpace
        from matcher.lsa import GramLSA

        corpus = list(texts)
        self.space_ = LexicalSpace(ngram_range=self.ngram_range)
        sparse = self.space_.fit_transform(corpus)
        dims = min(self.dims, sparse.shape[1] - 1, sparse.shape[0] - 1)
        self.lsa_: GramLSA | None = None
        if dims >= 2:
            self.lsa_ = GramLSA(dims=dims, n_iter=self.n_iter, random_state=self.random_state).fit(sparse)
            reduced = self._normalised(self.lsa_.rows_)
        else:
            reduced = self._normalised(sparse.toarray())
        # the event's own statements are encoded right after fitting: keep their rows
        self._fitted = dict(zip(corpus, reduced, strict=True))
        return self

    @staticmethod
    def _normalised(dense: Any) -> F32:
        dense = np.asarray(dense, dtype=np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return np.asarray(dense / np.where(norms > 0, norms, 1.0), dtype=np.float32)

    def _reduce(self, sparse: Any) -> F32:
        return self._normalised(self.lsa_.transform(sparse) if self.lsa_ is not None else sparse.toarray())

    def encode(self, texts: list[str]) -> F32:
        """Map ``texts`` into the fitted space; rows L2-normalised. Texts of the fitting corpus
        reuse the rows computed while fitting (the same values, without a second n-gram pass)."""
        new = [t for t in dict.fromkeys(texts) if t not in self._fitted]
        rows = dict(zip(new, self._reduce(self.space_.transform(new)), strict=True)) if new else {}
        if not texts:
            width = len(next(iter(self._fitted.values())))
            return np.zeros((0, width), dtype=np.float32)
        return np.stack([self._fitted[t] if t in self._fitted else rows[t] for t in texts]).astype(np.float32)


def _background(block: F32, max_entries: int = 400_000) -> F32:
    """A deterministic subsample of ``block`` (every k-th entry) for fitting statistics."""
    flat = block.ravel()
    if flat.size <= max_entries:
        return flat
    return flat[:: int(np.ceil(flat.size / max_entries))]


def sample_rows(n: int, at_most: int = 400) -> NDArray[np.int64]:
    """Evenly spaced row indices (at most ``at_most`` of ``n``): a deterministic background sample."""
    if n <= at_most:
        return np.arange(n, dtype=np.int64)
    return np.unique(np.linspace(0, n - 1, at_most).round().astype(np.int64))


@dataclass(frozen=True)
class Fusion:
    """Per-channel standardisation, weighted fusion and a second standardisation, frozen.

    ``channel_stats[c]`` is the robust (location, scale) of channel c's cosines over the
    background the fusion was fitted on; ``fused_stats`` that of the weighted sum of their
    z-scores. :meth:`calibrate` returns a logistic of the fused z-score in [0, 1].
    """

    weights: tuple[float, ...]
    channel_stats: tuple[tuple[float, float], ...]
    fused_stats: tuple[float, float]

    @staticmethod
    def _stats(values: F32) -> tuple[float, float]:
        """Robust location and scale: median and 1.4826 × MAD (the sd for normal data).

        True matches form a heavy upper tail (a large share of all pairs in a small event);
        the median and MAD ignore it where mean and sd would be dragged along.
        """
        if values.size == 0:
            return 0.0, 1.0
        median = float(np.median(values))
        scale = 1.4826 * float(np.median(np.abs(values - median)))
        if scale <= 1e-6:
            scale = float(values.std())
        return median, scale if scale > 1e-6 else 1.0

    @classmethod
    def fit(cls, blocks: Sequence[NDArray[Any]], weights: Sequence[float]) -> Fusion:
        """Fit on one cosine block per channel (same shape), e.g. all needs × all offers."""
        if len(blocks) != len(weights):
            raise ValueError(f"weights: {len(weights)} weights for {len(blocks)} channels")
        samples = [_background(np.asarray(b, dtype=np.float32)) for b in blocks]
        channel_stats = tuple(cls._stats(s) for s in samples)
        floats = tuple(float(w) for w in weights)
        fused = cls(floats, channel_stats, (0.0, 1.0))._weighted(samples)
        return cls(floats, channel_stats, cls._stats(fused))

    def _weighted(self, blocks: Sequence[NDArray[Any]]) -> F32:
        total: F32 | None = None
        for w, (mu, sd), b in zip(self.weights, self.channel_stats, blocks, strict=True):
            if w == 0.0:
                continue
            term = (np.asarray(b, dtype=np.float32) - np.float32(mu)) * np.float32(w / sd)
            total = term if total is None else total + term
        if total is None:
            raise ValueError("weights: every channel weight is zero")
        return total

    def zscore(self, blocks: Sequence[NDArray[Any]]) -> F32:
        """Fused z-score of cosine blocks (one per channel, same shape)."""
        mu, sd = self.fused_stats
        return (self._weighted(blocks) - np.float32(mu)) / np.float32(sd)

    def calibrate(self, blocks: Sequence[NDArray[Any]], *, center: float, scale: float) -> F32:
        """Logistic of the fused z-score: 0.5 at ``center`` standard deviations above the mean."""
        z = self.zscore(blocks)
        out = 1.0 / (1.0 + np.exp(-(z - np.float32(center)) / np.float32(scale)))
        return np.asarray(out, dtype=np.float32)

    def left(self, mats: Sequence[F32]) -> F32:
        """Rows of each channel, scaled and concatenated: ``left @ right.T - offset`` is the fused z-score.

        Standardisation and weighting are linear, so all channels fold into one matrix
        product (one BLAS call instead of one per channel plus elementwise passes).
        """
        sd_f = self.fused_stats[1]
        parts = [
            m * np.float32(w / sd / sd_f)
            for w, (_, sd), m in zip(self.weights, self.channel_stats, mats, strict=True)
            if w
        ]
        return np.ascontiguousarray(np.hstack(parts), dtype=np.float32)

    def right(self, mats: Sequence[F32]) -> F32:
        """The other side of :meth:`left`: channels concatenated, unscaled."""
        parts = [m for w, m in zip(self.weights, mats, strict=True) if w]
        return np.ascontiguousarray(np.hstack(parts), dtype=np.float32)

    @cached_property
    def offset(self) -> float:
        """Constant subtracted from ``left @ right.T`` to give the fused z-score."""
        mu_f, sd_f = self.fused_stats
        shift = sum(w * mu / sd for w, (mu, sd) in zip(self.weights, self.channel_stats, strict=True))
        return float((shift + mu_f) / sd_f)


def logistic(z: F32, *, center: float, scale: float) -> F32:
    """``1 / (1 + exp(-(z - center) / scale))`` in float32: fused z-score → [0, 1]."""
    out = np.exp(-(z - np.float32(center)) / np.float32(scale))
    out += 1.0
    np.reciprocal(out, out=out)
    return np.asarray(out, dtype=np.float32)
