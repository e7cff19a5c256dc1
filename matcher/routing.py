"""Routing by language: a need and an offer that are both English are scored by an English
model, every other pair (Finnish, Swedish, mixed) by the multilingual one.

The engine scores need-offer pairs as dot products of a need-side and an offer-side matrix
(:class:`matcher.statements.Fusion`), so routing is folded into the vectors, with no per-pair
branch: for multilingual rows ``m``, English rows ``e`` and English flags ``f`` (0 or 1),

- need side ``[m, f e, f m, f]``,
- offer side ``[m, w a f e, -w f m, w b f]``,

whose product is ``m·m`` for a pair that is not English on both sides and
``(1 - w) m·m + w (a e·e + b)`` for one that is. ``a`` and ``b`` put the English model's
cosines on the multilingual model's scale, fitted on the event's English pairs (same robust
location and spread), so that routed pairs keep their place among the others and only their
order among themselves changes. ``w`` = 1 routes; 0.5 is an even ensemble on English pairs.
The joined sides get the same treatment with their own ``a`` and ``b``; profile texts (the
similarity component) stay multilingual.

Routing is a batch option of :func:`matcher.affinity.affinity` (``english=``); a live event
(:class:`matcher.live.LiveAffinity`) does not route.

Example:
    >>> m = np.eye(2, dtype=np.float32)
    >>> e = np.array([[1, 0], [0.6, 0.8]], np.float32)
    >>> left, right = route_pair_vectors(m, m, e, e, np.array([True, False]), np.array([True, True]), 1.0)
    >>> left.shape, bool(np.allclose((left @ right.T)[1], m[1] @ m.T))  # need 1 is not English
    ((2, 7), True)
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.language import ENGLISH_SHARE, english_mask
from matcher.statements import Encoder, Statements, Vectors, sample_rows

F32 = NDArray[np.float32]
B = NDArray[np.bool_]


@dataclass(frozen=True)
class EnglishModel:
    """What routing needs: an English ``encoder``, its ``vocabulary`` (whole words, to detect
    English statements), the ``weight`` of its score on English pairs (1 = it decides alone)
    and the detection ``threshold`` (:data:`matcher.language.ENGLISH_SHARE`).

    ``weight=0.5`` (an even ensemble with the multilingual model) was chosen on the expertise
    set's dev half with MiniLM (2026-12-03, loss with the engine's defaults otherwise): 0.220 at
    0.5 against 0.251 at 1.0 (whole set 0.206 and 0.237; without routing 0.232). With the
    long-texts setting ``offer_top_k=3``, lexical and joined channels off: 0.217 and 0.227."""

    encoder: Encoder
    vocabulary: Set[str]
    weight: float = 0.5
    threshold: float = ENGLISH_SHARE

    def __post_init__(self) -> None:
        if not 0.0 < self.weight <= 1.0:
            raise ValueError(f"weight: {self.weight} is not in (0, 1]")
        if not self.vocabulary:
            raise ValueError("vocabulary: empty; English statements could not be told apart")


def _robust(values: F32) -> tuple[float, float]:
    median = float(np.median(values))
    scale = 1.4826 * float(np.median(np.abs(values - median)))
    if scale <= 1e-6:
        scale = float(values.std())
    return median, scale if scale > 1e-6 else 1.0


def scale_map(target: F32, source: F32) -> tuple[float, float]:
    """``(a, b)`` such that ``a * source + b`` has ``target``'s median and robust spread.

    Example:
        >>> x = np.array([0.0, 1.0, 2.0, 3.0], np.float32)
        >>> scale_map(2 * x + 1, x)
        (2.0, 1.0)
    """
    (mu_t, sd_t), (mu_s, sd_s) = _robust(target), _robust(source)
    a = sd_t / sd_s
    return a, mu_t - a * mu_s


def route_pair_vectors(
    m_left: F32, m_right: F32, e_left: F32, e_right: F32, f_left: B, f_right: B, weight: float
) -> tuple[F32, F32]:
    """Need-side and offer-side rows whose products are routed cosines (module docstring).

    Without an English row on either side the multilingual rows come back unchanged.
    """
    if not f_left.any() or not f_right.any():
        return m_left, m_right
    rows = np.flatnonzero(f_left)[sample_rows(int(f_left.sum()))]
    cols = np.flatnonzero(f_right)
    a, b = scale_map((m_left[rows] @ m_right[cols].T).ravel(), (e_left[rows] @ e_right[cols].T).ravel())
    fl = f_left.astype(np.float32)[:, None]
    fr = f_right.astype(np.float32)[:, None]
    w = np.float32(weight)
    left = np.hstack([m_left, fl * e_left, fl * m_left, fl])
    right = np.hstack([m_right, w * np.float32(a) * fr * e_right, -w * fr * m_right, w * np.float32(b) * fr])
    return np.ascontiguousarray(left, np.float32), np.ascontiguousarray(right, np.float32)


@dataclass(frozen=True)
class Route:
    """Which statements (and joined sides) of an event were read as English."""

    needs: B
    offers: B
    joined_needs: B
    joined_offers: B

    @classmethod
    def detect(cls, statements: Statements, model: EnglishModel) -> Route:
        """Detect the English statements of ``statements``."""

        def mask(texts: tuple[str, ...]) -> B:
            return english_mask(texts, model.vocabulary, model.threshold)

        return cls(
            mask(statements.needs),
            mask(statements.offers),
            mask(statements.joined_needs),
            mask(statements.joined_offers),
        )

    def texts(self, statements: Statements) -> list[str]:
        """The distinct texts the English model must embed, in first-seen order."""
        chosen = [
            *(t for t, f in zip(statements.needs, self.needs, strict=True) if f),
            *(t for t, f in zip(statements.offers, self.offers, strict=True) if f),
            *(t for t, f in zip(statements.joined_needs, self.joined_needs, strict=True) if f),
            *(t for t, f in zip(statements.joined_offers, self.joined_offers, strict=True) if f),
        ]
        return list(dict.fromkeys(chosen))


def route_english(statements: Statements, dense: Vectors, model: EnglishModel) -> tuple[Vectors, Route]:
    """``dense`` with its English need-offer pairs (and joined sides) scored by ``model``'s
    encoder; only the English texts are embedded.

    Example:
        >>> from matcher.profile import Profile
        >>> class Ones:
        ...     def encode(self, texts): return np.ones((len(texts), 2), np.float32) / np.sqrt(2)
        >>> p = Profile(id="a", organisation="A", sector="public", needs=("kotihoito",), offers=("care",))
        >>> st, eye = Statements.of([p]), np.eye(2, dtype=np.float32)
        >>> v = Vectors(eye[:1], eye[1:], np.zeros((1, 2), np.float32))
        >>> routed, route = route_english(st, v, EnglishModel(Ones(), frozenset({"care"})))
        >>> route.needs.tolist(), route.offers.tolist(), routed.needs.shape
        ([False], [True], (1, 2))
    """
    route = Route.detect(statements, model)
    texts = route.texts(statements)
    if not texts:
        return dense, route
    matrix = np.asarray(model.encoder.encode(texts), dtype=np.float32)
    lookup = dict(zip(texts, matrix, strict=True))
    dim = matrix.shape[1]

    def rows(side: tuple[str, ...], flags: B) -> F32:
        zero = np.zeros(dim, np.float32)
        return np.asarray(
            np.vstack([lookup[t] if f else zero for t, f in zip(side, flags, strict=True)])
            if side
            else np.zeros((0, dim)),
            dtype=np.float32,
        )

    needs, offers = route_pair_vectors(
        dense.needs,
        dense.offers,
        rows(statements.needs, route.needs),
        rows(statements.offers, route.offers),
        route.needs,
        route.offers,
        model.weight,
    )
    joined_needs, joined_offers = dense.joined_needs, dense.joined_offers
    if joined_needs is not None and joined_offers is not None:
        joined_needs, joined_offers = route_pair_vectors(
            joined_needs,
            joined_offers,
            rows(statements.joined_needs, route.joined_needs),
            rows(statements.joined_offers, route.joined_offers),
            route.joined_needs,
            route.joined_offers,
            model.weight,
        )
    return Vectors(needs, offers, dense.texts, joined_needs, joined_offers), route
