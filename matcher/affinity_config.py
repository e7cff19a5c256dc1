"""The weights of the affinity score, :class:`AffinityConfig`, and the calibrated reason threshold.

Kept apart from :mod:`matcher.affinity` so that :mod:`matcher.reasons` and the benchmarks can read
the defaults without the scoring code.

Example:
    >>> AffinityConfig().reason_min_z == REASON_MIN_Z
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from matcher.statements import F32
from matcher.taxonomy import SECTORS

REASON_MIN_Z = 4.8
"""A statement match is quoted as a reason when its dense-channel z-score is at least this many robust
standard deviations above the event's background of need-offer pairs.

Calibrated on hand labels (``python -m bench.reasons``, ``bench/data/reason_labels.json``): of
230 labelled (need, offer) pairs of the sample event, those at z ≥ 2 (the previous threshold)
were matches 38 % of the time, at z ≥ 4 77 %, and only from 4.8 up did the kept pairs reach the
target precision of 0.9. A quoted pair that does not match is worse than no reason, so this is
strict on purpose: most suggestions are explained by shared themes, keywords and sectors, and a
statement pair is quoted only where it is a near paraphrase."""

_CROSS_FAVOURED = {("private", "public"), ("private", "third_sector"), ("public", "third_sector")}


def default_sector_weights() -> Mapping[tuple[str, str], float]:
    """Default sector-pair weights: 1.0 for private–public, private–third, public–third and
    education/research with any other sector; 0.9 for other cross-sector pairs involving
    ``other``; 0.6 within one sector (lower, not zero: two NGOs can still build one castle)."""
    weights: dict[tuple[str, str], float] = {}
    for a in SECTORS:
        for b in SECTORS:
            pair = (a, b) if (a, b) in _CROSS_FAVOURED else (b, a)
            if a == b:
                w = 0.6
            elif pair in _CROSS_FAVOURED or "education_research" in (a, b):
                w = 1.0
            else:
                w = 0.9
            weights[(a, b)] = w
    return MappingProxyType(weights)


@dataclass(frozen=True)
class AffinityConfig:
    """Weights of the affinity score (see the module docstring for the formula).

    Attributes:
        complementarity_weight: weight of offer→need complementarity in one direction's benefit.
        theme_weight: weight of theme Jaccard overlap.
        similarity_weight: weight of description/keyword similarity.
        need_max_weight: pooling over a profile's needs: 0 = mean of best matches, 1 = best need only.
        offer_softness: pooling of one need over the other profile's offers
            (:func:`matcher.affinity.pool_offers`): 0 = the best offer only (default), τ > 0 = soft
            maximum at temperature τ (fused z units). Off by default: on the expertise set's dev
            half it tied with the maximum (τ 0.5-2: 0.236-0.239 against 0.238), on planted Finnish
            events τ = 2 lowered precision@5 (0.231 against 0.239), and it costs about 0.26 s CPU
            at 1,300 participants (bench/results/expertise.md).
        offer_top_k: pooling of one need over the other profile's offers as the mean of its k
            best offers (:func:`matcher.affinity.top_k_mean_offers`; 1 = the best offer only,
            the default). Exclusive with ``offer_softness``. Off by default: on the planted
            dev seeds precision@5 is 0.106 / 0.102 / 0.101 at k = 1 / 2 / 3; it helps bodies of
            work with many long offers (the expertise set's dev half, joined and lexical
            channels off: 0.239 at k = 1, 0.221 at k = 3; ``bench.expertise.TORCH_FREE_LONG_TEXTS``).
        dense_weight, lexical_weight: fusion weights of the dense and the character n-gram
            channel, applied to per-channel z-scores (0 switches a channel off). Default 1.0 and
            0.5 (issue 9): fitted on the development parts of both outside checks, the planted
            Finnish events of issue 14 (dev seeds 0-4, precision@5 without the per-organisation
            limit 0.057 dense only, 0.101 at 0.25, 0.113 at 0.5; held-out seeds 100-103: 0.056
            against 0.090) and the expertise set's dev half (loss 0.238 against 0.228; held-out
            0.257 against 0.232). The IDF weighting keeps generic words ("palvelu", "asiakas")
            from carrying a match. (The older planted generator, whose wording leaked the
            answer, had favoured dense only.) Fitting the channel costs about 1.5 s per event of
            1,300 people on 2 cores (bench/results/expertise.md); 0 restores the dense-only path.
        joined_weight: weight of the joined-sides channel in complementarity: each of i's needs
            is met by its best offer of j's (a fused z-score) plus ``joined_weight`` × the
            z-score of i's needs embedded as one text against j's offers as one text (dense
            channel only; 0 switches it off), before the logistic. A profile's statements are
            read together there, so a look-alike offer that shares a phrase with one need but
            not the profile's whole purpose does not carry the pair. Default 2.0, chosen on the
            dev seeds of the planted Finnish events (precision@5 0.084 off, 0.094 / 0.102 /
            0.106 / 0.102 at 0.5 / 1 / 2 / 3; held-out 0.074 off, 0.093 at 2); on the expertise
            set's dev half it is neutral within the interval (loss 0.236 off, 0.229 at 1, 0.243
            at 2). It costs two more texts per profile to embed (2026-12-03).
        calibration_center, calibration_scale: the logistic that maps a fused z-score
            (robust standard deviations above the event's background) to [0, 1]; 4.0 was best
            of 2-5 on planted events (a true paraphrase sits far out in the tail).
        sector_weights: (sector_a, sector_b) → weight, symmetric; default :func:`default_sector_weights`.
        same_region_factor, other_region_factor, unknown_region_factor: region multipliers.
        lexical_dims: dimensions of the lexical channel's LSA reduction.
        reason_min_z: dense-channel z-score a (need, offer) pair must reach to be quoted as a reason
            (:data:`REASON_MIN_Z`, calibrated on hand labels with the default model; a model
            whose paraphrases sit lower, such as the hashing stand-in, needs its own).
    """

    complementarity_weight: float = 0.6
    theme_weight: float = 0.2
    similarity_weight: float = 0.2
    need_max_weight: float = 0.5
    offer_softness: float = 0.0
    offer_top_k: int = 1
    dense_weight: float = 1.0
    lexical_weight: float = 0.5
    joined_weight: float = 2.0
    calibration_center: float = 4.0
    calibration_scale: float = 0.75
    sector_weights: Mapping[tuple[str, str], float] = field(default_factory=default_sector_weights)
    same_region_factor: float = 1.0
    other_region_factor: float = 0.85
    unknown_region_factor: float = 0.9
    lexical_dims: int = 192
    reason_min_z: float = REASON_MIN_Z

    def __post_init__(self) -> None:
        for name in (
            "complementarity_weight",
            "theme_weight",
            "similarity_weight",
            "dense_weight",
            "lexical_weight",
            "joined_weight",
            "same_region_factor",
            "other_region_factor",
            "unknown_region_factor",
        ):
            if not float(getattr(self, name)) >= 0.0:
                raise ValueError(f"{name}: must be a non-negative number, got {getattr(self, name)!r}")
        if not self.offer_softness >= 0.0:
            raise ValueError(f"offer_softness: must be a non-negative number, got {self.offer_softness!r}")
        if not (isinstance(self.offer_top_k, int) and self.offer_top_k >= 1):
            raise ValueError(f"offer_top_k: must be a whole number ≥ 1, got {self.offer_top_k!r}")
        if self.offer_top_k > 1 and self.offer_softness > 0:
            raise ValueError("offer_top_k, offer_softness: pick one pooling (a top-k mean or a soft maximum)")
        if not 0.0 <= self.need_max_weight <= 1.0:
            raise ValueError(f"need_max_weight: must lie in [0, 1], got {self.need_max_weight!r}")
        if self.dense_weight + self.lexical_weight <= 0:
            raise ValueError("dense_weight, lexical_weight: at least one channel needs a positive weight")
        if not self.calibration_scale > 0:
            raise ValueError(f"calibration_scale: must be positive, got {self.calibration_scale!r}")
        for (a, b), w in self.sector_weights.items():
            if a not in SECTORS or b not in SECTORS:
                raise ValueError(f"sector_weights: ({a!r}, {b!r}) names an unknown sector (known: {SECTORS})")
            if not w >= 0:
                raise ValueError(f"sector_weights: weight of ({a!r}, {b!r}) must be non-negative, got {w!r}")

    def sector_table(self) -> F32:
        """The (len(SECTORS), len(SECTORS)) weight table, symmetric (a missing pair takes its mirror)."""
        table = np.ones((len(SECTORS), len(SECTORS)), dtype=np.float32)
        for a_i, a in enumerate(SECTORS):
            for b_i, b in enumerate(SECTORS):
                w = self.sector_weights.get((a, b), self.sector_weights.get((b, a)))
                if w is None:
                    raise ValueError(f"sector_weights: no weight for the pair ({a!r}, {b!r})")
                table[a_i, b_i] = w
        if not np.allclose(table, table.T):
            raise ValueError("sector_weights: (a, b) and (b, a) must have the same weight")
        return table
