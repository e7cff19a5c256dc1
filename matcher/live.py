"""Affinity of an event in progress: walk-ins cost one new row and column, not a recomputation.

:class:`LiveAffinity` keeps every profile's statement vectors, the fitted lexical space
and the frozen calibration of the morning's computation. :meth:`LiveAffinity.add`
embeds only the walk-in's statements and scores its row and column against everyone;
:meth:`LiveAffinity.remove` drops a row and column. Scores of existing pairs never change,
so suggestions already sent stay consistent.

Example:
    >>> from matcher.embed import HashingEmbedder
    >>> from matcher.profile import Profile
    >>> texts = ["kotihoito", "ruokapalvelu", "kuljetus", "digipalvelut"]
    >>> ps = [Profile(id=str(i), organisation=str(i), sector="public", offers=(texts[i],),
    ...               needs=(texts[(i + 1) % 4],)) for i in range(4)]
    >>> live = LiveAffinity(ps, HashingEmbedder())
    >>> live.add(Profile(id="walk-in", organisation="W", sector="private", needs=("kuljetus",)))
    >>> live.affinity.matrix.shape
    (5, 5)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import MappingProxyType

import numpy as np

from matcher.affinity import (
    Affinity,
    AffinityConfig,
    StatementScorer,
    _apply_exclusions,
    affinity_from_vectors,
    combine,
    encode_channels,
    exclusion_mask,
    lexical_space,
    region_factor,
    sector_weight,
    theme_overlap,
)
from matcher.profile import Profile
from matcher.statements import F32, CharNgramSpace, Encoder, Statements, Vectors
from matcher.suggest import SuggestConfig, Suggestion, suggest_from_affinity


def _grow(matrix: F32, row: F32, col: F32) -> F32:
    """``matrix`` with ``row`` (1, n+1) appended below and ``col`` (n+1, 1) on the right."""
    n = matrix.shape[0]
    out = np.empty((n + 1, n + 1), dtype=matrix.dtype)
    out[:n, :n] = matrix
    out[n, :] = row[0]
    out[:, n] = col[:, 0]
    return out


def _stack(a: F32 | None, b: F32 | None) -> F32 | None:
    return None if a is None or b is None else np.vstack([a, b]).astype(np.float32)


def _concat(a: Vectors, b: Vectors) -> Vectors:
    return Vectors(
        np.vstack([a.needs, b.needs]).astype(np.float32),
        np.vstack([a.offers, b.offers]).astype(np.float32),
        np.vstack([a.texts, b.texts]).astype(np.float32),
        _stack(a.joined_needs, b.joined_needs),
        _stack(a.joined_offers, b.joined_offers),
    )


def _drop(v: Vectors, st: Statements, index: int) -> Vectors:
    def without(rows: F32 | None) -> F32 | None:
        return None if rows is None else np.delete(rows, index, 0)

    return Vectors(
        v.needs[st.need_owner != index],
        v.offers[st.offer_owner != index],
        np.delete(v.texts, index, 0),
        without(v.joined_needs),
        without(v.joined_offers),
    )


class LiveAffinity:
    """Scores of an event that changes during the day (walk-ins, people leaving).

    ``embedder`` must stay warm (loaded) for ``add`` to be fast; the lexical space and the
    calibration are fitted once, at construction, on the profiles given then.
    """

    def __init__(
        self,
        profiles: Sequence[Profile],
        embedder: Encoder,
        config: AffinityConfig | None = None,
        *,
        exclude: Iterable[tuple[str, str]] = (),
        opted_out: Iterable[str] = (),
    ):
        self.embedder = embedder
        self.config = config or AffinityConfig()
        self.exclude = tuple((str(a), str(b)) for a, b in exclude)
        self.opted_out = frozenset(opted_out)
        statements = Statements.of(profiles)
        self._space: CharNgramSpace | None = None
        if self.config.lexical_weight > 0:
            self._space = lexical_space(statements, self.config)
        dense, lexical = encode_channels(statements, embedder, self._space, self.config)
        self._affinity = affinity_from_vectors(
            profiles, dense, lexical, self.config, exclude=self.exclude, opted_out=self.opted_out
        )

    @property
    def affinity(self) -> Affinity:
        """The current scores (a frozen snapshot)."""
        return self._affinity

    def add(self, profile: Profile) -> None:
        """Add a walk-in: embeds its statements and scores one new row and column."""
        aff = self._affinity
        if profile.id in aff.ids:
            raise ValueError(f"profile: id {profile.id!r} is already in the event")
        profiles = (*aff.profiles, profile)
        statements = Statements.of(profiles)
        new = Statements.of([profile])
        scorer = aff.scorer
        space = self._space if scorer.lexical is not None else None
        new_dense, new_lexical = encode_channels(new, self.embedder, space, self.config)
        dense = _concat(scorer.dense, new_dense)
        lexical = None
        if scorer.lexical is not None and new_lexical is not None:
            lexical = _concat(scorer.lexical, new_lexical)
        scorer = scorer.with_profiles(statements, dense, lexical)
        self._affinity = self._extend(aff, profiles, scorer)

    def _extend(self, aff: Affinity, profiles: tuple[Profile, ...], scorer: StatementScorer) -> Affinity:
        n = len(profiles) - 1
        me, everyone = np.array([n], np.int64), np.arange(n + 1, dtype=np.int64)
        cfg, one = self.config, [profiles[n]]
        row = {
            "complementarity": scorer.complementarity(me, everyone),
            "theme": theme_overlap(one, profiles),
            "similarity": (scorer.similarity(me, everyone) + scorer.similarity(everyone, me).T)
            * np.float32(0.5),
            "sector": sector_weight(one, profiles, cfg),
            "region": region_factor(one, profiles, cfg),
        }
        col = {name: value.T for name, value in row.items()}
        col["complementarity"] = scorer.complementarity(everyone, me)
        components = {name: _grow(aff.components[name], row[name], col[name]) for name in row}
        c = row
        matrix_row = combine(
            c["complementarity"],
            col["complementarity"].T,
            c["theme"],
            c["similarity"],
            c["sector"],
            c["region"],
            cfg,
        )
        matrix = _grow(np.where(aff.excluded, 0, aff.matrix).astype(np.float32), matrix_row, matrix_row.T)
        excluded = exclusion_mask(profiles, self.exclude, self.opted_out)
        return Affinity(
            profiles, _apply_exclusions(matrix, excluded), MappingProxyType(components), scorer, excluded
        )

    def remove(self, profile_id: str) -> None:
        """Drop a profile (left the event): its row and column go, nothing is recomputed."""
        aff = self._affinity
        if profile_id not in aff.index:
            raise ValueError(f"profile_id: {profile_id!r} is not in the event")
        k = aff.index[profile_id]
        profiles = aff.profiles[:k] + aff.profiles[k + 1 :]
        st = aff.scorer.statements
        dense = _drop(aff.scorer.dense, st, k)
        lexical = _drop(aff.scorer.lexical, st, k) if aff.scorer.lexical is not None else None
        scorer = aff.scorer.with_profiles(Statements.of(profiles), dense, lexical)
        keep = np.delete(np.arange(len(aff.profiles)), k)
        sub = np.ix_(keep, keep)
        components = {name: np.ascontiguousarray(m[sub]) for name, m in aff.components.items()}
        self._affinity = Affinity(
            profiles,
            np.ascontiguousarray(aff.matrix[sub]),
            MappingProxyType(components),
            scorer,
            aff.excluded[sub],
        )

    def suggest(
        self, k: int = 5, *, present: Iterable[str] | None = None, config: SuggestConfig | None = None
    ) -> list[list[Suggestion]]:
        """:func:`matcher.suggest_from_affinity` on the current scores."""
        return suggest_from_affinity(self._affinity, k, present=present, config=config)
