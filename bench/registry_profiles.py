"""Real-looking organisation profiles for the registry benchmark (100,000 and more).

A national registry holds organisations, not event participants, so there is no planted
answer here: the benchmark measures how well the approximate index finds the exact top-10,
and for that the vectors must be distributed as real profiles' are. Every text is composed
from the project's own Finnish and Swedish material: the 35 topics of the planted bank
(``bench/data/planted_topics.json``: 5-6 offer and need paraphrases each, plus Swedish ones),
its same-field distractor statements, and the labels of :mod:`matcher.taxonomy` (regions,
themes, cooperation types). Each organisation gets a sector (the Soteuttamo shares), a region,
a language (6 % Swedish), 1-2 offered topics that its sector offers, 1-2 needed topics that
its sector needs, each as a paraphrase with an optional qualifier (its region, a target group,
a cooperation type or a delivery mode), sometimes a distractor, and a description naming its
sector, field, region and themes. Randomness is seeded.

Texts repeat across organisations (100,000 organisations have about 8,600 distinct need and
8,800 distinct offer statements and 7,700 distinct descriptions), so embedding them takes
minutes rather than hours on 2 cores; all but a handful of organisations differ in at least one
statement, so their pooled vectors differ. That repetition is the main way this set is
kinder than a real registry (more exact near-duplicates, only 35 fields).

Example:
    >>> people = registry_profiles(50, seed=1)
    >>> len(people), len({p.id for p in people})
    (50, 50)
    >>> all(p.offers and p.needs and p.description for p in people)
    True
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np

from bench.planted import BANK_PATH, Topic, topics
from matcher.profile import Profile
from matcher.taxonomy import COOPERATION_TYPES, REGIONS, SECTOR_LABELS, THEMES

SECTOR_SHARES = {
    "private": 0.45,
    "public": 0.235,
    "third_sector": 0.235,
    "education_research": 0.06,
    "other": 0.02,
}
SWEDISH_SHARE = 0.06
SWEDISH_REGIONS = ("uusimaa", "pohjanmaa", "varsinais_suomi", "ahvenanmaa")
GROUPS = {
    "fi": ("ikääntyneet", "lapsiperheet", "nuoret", "vammaiset henkilöt", "työikäiset", "omaishoitajat",
           "maahanmuuttajat", "mielenterveyskuntoutujat"),
    "sv": ("äldre", "barnfamiljer", "unga", "personer med funktionsnedsättning"),
}  # fmt: skip
MODES = {
    "fi": ("etäpalveluna", "ostopalveluna", "palvelusetelillä", "hankkeena", "kokeiluna"),
    "sv": ("på distans", "som köpt tjänst", "som projekt"),
}
WORDS = {
    "fi": {"group": "kohderyhmä", "coop": "yhteistyö", "area": "toiminta-alue", "themes": "teemat"},
    "sv": {"group": "målgrupp", "coop": "samarbete", "area": "verksamhetsområde", "themes": "teman"},
}
DESCRIPTIONS = {
    "fi": (
        "{Sector}: tuotamme {field}. {Area}: {region}.",
        "{Sector}, {area} {region}. Työmme painopiste: {field}.",
        "Olemme {kind} toimija ({region}); tarjoamme {field}.",
    ),
    "sv": ("{Sector}: vi erbjuder {field}. {Area}: {region}.", "{Sector} i {region} med fokus på {field}."),
}
KINDS = {
    "private": "yksityinen",
    "public": "julkinen",
    "third_sector": "kolmannen sektorin",
    "education_research": "koulutus- ja tutkimusalan",
    "other": "alueellinen",
}


@cache
def _distractors() -> dict[str, dict[str, tuple[str, ...]]]:
    raw: dict[str, Any] = json.loads(BANK_PATH.read_text(encoding="utf-8"))["distractors"]
    return {side: {th: tuple(v) for th, v in by_theme.items()} for side, by_theme in raw.items()}


def _choice(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _qualified(sentence: str, lang: str, region: str, rng: np.random.Generator) -> str:
    """``sentence`` with, 70 % of the time, one qualifier in brackets."""
    kind = rng.choice(5, p=[0.3, 0.2, 0.2, 0.15, 0.15])
    words = WORDS[lang]
    extra = (
        "",
        REGIONS[region].label(lang),
        f"{words['group']}: {_choice(rng, GROUPS[lang])}",
        f"{words['coop']}: {_choice(rng, [c.label(lang) for c in COOPERATION_TYPES.values()])}",
        _choice(rng, MODES[lang]),
    )[int(kind)]
    return f"{sentence.rstrip('.?! ')} ({extra})" if extra else sentence


def _statements(
    chosen: list[Topic], side: str, lang: str, region: str, rng: np.random.Generator
) -> tuple[str, ...]:
    out = [_qualified(_choice(rng, t.phrases(side, lang)), lang, region, rng) for t in chosen]
    pool = [s for t in chosen for th in t.themes for s in _distractors()[f"{side}_{lang}"].get(th, ())]
    if pool and rng.random() < 0.3:
        out.append(_choice(rng, pool))
    return tuple(out[int(i)] for i in rng.permutation(len(out)))


def _description(sector: str, lang: str, region: str, field_topic: Topic, rng: np.random.Generator) -> str:
    label = SECTOR_LABELS[sector].label(lang)
    field = field_topic.field_sv if lang == "sv" else field_topic.field_fi
    words = WORDS[lang]
    text = _choice(rng, DESCRIPTIONS[lang]).format(
        Sector=label[0].upper() + label[1:],
        kind=KINDS[sector],
        field=field,
        Area=words["area"].capitalize(),
        area=words["area"],
        region=REGIONS[region].label(lang),
    )
    if rng.random() < 0.5:
        themes = ", ".join(THEMES[th].label(lang) for th in field_topic.themes)
        text += f" {words['themes'].capitalize()}: {themes}."
    return text


def registry_profiles(n: int, seed: int = 0) -> list[Profile]:
    """``n`` organisation profiles (one person each, id ``org<i>``), seeded; see the module docstring."""
    if n < 1:
        raise ValueError(f"n: need at least one organisation, got {n}")
    rng = np.random.default_rng(seed)
    bank = topics()
    sectors = list(SECTOR_SHARES)
    mainland = [r for r in REGIONS if r != "ahvenanmaa"]
    people = []
    for i in range(n):
        sector = sectors[int(rng.choice(len(sectors), p=list(SECTOR_SHARES.values())))]
        lang = "sv" if rng.random() < SWEDISH_SHARE else "fi"
        region = _choice(rng, SWEDISH_REGIONS if lang == "sv" else mainland)
        can_offer = [t for t in bank if sector in t.offered_by] or list(bank)
        offered = [
            can_offer[int(k)]
            for k in rng.choice(len(can_offer), size=1 + int(rng.random() < 0.4), replace=False)
        ]
        can_need = [t for t in bank if sector in t.needed_by and t not in offered] or list(bank)
        needed = [
            can_need[int(k)]
            for k in rng.choice(len(can_need), size=1 + int(rng.random() < 0.5), replace=False)
        ]
        keywords = tuple(dict.fromkeys(k for t in offered for k in t.keywords_in(lang)))[:3]
        people.append(
            Profile(
                id=f"org{i}",
                organisation=f"org{i}",
                sector=sector,
                region=region,
                language=lang,
                description=_description(sector, lang, region, offered[0], rng),
                offers=_statements(offered, "offers", lang, region, rng),
                needs=_statements(needed, "needs", lang, region, rng),
                themes=tuple(dict.fromkeys(th for t in offered + needed for th in t.themes))[:4],
                keywords=keywords if rng.random() < 0.5 else (),
            )
        )
    return people
