"""Fair, diverse top-k partner suggestions with reasons.

Pipeline (:func:`suggest_from_affinity`):

1. Candidates: for each active person the ``candidates`` best allowed targets by affinity,
   plus the best ``k`` cross-sector ones (so the quota can be met).
2. Diversity before the flow: candidates are ordered by maximal marginal relevance on
   profile similarity, and each arc's weight is its MMR gain
   ``(1 - diversity) * score - diversity * max similarity to better-ranked candidates``:
   the fifth near-copy of a home-care firm is worth less than a different partner.
3. Fairness: a min-cost flow (:mod:`matcher.fairness`) gives everyone k targets where
   feasible, no target more than ``max_exposure`` appearances, and at least
   ``min_cross_sector`` cross-sector targets per person where feasible, and at most
   ``max_per_organisation`` people of one organisation per list (a capacity in the flow:
   colleagues share one organisation profile, so without it a list could fill up with one
   partner's staff; the flow still spreads exposure over the colleagues). If a person is
   left short while they have allowed targets outside the candidate set, the candidate
   set grows and the flow runs again.
4. The chosen targets are listed by affinity, each with 1-3 :class:`~matcher.reasons.Reason`.

Example:
    >>> from matcher.profile import Profile
    >>> from matcher.embed import HashingEmbedder
    >>> ps = [Profile(id=str(i), organisation=f"Org {i}", sector=s, offers=("kotihoito",),
    ...               needs=("digipalvelut",)) for i, s in enumerate(["private", "public", "third_sector"])]
    >>> lists = suggest(ps, k=2, embedder=HashingEmbedder())
    >>> [len(x) for x in lists]
    [2, 2, 2]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from matcher.affinity import Affinity, AffinityConfig, exclusion_mask
from matcher.affinity import affinity as compute_affinity
from matcher.fairness import Arcs, solve_arcs
from matcher.profile import Profile
from matcher.reasons import Reason, explain_many
from matcher.statements import Encoder

Bool = NDArray[np.bool_]
I64 = NDArray[np.int64]


@dataclass(frozen=True)
class SuggestConfig:
    """Parameters of :func:`suggest`.

    Attributes:
        max_exposure: most lists one person may appear in; ``None`` means ``2 * k``.
        min_cross_sector: targets from another sector each list should hold (capped at k).
        diversity: MMR trade-off in [0, 1): 0 ranks by affinity only.
        exposure_cost: cost (in affinity units) of a person's appearances beyond k, rising
            linearly up to ``max_exposure`` (see :func:`matcher.fairness.exposure_steps`).
        candidates: candidate targets per person before the flow; ``None`` means ``max(4k, 20)``.
        max_per_organisation: most people of one target organisation in one list, a hard
            rule of the assignment; ``None`` means no limit. Organisation names compare
            case- and space-insensitively (as the same-organisation exclusion does).
        max_reasons: reasons per suggestion (1-3).
        affinity: the :class:`~matcher.affinity.AffinityConfig` used when scores are computed here.
    """

    max_exposure: int | None = None
    min_cross_sector: int = 3
    diversity: float = 0.1
    exposure_cost: float = 0.3
    candidates: int | None = None
    max_per_organisation: int | None = 1
    max_reasons: int = 3
    affinity: AffinityConfig = field(default_factory=AffinityConfig)

    def __post_init__(self) -> None:
        if self.max_exposure is not None and self.max_exposure < 1:
            raise ValueError(f"max_exposure: must be at least 1, got {self.max_exposure}")
        if self.min_cross_sector < 0:
            raise ValueError(f"min_cross_sector: must be non-negative, got {self.min_cross_sector}")
        if not self.exposure_cost >= 0:
            raise ValueError(f"exposure_cost: must be non-negative, got {self.exposure_cost}")
        if not 0.0 <= self.diversity < 1.0:
            raise ValueError(f"diversity: must lie in [0, 1), got {self.diversity}")
        if self.candidates is not None and self.candidates < 1:
            raise ValueError(f"candidates: must be at least 1, got {self.candidates}")
        if self.max_per_organisation is not None and self.max_per_organisation < 1:
            raise ValueError(
                f"max_per_organisation: must be at least 1 or None, got {self.max_per_organisation}"
            )
        if not 1 <= self.max_reasons <= 3:
            raise ValueError(f"max_reasons: must be 1, 2 or 3, got {self.max_reasons}")


@dataclass(frozen=True)
class Suggestion:
    """One suggested partner: their profile id, the pair's affinity and why."""

    target_id: str
    score: float
    reasons: list[Reason]


def _cap_per_group(cand: I64, group: I64, limit: int, capped: Bool) -> I64:
    """Keep, in each row of best-first ``cand`` (``-1`` padded), the first ``limit`` columns of
    each ``capped`` group (all of the others); the survivors move to the front in their order."""
    codes = np.where(cand >= 0, group[np.maximum(cand, 0)], -1)
    order = np.argsort(codes, axis=1, kind="stable")  # groups together, best first inside
    s = np.take_along_axis(codes, order, 1)
    idx = np.broadcast_to(np.arange(cand.shape[1]), cand.shape)
    new = np.ones(cand.shape, dtype=np.bool_)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    rank_sorted = idx - np.maximum.accumulate(np.where(new, idx, 0), axis=1)
    rank = np.empty_like(rank_sorted)
    np.put_along_axis(rank, order, rank_sorted, 1)
    keep = (cand >= 0) & ((rank < limit) | ~capped[np.maximum(codes, 0)])
    front = np.argsort(~keep, axis=1, kind="stable")
    kept = np.take_along_axis(keep, front, 1)
    return np.asarray(np.where(kept, np.take_along_axis(cand, front, 1), -1), dtype=np.int64)


def _group_capped_counts(mask: Bool, group: I64, limit: int | None) -> I64:
    """Per row, how many True columns there are when each group counts at most ``limit``."""
    if limit is None:
        return np.asarray(mask.sum(1), dtype=np.int64)
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    per_group = np.add.reduceat(mask[:, order].astype(np.int64), starts, axis=1)
    return np.asarray(np.minimum(per_group, limit).sum(1), dtype=np.int64)


def _candidates(scores: NDArray[np.float32], allowed: Bool, cross: Bool, m: int, k: int) -> I64:
    """(n, width) candidate columns per row, best first, ``-1`` padded: top-m plus top-k cross."""
    masked = np.where(allowed, scores, -np.inf)
    m = min(m, scores.shape[1])
    top = (
        np.argpartition(-masked, m - 1, axis=1)[:, :m]
        if m < scores.shape[1]
        else np.tile(np.arange(scores.shape[1]), (scores.shape[0], 1))
    )
    cross_masked = np.where(allowed & cross, scores, -np.inf)
    kc = min(k, scores.shape[1])
    top_cross = np.argpartition(-cross_masked, kc - 1, axis=1)[:, :kc]
    both = np.concatenate([top, top_cross], axis=1)
    both = np.sort(both, axis=1)
    dup = np.zeros_like(both, dtype=bool)
    dup[:, 1:] = both[:, 1:] == both[:, :-1]
    rows = np.arange(scores.shape[0])[:, None]
    valid = ~dup & allowed[rows, both]
    key = np.where(valid, -masked[rows, both], np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    out = np.where(np.take_along_axis(valid, order, 1), np.take_along_axis(both, order, 1), -1)
    return np.asarray(out, dtype=np.int64)


def _mmr_weights(
    scores: NDArray[np.float32], redundancy: NDArray[np.float32], cand: I64, diversity: float
) -> NDArray[np.float64]:
    """MMR gain of each candidate, in greedy MMR order, for all rows at once."""
    n, width = cand.shape
    rows = np.arange(n)[:, None]
    safe = np.maximum(cand, 0)
    rel = np.where(cand >= 0, scores[rows, safe], -np.inf).astype(np.float64)
    red = redundancy[safe[:, :, None], safe[:, None, :]].astype(np.float64)
    gain = np.full((n, width), -np.inf)
    worst = np.zeros((n, width))  # max redundancy with already-picked candidates
    picked = cand < 0
    for _ in range(width):
        value = np.where(picked, -np.inf, (1 - diversity) * rel - diversity * worst)
        best = value.argmax(1)
        ok = np.isfinite(value[np.arange(n), best])
        gain[np.flatnonzero(ok), best[ok]] = value[np.flatnonzero(ok), best[ok]]
        picked[np.flatnonzero(ok), best[ok]] = True
        worst = np.where(ok[:, None], np.maximum(worst, red[np.arange(n), best]), worst)
    return gain


def _fair_choice(
    scores: NDArray[np.float32],
    allowed: Bool,
    cross: Bool,
    active: Bool,
    redundancy: NDArray[np.float32],
    k: int,
    config: SuggestConfig,
    *,
    org: I64 | None = None,
    sector: I64 | None = None,
) -> tuple[I64, I64]:
    """(rows, cols) of the chosen pairs; grows the candidate set until nobody is left short
    for lack of candidates (counting at most ``max_per_organisation`` per organisation).

    ``org`` and ``sector`` label each person (integer codes); ``None`` means everyone is
    their own organisation, in one sector."""
    n = scores.shape[0]
    org = np.arange(n, dtype=np.int64) if org is None else org
    sector = np.zeros(n, dtype=np.int64) if sector is None else sector
    m = config.candidates or max(4 * k, 20)
    cap = config.max_exposure or 2 * k
    quota = min(config.min_cross_sector, k)
    limit = config.max_per_organisation
    # The flow caps each organisation through one node per (person, organisation, cross flag);
    # an organisation spanning sectors would get two, so its people are pruned up front.
    first = np.full(org.max() + 1, -1, dtype=np.int64)
    first[org] = sector
    mixed = np.zeros(org.max() + 1, dtype=np.bool_)
    mixed[org[first[org] != sector]] = True
    demand = np.where(active, k, 0).astype(np.int64)
    want = np.minimum(demand, _group_capped_counts(allowed, org, limit))
    want_cross = np.minimum(np.minimum(quota, demand), _group_capped_counts(allowed & cross, org, limit))
    while True:
        cand = _candidates(scores, allowed, cross, m, k)
        if limit is not None and mixed.any():
            cand = _cap_per_group(cand, org, limit, mixed)
        gains = _mmr_weights(scores, redundancy, cand, config.diversity)
        r, c = np.nonzero(cand >= 0)
        cols = cand[r, c]
        arcs = Arcs(r.astype(np.int64), cols, gains[r, c], cross[r, cols], org[cols])
        chosen = solve_arcs(
            arcs,
            n,
            n,
            demand=demand,
            max_exposure=cap,
            min_cross=quota,
            fair_share=k,
            exposure_cost=config.exposure_cost,
            per_group=limit,
        )
        rows, cols = arcs.rows[chosen], arcs.cols[chosen]
        got = np.bincount(rows, minlength=n)
        got_cross = np.bincount(rows[cross[rows, cols]], minlength=n)
        short = (got < want) | (got_cross < want_cross)
        if not short.any() or m >= n:
            return rows, cols
        m = min(2 * m, n)


def _present_mask(aff: Affinity, present: Iterable[str] | None) -> Bool:
    if present is None:
        return np.ones(len(aff.profiles), dtype=np.bool_)
    mask = np.zeros(len(aff.profiles), dtype=np.bool_)
    for pid in present:
        if pid not in aff.index:
            raise ValueError(f"present: id {pid!r} is not one of the profiles")
        mask[aff.index[pid]] = True
    return mask


def suggest_from_affinity(
    aff: Affinity,
    k: int = 5,
    *,
    present: Iterable[str] | None = None,
    exclude: Iterable[tuple[str, str]] = (),
    opted_out: Iterable[str] = (),
    config: SuggestConfig | None = None,
) -> list[list[Suggestion]]:
    """The core of :func:`suggest` over precomputed scores (e.g. a :class:`matcher.LiveAffinity`).

    ``exclude`` and ``opted_out`` add to the exclusions already in ``aff``.

    Example:
        >>> from matcher.embed import HashingEmbedder
        >>> from matcher.profile import Profile
        >>> ps = [Profile(id=s, organisation=s, sector=s, offers=("apu",)) for s in ("private", "public")]
        >>> aff = compute_affinity(ps, HashingEmbedder())
        >>> [[s.target_id for s in x] for x in suggest_from_affinity(aff, k=1, present=["public"])]
        [[], []]
    """
    config = config or SuggestConfig()
    if k < 0:
        raise ValueError(f"k: must be non-negative, got {k}")
    active = _present_mask(aff, present)
    excluded = aff.excluded | exclusion_mask(aff.profiles, exclude, opted_out)
    allowed = ~excluded & active[:, None] & active[None, :]
    lists: list[list[Suggestion]] = [[] for _ in aff.profiles]
    if k == 0 or not allowed.any():
        return lists
    _, sector_code = np.unique([p.sector for p in aff.profiles], return_inverse=True)
    cross = np.asarray(sector_code[:, None] != sector_code[None, :], dtype=np.bool_)
    scores = np.where(allowed, aff.matrix, 0).astype(np.float32)
    redundancy = aff.components["similarity"]
    _, org = np.unique(
        [" ".join(p.organisation.casefold().split()) for p in aff.profiles], return_inverse=True
    )
    org = org.astype(np.int64)
    rows, cols = _fair_choice(
        scores, allowed, cross, active, redundancy, k, config, org=org, sector=sector_code.astype(np.int64)
    )
    order = np.lexsort((cols, -scores[rows, cols], rows))  # by person, best first, then by index
    rows, cols = rows[order], cols[order]
    pairs = list(zip(rows.tolist(), cols.tolist(), strict=True))
    values = aff.matrix[rows, cols].tolist()
    ids = aff.ids
    for (i, j), value, reasons in zip(
        pairs, values, explain_many(aff, pairs, max_reasons=config.max_reasons), strict=True
    ):
        lists[i].append(Suggestion(ids[j], value, reasons))
    return lists


def suggest(
    profiles: Sequence[Profile],
    k: int = 5,
    *,
    exclude: Iterable[tuple[str, str]] = (),
    present: Iterable[str] | None = None,
    config: SuggestConfig | None = None,
    embedder: Encoder | None = None,
    affinity: Affinity | None = None,
    opted_out: Iterable[str] = (),
) -> list[list[Suggestion]]:
    """Top-``k`` partner suggestions for every profile, one list per profile in input order.

    ``exclude``: (id, id) pairs never to suggest (declined by either side, already met).
    ``present``: during an event, the checked-in ids; others get an empty list and are not
    suggested. ``opted_out``: ids that neither get nor appear in suggestions. ``embedder``
    defaults to ``matcher.Embedder()``; pass ``affinity`` to reuse precomputed scores
    (then ``embedder`` is not used).

    Example:
        >>> from matcher.embed import HashingEmbedder
        >>> a = Profile(id="a", organisation="A", sector="private", offers=("yöpartiointi",))
        >>> b = Profile(id="b", organisation="B", sector="public", needs=("yöpartiointi",))
        >>> [[s.target_id for s in x] for x in suggest([a, b], k=1, embedder=HashingEmbedder())]
        [['b'], ['a']]
    """
    config = config or SuggestConfig()
    profiles = list(profiles)
    if affinity is None:
        affinity = compute_affinity(profiles, embedder, config.affinity, exclude=exclude, opted_out=opted_out)
    elif affinity.ids != tuple(p.id for p in profiles):
        raise ValueError("affinity: was computed for other profiles (ids or order differ)")
    return suggest_from_affinity(
        affinity, k, present=present, exclude=exclude, opted_out=opted_out, config=config
    )
