"""External baselines of the quality benchmark: TF-IDF, BM25 and one dense vector, given every field.

The engine reads a profile's offers, needs, description, keywords, themes, sector and region;
a baseline that reads less is a straw man. So each baseline here sees all of them, in two
shapes:

* *whole profile*: :func:`profile_document` (every field as one text, themes, sector and region
  as their labels in the profile's language), one symmetric similarity per pair;
* *needs → offers, both ways*: i's needs as a query against j's offers and j's needs against
  i's offers, averaged: the reciprocity the engine builds in, without its calibration.

:class:`BM25` is Okapi BM25 (k1 = 1.2, b = 0.75, the textbook values, not tuned here) over
word prefixes of 5 characters, a crude stemmer for Finnish and Swedish inflection.

Example:
    >>> bm = BM25().fit(["lasten perhetyö", "kotihoidon yöpartiointi", "kotihoito"])
    >>> int(bm.scores(["yöpartiointia kotihoitoon"]).argmax())
    1
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matcher.embed import Embedder
from matcher.lexical import LexicalSpace
from matcher.profile import Profile
from matcher.taxonomy import REGIONS, SECTOR_LABELS, THEMES

F64 = NDArray[np.float64]
_WORD = re.compile(r"\w+", re.UNICODE)


def _language(p: Profile) -> str:
    return p.language if p.language in ("fi", "sv", "en") else "fi"


def profile_document(p: Profile) -> str:
    """Every field the engine reads, as one text: the baselines' view of a profile.

    Example:
        >>> p = Profile(id="1", organisation="A", sector="public", region="uusimaa",
        ...             offers=("kotihoito",), themes=("home_care",), keywords=("yö",))
        >>> profile_document(p)
        'kotihoito. yö. kotihoito. julkinen sektori. Uusimaa'
    """
    lang = _language(p)
    labels = [THEMES[t].label(lang) for t in p.themes] + [SECTOR_LABELS[p.sector].label(lang)]
    if p.region in REGIONS:
        labels.append(REGIONS[p.region].label(lang))
    parts = [p.description.strip(), *p.offers, *p.needs, ", ".join(p.keywords), *labels]
    return ". ".join(x for x in parts if x)


def tokens(text: str, prefix: int = 5) -> list[str]:
    """Lower-cased words cut to ``prefix`` characters (``kotihoidon`` and ``kotihoito`` meet)."""
    return [w[:prefix] for w in _WORD.findall(text.casefold())]


class BM25:
    """Okapi BM25 over a fixed set of documents; :meth:`scores` ranks them for each query."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, prefix: int = 5) -> None:
        self.k1 = k1
        self.b = b
        self.prefix = prefix

    def fit(self, documents: Sequence[str]) -> BM25:
        """Index ``documents``: term weights ``idf * tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl))``."""
        docs = [tokens(d, self.prefix) for d in documents]
        self.vocabulary_ = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
        tf = np.zeros((len(docs), max(len(self.vocabulary_), 1)))
        for r, d in enumerate(docs):
            np.add.at(tf[r], [self.vocabulary_[t] for t in d], 1.0)
        length = tf.sum(axis=1, keepdims=True)
        norm = self.k1 * (1 - self.b + self.b * length / max(float(length.mean()), 1e-9))
        df = (tf > 0).sum(axis=0)
        idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        self.weights_ = idf * tf * (self.k1 + 1) / (tf + norm)
        return self

    def scores(self, queries: Sequence[str]) -> F64:
        """(len(queries), len(documents)) BM25 scores; each distinct query term counts once."""
        q = np.zeros((len(queries), self.weights_.shape[1]))
        for r, text in enumerate(queries):
            q[r, [self.vocabulary_[t] for t in set(tokens(text, self.prefix)) if t in self.vocabulary_]] = 1.0
        return np.asarray(q @ self.weights_.T, dtype=np.float64)


def _joined(profiles: Sequence[Profile], side: str) -> list[str]:
    return [". ".join(getattr(p, side)) for p in profiles]


def _both_ways(needs_to_offers: F64) -> F64:
    """Average of i's needs against j's offers and j's needs against i's offers."""
    return (needs_to_offers + needs_to_offers.T) / 2


def tfidf_whole(profiles: Sequence[Profile], embedder: Embedder | None = None) -> F64:
    """Cosine of character 3-5-gram TF-IDF (as :class:`matcher.LexicalSpace`) of whole profiles."""
    x = LexicalSpace().fit_transform([profile_document(p) for p in profiles])
    return np.asarray((x @ x.T).toarray(), dtype=np.float64)


def tfidf_needs_offers(profiles: Sequence[Profile], embedder: Embedder | None = None) -> F64:
    """TF-IDF cosine of needs against offers, both ways."""
    needs, offers = _joined(profiles, "needs"), _joined(profiles, "offers")
    space = LexicalSpace().fit(needs + offers)
    return _both_ways(
        np.asarray((space.transform(needs) @ space.transform(offers).T).toarray(), dtype=np.float64)
    )


def bm25_whole(profiles: Sequence[Profile], embedder: Embedder | None = None) -> F64:
    """BM25 of each whole profile as a query against the others."""
    docs = [profile_document(p) for p in profiles]
    return BM25().fit(docs).scores(docs)


def bm25_needs_offers(profiles: Sequence[Profile], embedder: Embedder | None = None) -> F64:
    """BM25 of each profile's needs as a query against the others' offers, both ways."""
    return _both_ways(BM25().fit(_joined(profiles, "offers")).scores(_joined(profiles, "needs")))


def dense_whole(profiles: Sequence[Profile], embedder: Embedder) -> F64:
    """Cosine of one vector per whole profile, from the engine's own model."""
    v = embedder.encode([profile_document(p) for p in profiles])
    return np.asarray(v @ v.T, dtype=np.float64)


def dense_needs_offers(profiles: Sequence[Profile], embedder: Embedder) -> F64:
    """Cosine of one needs vector against one offers vector per profile, both ways."""
    needs, offers = embedder.encode(_joined(profiles, "needs")), embedder.encode(_joined(profiles, "offers"))
    return _both_ways(np.asarray(needs @ offers.T, dtype=np.float64))


def texts_to_embed(profiles: Sequence[Profile]) -> list[str]:
    """Every text the dense baselines embed (to warm the cache in one batch)."""
    return [profile_document(p) for p in profiles] + _joined(profiles, "needs") + _joined(profiles, "offers")
