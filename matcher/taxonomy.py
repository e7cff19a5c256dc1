"""Fixed vocabularies shared by every layer: sectors, regions, themes, cooperation types.

They live in ``matcher`` because the engine needs them (sector weights, theme labels in
reasons) and ``matcher`` is the layer everyone else may import. ``models`` seeds its
theme table from :data:`THEMES`; nothing here touches a database.

Example:
    >>> THEMES["digital_services"].label("sv")
    'digitala tjänster'
    >>> "uusimaa" in REGIONS
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Language = Literal["fi", "sv", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")

SECTORS: tuple[str, ...] = ("private", "public", "third_sector", "education_research", "other")


@dataclass(frozen=True)
class Label:
    """A code with its Finnish, Swedish and English labels."""

    code: str
    fi: str
    sv: str
    en: str

    def label(self, language: str) -> str:
        """The label in ``language`` (fi, sv or en); an unknown language is an error."""
        if language not in LANGUAGES:
            raise ValueError(f"language: {language!r} is not one of fi, sv, en")
        return str(getattr(self, language))


def _table(rows: list[tuple[str, str, str, str]]) -> dict[str, Label]:
    return {code: Label(code, fi, sv, en) for code, fi, sv, en in rows}


SECTOR_LABELS: dict[str, Label] = _table(
    [
        ("private", "yksityinen sektori", "privat sektor", "private sector"),
        ("public", "julkinen sektori", "offentlig sektor", "public sector"),
        ("third_sector", "kolmas sektori", "tredje sektorn", "third sector"),
        ("education_research", "koulutus ja tutkimus", "utbildning och forskning", "education and research"),
        ("other", "muu", "annan", "other"),
    ]
)

REGIONS: dict[str, Label] = _table(
    [
        ("uusimaa", "Uusimaa", "Nyland", "Uusimaa"),
        ("varsinais_suomi", "Varsinais-Suomi", "Egentliga Finland", "Southwest Finland"),
        ("satakunta", "Satakunta", "Satakunta", "Satakunta"),
        ("kanta_hame", "Kanta-Häme", "Egentliga Tavastland", "Kanta-Häme"),
        ("pirkanmaa", "Pirkanmaa", "Birkaland", "Pirkanmaa"),
        ("paijat_hame", "Päijät-Häme", "Päijänne-Tavastland", "Päijät-Häme"),
        ("kymenlaakso", "Kymenlaakso", "Kymmenedalen", "Kymenlaakso"),
        ("etela_karjala", "Etelä-Karjala", "Södra Karelen", "South Karelia"),
        ("etela_savo", "Etelä-Savo", "Södra Savolax", "South Savo"),
        ("pohjois_savo", "Pohjois-Savo", "Norra Savolax", "North Savo"),
        ("pohjois_karjala", "Pohjois-Karjala", "Norra Karelen", "North Karelia"),
        ("keski_suomi", "Keski-Suomi", "Mellersta Finland", "Central Finland"),
        ("etela_pohjanmaa", "Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia"),
        ("pohjanmaa", "Pohjanmaa", "Österbotten", "Ostrobothnia"),
        ("keski_pohjanmaa", "Keski-Pohjanmaa", "Mellersta Österbotten", "Central Ostrobothnia"),
        ("pohjois_pohjanmaa", "Pohjois-Pohjanmaa", "Norra Österbotten", "North Ostrobothnia"),
        ("kainuu", "Kainuu", "Kajanaland", "Kainuu"),
        ("lappi", "Lappi", "Lappland", "Lapland"),
        ("ahvenanmaa", "Ahvenanmaa", "Åland", "Åland"),
    ]
)

THEMES: dict[str, Label] = _table(
    [
        # Themes participants asked for (DOMAIN.md, seed 004), most wanted first.
        (
            "freedom_of_choice",
            "sote-uudistus ja valinnanvapaus",
            "vårdreformen och valfrihet",
            "health and social care reform and freedom of choice",
        ),
        ("digital_services", "digitaaliset palvelut", "digitala tjänster", "digital services"),
        ("productisation", "tuotteistaminen", "produktifiering", "productisation"),
        (
            "marketing_communications",
            "markkinointi ja viestintä",
            "marknadsföring och kommunikation",
            "marketing and communications",
        ),
        ("impact", "vaikuttavuuden osoittaminen", "att påvisa effekter", "demonstrating impact"),
        (
            "service_design",
            "palvelumuotoilu ja asiakasymmärrys",
            "tjänstedesign och kundinsikt",
            "service design and customer insight",
        ),
        ("personal_budgeting", "henkilökohtainen budjetointi", "personlig budgetering", "personal budgeting"),
        # Service areas of Finnish social and health care.
        ("home_care", "kotihoito", "hemvård", "home care"),
        (
            "elderly_housing",
            "ikäihmisten asumispalvelut",
            "boendeservice för äldre",
            "housing services for older people",
        ),
        ("rehabilitation", "kuntoutus", "rehabilitering", "rehabilitation"),
        (
            "mental_health",
            "mielenterveys- ja päihdetyö",
            "mentalvård och missbrukarvård",
            "mental health and substance abuse services",
        ),
        (
            "child_welfare",
            "lastensuojelu ja perhepalvelut",
            "barnskydd och familjetjänster",
            "child welfare and family services",
        ),
        ("disability_services", "vammaispalvelut", "handikappservice", "disability services"),
        (
            "occupational_health",
            "työterveys ja työhyvinvointi",
            "företagshälsovård och arbetshälsa",
            "occupational health and wellbeing at work",
        ),
        ("welfare_technology", "hyvinvointiteknologia", "välfärdsteknologi", "welfare technology"),
        (
            "recruitment",
            "rekrytointi ja osaajat",
            "rekrytering och kompetens",
            "recruitment and skilled staff",
        ),
        (
            "research_development",
            "tutkimus ja kehittäminen",
            "forskning och utveckling",
            "research and development",
        ),
        ("procurement", "julkiset hankinnat", "offentlig upphandling", "public procurement"),
        (
            "prevention",
            "ennaltaehkäisy ja hyvinvoinnin edistäminen",
            "förebyggande arbete och hälsofrämjande",
            "prevention and health promotion",
        ),
        ("internationalisation", "kansainvälistyminen", "internationalisering", "internationalisation"),
    ]
)

COOPERATION_TYPES: dict[str, Label] = _table(
    [
        # Cooperation agreed on at Soteuttamo events (DOMAIN.md, seed 004).
        ("sharing_expertise", "osaamisen jakaminen", "kunskapsdelning", "sharing expertise"),
        ("service_innovation", "palveluinnovaatio", "tjänsteinnovation", "service innovation"),
        ("joint_project", "yhteinen hanke", "gemensamt projekt", "joint project"),
        ("training", "koulutus", "utbildning", "training"),
        ("research", "tutkimus", "forskning", "research"),
        ("internationalisation", "kansainvälistyminen", "internationalisering", "internationalisation"),
        ("subcontracting", "alihankinta", "underleverans", "subcontracting"),
        ("recruitment", "rekrytointi", "rekrytering", "recruitment"),
        ("marketing", "markkinointi", "marknadsföring", "marketing"),
        ("other", "muu yhteistyö", "annat samarbete", "other cooperation"),
    ]
)


def check_code(kind: str, value: str, table: dict[str, Label] | tuple[str, ...]) -> str:
    """Return ``value`` if it is a known code of ``kind``; otherwise raise naming both.

    Example:
        >>> check_code("sector", "public", SECTORS)
        'public'
    """
    if value not in table:
        known = ", ".join(table)
        raise ValueError(f"{kind}: {value!r} is not a known code (one of: {known})")
    return value
