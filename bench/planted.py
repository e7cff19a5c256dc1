"""Planted-complementarity events in Finnish: synthetic participants with known good partners.

The engine's quality benchmark needs events where the right answer is known. Each
organisation here is built from *topics* of a hand-written bank (``bench/data/planted_topics.json``:
35 concrete sote services such as night patrols for home care, home rehabilitation, foster
care, personal budgeting, impact measurement), each written as 5-6 Finnish paraphrases for
the offer side, 5-6 for the need side and 2 + 2 in Swedish. Organisations are paired, mostly
across sectors, so that A offers a topic B needs and B offers another topic A needs: a
*reciprocal* complementarity. Fillers make the task realistic: one-sided complementarities
(someone needs what you offer, but you need nothing of theirs), same-field statements nobody
needs, and descriptions that name each organisation's field, so that ten home-care firms look
alike but only one of them is your partner.

Ground truth is exact: ``good_partners`` holds every reciprocal topic complementarity in the
event (planted pairs, plus the rare accidental one the generator could not avoid), and fillers
are only added where they create none. Paraphrases are drawn least-used first, so a 60-org
event rarely repeats a sentence, and never with the same words inside a good pair. For the
speed benchmarks, ``generate_event(650, people_per_org=(1, 3))`` gives about 1,300 participants
in about a second.

Example:
    >>> event = generate_event(20, seed=1)
    >>> len({p.organisation for p in event.profiles})
    20
    >>> all(event.good_partners[p.id] for p in event.profiles)
    True
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.profile import Profile
from matcher.taxonomy import SECTORS, THEMES

BANK_PATH = Path(__file__).parent / "data" / "planted_topics.json"

# Participants by sector at the Soteuttamo 2.0 events (DOMAIN.md); "other" 8 % split.
SECTOR_SHARES = {
    "private": 0.45,
    "public": 0.235,
    "third_sector": 0.235,
    "education_research": 0.06,
    "other": 0.02,
}
FINNISH_REGIONS = {
    "kanta_hame": 0.6,
    "pirkanmaa": 0.14,
    "paijat_hame": 0.12,
    "uusimaa": 0.1,
    "varsinais_suomi": 0.04,
}
SWEDISH_REGIONS = {"uusimaa": 0.6, "pohjanmaa": 0.25, "varsinais_suomi": 0.15}
REGION_IN_FI = {
    "kanta_hame": "Kanta-Hämeessä",
    "pirkanmaa": "Pirkanmaalla",
    "paijat_hame": "Päijät-Hämeessä",
    "uusimaa": "Uudellamaalla",
    "varsinais_suomi": "Varsinais-Suomessa",
    "pohjanmaa": "Pohjanmaalla",
}
REGION_IN_SV = {"uusimaa": "i Nyland", "pohjanmaa": "i Österbotten", "varsinais_suomi": "i Egentliga Finland"}


@dataclass(frozen=True)
class Topic:
    """One concrete service that some organisations offer and others need, in many wordings."""

    code: str
    themes: tuple[str, ...]
    offered_by: frozenset[str]
    needed_by: frozenset[str]
    field_fi: str
    field_sv: str
    keywords_fi: tuple[str, ...]
    keywords_sv: tuple[str, ...]
    offers_fi: tuple[str, ...]
    needs_fi: tuple[str, ...]
    offers_sv: tuple[str, ...]
    needs_sv: tuple[str, ...]

    def phrases(self, side: str, language: str) -> tuple[str, ...]:
        """The paraphrases of this topic for ``side`` (offers, needs) in ``language`` (fi, sv)."""
        if side not in ("offers", "needs") or language not in ("fi", "sv"):
            raise ValueError(f"side, language: {side!r}, {language!r} must be offers/needs and fi/sv")
        return tuple(getattr(self, f"{side}_{language}"))

    def keywords_in(self, language: str) -> tuple[str, ...]:
        """Free keywords of this topic in ``language`` (fi, sv)."""
        return self.keywords_sv if language == "sv" else self.keywords_fi


@dataclass(frozen=True)
class PlantedEvent:
    """A synthetic event with known answers.

    ``good_partners`` maps a profile id to the ids of every profile whose organisation is in a
    reciprocal complementarity with its own (each offers a topic the other needs); it is
    symmetric and never contains the same organisation. ``offer_topics`` / ``need_topics`` give
    each profile's topic codes (distractor statements have none), for debugging and for checks.
    ``planted_pairs`` are the organisation pairs the generator planted on purpose.
    """

    profiles: list[Profile]
    good_partners: dict[str, frozenset[str]]
    offer_topics: dict[str, frozenset[str]]
    need_topics: dict[str, frozenset[str]]
    planted_pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Bank:
    topics: tuple[Topic, ...]
    distractors: dict[str, dict[str, tuple[str, ...]]]  # side_language -> theme or 'any' -> sentences
    paraphrase_pairs: tuple[tuple[str, str], ...]
    unrelated_pairs: tuple[tuple[str, str], ...]
    translations: tuple[tuple[str, str, str], ...]


def _check_topic(raw: dict[str, Any]) -> Topic:
    code = str(raw["code"])

    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(x) for x in raw[key])

    topic = Topic(
        code=code,
        themes=strings("themes"),
        offered_by=frozenset(strings("offered_by")),
        needed_by=frozenset(strings("needed_by")),
        field_fi=str(raw["field_fi"]),
        field_sv=str(raw["field_sv"]),
        keywords_fi=strings("keywords_fi"),
        keywords_sv=strings("keywords_sv"),
        offers_fi=strings("offers_fi"),
        needs_fi=strings("needs_fi"),
        offers_sv=strings("offers_sv"),
        needs_sv=strings("needs_sv"),
    )
    if unknown := [t for t in topic.themes if t not in THEMES]:
        raise ValueError(f"planted topic {code!r}: unknown themes {unknown}")
    if unknown := sorted((topic.offered_by | topic.needed_by) - set(SECTORS)):
        raise ValueError(f"planted topic {code!r}: unknown sectors {unknown}")
    for side in ("offers", "needs"):
        if len(topic.phrases(side, "fi")) < 5 or len(topic.phrases(side, "sv")) < 2:
            raise ValueError(
                f"planted topic {code!r}: {side} needs >= 5 Finnish and >= 2 Swedish paraphrases"
            )
    return topic


@cache
def _bank() -> _Bank:
    """Load and validate the topic bank once; every sentence must be unique across the bank."""
    raw = json.loads(BANK_PATH.read_text(encoding="utf-8"))
    topics = tuple(_check_topic(t) for t in raw["topics"])
    distractors = {k: {th: tuple(v) for th, v in m.items()} for k, m in raw["distractors"].items()}
    if unknown := sorted({th for m in distractors.values() for th in m} - set(THEMES) - {"any"}):
        raise ValueError(f"planted topic bank: distractors under unknown themes {unknown}")
    sentences = [
        s
        for t in topics
        for side in ("offers", "needs")
        for lang in ("fi", "sv")
        for s in t.phrases(side, lang)
    ]
    sentences += [s for m in distractors.values() for v in m.values() for s in v]
    if repeated := [s for s, n in Counter(sentences).items() if n > 1]:
        raise ValueError(f"planted topic bank: sentences repeated {repeated}")
    if len({t.code for t in topics}) != len(topics):
        raise ValueError("planted topic bank: duplicate topic codes")
    return _Bank(
        topics=topics,
        distractors=distractors,
        paraphrase_pairs=tuple((a, b) for a, b in raw["paraphrase_pairs"]),
        unrelated_pairs=tuple((a, b) for a, b in raw["unrelated_same_field_pairs"]),
        translations=tuple((fi, sv, en) for fi, sv, en in raw["translation_pairs"]),
    )


def topics() -> tuple[Topic, ...]:
    """The topic bank, validated.

    Example:
        >>> len(topics()) >= 30
        True
    """
    return _bank().topics


@cache
def _statement_index() -> dict[str, str]:
    return {
        s: t.code
        for t in _bank().topics
        for side in ("offers", "needs")
        for lang in ("fi", "sv")
        for s in t.phrases(side, lang)
    }


def topic_of_statement(text: str) -> str | None:
    """The topic code a generated statement came from; None for distractors and unknown text.

    Example:
        >>> topic_of_statement("Tarvitsemme yöpartioinnin alihankkijan")
        'yopartiointi'
    """
    return _statement_index().get(text)


def paraphrase_pairs() -> list[tuple[str, str]]:
    """Finnish sentence pairs with the same meaning in different words (embedding model choice).

    Example:
        >>> len(paraphrase_pairs()) >= 20
        True
    """
    return list(_bank().paraphrase_pairs)


def unrelated_same_field_pairs() -> list[tuple[str, str]]:
    """Finnish sentence pairs from the same field, often sharing words, with different meaning."""
    return list(_bank().unrelated_pairs)


def translation_pairs() -> list[tuple[str, str, str]]:
    """(fi, sv, en) translations of sote statements, for cross-lingual retrieval checks."""
    return list(_bank().translations)


# --------------------------------------------------------------------------- the generator


class _Index:
    """Organisations' offered and needed topics, with the exact set of reciprocal pairs."""

    def __init__(self, n: int) -> None:
        self.offers: list[set[str]] = [set() for _ in range(n)]
        self.needs: list[set[str]] = [set() for _ in range(n)]
        self.offerers: dict[str, set[int]] = {}
        self.needers: dict[str, set[int]] = {}
        self.good: list[set[int]] = [set() for _ in range(n)]

    def new_partners(self, o: int, offer: str | None = None, need: str | None = None) -> set[int]:
        """Organisations that would become reciprocal partners of ``o`` after the addition."""
        offers = self.offers[o] | ({offer} if offer else set())
        needs = self.needs[o] | ({need} if need else set())
        candidates = set(self.needers.get(offer, ())) if offer else set()
        if need:
            candidates |= self.offerers.get(need, set())
        return {
            c
            for c in candidates
            if c != o and c not in self.good[o] and offers & self.needs[c] and self.offers[c] & needs
        }

    def add(self, o: int, offer: str | None = None, need: str | None = None) -> None:
        for c in self.new_partners(o, offer, need):
            self.good[o].add(c)
            self.good[c].add(o)
        if offer:
            self.offers[o].add(offer)
            self.offerers.setdefault(offer, set()).add(o)
        if need:
            self.needs[o].add(need)
            self.needers.setdefault(need, set()).add(o)


def _quota(n: int, shares: dict[str, float], rng: np.random.Generator) -> list[str]:
    """``n`` labels in the given shares (largest remainder), shuffled."""
    exact = {k: v * n / sum(shares.values()) for k, v in shares.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[: n - sum(counts.values())]:
        counts[k] += 1
    labels = [k for k, c in counts.items() for _ in range(c)]
    return [labels[i] for i in rng.permutation(n)]


def _pair_topics(
    index: _Index, sectors: list[str], a: int, b: int, rng: np.random.Generator
) -> tuple[str, str] | None:
    """Topics (t1, t2): a offers t1 that b needs, b offers t2 that a needs; fewest side effects."""
    bank = _bank().topics
    taken_a, taken_b = index.offers[a] | index.needs[a], index.offers[b] | index.needs[b]
    t1s = [t.code for t in bank if sectors[a] in t.offered_by and sectors[b] in t.needed_by]
    t2s = [t.code for t in bank if sectors[b] in t.offered_by and sectors[a] in t.needed_by]
    t1s = [t for t in t1s if t not in taken_a and t not in taken_b]
    t2s = [t for t in t2s if t not in taken_a and t not in taken_b]
    options = [(t1, t2) for t1 in t1s for t2 in t2s if t1 != t2]
    if not options:
        return None
    best: tuple[int, tuple[str, str]] | None = None
    for i in rng.permutation(len(options))[:24]:
        t1, t2 = options[int(i)]
        extra = len(index.new_partners(a, t1, t2) - {b}) + len(index.new_partners(b, t2, t1) - {a})
        if best is None or extra < best[0]:
            best = (extra, (t1, t2))
        if extra == 0:
            break
    return best[1] if best else None


def _plant_pairs(
    index: _Index, sectors: list[str], rng: np.random.Generator, cross_share: float | None
) -> list[tuple[int, int]]:
    """Pair every organisation (mostly across sectors) and plant a reciprocal topic pair in each."""
    n = len(sectors)
    unpaired = [int(i) for i in rng.permutation(n)]
    pairs: list[tuple[int, int]] = []
    leftovers: list[int] = []
    while unpaired:
        a = unpaired.pop(0)
        if cross_share is None:  # sector-blind: the first partner (random order) the bank allows
            candidates = list(unpaired)
        else:
            cross = bool(rng.random() < cross_share)
            preferred = [j for j in unpaired if (sectors[j] != sectors[a]) == cross]
            candidates = preferred + [j for j in unpaired if (sectors[j] != sectors[a]) != cross]
        for j in candidates:
            chosen = _pair_topics(index, sectors, a, j, rng)
            if chosen:
                unpaired.remove(j)
                index.add(a, offer=chosen[0], need=chosen[1])
                index.add(j, offer=chosen[1], need=chosen[0])
                pairs.append((a, j))
                break
        else:
            leftovers.append(a)
    for a in leftovers:  # an odd one out (or an unpairable sector) joins a second pair
        for j in (int(i) for i in rng.permutation(n)):
            chosen = None if j == a else _pair_topics(index, sectors, a, j, rng)
            if chosen:
                index.add(a, offer=chosen[0], need=chosen[1])
                index.add(j, offer=chosen[1], need=chosen[0])
                pairs.append((a, j))
                break
    return pairs


def _add_fillers(index: _Index, sectors: list[str], rng: np.random.Generator) -> None:
    """One-sided extra topics: they attract one direction of the score but create no new partner.

    An extra offer stays in the organisation's field (shares a theme with what it already
    offers); an extra need may be anything its sector plausibly needs.
    """
    bank = _bank().topics
    themes_of = {t.code: set(t.themes) for t in bank}
    for o, sector in enumerate(sectors):
        field = set().union(*(themes_of[c] for c in index.offers[o]))
        for side, prob in (("offers", 0.6), ("needs", 0.5)):
            if rng.random() >= prob:
                continue
            if side == "offers":
                allowed = [t.code for t in bank if sector in t.offered_by and field & themes_of[t.code]]
            else:
                allowed = [t.code for t in bank if sector in t.needed_by]
            taken = index.offers[o] | index.needs[o]
            for i in rng.permutation(len(allowed))[:8]:
                code = allowed[int(i)]
                kwargs = {"offer": code} if side == "offers" else {"need": code}
                if code not in taken and not index.new_partners(o, **kwargs):
                    index.add(o, **kwargs)
                    break


@dataclass
class _Org:
    name: str
    sector: str
    region: str
    language: str
    offers: list[str]
    needs: list[str]
    description: str
    themes: tuple[str, ...]
    keywords: tuple[str, ...]


class _Phrases:
    """Draws paraphrases least-used first, never one a good partner already uses."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: Counter[str] = Counter()

    def draw(self, options: tuple[str, ...], forbidden: set[str], fallback: tuple[str, ...] = ()) -> str:
        allowed = [s for s in options if s not in forbidden] or [s for s in fallback if s not in forbidden]
        allowed = allowed or list(options)
        least = min(self.used[s] for s in allowed)
        pick = [s for s in allowed if self.used[s] == least]
        choice = pick[int(self.rng.integers(len(pick)))]
        self.used[choice] += 1
        return choice


# --------------------------------------------------------------------------- names and descriptions

_STEMS = (
    "Vanaja",
    "Linna",
    "Koivu",
    "Kallio",
    "Harju",
    "Kanerva",
    "Tuuli",
    "Sointu",
    "Lumme",
    "Kaisla",
    "Pihlaja",
    "Kataja",
    "Aamu",
    "Tähti",
    "Virta",
    "Niitty",
    "Lähde",
    "Haapa",
    "Vaahtera",
    "Joutsen",
)
_PRIVATE_WORDS = {  # by the theme of the organisation's main offer
    "home_care": ("Kotihoiva", "Kotiapu"),
    "elderly_housing": ("Hoivakodit", "Seniorihoiva"),
    "rehabilitation": ("Kuntoutus", "Fysio"),
    "mental_health": ("Terapia", "Mielenhoiva"),
    "child_welfare": ("Perhepalvelut", "Perhekodit"),
    "digital_services": ("Digi", "Etähoiva"),
    "welfare_technology": ("Teknologia", "Turvatekniikka"),
    "recruitment": ("Henkilöstöpalvelut", "Rekry"),
    "service_design": ("Muotoilu", "Design"),
    "impact": ("Analytiikka", "Vaikutus"),
    "productisation": ("Konsultointi", "Kehitys"),
    "internationalisation": ("Export", "Kasvupalvelut"),
    "personal_budgeting": ("Avustajapalvelut", "Arjen Apu"),
    "disability_services": ("Kuljetus", "Esteetön Koti"),
    "occupational_health": ("Työterveys", "Työkyky"),
    "marketing_communications": ("Viestintä", "Markkinointi"),
    "prevention": ("Hyvinvointi", "Ateriat"),
}
_PUBLIC_UNITS = {
    "home_care": "kotihoito",
    "elderly_housing": "ikääntyneiden palvelut",
    "rehabilitation": "kuntoutuspalvelut",
    "mental_health": "mielenterveys- ja päihdepalvelut",
    "child_welfare": "lapsi- ja perhepalvelut",
    "disability_services": "vammaispalvelut",
    "personal_budgeting": "vammaispalvelut",
    "procurement": "hankintapalvelut",
    "digital_services": "digitaaliset palvelut",
    "welfare_technology": "digitaaliset palvelut",
    "prevention": "hyvinvoinnin edistäminen",
}
_AREAS = ("Vanajaveden", "Näsijärven", "Päijänteen", "Pyhäjärven", "Längelmäveden", "Kyrösjärven")
_MUNICIPALITIES = (
    "Kernaalan kunta",
    "Hattuvaaran kunta",
    "Loimijoen kaupunki",
    "Rengonkylän kunta",
    "Ojoisten kunta",
)
_MUNICIPAL_UNITS = {
    "prevention": "hyvinvointipalvelut",
    "recruitment": "työllisyyspalvelut",
    "procurement": "elinvoimapalvelut",
    "digital_services": "kirjasto- ja digipalvelut",
    "disability_services": "asiointiliikenne",
}
_PREFIXES = ("Hämeen", "Vanajan", "Linnan", "Pirkan", "Lahden seudun", "Forssan seudun", "Riihimäen seudun")
_THIRD_WORDS = {  # by the theme of the main offer
    "home_care": ("Omaishoitajat ry", "Kotiapuyhdistys ry"),
    "elderly_housing": ("Vanhustenkotiyhdistys ry", "asumispalvelusäätiö sr"),
    "rehabilitation": ("Liikuntaseura ry", "Kuntoutusyhdistys ry"),
    "mental_health": ("Mielenterveysseura ry", "Päihdetyön yhdistys ry"),
    "child_welfare": ("Perhetupa ry", "Tukiperheyhdistys ry", "nuorisosäätiö sr"),
    "disability_services": ("Vammaisyhdistys ry", "Aistiyhdistys ry"),
    "personal_budgeting": ("Vammaisyhdistys ry", "Avustajayhdistys ry"),
    "welfare_technology": ("Muistiyhdistys ry", "Seniorit ry"),
    "service_design": ("Muistiyhdistys ry", "Järjestöverkko ry"),
    "prevention": ("Vapaaehtoiskeskus ry", "Eläkeläiset ry", "Liikuntaseura ry"),
    "digital_services": ("Seniorit ry", "Aistiyhdistys ry"),
    "internationalisation": ("setlementti ry", "Monikulttuurinen yhdistys ry"),
    "recruitment": ("setlementti ry", "Työpajayhdistys ry"),
}
_EDU = (
    "{p} ammattikorkeakoulu, hyvinvointiosaaminen",
    "{p} ammattikorkeakoulu, sosiaaliala",
    "{p} yliopisto, terveystieteet",
    "{p} yliopisto, gerontologian tutkimus",
    "{p} ammattiopisto",
    "{p} tutkimuskeskus",
)
_OTHER = ("{p} elinvoimakeskus, yrityspalvelut", "{p} elinvoimakeskus, kasvupalvelut", "{p} kehitysyhtiö")
_SV_STEMS = (
    "Solstråle",
    "Björkhagen",
    "Havsbris",
    "Lindgården",
    "Strandnäs",
    "Ekudden",
    "Ljusglimt",
    "Vårdkompassen",
)
_SV_NAMES = {
    "private": ("{s} Omsorg Ab", "{s} Vård Ab", "{s} Hemtjänst Ab", "{s} Rehab Ab"),
    "public": ("Kustlandets välfärdsområde, {u}", "Skärgårdens välfärdsområde, {u}"),
    "third_sector": ("Föreningen {s} rf", "Stiftelsen {s} sr"),
    "education_research": ("Kustlandets yrkeshögskola, {u}", "Skärgårdens forskningsinstitut, {u}"),
    "other": ("Kustlandets näringscentrum, {u}",),
}
_SV_UNITS = {
    "home_care": "hemvård",
    "elderly_housing": "äldreomsorg",
    "child_welfare": "familjetjänster",
    "disability_services": "handikappservice",
    "personal_budgeting": "handikappservice",
    "recruitment": "vårdutbildning",
}

_DESCRIPTIONS_FI = {
    "private": (
        "{Size} yritys, joka tuottaa {field} {loc}.",
        "Tuotamme {field} {loc}. Henkilöstöä on noin {staff}.",
        "Yksityinen toimija {loc}. Pääasiassa tarjoamme {field}.",
    ),
    "wellbeing_county": (
        "Hyvinvointialueen yksikkö, joka järjestää {field} {loc}.",
        "Hyvinvointialueen yksikkö {loc}. Järjestämme {field} yhdessä kumppaneiden kanssa.",
    ),
    "municipality": (
        "Kunnan yksikkö, joka tarjoaa {field} {loc}.",
        "Kunnan palvelu {loc}: järjestämme {field} yhdessä järjestöjen kanssa.",
    ),
    "third_sector": (
        "Yhdistys, joka tarjoaa {field} {loc}.",
        "Yleishyödyllinen toimija, joka tuottaa {field} {loc}.",
        "Järjestö, jonka työntekijät ja vapaaehtoiset tarjoavat {field} {loc}.",
    ),
    "education_research": (
        "Oppilaitos ja tutkimustoimija {loc}; tarjoamme {field} työelämän kumppaneille.",
        "Oppilaitos, joka tarjoaa {field} alueen yrityksille ja järjestöille.",
    ),
    "other": ("Alueellinen kehittäjäorganisaatio {loc}: tarjoamme {field} yrityksille.",),
}
_DESCRIPTIONS_SV = {
    "private": "Företag som erbjuder {field} {loc}.",
    "public": "Offentlig enhet som ordnar {field} {loc}.",
    "third_sector": "Organisation inom tredje sektorn som erbjuder {field} {loc}.",
    "education_research": "Högskola som erbjuder {field} {loc}.",
    "other": "Regional utvecklingsaktör som erbjuder {field} {loc}.",
}
_COLOUR_FI = {  # an optional second sentence; empty strings keep some descriptions short
    "private": (
        "Teemme yhteistyötä myös hyvinvointialueen kanssa.",
        "Haemme uusia kumppaneita yli sektorirajojen.",
        "",
        "",
    ),
    "public": ("Haluamme tutustua alueen pieniin palveluntuottajiin.", "Valmistelemme uusia hankintoja.", ""),
    "third_sector": ("Toimintaamme rahoittaa STEA.", "Teemme paljon yhteistyötä yritysten kanssa.", ""),
    "education_research": ("Olemme mukana alueen kehittämishankkeissa.", ""),
    "other": ("Tuemme pk-yritysten kasvua ja kehittämistä.", ""),
}


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _org_name(sector: str, language: str, theme: str, rng: np.random.Generator) -> str:
    """A fictitious name that fits the sector and the theme of the main offer."""
    if language == "sv":
        unit = _SV_UNITS.get(theme, "utveckling")
        return _pick(rng, _SV_NAMES[sector]).format(s=_pick(rng, _SV_STEMS), u=unit)
    if sector == "private":
        word = _pick(rng, _PRIVATE_WORDS.get(theme, ("Palvelut", "Hyvinvointi")))
        return f"{_pick(rng, _STEMS)} {word} {_pick(rng, ('Oy', 'Oy', 'Oy', 'Ky'))}"
    if sector == "public":
        if theme in _MUNICIPAL_UNITS and (theme not in _PUBLIC_UNITS or rng.random() < 0.4):
            return f"{_pick(rng, _MUNICIPALITIES)}, {_MUNICIPAL_UNITS[theme]}"
        return f"{_pick(rng, _AREAS)} hyvinvointialue, {_PUBLIC_UNITS.get(theme, 'kehittämispalvelut')}"
    if sector == "third_sector":
        return f"{_pick(rng, _PREFIXES)} {_pick(rng, _THIRD_WORDS.get(theme, ('Hyvinvointiyhdistys ry',)))}"
    return _pick(rng, _EDU if sector == "education_research" else _OTHER).format(p=_pick(rng, _PREFIXES))


def _unique_name(name: str, taken: set[str]) -> str:
    k, candidate = 2, name
    while candidate in taken:
        candidate, k = f"{name} ({k})", k + 1
    taken.add(candidate)
    return candidate


def _description(
    name: str, sector: str, language: str, region: str, field: str, rng: np.random.Generator
) -> str:
    if language == "sv":
        return _DESCRIPTIONS_SV[sector].format(field=field, loc=REGION_IN_SV[region])
    kind = sector
    if sector == "public":
        kind = "wellbeing_county" if "hyvinvointialue" in name else "municipality"
    text = _pick(rng, _DESCRIPTIONS_FI[kind]).format(
        Size=_pick(rng, ("Pieni", "Kasvava", "Perheomisteinen", "Keskisuuri")),
        field=field,
        loc=REGION_IN_FI[region],
        staff=int(rng.integers(3, 120)),
    )
    return f"{text} {_pick(rng, _COLOUR_FI[sector])}".strip()


# --------------------------------------------------------------------------- assembly


def _texts(
    o: int,
    lang: str,
    themes: tuple[str, ...],
    index: _Index,
    phrases: _Phrases,
    chosen: list[set[str]],
    rng: np.random.Generator,
) -> tuple[list[str], list[str]]:
    """Offer and need sentences of organisation ``o``: its topics plus distractors of its field."""
    by_code = {t.code: t for t in _bank().topics}
    forbidden = set().union(*(chosen[p] for p in index.good[o]))
    texts: dict[str, list[str]] = {"offers": [], "needs": []}
    for side, codes in (("offers", index.offers[o]), ("needs", index.needs[o])):
        for code in sorted(codes):
            topic = by_code[code]
            texts[side].append(phrases.draw(topic.phrases(side, lang), forbidden, topic.phrases(side, "fi")))
        distractors = _bank().distractors[f"{side}_{lang}"]
        pool = tuple(s for th in (*themes, "any") for s in distractors.get(th, ()))
        if pool and len(texts[side]) < 4 and rng.random() < (0.7 if side == "offers" else 0.5):
            texts[side].append(phrases.draw(pool, forbidden))
        texts[side] = [texts[side][int(i)] for i in rng.permutation(len(texts[side]))]
    chosen[o].update(texts["offers"] + texts["needs"])
    return texts["offers"], texts["needs"]


@cache
def _free_pools() -> dict[str, tuple[tuple[str, ...], NDArray[np.float64]]]:
    """Themes and keywords of the bank with their frequencies over topics (one pool per language)."""
    pools = {}
    for field in ("themes", "keywords"):
        for lang in ("fi", "sv"):
            counts = Counter(
                x for t in _bank().topics for x in (t.themes if field == "themes" else t.keywords_in(lang))
            )
            values = tuple(sorted(counts))
            weights = np.array([counts[v] for v in values], dtype=np.float64)
            pools[f"{field} {lang}"] = (values, weights / weights.sum())
    return pools


def _free_draw(rng: np.random.Generator, field: str, language: str) -> tuple[str, ...]:
    """1-4 themes or 2-5 keywords drawn independently of the organisation's topics and partners.

    They used to come from the organisation's offered and needed topics, which gave the answer
    away: good partners shared 0.63-0.79 of their themes, other pairs 0.14-0.19 (issue 14), and
    a theme-overlap ranker that reads no text beat the engine. Drawn at the bank's frequencies,
    they look like real metadata but carry no label; ``bench.leaks`` checks that.
    """
    values, p = _free_pools()[f"{field} {'sv' if language == 'sv' else 'fi'}"]
    low, high = (1, 4) if field == "themes" else (2, 5)
    n = int(rng.integers(low, high + 1))
    return tuple(str(values[int(i)]) for i in rng.choice(len(values), size=n, replace=False, p=p))


def _main_offers(index: _Index, pairs: list[tuple[int, int]]) -> dict[int, str]:
    """Each organisation's first planted offer: it names the organisation's field."""
    main: dict[int, str] = {}
    for a, b in pairs:
        for o, other in ((a, b), (b, a)):
            main.setdefault(o, min(index.offers[o] & index.needs[other]))
    return main


def _build_orgs(
    sectors: list[str],
    languages: list[str],
    index: _Index,
    pairs: list[tuple[int, int]],
    rng: np.random.Generator,
    free_metadata: bool,
) -> list[_Org]:
    by_code = {t.code: t for t in _bank().topics}
    main_offer = _main_offers(index, pairs)
    phrases, chosen, taken = _Phrases(rng), [set[str]() for _ in sectors], set[str]()
    orgs = []
    for o, (sector, lang) in enumerate(zip(sectors, languages, strict=True)):
        region_shares = SWEDISH_REGIONS if lang == "sv" else FINNISH_REGIONS
        region = list(region_shares)[int(rng.choice(len(region_shares), p=list(region_shares.values())))]
        offered = [by_code[c] for c in sorted(index.offers[o])]
        needed = [by_code[c] for c in sorted(index.needs[o])]
        field_topic = by_code[main_offer[o]] if o in main_offer else (offered + needed)[0]
        field_themes = tuple(dict.fromkeys(th for t in [field_topic, *offered] for th in t.themes))
        offers, needs = _texts(o, lang, field_themes, index, phrases, chosen, rng)
        name = _unique_name(_org_name(sector, lang, field_topic.themes[0], rng), taken)
        field = field_topic.field_sv if lang == "sv" else field_topic.field_fi
        topic_themes = tuple(dict.fromkeys(field_themes + tuple(th for t in needed for th in t.themes)))[:4]
        topic_keywords = tuple(dict.fromkeys(k for t in offered + needed for k in t.keywords_in(lang)))[:5]
        orgs.append(
            _Org(
                name=name,
                sector=sector,
                region=region,
                language=lang,
                offers=offers,
                needs=needs,
                description=_description(name, sector, lang, region, field, rng),
                themes=_free_draw(rng, "themes", lang) if free_metadata else topic_themes,
                keywords=_free_draw(rng, "keywords", lang) if free_metadata else topic_keywords,
            )
        )
    return orgs


def _check_params(
    n_orgs: int, people_per_org: tuple[int, int], swedish_share: float, cross_share: float | None
) -> None:
    if n_orgs < 2:
        raise ValueError(f"n_orgs: {n_orgs} is too small; a planted event needs at least 2 organisations")
    low, high = people_per_org
    if not 1 <= low <= high:
        raise ValueError(f"people_per_org: {people_per_org!r} must be (low, high) with 1 <= low <= high")
    if not 0.0 <= swedish_share <= 1.0:
        raise ValueError(f"swedish_share: {swedish_share} must be between 0 and 1")
    if cross_share is not None and not 0.0 <= cross_share <= 1.0:
        raise ValueError(f"cross_share: {cross_share} must be between 0 and 1")


def generate_event(
    n_orgs: int = 60,
    *,
    seed: int = 0,
    people_per_org: tuple[int, int] = (1, 2),
    swedish_share: float = 0.1,
    cross_share: float | None = None,
    free_metadata: bool = True,
) -> PlantedEvent:
    """A synthetic event of ``n_orgs`` organisations with planted reciprocal partners.

    Sectors follow the Soteuttamo mix (45 / 23.5 / 23.5 / 8 %), ``swedish_share`` of the
    organisations write in Swedish, each sends ``people_per_org`` people (inclusive range).
    Partners are chosen sector-blind by default (``cross_share=None``: the first organisation
    in random order the bank can pair with), so planted pairs cross sectors as often as random
    pairs do (about 70 %) and the engine's sector weights cannot read the answer; a number asks
    for that share of cross-sector pairs (where the bank allows). Themes and keywords are drawn
    independently of the topics (``free_metadata=True``). ``cross_share=0.85,
    free_metadata=False`` rebuilds the events of the generator before issue 14 exactly, whose
    metadata gave the planted partners away (``bench.leaks``). Deterministic for a seed.
    People of one organisation share its texts.

    Example:
        >>> event = generate_event(10, seed=3, people_per_org=(2, 2))
        >>> len(event.profiles)
        20
        >>> a = event.profiles[0]
        >>> all(a.id in event.good_partners[b] for b in event.good_partners[a.id])
        True
    """
    _check_params(n_orgs, people_per_org, swedish_share, cross_share)
    rng = np.random.default_rng(seed)
    sectors = _quota(n_orgs, SECTOR_SHARES, rng)
    n_swedish = round(n_orgs * swedish_share)
    languages = (
        _quota(n_orgs, {"sv": n_swedish, "fi": n_orgs - n_swedish}, rng) if n_swedish else ["fi"] * n_orgs
    )
    index = _Index(n_orgs)
    pairs = _plant_pairs(index, sectors, rng, cross_share)
    _add_fillers(index, sectors, rng)
    orgs = _build_orgs(sectors, languages, index, pairs, rng, free_metadata)
    return _assemble(orgs, index, pairs, people_per_org, rng)


def _assemble(
    orgs: list[_Org],
    index: _Index,
    pairs: list[tuple[int, int]],
    people_per_org: tuple[int, int],
    rng: np.random.Generator,
) -> PlantedEvent:
    low, high = people_per_org
    members: list[list[str]] = []
    profiles: list[Profile] = []
    offer_topics: dict[str, frozenset[str]] = {}
    need_topics: dict[str, frozenset[str]] = {}
    for o, org in enumerate(orgs):
        members.append([])
        for _ in range(int(rng.integers(low, high + 1))):
            pid = f"p{len(profiles) + 1:04d}"
            members[o].append(pid)
            offer_topics[pid], need_topics[pid] = frozenset(index.offers[o]), frozenset(index.needs[o])
            profiles.append(
                Profile(
                    id=pid,
                    organisation=org.name,
                    sector=org.sector,
                    region=org.region,
                    description=org.description,
                    offers=tuple(org.offers),
                    needs=tuple(org.needs),
                    themes=org.themes,
                    keywords=org.keywords,
                    language=org.language,
                )
            )
    good = {
        pid: frozenset(q for p in index.good[o] for q in members[p])
        for o in range(len(orgs))
        for pid in members[o]
    }
    planted = tuple((orgs[a].name, orgs[b].name) for a, b in pairs)
    return PlantedEvent(profiles, good, offer_topics, need_topics, planted)


def main(argv: list[str] | None = None) -> None:
    """Print a summary of one generated event: ``python -m bench.planted --orgs 650 --people 1 3``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--orgs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--people", type=int, nargs=2, default=(1, 2), metavar=("LOW", "HIGH"))
    parser.add_argument("--swedish", type=float, default=0.1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    event = generate_event(
        args.orgs, seed=args.seed, people_per_org=tuple(args.people), swedish_share=args.swedish
    )
    seconds = time.perf_counter() - start
    n = len(event.profiles)
    sectors = Counter(p.sector for p in event.profiles)
    sentences = Counter(s for p in event.profiles for s in set(p.offers + p.needs))
    print(f"{args.orgs} organisations, {n} people, generated in {seconds:.2f} s (seed {args.seed})")
    print("sectors: " + ", ".join(f"{k} {v / n:.1%}" for k, v in sectors.most_common()))
    print(f"languages: {dict(Counter(p.language for p in event.profiles))}")
    print(
        f"planted pairs {len(event.planted_pairs)}, good partners per person {sum(map(len, event.good_partners.values())) / n:.2f}"
    )
    print(f"distinct sentences {len(sentences)}")
    first = event.profiles[0]
    print(f"\n{first.organisation} ({first.sector}, {first.region}): {first.description}")
    print("  tarjoaa: " + " | ".join(first.offers) + "\n  tarvitsee: " + " | ".join(first.needs))


if __name__ == "__main__":
    main()
