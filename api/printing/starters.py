"""Conversation starters for a table card, drawn from what the people seated there share:
themes two organisations at the table both work on (labels of :data:`matcher.taxonomy.THEMES`),
and a need of one person that another's offer answers, found with the engine's lexical
channel (:class:`matcher.LexicalSpace`, character n-grams, so Finnish inflections match).
Pure: no database, no model weights.

Example:
    >>> people = [
    ...     StarterPerson("Maija", "1", themes=("home_care",), needs=("kotihoidon yöpartiointi",)),
    ...     StarterPerson("Pekka", "2", themes=("home_care",), offers=("yöpartiointi kotihoitoon",)),
    ... ]
    >>> themes, need = ConversationStarters(lang="fi").fit(people).for_table([0, 1])
    >>> print(themes)
    Yhteinen teema: kotihoito. Mitä teette sen parissa nyt, ja mitä voisitte kehittää yhdessä?
    >>> print(need.split(" – ")[1])
    Pekka tarjoaa: ”yöpartiointi kotihoitoon”. Voisitteko auttaa toisianne?
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from api.printing.texts import check_language
from matcher import LexicalSpace
from matcher.taxonomy import THEMES

_THEMES = {
    "fi": ("Yhteinen teema: {labels}.", "Yhteisiä teemoja: {labels}."),
    "sv": ("Gemensamt tema: {labels}.", "Gemensamma teman: {labels}."),
    "en": ("Shared theme: {labels}.", "Shared themes: {labels}."),
}
_THEME_QUESTION = {
    "fi": "Mitä teette sen parissa nyt, ja mitä voisitte kehittää yhdessä?",
    "sv": "Vad gör ni inom det nu, och vad kunde ni utveckla tillsammans?",
    "en": "What are you doing on it now, and what could you develop together?",
}
_NEED_OFFER = {
    "fi": "{a} etsii: ”{need}” – {b} tarjoaa: ”{offer}”. Voisitteko auttaa toisianne?",
    "sv": "{a} söker: ”{need}” – {b} erbjuder: ”{offer}”. Kan ni hjälpa varandra?",
    "en": "{a} is looking for “{need}”; {b} offers “{offer}”. Could you help each other?",
}
_FALLBACK = {
    "fi": "Kertokaa vuorollaan: mitä organisaationne tarjoaa, ja mitä etsitte tänään?",
    "sv": "Berätta i tur och ordning: vad erbjuder er organisation, och vad söker ni i dag?",
    "en": "Take turns: what does your organisation offer, and what are you looking for today?",
}
QUOTE_CHARS = 80


@dataclass(frozen=True)
class StarterPerson:
    """What a starter may quote of a person; ``organisation`` is the key colleagues share."""

    name: str
    organisation: str
    themes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def shared_themes(people: Sequence[StarterPerson], members: Sequence[int]) -> list[str]:
    """Theme codes that at least two organisations at the table share, most shared first
    (ties in taxonomy order).

    Example:
        >>> a, b = StarterPerson("A", "1", themes=("impact",)), StarterPerson("B", "1", themes=("impact",))
        >>> shared_themes([a, b], [0, 1])  # colleagues: one organisation
        []
    """
    orgs_by_theme: dict[str, set[str]] = {}
    for i in members:
        for code in people[i].themes:
            orgs_by_theme.setdefault(code, set()).add(people[i].organisation)
    counts = Counter({code: len(orgs) for code, orgs in orgs_by_theme.items() if len(orgs) >= 2})
    order = {code: k for k, code in enumerate(THEMES)}
    return sorted(counts, key=lambda code: (-counts[code], order.get(code, len(order))))


class ConversationStarters:
    """Writes up to two starters per table (shared themes, a need another offers), else a
    general question; :meth:`fit` learns the lexical space of the event's statements.

    ``min_similarity`` is the least lexical cosine for a need and an offer to count as a
    match; ``max_themes`` how many shared themes one starter names.
    """

    def __init__(self, *, lang: str = "fi", min_similarity: float = 0.3, max_themes: int = 2) -> None:
        self.lang = lang
        self.min_similarity = min_similarity
        self.max_themes = max_themes

    def fit(self, people: Sequence[StarterPerson]) -> ConversationStarters:
        """Learn from everyone's needs and offers; returns ``self``."""
        check_language(self.lang)
        self.people_ = list(people)
        statements = [s for p in self.people_ for s in (*p.needs, *p.offers)]
        self.vectors_: Any = None
        self.rows_: list[tuple[list[int], list[int]]] = []
        row = 0
        for p in self.people_:
            needs = list(range(row, row + len(p.needs)))
            offers = list(range(row + len(p.needs), row + len(p.needs) + len(p.offers)))
            self.rows_.append((needs, offers))
            row += len(p.needs) + len(p.offers)
        if any(s.strip() for s in statements):
            self.vectors_ = LexicalSpace().fit_transform(statements)
        return self

    def need_offer(self, members: Sequence[int]) -> tuple[int, str, int, str] | None:
        """The best (person, need, other person, offer) at the table above ``min_similarity``,
        between two organisations; ``None`` if there is none."""
        if self.vectors_ is None:
            return None
        needs = [(i, r) for i in members for r in self.rows_[i][0]]
        offers = [(j, r) for j in members for r in self.rows_[j][1]]
        if not needs or not offers:
            return None
        sims = (self.vectors_[[r for _, r in needs]] @ self.vectors_[[r for _, r in offers]].T).toarray()
        orgs = [self.people_[i].organisation for i, _ in needs]
        other = [self.people_[j].organisation for j, _ in offers]
        sims[np.asarray(orgs)[:, None] == np.asarray(other)[None, :]] = -1.0
        a, b = np.unravel_index(int(np.argmax(sims)), sims.shape)
        if sims[a, b] < self.min_similarity:
            return None
        (i, need_row), (j, offer_row) = needs[int(a)], offers[int(b)]
        p, q = self.people_[i], self.people_[j]
        return i, p.needs[need_row - self.rows_[i][0][0]], j, q.offers[offer_row - self.rows_[j][1][0]]

    def for_table(self, members: Sequence[int]) -> tuple[str, ...]:
        """The starters for the people at positions ``members`` (of the fitted people)."""
        lang = self.lang
        lines = []
        codes = shared_themes(self.people_, members)[: self.max_themes]
        if codes:
            labels = ", ".join(THEMES[c].label(lang) for c in codes)
            lines.append(_THEMES[lang][len(codes) > 1].format(labels=labels) + " " + _THEME_QUESTION[lang])
        found = self.need_offer(members)
        if found is not None:
            i, need, j, offer = found
            a, b = self.people_[i].name, self.people_[j].name
            lines.append(_NEED_OFFER[lang].format(a=a, need=_quote(need), b=b, offer=_quote(offer)))
        return tuple(lines) or (_FALLBACK[lang],)
