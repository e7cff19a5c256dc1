"""Cell values as organisers type them to codes: sectors, regions, themes, sizes, languages,
yes/no, registration sources, in Finnish, Swedish or English.

Example:
    >>> PARSERS["sector"]("kolmas sektori"), parse_bool("kyllä")
    ('third_sector', True)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from matcher.taxonomy import LANGUAGES, REGIONS, SECTOR_LABELS, THEMES, Label
from models.validation import check_business_id, check_email

SPACES = re.compile(r"\s+")
_LIST_SEPARATORS = re.compile(r"[,;\n]")


def _labels_lookup(table: Mapping[str, Label], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, label in table.items():
        for text in (code, label.fi, label.sv, label.en):
            lookup[text.casefold()] = code
    for text, code in (extra or {}).items():
        lookup[text.casefold()] = code
    return lookup


_SECTORS = _labels_lookup(
    SECTOR_LABELS,
    {
        "yksityinen": "private",
        "yritys": "private",
        "julkinen": "public",
        "kolmas": "third_sector",
        "järjestö": "third_sector",
        "third_sector": "third_sector",
        "privat": "private",
        "offentlig": "public",
        "tredje sektorn": "third_sector",
        "third sector": "third_sector",
        "education and research": "education_research",
        "koulutus- ja tutkimus": "education_research",
        "utbildning och forskning": "education_research",
    },
)
_REGIONS = _labels_lookup(REGIONS)
_THEMES = _labels_lookup(THEMES)
_SIZES: dict[str, str] = {
    **{s: s for s in ("micro", "small", "medium", "large")},
    **{"mikro": "micro", "pieni": "small", "keskisuuri": "medium", "suuri": "large"},
    **{"liten": "small", "medelstor": "medium", "stor": "large"},
}
_LANGUAGES: dict[str, str] = {
    **{code: code for code in LANGUAGES},
    **{"suomi": "fi", "ruotsi": "sv", "englanti": "en", "finnish": "fi", "swedish": "sv", "english": "en"},
    **{"svenska": "sv", "finska": "fi", "engelska": "en", "suomeksi": "fi", "ruotsiksi": "sv"},
}
_YES = frozenset({"kyllä", "k", "ja", "j", "yes", "y", "1", "x", "true", "tosi"})
_NO = frozenset({"ei", "e", "nej", "n", "no", "0", "", "false", "epätosi"})
_SOURCES = {
    "ennakko": "pre_registered",
    "ennakkoon": "pre_registered",
    "ennakkoilmoittautuminen": "pre_registered",
    "pre_registered": "pre_registered",
    "pre-registered": "pre_registered",
    "förhand": "pre_registered",
    "paikan päällä": "walk_in",
    "paikan päällä (walk-in)": "walk_in",
    "walk-in": "walk_in",
    "walk_in": "walk_in",
    "walk in": "walk_in",
    "på plats": "walk_in",
}


def _lookup(value: str, table: Mapping[str, str], what: str) -> str:
    found = table.get(SPACES.sub(" ", value.strip()).casefold())
    if found is None:
        raise ValueError(f"{value!r} is not a known {what}")
    return found


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATORS.split(value) if item.strip()]


def parse_list(value: str, table: Mapping[str, str], what: str) -> list[str]:
    """Comma-separated labels or codes to codes, in order, without repeats.

    Example:
        >>> parse_list("Kotihoito, digital services, kotihoito", _THEMES, "theme")
        ['home_care', 'digital_services']
    """
    unknown = [item for item in _split_list(value) if item.casefold() not in table]
    if unknown:
        quoted = ", ".join(repr(u) for u in unknown)
        verb = f"is not a known {what}" if len(unknown) == 1 else f"are not known {what}s"
        raise ValueError(f"{quoted} {verb}")
    return list(dict.fromkeys(table[item.casefold()] for item in _split_list(value)))


def parse_bool(value: str) -> bool:
    """Yes/no as organisers write it: kyllä/ei, ja/nej, yes/no, 1/0, x/empty."""
    text = value.strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"{value!r} is not yes or no (kyllä/ei, ja/nej, yes/no, 1/0, x/empty)")


def _clean_text(value: str) -> str:
    lines = [line.strip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


PARSERS: dict[str, Callable[[str], Any]] = {
    "business_id": check_business_id,
    "sector": lambda v: _lookup(v, _SECTORS, "sector (yksityinen, julkinen, kolmas sektori, ...)"),
    "region": lambda v: _lookup(v, _REGIONS, "region (maakunta)"),
    "size_class": lambda v: _lookup(v, _SIZES, "size class (mikro, pieni, keskisuuri, suuri)"),
    "language": lambda v: _lookup(v, _LANGUAGES, "language (fi, sv, en)"),
    "themes": lambda v: parse_list(v, _THEMES, "theme"),
    "languages": lambda v: parse_list(v, _LANGUAGES, "language"),
    "keywords": lambda v: list(dict.fromkeys(_split_list(v))),
    "email": check_email,
    "registration": lambda v: _lookup(v, _SOURCES, "registration (ennakko, paikan päällä)"),
    "consent_email": parse_bool,
    "consent_share_contact": parse_bool,
    "description": _clean_text,
    "offers": _clean_text,
    "needs": _clean_text,
}
