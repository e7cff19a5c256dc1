"""Which profiles are too thin to match well, so organisers can ask for more before the event.

The engine pairs one side's needs with the other's offers and reads themes and the
description for context; a profile with no needs can only be found, never served, and a
one-word offer ("kotihoito") gives the matcher little to recognise a paraphrase by.
:func:`profile_flags` names each such gap with a stable code (:data:`FLAGS`, in the order
they are reported); the organiser's list, route and command show them per person.

Example:
    >>> p = Profile(id="1", organisation="1", sector="private", offers=("kotihoito",))
    >>> profile_flags(p)
    ['no_needs', 'one_word_offers', 'no_themes', 'short_description']
"""

from __future__ import annotations

from matcher.profile import Profile

FLAGS: dict[str, str] = {
    "no_offers": "no offers: others cannot find what this organisation gives",
    "no_needs": "no needs: the engine has nothing to find partners for",
    "one_word_offers": "every offer is a single word: too little to recognise a paraphrase by",
    "one_word_needs": "every need is a single word: too little to recognise a paraphrase by",
    "no_themes": "no themes: theme reasons and theme tables cannot place this person",
    "short_description": "no description, or only a few words",
}
"""Every flag code with what it means (English; for organisers and the API's documentation)."""

SHORT_DESCRIPTION_WORDS = 5
"""A description of fewer words than this is flagged ``short_description`` (empty included)."""


def word_count(text: str) -> int:
    """Words of ``text`` as separated by white space (a compound or hyphenated word is one).

    Example:
        >>> word_count("IT-tuki  ja  kotihoito"), word_count("  ")
        (3, 0)
    """
    return len(text.split())


def _all_one_word(statements: tuple[str, ...]) -> bool:
    return bool(statements) and all(word_count(s) <= 1 for s in statements)


def profile_flags(profile: Profile, *, short_description_words: int = SHORT_DESCRIPTION_WORDS) -> list[str]:
    """The codes of :data:`FLAGS` that apply to ``profile``, in the order of :data:`FLAGS`.

    ``one_word_offers`` (``one_word_needs``) applies when there are offers (needs) and every
    one is a single word: one rich statement beside a terse one is enough to match on.
    An empty list means nothing is missing.

    Example:
        >>> full = Profile(id="2", organisation="2", sector="public",
        ...                description="Kunnan kotihoidon yksikkö, 40 hoitajaa Hämeenlinnassa.",
        ...                offers=("yöpartiointi ikäihmisille",), needs=("etälääkäripalvelu",),
        ...                themes=("home_care",))
        >>> profile_flags(full)
        ['one_word_needs']
    """
    if short_description_words < 0:
        raise ValueError(f"short_description_words: must be at least 0, got {short_description_words}")
    found = {
        "no_offers": not profile.offers,
        "no_needs": not profile.needs,
        "one_word_offers": _all_one_word(profile.offers),
        "one_word_needs": _all_one_word(profile.needs),
        "no_themes": not profile.themes,
        "short_description": word_count(profile.description) < short_description_words,
    }
    return [code for code in FLAGS if found[code]]
