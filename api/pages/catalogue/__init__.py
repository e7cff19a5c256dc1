"""The pages' words, one small catalogue per language (``fi``, the default, ``sv``, ``en``):
every string a page shows comes from here, so a translator edits one file per language.

Keys are dotted (``login.title``); values may hold ``{name}`` fields filled by
:func:`translate`. A test checks that the three catalogues have exactly the same keys and
the same fields, and that every key a template uses exists.

Example:
    >>> translate("sv", "participant.round", number=2)
    'Omgång 2'
    >>> translate("xx", "login.title")
    Traceback (most recent call last):
    ...
    ValueError: language: 'xx' is not one of fi, sv, en
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from api.pages.catalogue import en, fi, sv
from matcher.taxonomy import LANGUAGES

CATALOGUES = MappingProxyType({"fi": fi.STRINGS, "sv": sv.STRINGS, "en": en.STRINGS})
DEFAULT_LANGUAGE = "fi"
LANGUAGE_NAMES = MappingProxyType({"fi": "suomi", "sv": "svenska", "en": "English"})


def translate(language: str, key: str, **fields: Any) -> str:
    """The string ``key`` in ``language`` with ``fields`` filled in; an unknown language or
    key is an error naming it (never a silent fallback to another language)."""
    if language not in LANGUAGES:
        raise ValueError(f"language: {language!r} is not one of {', '.join(LANGUAGES)}")
    try:
        text = CATALOGUES[language][key]
    except KeyError:
        raise KeyError(f"catalogue {language}: no string {key!r}") from None
    return text.format(**fields) if fields else text
