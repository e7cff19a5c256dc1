"""The words on the printouts in Finnish (the default), Swedish and English, and the sector
marks: a shape and a letter per sector, so the mix at a table reads in black-and-white print
too (never colour alone). Hosts and facilitators are marked in words for the same reason
(:func:`role_words`).

Example:
    >>> words("sv")["table"], sector_mark("third_sector", "fi")
    ('Bord', '▲ K')
"""

from __future__ import annotations

from matcher.taxonomy import LANGUAGES, SECTOR_LABELS

SHAPES = {
    "private": "■",
    "public": "●",
    "third_sector": "▲",
    "education_research": "◆",
    "other": "✚",
}
"""One shape per sector: told apart by outline alone, all in DejaVu Sans."""

LETTERS = {
    "fi": {"private": "Y", "public": "J", "third_sector": "K", "education_research": "T", "other": "M"},
    "sv": {"private": "P", "public": "O", "third_sector": "T", "education_research": "U", "other": "A"},
    "en": {"private": "P", "public": "G", "third_sector": "V", "education_research": "E", "other": "O"},
}
"""One initial per sector and language (fi: Yksityinen, Julkinen, Kolmas sektori, koulutus ja
Tutkimus, Muu; en: Private, Government, Voluntary, Education, Other)."""

_WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "tables_title": "Pöytäsuunnitelma",
        "cards_title": "Pöytäkortit",
        "slips_title": "Osallistujien lipukkeet",
        "round": "Kierros",
        "table": "Pöytä",
        "name": "Nimi",
        "organisation": "Organisaatio",
        "sector": "Sektori",
        "people": "henkilöä",
        "sectors": "Sektorit",
        "at_table": "Tässä pöydässä",
        "starter": "Keskustelun avaus",
        "your_tables": "Pöytäsi kierroksittain",
        "your_meetings": "Kahdenkeskiset tapaamisesi",
        "meeting_table": "tapaamispöytä",
        "no_seat": "ei paikkaa",
        "bye": "vapaa kierros",
        "no_meetings": "Ei kahdenkeskisiä tapaamisia tässä tapahtumassa.",
        "your_page": "Oma sivusi: ehdotetut kumppanit, paikat ja palaute",
        "scan": "Skannaa koodi puhelimella",
        "page": "Sivu",
        "plan": "suunnitelma",
        "host": "isäntä",
        "facilitator": "fasilitaattori",
        "slip_host": "Olet pöydän {table} isäntä: pysyt pöydässä {table} kaikki kierrokset.",
        "slip_facilitator": "Olet fasilitaattori: ohjaat pöytäsi keskustelua joka kierroksella.",
    },
    "sv": {
        "tables_title": "Bordsplacering",
        "cards_title": "Bordskort",
        "slips_title": "Deltagarlappar",
        "round": "Omgång",
        "table": "Bord",
        "name": "Namn",
        "organisation": "Organisation",
        "sector": "Sektor",
        "people": "personer",
        "sectors": "Sektorer",
        "at_table": "Vid det här bordet",
        "starter": "Samtalsöppnare",
        "your_tables": "Ditt bord i varje omgång",
        "your_meetings": "Dina möten på tu man hand",
        "meeting_table": "mötesbord",
        "no_seat": "ingen plats",
        "bye": "fri omgång",
        "no_meetings": "Inga möten på tu man hand vid det här evenemanget.",
        "your_page": "Din egen sida: föreslagna partner, platser och respons",
        "scan": "Skanna koden med telefonen",
        "page": "Sida",
        "plan": "plan",
        "host": "värd",
        "facilitator": "facilitator",
        "slip_host": "Du är värd vid bord {table}: du stannar vid bord {table} i alla omgångar.",
        "slip_facilitator": "Du är facilitator: du leder samtalet vid ditt bord i varje omgång.",
    },
    "en": {
        "tables_title": "Table plan",
        "cards_title": "Table cards",
        "slips_title": "Participant slips",
        "round": "Round",
        "table": "Table",
        "name": "Name",
        "organisation": "Organisation",
        "sector": "Sector",
        "people": "people",
        "sectors": "Sectors",
        "at_table": "At this table",
        "starter": "Conversation starter",
        "your_tables": "Your table in each round",
        "your_meetings": "Your one-to-one meetings",
        "meeting_table": "meeting table",
        "no_seat": "no seat",
        "bye": "free round",
        "no_meetings": "No one-to-one meetings at this event.",
        "your_page": "Your own page: suggested partners, seats and feedback",
        "scan": "Scan the code with your phone",
        "page": "Page",
        "plan": "plan",
        "host": "host",
        "facilitator": "facilitator",
        "slip_host": "You host table {table}: you stay at table {table} for all rounds.",
        "slip_facilitator": "You are a facilitator: you facilitate the talk at your table each round.",
    },
}


def check_language(lang: str) -> str:
    """``lang`` if it is fi, sv or en; otherwise an error naming the parameter."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang: {lang!r} is not one of fi, sv, en")
    return lang


def words(lang: str) -> dict[str, str]:
    """The printouts' words in ``lang`` (fi, sv or en)."""
    return _WORDS[check_language(lang)]


def role_words(lang: str, *, host: bool, facilitator: bool) -> str:
    """The role marks of a seated person in ``lang``, e.g. ``'isäntä · fasilitaattori'``
    (empty for someone with neither role).

    Example:
        >>> role_words("sv", host=True, facilitator=False), role_words("en", host=False, facilitator=True)
        ('värd', 'facilitator')
    """
    w = words(lang)
    return " · ".join(w[key] for key, on in (("host", host), ("facilitator", facilitator)) if on)


def sector_mark(sector: str, lang: str) -> str:
    """Shape and initial of ``sector`` in ``lang``, e.g. ``'■ Y'``; an unknown sector is an error."""
    if sector not in SHAPES:
        raise ValueError(f"sector: {sector!r} is not a known sector code")
    return f"{SHAPES[sector]} {LETTERS[check_language(lang)][sector]}"


def sector_legend(lang: str) -> list[tuple[str, str]]:
    """``(mark, label)`` for every sector, in taxonomy order, for the key under a list."""
    return [(sector_mark(code, lang), SECTOR_LABELS[code].label(lang)) for code in SHAPES]
