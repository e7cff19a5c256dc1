"""The impact report's words in Finnish, Swedish and English.

Example:
    >>> report_words("sv")["themes"]
    'Mest önskade teman'
"""

from __future__ import annotations

from matcher.taxonomy import LANGUAGES

_WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "title": "Vaikuttavuusraportti",
        "tour": "Kiertue",
        "event": "Tapahtuma",
        "events": "tapahtumaa",
        "figures": "Tunnusluvut",
        "participants": "Osallistujat",
        "respondents": "Palautteeseen vastanneet",
        "new_actor": "Vastanneista tapasi uuden toimijan",
        "meetings": "Tapaamiset",
        "cross_sector": "Sektorirajan ylittäneet tapaamiset",
        "coverage": "Täysi ehdotuslista",
        "gini": "Näkyvyyden Gini-kerroin (0 = tasainen)",
        "acceptance": "Ehdotuksista toteutui tapaaminen",
        "usefulness": "Hyödyllisyys 1–4, keskiarvo",
        "agreed_pairs": "Pareja, jotka sopivat yhteistyöstä",
        "followup": "Seurantakyselyyn vastanneet",
        "realised_pairs": "Pareja, joiden yhteistyö toteutui",
        "agreed": "Sovittu yhteistyö lajeittain",
        "realised": "Toteutunut yhteistyö lajeittain (seurantakysely)",
        "themes": "Toivotuimmat teemat",
        "sector_graph": "Tapaamiset sektoreittain",
        "region_graph": "Tapaamiset maakunnittain",
        "within": "Suluissa: tapaamiset saman ryhmän sisällä. Viivan paksuus: tapaamisten määrä.",
        "per_event": "Tapahtumittain",
        "total": "Koko kiertue",
        "none": "Ei vielä vastauksia.",
        "learning": "Oppiminen palautteesta",
        "learning_used": "Palautteesta opittu pisteytys järjestäisi parit paremmin kuin "
        "käsin asetetut painot",
        "learning_kept": "Käsin asetetut painot pysyvät",
        "definitions": "Määritelmät",
        "definitions_text": "Toimija on organisaatio. Tapaaminen on pari, josta ainakin toinen kertoi "
        "tavanneensa. Uusi toimija: toisen organisaation edustaja, jota henkilö ei ollut "
        "tavannut kiertueen aiemmissa "
        "tapahtumissa; osuus on palautteeseen vastanneista. Ehdotusten toteutuminen: vastanneiden "
        "ehdotuksista ne, joista tuli tapaaminen. Yhteistyö lasketaan kerran paria ja lajia kohden.",
    },
    "sv": {
        "title": "Effektrapport",
        "tour": "Turné",
        "event": "Evenemang",
        "events": "evenemang",
        "figures": "Nyckeltal",
        "participants": "Deltagare",
        "respondents": "Svarade på responsen",
        "new_actor": "Av dem som svarade träffade en ny aktör",
        "meetings": "Möten",
        "cross_sector": "Möten över sektorsgränser",
        "coverage": "Full förslagslista",
        "gini": "Gini-koefficient för synlighet (0 = jämnt)",
        "acceptance": "Förslag som blev ett möte",
        "usefulness": "Nytta 1–4, medelvärde",
        "agreed_pairs": "Par som kom överens om samarbete",
        "followup": "Svarade på uppföljningen",
        "realised_pairs": "Par vars samarbete blev av",
        "agreed": "Överenskommet samarbete per typ",
        "realised": "Samarbete som blev av, per typ (uppföljning)",
        "themes": "Mest önskade teman",
        "sector_graph": "Möten per sektor",
        "region_graph": "Möten per landskap",
        "within": "Inom parentes: möten inom samma grupp. Linjens bredd: antalet möten.",
        "per_event": "Per evenemang",
        "total": "Hela turnén",
        "none": "Inga svar ännu.",
        "learning": "Lärande av responsen",
        "learning_used": "En poängsättning lärd av responsen skulle ordna paren bättre än "
        "de handsatta vikterna",
        "learning_kept": "De handsatta vikterna står kvar",
        "definitions": "Definitioner",
        "definitions_text": "En aktör är en organisation. Ett möte är ett par där minst den ena sade att de "
        "träffades. Ny aktör: en representant för en annan organisation som personen inte hade träffat "
        "på turnéns tidigare evenemang; andelen räknas av dem som svarade. Förslag som blev ett möte: "
        "av de svarandes förslag. Samarbete räknas en gång per par och typ.",
    },
    "en": {
        "title": "Impact report",
        "tour": "Tour",
        "event": "Event",
        "events": "events",
        "figures": "Key figures",
        "participants": "Participants",
        "respondents": "Answered the feedback",
        "new_actor": "Of those who answered, met a new actor",
        "meetings": "Meetings",
        "cross_sector": "Meetings across sector lines",
        "coverage": "Full list of suggestions",
        "gini": "Exposure Gini (0 = even)",
        "acceptance": "Suggestions that became a meeting",
        "usefulness": "Usefulness 1–4, mean",
        "agreed_pairs": "Pairs who agreed on cooperation",
        "followup": "Answered the follow-up",
        "realised_pairs": "Pairs whose cooperation happened",
        "agreed": "Cooperation agreed, by type",
        "realised": "Cooperation realised, by type (follow-up)",
        "themes": "Most wanted themes",
        "sector_graph": "Meetings by sector",
        "region_graph": "Meetings by region",
        "within": "In brackets: meetings within the same group. Line width: number of meetings.",
        "per_event": "By event",
        "total": "Whole tour",
        "none": "No answers yet.",
        "learning": "Learning from feedback",
        "learning_used": "Scores learnt from the feedback would rank pairs better than the hand-set weights",
        "learning_kept": "The hand-set weights stay",
        "definitions": "Definitions",
        "definitions_text": "An actor is an organisation. A meeting is a pair of whom at least one said they "
        "met. New actor: someone from another organisation whom the person had not met at the tour's "
        "earlier events; the share is of those who answered the feedback. Suggestions that became a "
        "meeting: of the respondents' suggestions. Cooperation counts once per pair and type.",
    },
}


def report_words(language: str) -> dict[str, str]:
    """The report's words in ``language`` (fi, sv or en; anything else is an error)."""
    if language not in LANGUAGES:
        raise ValueError(f"lang: {language!r} is not one of fi, sv, en")
    return _WORDS[language]
