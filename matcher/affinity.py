"""Reciprocal cross-sector affinity between participants: who is worth meeting, and why.

:func:`affinity` is a thin wrapper that embeds the profiles' statements; the pure core
:func:`affinity_from_vectors` works on vectors only (so tests and benchmarks need no
model), in the manner of sentence-transformers' ``paraphrase_mining`` over
``paraphrase_mining_embeddings``.

The score of a pair (i, j), all parts in [0, 1]:

* ``complementarity[i, j]``: how well i's needs are met by j's offers. Each need of i is
  compared with each offer of j (dense + lexical fusion, calibrated per event, see
  :mod:`matcher.statements`); a need is met by its best offer (or, with
  ``offer_softness`` > 0, by a soft maximum over j's offers, :func:`pool_offers`), and the
  needs are pooled as ``(1 - need_max_weight) * mean + need_max_weight * max``.
* ``theme[i, j]``: Jaccard overlap of taxonomy themes. ``similarity[i, j]``: calibrated
  similarity of description + keywords.
* benefit ``b[i, j] = wc * complementarity[i, j] + wt * theme + ws * similarity``;
  reciprocity: ``h = 2 b[i, j] b[j, i] / (b[i, j] + b[j, i])`` (harmonic mean), so a
  match good for one side only sinks.
* ``matrix = h * sector * region`` where ``sector`` is a configurable sector-pair weight
  and ``region`` a factor for same / different region.

Hard exclusions (same organisation, declined or already-met pairs, opted-out people)
are ``-inf`` in ``matrix``; the diagonal is 0.

Example:
    >>> import numpy as np
    >>> from matcher.profile import Profile
    >>> class Letters:  # a toy encoder: one dimension per initial letter
    ...     def encode(self, texts):
    ...         m = np.zeros((len(texts), 26), np.float32)
    ...         for r, t in enumerate(texts): m[r, ord(t[0].lower()) - 97] = 1
    ...         return m
    >>> a = Profile(id="a", organisation="A", sector="private", needs=("data",), offers=("care",))
    >>> b = Profile(id="b", organisation="B", sector="public", needs=("care",), offers=("data",))
    >>> aff = affinity([a, b], Letters(), AffinityConfig(lexical_weight=0.0))
    >>> aff.matrix.shape, bool(aff.matrix[0, 1] == aff.matrix[1, 0]), float(aff.matrix[0, 0])
    ((2, 2), True, 0.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from matcher.affinity_config import REASON_MIN_Z, AffinityConfig, default_sector_weights
from matcher.embed import Embedder
from matcher.ids import positions
from matcher.profile import Profile
from matcher.routing import EnglishModel, route_english
from matcher.statements import (
    F32,
    I64,
    CharNgramSpace,
    Encoder,
    Fusion,
    Statements,
    Vectors,
    encode_statements,
    logistic,
    sample_rows,
)
from matcher.taxonomy import SECTORS, THEMES

__all__ = [
    "COMPONENTS",
    "REASON_MIN_Z",
    "Affinity",
    "AffinityConfig",
    "StatementScorer",
    "affinity",
    "affinity_from_vectors",
    "default_sector_weights",
    "encode_channels",
]

COMPONENTS: tuple[str, ...] = ("complementarity", "theme", "similarity", "sector", "region")


@dataclass(frozen=True)
class StatementScorer:
    """Calibrated statement and profile-text similarities for one event, frozen after fitting.

    Holds the statements, their vectors in each channel (dense, optionally lexical) and the
    fitted :class:`~matcher.statements.Fusion` objects; :meth:`with_profiles` re-targets it at
    a changed profile list (walk-ins) while keeping the calibration.
    """

    statements: Statements
    dense: Vectors
    lexical: Vectors | None
    need_offer: Fusion
    text: Fusion
    config: AffinityConfig
    joined: Fusion | None = None

    @classmethod
    def fit(
        cls, statements: Statements, dense: Vectors, lexical: Vectors | None, config: AffinityConfig
    ) -> StatementScorer:
        """Fit the calibration on all needs × all offers and all text pairs of the event."""
        channels = [dense] if lexical is None else [dense, lexical]
        weights = [config.dense_weight] if lexical is None else [config.dense_weight, config.lexical_weight]
        rows = sample_rows(len(statements.needs))
        need_offer = Fusion.fit([c.needs[rows] @ c.offers.T for c in channels], weights)
        with_text = np.flatnonzero([bool(t) for t in statements.texts])
        rows = with_text[sample_rows(len(with_text))]
        off_diagonal = rows[:, None] != with_text[None, :]
        text = Fusion.fit([(c.texts[rows] @ c.texts[with_text].T)[off_diagonal] for c in channels], weights)
        joined = _fit_joined(statements, dense, config)
        return cls(statements, dense, lexical, need_offer, text, config, joined)

    @cached_property
    def _joined_left(self) -> F32:
        assert self.joined is not None and self.dense.joined_needs is not None
        return self.joined.left([self.dense.joined_needs])

    @cached_property
    def _joined_right(self) -> F32:
        assert self.joined is not None and self.dense.joined_offers is not None
        return self.joined.right([self.dense.joined_offers])

    def joined_z(self, rows: I64, cols: I64) -> F32:
        """z-score of ``rows``' needs as one text against ``cols``' offers as one text (0 where a
        side is empty), against the event's background of such pairs."""
        st = self.statements
        z = self._joined_left[rows] @ self._joined_right[cols].T
        z -= np.float32(self.joined.offset if self.joined is not None else 0.0)
        has_needs = np.array([bool(t) for t in st.joined_needs], dtype=np.bool_)[rows]
        has_offers = np.array([bool(t) for t in st.joined_offers], dtype=np.bool_)[cols]
        return np.asarray(z * np.outer(has_needs, has_offers), dtype=np.float32)

    def _channels(self) -> list[Vectors]:
        return [self.dense] if self.lexical is None else [self.dense, self.lexical]

    @cached_property
    def _needs_left(self) -> F32:
        return self.need_offer.left([c.needs for c in self._channels()])

    @cached_property
    def _offers_right(self) -> F32:
        return self.need_offer.right([c.offers for c in self._channels()])

    @cached_property
    def _texts_left(self) -> F32:
        return self.text.left([c.texts for c in self._channels()])

    @cached_property
    def _texts_right(self) -> F32:
        return self.text.right([c.texts for c in self._channels()])

    @cached_property
    def _has_text(self) -> NDArray[np.bool_]:
        return np.array([bool(t) for t in self.statements.texts], dtype=np.bool_)

    def _calibrate(self, z: F32) -> F32:
        return logistic(z, center=self.config.calibration_center, scale=self.config.calibration_scale)

    def need_offer_z(self, need_rows: I64, offer_rows: I64) -> F32:
        """Fused z-scores of need statements ``need_rows`` against offer statements ``offer_rows``."""
        z = self._needs_left[need_rows] @ self._offers_right[offer_rows].T
        z -= np.float32(self.need_offer.offset)
        return z

    def dense_z(self, need_rows: I64, offer_rows: I64) -> F32:
        """Row-wise dense-channel z-scores of the pairs (need_rows[p], offer_rows[p]) (-inf at -1).

        The dense channel alone, standardised against the event's background: the scale on
        which the reason threshold ``reason_min_z`` was calibrated, whatever the fusion weights.
        """
        out = np.full(len(need_rows), -np.inf, dtype=np.float32)
        ok = (need_rows >= 0) & (offer_rows >= 0)
        mu, sd = self.need_offer.channel_stats[0]
        cos = np.einsum("ij,ij->i", self.dense.needs[need_rows[ok]], self.dense.offers[offer_rows[ok]])
        out[ok] = (cos - np.float32(mu)) / np.float32(sd)
        return out

    def pair_scores(self, need_rows: I64, offer_rows: I64) -> F32:
        """Calibrated scores (in [0, 1]) of the given need rows against the given offer rows."""
        return self._calibrate(self.need_offer_z(need_rows, offer_rows))

    def best_pairs(self, needers: I64, offerers: I64) -> tuple[F32, I64, I64]:
        """For each pair (needers[p], offerers[p]): best fused z-score, need row, offer row.

        Rows are -1 (z = -inf) where one side has no statements. Every (need, offer)
        combination of every pair is scored as one row-wise dot product, in chunks; ties go
        to the first offer, then the first need.
        """
        st = self.statements
        n = len(st.texts)
        need_start = np.searchsorted(st.need_owner, np.arange(n + 1))
        offer_start = np.searchsorted(st.offer_owner, np.arange(n + 1))
        n_needs = (need_start[1:] - need_start[:-1])[needers]
        n_offers = (offer_start[1:] - offer_start[:-1])[offerers]
        score = np.full(len(needers), -np.inf, dtype=np.float32)
        need_row = np.full(len(needers), -1, dtype=np.int64)
        offer_row = np.full(len(needers), -1, dtype=np.int64)
        combos = n_needs * n_offers
        ends = np.cumsum(combos)
        lo = 0
        while lo < len(needers):
            # 2**13 combinations per chunk: the gathered rows stay small (a few MiB) and reusable
            hi = max(int(np.searchsorted(ends, (ends[lo] - combos[lo]) + 2**13, side="right")), lo + 1)
            self._best_in_chunk(
                np.arange(lo, hi),
                n_needs,
                n_offers,
                need_start[needers],
                offer_start[offerers],
                (score, need_row, offer_row),
            )
            lo = hi
        return score, need_row, offer_row

    def _best_in_chunk(
        self,
        chunk: I64,
        n_needs: I64,
        n_offers: I64,
        first_need: I64,
        first_offer: I64,
        out: tuple[F32, I64, I64],
    ) -> None:
        """:meth:`best_pairs` for the pairs ``chunk``, written into ``out``."""
        chunk = chunk[(n_needs[chunk] > 0) & (n_offers[chunk] > 0)]
        if chunk.size == 0:
            return
        counts = n_needs[chunk] * n_offers[chunk]
        starts = np.cumsum(counts) - counts
        pair = np.repeat(np.arange(chunk.size), counts)
        local = np.arange(pair.size) - starts[pair]
        per = n_needs[chunk][pair]
        needs = first_need[chunk][pair] + local % per
        offers = first_offer[chunk][pair] + local // per
        z = np.einsum("ij,ij->i", self._needs_left[needs], self._offers_right[offers])
        z -= np.float32(self.need_offer.offset)
        top = np.maximum.reduceat(z, starts)
        hits = np.flatnonzero(z == top[pair])
        first = hits[np.r_[True, pair[hits][1:] != pair[hits][:-1]]]
        score, need_row, offer_row = out
        score[chunk], need_row[chunk], offer_row[chunk] = z[first], needs[first], offers[first]

    def complementarity(self, rows: I64, cols: I64) -> F32:
        """Entry [a, b]: how well profile ``rows[a]``'s needs are met by ``cols[b]``'s offers.

        ``rows`` and ``cols`` are sorted profile indices. Profiles without needs (rows) or
        offers (cols) score 0. The best offer per need is taken on z-scores, before the
        (monotone) logistic, so the logistic runs on the pooled matrix only.
        """
        st = self.statements
        need_rows = np.flatnonzero(np.isin(st.need_owner, rows))
        offer_rows = np.flatnonzero(np.isin(st.offer_owner, cols))
        out = np.zeros((len(rows), len(cols)), dtype=np.float32)
        if need_rows.size == 0 or offer_rows.size == 0:
            return out
        col_of = np.searchsorted(cols, st.offer_owner[offer_rows])
        z = self.need_offer_z(need_rows, offer_rows)
        if self.config.offer_top_k > 1:
            z_best = top_k_mean_offers(z, col_of, len(cols), self.config.offer_top_k)
        else:
            z_best = pool_offers(z, col_of, len(cols), self.config.offer_softness)
        if self.joined is not None:
            owner = np.searchsorted(rows, st.need_owner[need_rows])
            z_best += np.float32(self.config.joined_weight) * self.joined_z(rows, cols)[owner]
        has_offers = np.zeros(len(cols), dtype=np.bool_)
        has_offers[col_of] = True
        best = self._calibrate(z_best) * has_offers
        row_of = np.searchsorted(rows, st.need_owner[need_rows])
        counts = np.bincount(row_of, minlength=len(rows)).astype(np.float32)
        mean = _segment_reduce(best, row_of, len(rows), np.add, axis=0) / np.maximum(counts, 1)[:, None]
        top = _segment_reduce(best, row_of, len(rows), np.maximum, axis=0)
        w = np.float32(self.config.need_max_weight)
        return np.asarray((1 - w) * mean + w * top, dtype=np.float32)

    def similarity(self, rows: I64, cols: I64) -> F32:
        """Calibrated description/keyword similarity of profiles ``rows`` × ``cols`` (0 without text)."""
        z = self._texts_left[rows] @ self._texts_right[cols].T
        z -= np.float32(self.text.offset)
        has = self._has_text
        return np.asarray(self._calibrate(z) * np.outer(has[rows], has[cols]), dtype=np.float32)

    def with_profiles(
        self, statements: Statements, dense: Vectors, lexical: Vectors | None
    ) -> StatementScorer:
        """The same calibration over another statement set (the event after a walk-in)."""
        return StatementScorer(
            statements, dense, lexical, self.need_offer, self.text, self.config, self.joined
        )


def _fit_joined(statements: Statements, dense: Vectors, config: AffinityConfig) -> Fusion | None:
    """The joined-sides channel's calibration: robust statistics of every (needs, offers) cosine
    between two different profiles; ``None`` when ``joined_weight`` is 0."""
    if config.joined_weight == 0.0:
        return None
    if dense.joined_needs is None or dense.joined_offers is None:
        raise ValueError(
            "dense: no vectors of the joined sides (encode_statements(..., joined=True) makes them); "
            "or switch the channel off with AffinityConfig(joined_weight=0)"
        )
    needers = np.flatnonzero([bool(t) for t in statements.joined_needs])
    offerers = np.flatnonzero([bool(t) for t in statements.joined_offers])
    rows = needers[sample_rows(len(needers))]
    block = dense.joined_needs[rows] @ dense.joined_offers[offerers].T
    return Fusion.fit([block[rows[:, None] != offerers[None, :]]], [1.0])


def pool_offers(z: F32, col_of: I64, n_cols: int, softness: float) -> F32:
    """Pool each need's z-scores over each profile's offers: a maximum, hard or soft.

    ``z``: (needs, offers), offers grouped by profile (``col_of``, non-decreasing). With
    ``softness`` 0 a need is met by the profile's best offer alone; with ``softness`` τ > 0 by
    the soft maximum ``τ · log Σ exp(z / τ)`` over the profile's offers, which is never below
    the best offer and adds up to ``τ · log n`` for n offers as good as it: a body of work that
    meets a need several times over counts for more than one lucky phrase (bench/expertise.py).
    Profiles without offers get 0 (masked by the caller).

    Example:
        >>> z = np.array([[2.0, 0.0, 1.0]], np.float32)
        >>> pool_offers(z, np.array([0, 0, 1]), 2, 0.0).tolist()
        [[2.0, 1.0]]
        >>> [round(v, 3) for v in pool_offers(z, np.array([0, 0, 1]), 2, 1.0)[0].tolist()]
        [2.127, 1.0]
    """
    top = _segment_reduce(z, col_of, n_cols, np.maximum, axis=1)
    if softness == 0.0 or z.size == 0:
        return top
    tau = np.float32(softness)
    e = z - top[:, col_of]
    e /= tau
    np.exp(e, out=e)
    total = _segment_reduce(e, col_of, n_cols, np.add, axis=1)
    soft = top + tau * np.log(np.maximum(total, np.float32(1.0)))
    return np.asarray(soft, dtype=np.float32)


def top_k_mean_offers(z: F32, col_of: I64, n_cols: int, k: int) -> F32:
    """Pool each need's z-scores over each profile's offers: the mean of its ``k`` best offers.

    ``z``: (needs, offers), offers grouped by profile (``col_of``, non-decreasing). A profile
    with fewer than ``k`` offers gets the mean of all of them, so a short profile is not marked
    down for being short. ``k`` = 1 is the best offer (:func:`pool_offers` with softness 0). A
    body of work that meets a need several times over counts for more than one lucky phrase
    (the expertise set's top-3-mean baselines, bench/expertise.py).

    Example:
        >>> z = np.array([[2.0, 0.0, 1.0, 3.0]], np.float32)
        >>> top_k_mean_offers(z, np.array([0, 0, 0, 1]), 2, 2).tolist()
        [[1.5, 3.0]]
    """
    if k < 1:
        raise ValueError(f"k: must be a positive number of offers, got {k!r}")
    if z.size == 0:
        return np.zeros((z.shape[0], n_cols), dtype=np.float32)
    zz = z.astype(np.float64)
    span = float(zz.max() - zz.min()) + 1.0
    # Keys of profile c lie in [c·span - max, c·span - min]: one sort per row orders each
    # profile's offers by falling z while every offer stays in its profile's block.
    key = np.sort(col_of[None, :] * span - zz, axis=1)
    ranked = col_of[None, :] * span - key
    start = np.searchsorted(col_of, np.arange(n_cols))
    rank = np.arange(len(col_of)) - start[col_of]
    keep = (rank < k).astype(np.float64)
    total = _segment_reduce((ranked * keep).astype(np.float32), col_of, n_cols, np.add, axis=1)
    count = np.bincount(col_of, minlength=n_cols)
    return np.asarray(total / np.maximum(np.minimum(count, k), 1).astype(np.float32), dtype=np.float32)


def _segment_reduce(values: F32, segment: I64, n_segments: int, ufunc: np.ufunc, *, axis: int) -> F32:
    """Reduce ``values`` along ``axis`` over runs of equal, non-decreasing ``segment`` labels.

    Segments with no member give 0 (all scores are non-negative, so 0 is the neutral floor).
    ``ufunc`` is ``np.maximum`` or ``np.add``. Same result, bit for bit, as ``ufunc.reduceat``,
    which is slow on many short runs (a profile's few statements): the slices of all runs of
    one length are gathered at once and combined elementwise, in reduceat's order.
    """
    if ufunc is not np.maximum and ufunc is not np.add:
        raise ValueError(f"ufunc: np.maximum or np.add, got {ufunc!r}")
    shape = list(values.shape)
    shape[axis] = n_segments
    out = np.zeros(shape, dtype=np.float32)
    target = out if axis == 0 else out.T
    starts = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
    lengths = np.diff(np.r_[starts, len(segment)])
    for length in np.unique(lengths).tolist():
        group = starts[lengths == length]
        if length > _SHORT_RUN:
            for s in group.tolist():
                one = ufunc.reduceat(np.take(values, np.arange(s, s + length), axis=axis), [0], axis=axis)
                target[segment[s]] = one if axis == 0 else one.T
            continue
        first = np.take(values, group, axis=axis)
        if length > 1:
            rest = np.take(values, group + 1, axis=axis)
            for offset in range(2, length):
                ufunc(rest, np.take(values, group + offset, axis=axis), out=rest)
            ufunc(first, rest, out=first)
        target[segment[group]] = first if axis == 0 else first.T
    return out


_SHORT_RUN = 8
"""Longest run that :func:`_segment_reduce` combines elementwise: ``np.add.reduceat`` sums a run
as ``first + (sequential sum of the rest)`` up to this length and pairwise beyond it."""


def theme_overlap(rows: Sequence[Profile], cols: Sequence[Profile]) -> F32:
    """Jaccard overlap of theme sets, ``rows`` × ``cols`` (0 when both have no themes)."""
    codes = {code: k for k, code in enumerate(THEMES)}

    def onehot(ps: Sequence[Profile]) -> F32:
        m = np.zeros((len(ps), len(codes)), dtype=np.float32)
        for r, p in enumerate(ps):
            m[r, [codes[t] for t in set(p.themes)]] = 1.0
        return m

    a, b = onehot(rows), onehot(cols)
    inter = a @ b.T
    union = a.sum(1)[:, None] + b.sum(1)[None, :] - inter
    return np.asarray(np.where(union > 0, inter / np.maximum(union, 1), 0), dtype=np.float32)


def sector_weight(rows: Sequence[Profile], cols: Sequence[Profile], config: AffinityConfig) -> F32:
    """Sector-pair weights, ``rows`` × ``cols``."""
    index = {s: k for k, s in enumerate(SECTORS)}
    r = np.array([index[p.sector] for p in rows], dtype=np.int64)
    c = np.array([index[p.sector] for p in cols], dtype=np.int64)
    return np.asarray(config.sector_table()[np.ix_(r, c)], dtype=np.float32)


def region_factor(rows: Sequence[Profile], cols: Sequence[Profile], config: AffinityConfig) -> F32:
    """Region multipliers: same region, different region, or one side's region unknown."""
    names, code = np.unique([p.region or "" for p in (*rows, *cols)], return_inverse=True)
    ra, rb = code[: len(rows)], code[len(rows) :]
    blank = np.flatnonzero(names == "")  # the code of "", if any: np.unique sorts it first
    unknown = blank[0] if blank.size else -1
    known = np.outer(ra != unknown, rb != unknown)
    same = ra[:, None] == rb[None, :]
    out = np.where(
        known,
        np.where(same, config.same_region_factor, config.other_region_factor),
        config.unknown_region_factor,
    )
    return np.asarray(out, dtype=np.float32)


def combine(
    comp_ij: F32, comp_ji: F32, theme: F32, similarity: F32, sector: F32, region: F32, config: AffinityConfig
) -> F32:
    """The reciprocal score of a block from its components (elementwise; see module docstring)."""
    shared = config.theme_weight * theme + config.similarity_weight * similarity
    b_ij = config.complementarity_weight * comp_ij + shared
    b_ji = config.complementarity_weight * comp_ji + shared
    total = b_ij + b_ji
    harmonic = np.where(total > 0, 2 * b_ij * b_ji / np.where(total > 0, total, 1), 0)
    return np.asarray(harmonic * sector * region, dtype=np.float32)


def exclusion_mask(
    profiles: Sequence[Profile], exclude: Iterable[tuple[str, str]] = (), opted_out: Iterable[str] = ()
) -> NDArray[np.bool_]:
    """(n, n) boolean: True where a pair may never be suggested (the diagonal included).

    Same organisation (case- and space-insensitive), ``exclude`` pairs in either order
    (declined, already met), and every pair touching an ``opted_out`` id. Ids in
    ``exclude`` or ``opted_out`` that name nobody in ``profiles`` have no effect
    (a pair declined at an earlier event may involve someone absent now).
    """
    index = _index(profiles)
    _, org = np.unique([" ".join(p.organisation.casefold().split()) for p in profiles], return_inverse=True)
    mask = org[:, None] == org[None, :]
    for pair in exclude:
        if len(pair) != 2:
            raise ValueError(f"exclude: each entry must be a pair of ids, got {pair!r}")
        a, b = index.get(pair[0]), index.get(pair[1])
        if a is not None and b is not None:
            mask[a, b] = mask[b, a] = True
    for pid in opted_out:
        if pid in index:
            mask[index[pid], :] = mask[:, index[pid]] = True
    np.fill_diagonal(mask, True)
    return np.asarray(mask, dtype=np.bool_)


def _index(profiles: Sequence[Profile]) -> dict[str, int]:
    return positions((p.id for p in profiles), "profiles")


@dataclass(frozen=True)
class Affinity:
    """Pairwise scores of an event.

    Attributes:
        profiles: the profiles, in the order of the matrix rows.
        matrix: (n, n) float32, symmetric, 0 on the diagonal, ``-inf`` for excluded pairs.
        components: name → (n, n) float32: ``complementarity`` (directional: [i, j] = how well
            i's needs are met by j's offers), ``theme``, ``similarity``, ``sector``, ``region``.
        scorer: the calibrated statement scorer (reasons quote its best statement pairs).
        excluded: (n, n) bool, True where a pair is never suggested.
    """

    profiles: tuple[Profile, ...]
    matrix: F32
    components: Mapping[str, F32]
    scorer: StatementScorer
    excluded: NDArray[np.bool_]

    @property
    def ids(self) -> tuple[str, ...]:
        """Profile ids in matrix order."""
        return tuple(p.id for p in self.profiles)

    @cached_property
    def index(self) -> Mapping[str, int]:
        """Each profile id's row: the event's one id-to-row mapping."""
        return MappingProxyType(_index(self.profiles))


def affinity_from_vectors(
    profiles: Sequence[Profile],
    dense: Vectors,
    lexical: Vectors | None = None,
    config: AffinityConfig | None = None,
    *,
    exclude: Iterable[tuple[str, str]] = (),
    opted_out: Iterable[str] = (),
) -> Affinity:
    """The pure core of :func:`affinity`: score profiles from their statement vectors.

    ``dense`` (and optionally ``lexical``) hold one row per statement of
    ``Statements.of(profiles)``. No model is touched here.

    Example:
        >>> from matcher.statements import Statements
        >>> p = [Profile(id=i, organisation=i, sector="public", needs=("x",), offers=("y",)) for i in "ab"]
        >>> e = np.eye(2, dtype=np.float32)
        >>> needs, offers, blank = e[[0, 0]], e[[1, 1]], np.zeros((2, 2), np.float32)
        >>> v = Vectors(needs, offers, blank, joined_needs=needs, joined_offers=offers)
        >>> affinity_from_vectors(p, v).matrix.shape
        (2, 2)
    """
    config = config or AffinityConfig()
    profiles = tuple(profiles)
    _index(profiles)
    statements = Statements.of(profiles)
    _check_vectors(statements, dense, "dense")
    if lexical is not None:
        _check_vectors(statements, lexical, "lexical")
    scorer = StatementScorer.fit(statements, dense, lexical, config)
    everyone = np.arange(len(profiles), dtype=np.int64)
    comp = scorer.complementarity(everyone, everyone)
    components = {
        "complementarity": comp,
        "theme": theme_overlap(profiles, profiles),
        "similarity": _symmetric(scorer.similarity(everyone, everyone)),
        "sector": sector_weight(profiles, profiles, config),
        "region": region_factor(profiles, profiles, config),
    }
    c = components
    matrix = combine(comp, comp.T, c["theme"], c["similarity"], c["sector"], c["region"], config)
    excluded = exclusion_mask(profiles, exclude, opted_out)
    matrix = _apply_exclusions(matrix, excluded)
    return Affinity(profiles, matrix, MappingProxyType(components), scorer, excluded)


def _symmetric(m: F32) -> F32:
    """``(m + m.T) / 2``: float products of scaled and unscaled sides differ in the last bit."""
    return np.asarray((m + m.T) * np.float32(0.5), dtype=np.float32)


def _apply_exclusions(matrix: F32, excluded: NDArray[np.bool_]) -> F32:
    out = np.where(excluded, np.float32(-np.inf), matrix).astype(np.float32)
    np.fill_diagonal(out, 0.0)
    return out


def _check_vectors(statements: Statements, vectors: Vectors, name: str) -> None:
    expected = (len(statements.needs), len(statements.offers), len(statements.texts))
    got = (vectors.needs.shape[0], vectors.offers.shape[0], vectors.texts.shape[0])
    if expected != got:
        raise ValueError(f"{name}: vectors for (needs, offers, texts) = {got}, statements are {expected}")
    for side in ("joined_needs", "joined_offers"):
        rows = getattr(vectors, side)
        if rows is not None and rows.shape[0] != len(statements.texts):
            n = len(statements.texts)
            raise ValueError(f"{name}: {rows.shape[0]} rows of {side}, expected one per profile ({n})")


def lexical_space(statements: Statements, config: AffinityConfig) -> CharNgramSpace | None:
    """Fit the lexical channel on an event's texts; ``None`` when the event has no text at all
    (nothing for the channel to compare, so scores come from the other components)."""
    texts = statements.all_texts(joined=False)
    return CharNgramSpace(dims=config.lexical_dims).fit(texts) if texts else None


def encode_channels(
    statements: Statements, embedder: Encoder, space: CharNgramSpace | None, config: AffinityConfig
) -> tuple[Vectors, Vectors | None]:
    """Vectors of both channels: the dense one (with the joined sides where the config uses
    them) and the lexical one in a fitted ``space`` (statements only; ``None`` without a space)."""
    dense = encode_statements(statements, embedder, joined=config.joined_weight > 0)
    lexical = encode_statements(statements, space, joined=False) if space is not None else None
    return dense, lexical


def affinity(
    profiles: Sequence[Profile],
    embedder: Encoder | None = None,
    config: AffinityConfig | None = None,
    *,
    english: EnglishModel | None = None,
    exclude: Iterable[tuple[str, str]] = (),
    opted_out: Iterable[str] = (),
) -> Affinity:
    """Score every pair of ``profiles``: embeds their statements, then :func:`affinity_from_vectors`.

    ``embedder`` defaults to ``matcher.Embedder()`` (the multilingual default model). With
    ``english`` (e.g. :func:`matcher.embed.english_minilm`), need-offer pairs whose two
    statements are both English are scored by that model (:mod:`matcher.routing`).
    ``exclude`` holds (id, id) pairs never to suggest (declined by either side, already
    met); ``opted_out`` ids are never suggested and get no suggestions.

    Example:
        >>> from matcher.embed import HashingEmbedder  # doctest: +SKIP
        >>> aff = affinity(profiles, HashingEmbedder())  # doctest: +SKIP
        >>> aff.components["complementarity"][0, 1]  # doctest: +SKIP
    """
    config = config or AffinityConfig()
    if embedder is None:
        embedder = Embedder()
    statements = Statements.of(profiles)
    space = lexical_space(statements, config) if config.lexical_weight > 0 else None
    dense, lexical = encode_channels(statements, embedder, space, config)
    if english is not None:
        dense, _ = route_english(statements, dense, english)
    return affinity_from_vectors(profiles, dense, lexical, config, exclude=exclude, opted_out=opted_out)
