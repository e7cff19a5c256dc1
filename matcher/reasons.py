"""Why a suggestion was made: reasons derived from the score components, in fi, sv and en.

Every reason quotes something concrete from the two profiles: the offer that meets a
need (both phrases quoted), the shared theme labels, shared keywords, the two sectors,
the shared region (or, as a last resort, j's first offer or description, quoted without
any claim). A statement match counts as a reason only when its calibrated score
lies ``AffinityConfig.reason_min_z`` robust standard deviations above the event's background of
need-offer pairs (:data:`matcher.affinity_config.REASON_MIN_Z` by default, calibrated on hand
labels so that a quoted pair is a match at least 9 times in 10); no fixed cosine is involved.

Example:
    >>> Reason("they_offer", 0.6, phrase="kotihoidon yöpartiointi", other="yöpartiointi").render("fi")
    "He tarjoavat 'kotihoidon yöpartiointi', jota etsitte (tarpeenne: 'yöpartiointi')"
    >>> Reason("shared_themes", 0.2, codes=("digital_services", "productisation")).render("en")
    'Shared themes: digital services, productisation'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
from numpy.typing import NDArray

from matcher.profile import Profile
from matcher.taxonomy import LANGUAGES, REGIONS, SECTOR_LABELS, THEMES

if TYPE_CHECKING:
    from matcher.affinity import Affinity

ReasonKind = Literal[
    "they_offer",
    "you_offer",
    "shared_themes",
    "shared_keywords",
    "cross_sector",
    "same_region",
    "their_offer",
    "their_work",
]

_TEMPLATES: dict[str, dict[str, str]] = {
    "they_offer": {
        "fi": "He tarjoavat '{phrase}', jota etsitte",
        "sv": "De erbjuder '{phrase}', som ni söker",
        "en": "They offer '{phrase}', which you are looking for",
    },
    "they_offer_need": {
        "fi": " (tarpeenne: '{other}')",
        "sv": " (ert behov: '{other}')",
        "en": " (your need: '{other}')",
    },
    "you_offer": {
        "fi": "Te tarjoatte '{phrase}', jota he etsivät",
        "sv": "Ni erbjuder '{phrase}', som de söker",
        "en": "You offer '{phrase}', which they are looking for",
    },
    "you_offer_need": {
        "fi": " (heidän tarpeensa: '{other}')",
        "sv": " (deras behov: '{other}')",
        "en": " (their need: '{other}')",
    },
    "shared_themes": {
        "fi": "Yhteiset teemat: {labels}",
        "sv": "Gemensamma teman: {labels}",
        "en": "Shared themes: {labels}",
    },
    "shared_keywords": {
        "fi": "Yhteiset avainsanat: {labels}",
        "sv": "Gemensamma nyckelord: {labels}",
        "en": "Shared keywords: {labels}",
    },
    "cross_sector": {
        "fi": "Sektorirajat ylittävä pari: te {mine}, he {theirs}",
        "sv": "Samarbete över sektorsgränser: ni {mine}, de {theirs}",
        "en": "Across sectors: you {mine}, they {theirs}",
    },
    "same_region": {
        "fi": "Samalta alueelta: {labels}",
        "sv": "Samma region: {labels}",
        "en": "Same region: {labels}",
    },
    "their_work": {
        "fi": "Heidän työnsä: '{phrase}'",
        "sv": "Deras verksamhet: '{phrase}'",
        "en": "Their work: '{phrase}'",
    },
    "their_offer": {
        "fi": "He tarjoavat: '{phrase}'",
        "sv": "De erbjuder: '{phrase}'",
        "en": "They offer: '{phrase}'",
    },
}


@dataclass(frozen=True)
class Reason:
    """One reason for a suggestion, with the phrases or codes it quotes.

    ``phrase``: the quoted offer; ``other``: the need it meets; ``codes``: theme codes,
    keywords, region code or the two sector codes (yours, theirs), by ``kind``.
    ``strength`` is the reason's share of the score, used to pick the strongest three.
    """

    kind: ReasonKind
    strength: float
    phrase: str = ""
    other: str = ""
    codes: tuple[str, ...] = ()

    def render(self, language: str = "fi") -> str:
        """The reason as one sentence in ``language`` (fi, sv or en)."""
        if language not in LANGUAGES:
            raise ValueError(f"language: {language!r} is not one of fi, sv, en")
        text = _TEMPLATES[self.kind][language]
        if self.kind in ("they_offer", "you_offer", "their_offer", "their_work"):
            out = text.format(phrase=self.phrase)
            if (
                self.other
                and self.other.casefold() != self.phrase.casefold()
                and self.kind in ("they_offer", "you_offer")
            ):
                out += _TEMPLATES[f"{self.kind}_need"][language].format(other=self.other)
            return out
        if self.kind == "cross_sector":
            mine, theirs = (SECTOR_LABELS[c].label(language) for c in self.codes)
            return text.format(mine=mine, theirs=theirs)
        if self.kind == "shared_themes":
            return text.format(labels=", ".join(THEMES[c].label(language) for c in self.codes))
        if self.kind == "same_region":
            return text.format(labels=REGIONS[self.codes[0]].label(language))
        return text.format(labels=", ".join(self.codes))


I64 = NDArray[np.int64]


@dataclass(frozen=True)
class _Matches:
    """Best statement match of each pair, one direction: quoted offer and need, and the
    reason's strength (``weight × logistic(z)``), or ``None`` below ``reason_min_z``."""

    strength: list[float | None]
    offer: list[str]
    need: list[str]

    @classmethod
    def of(cls, aff: Affinity, needers: I64, offerers: I64, weight: float) -> _Matches:
        """Score all pairs (needers[p], offerers[p]) in one batch (:meth:`StatementScorer.best_pairs`).

        The best pair is chosen on the fused score; it is quoted when its dense-channel z-score
        (:meth:`StatementScorer.dense_z`, the scale the threshold was calibrated on) clears
        ``reason_min_z``.
        """
        st, cfg = aff.scorer.statements, aff.scorer.config
        scores, need_rows, offer_rows = aff.scorer.best_pairs(needers, offerers)
        z = scores.astype(np.float64)
        ok = aff.scorer.dense_z(need_rows, offer_rows) >= cfg.reason_min_z
        value = np.zeros(z.shape)
        value[ok] = weight / (1 + np.exp(-(z[ok] - cfg.calibration_center) / cfg.calibration_scale))
        values = cast(list[float], value.tolist())
        clears = cast(list[bool], ok.tolist())
        strength = [v if k else None for v, k in zip(values, clears, strict=True)]
        return cls(
            strength,
            [st.offers[o] if o >= 0 else "" for o in offer_rows.tolist()],
            [st.needs[n] if n >= 0 else "" for n in need_rows.tolist()],
        )


class _Facts:
    """Per-profile look-ups that every pair needs, computed once per profile."""

    __slots__ = ("keys", "keyword_of", "profile", "region", "sector", "theme_set", "themes")

    def __init__(self, p: Profile):
        self.profile = p
        self.themes = p.themes
        self.theme_set = frozenset(p.themes)
        self.keyword_of = {kw.casefold(): kw for kw in p.keywords}
        self.keys = tuple(kw.casefold() for kw in p.keywords)
        self.sector = p.sector
        self.region = p.region


def explain_many(
    aff: Affinity, pairs: Sequence[tuple[int, int]], *, max_reasons: int = 3
) -> list[list[Reason]]:
    """Reasons for many (i, j) pairs at once (the statement matching runs as one batch).

    Example:
        >>> from matcher.embed import HashingEmbedder
        >>> from matcher.affinity import affinity
        >>> texts = ["kotihoidon yöpartiointi", "ruokapalvelu kotiin", "digitaalinen ajanvaraus", "kuljetus",
        ...          "vertaistuki", "etäkuntoutus", "rekrytointi", "apuvälineet"]
        >>> ps = [Profile(id=str(i), organisation=str(i), sector="public", offers=(texts[i],),
        ...               needs=(texts[(i + 1) % 8],)) for i in range(8)]
        >>> [r.render("en") for r in explain_many(affinity(ps, HashingEmbedder()), [(7, 0)])[0]][0]
        "They offer 'kotihoidon yöpartiointi', which you are looking for"
    """
    if not pairs:
        return []
    cfg = aff.scorer.config
    rows = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((j for _, j in pairs), dtype=np.int64, count=len(pairs))
    theirs = _Matches.of(aff, rows, cols, cfg.complementarity_weight)
    yours = _Matches.of(aff, cols, rows, 0.9 * cfg.complementarity_weight)
    theme = (cfg.theme_weight * aff.components["theme"][rows, cols].astype(np.float64)).tolist()
    similarity = (
        cfg.similarity_weight * aff.components["similarity"][rows, cols].astype(np.float64)
    ).tolist()
    facts = {i: _Facts(aff.profiles[i]) for i in np.union1d(rows, cols).tolist()}
    out = []
    for p, (i, j) in enumerate(pairs):
        found = _pair_reasons(facts[i], facts[j], p, theirs, yours, theme[p], similarity[p], max_reasons)
        out.append(found[:max_reasons])
    return out


def explain(aff: Affinity, i: int, j: int, *, max_reasons: int = 3) -> list[Reason]:
    """One to ``max_reasons`` reasons why profile ``j`` is suggested to profile ``i``, strongest first.

    Statement matches count when their fused z-score is >= ``AffinityConfig.reason_min_z``; theme and keyword
    reasons when something is shared; sector and region reasons when they apply. When
    nothing of that holds, j's first offer (or description) is quoted plainly.
    """
    return explain_many(aff, [(i, j)], max_reasons=max_reasons)[0]


def _pair_reasons(
    a: _Facts,
    b: _Facts,
    p: int,
    theirs: _Matches,
    yours: _Matches,
    theme: float,
    similarity: float,
    max_reasons: int,
) -> list[Reason]:
    """Reasons of pair number ``p`` (a to b), strongest first; at least ``max_reasons`` where
    there are that many (the caller keeps the first ``max_reasons``)."""
    found: list[Reason] = []
    strength = theirs.strength[p]
    if strength is not None:
        found.append(Reason("they_offer", strength, theirs.offer[p], theirs.need[p]))
    strength = yours.strength[p]
    if strength is not None:
        found.append(Reason("you_offer", strength, yours.offer[p], yours.need[p]))
    if a.themes and b.theme_set:
        themes = tuple(t for t in a.themes if t in b.theme_set)
        if themes:
            found.append(Reason("shared_themes", theme, codes=themes))
    if a.keys and b.keys:
        mine = a.keyword_of
        keywords = tuple(dict.fromkeys(mine[kw] for kw in b.keys if kw in mine))
        if keywords:
            found.append(Reason("shared_keywords", similarity, codes=keywords))
    if len(found) > 1:
        found.sort(key=lambda r: -r.strength)
    if len(found) >= max_reasons:
        return found
    if a.sector != b.sector:
        found.append(Reason("cross_sector", 0.0, codes=(a.sector, b.sector)))
    if a.region and a.region == b.region:
        found.append(Reason("same_region", 0.0, codes=(a.region,)))
    if not found:
        found.append(_plain_quote(b.profile))
    return found


def _plain_quote(b: Profile) -> Reason:
    """Last resort when no component gives a reason: quote j's first offer or description."""
    if b.offers:
        return Reason("their_offer", 0.0, phrase=b.offers[0])
    first = b.description.strip().split(". ")[0][:120] or b.organisation
    return Reason("their_work", 0.0, phrase=first)
