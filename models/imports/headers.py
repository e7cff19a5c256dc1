"""Spreadsheet headers to import fields: the default mapping (Finnish, Swedish and English
headers) and the caller's own (``kohtaamo import --mapping``).

Example:
    >>> DEFAULT_MAPPING[normalise_header("Sähköposti")]
    'email'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from models.spreadsheet import SpreadsheetError

PERSON_FIELDS = ("first_name", "last_name", "name", "email", "role", "language")
CONSENT_FIELDS = ("consent_email", "consent_share_contact")
ORGANISATION_FIELDS = (
    "organisation",
    "business_id",
    "sector",
    "region",
    "size_class",
    "website",
    "description",
    "offers",
    "needs",
    "themes",
    "keywords",
    "languages",
)
FIELDS: tuple[str, ...] = (*PERSON_FIELDS, *ORGANISATION_FIELDS, *CONSENT_FIELDS, "registration")
REQUIRED: tuple[str, ...] = ("email", "organisation", "sector")
# Column widths of the tables (models.entities); longer text is a row problem, not a database error.
MAX_LENGTHS: dict[str, int] = {
    "first_name": 140,
    "last_name": 150,
    "name": 300,
    "role": 300,
    "organisation": 300,
}
MAX_LENGTHS["website"] = 500
_SPACES = re.compile(r"\s+")

_HEADERS: dict[str, tuple[str, ...]] = {
    "first_name": ("Etunimi", "first_name", "first name", "firstname", "given name", "förnamn"),
    "last_name": ("Sukunimi", "last_name", "last name", "lastname", "surname", "family name", "efternamn"),
    "name": ("Nimi", "name", "full name", "koko nimi", "namn"),
    "email": ("Sähköposti", "sähköpostiosoite", "email", "e-mail", "email address", "e-post", "e-postadress"),
    "role": ("Rooli", "tehtävä", "titteli", "role", "title", "job title", "roll", "befattning"),
    "language": ("Kieli", "asiointikieli", "language", "preferred language", "språk"),
    "organisation": ("Organisaatio", "yritys", "organisation", "organization", "company", "organisation"),
    "business_id": ("Y-tunnus", "ytunnus", "business_id", "business id", "business-id", "fo-nummer"),
    "sector": ("Sektori", "sector", "sektor"),
    "region": ("Maakunta", "region", "landskap"),
    "size_class": ("Kokoluokka", "koko", "size_class", "size class", "size", "storleksklass"),
    "website": ("Verkkosivu", "verkkosivut", "kotisivu", "website", "web site", "webbplats"),
    "description": ("Kuvaus", "description", "beskrivning"),
    "offers": ("Tarjoamme", "offers", "we offer", "vi erbjuder"),
    "needs": ("Tarvitsemme", "needs", "we need", "vi behöver"),
    "themes": ("Teemat", "themes", "teman"),
    "keywords": ("Avainsanat", "keywords", "nyckelord"),
    "languages": ("Kielet", "toimintakielet", "languages", "arbetsspråk"),
    "consent_email": ("Sähköpostilupa", "consent_email", "email consent", "e-postsamtycke"),
    "consent_share_contact": (
        "Yhteystietolupa",
        "consent_share_contact",
        "share contact",
        "contact sharing consent",
        "samtycke kontaktuppgifter",
    ),
    "registration": ("Ilmoittautuminen", "registration", "source", "registration type", "anmälan"),
}


def normalise_header(header: str) -> str:
    """The form headers are compared in: case, spaces and ``*``/``:`` markers ignored.

    Example:
        >>> normalise_header("  SÄHKÖPOSTI * ")
        'sähköposti'
    """
    text = header.replace("\ufeff", "").casefold().strip().rstrip("*:").strip()
    return _SPACES.sub(" ", text)


DEFAULT_MAPPING: dict[str, str] = {
    normalise_header(header): name for name, headers in _HEADERS.items() for header in headers
}


def extend_mapping(extra: Mapping[str, str]) -> dict[str, str]:
    """The default mapping plus the caller's ``{header: field}`` pairs (which win).

    Example:
        >>> extend_mapping({"Puhelinmuistio": "role"})["puhelinmuistio"]
        'role'
    """
    return {**DEFAULT_MAPPING, **checked_mapping(extra)}


def checked_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    unknown = {h: f for h, f in mapping.items() if f not in FIELDS}
    if unknown:
        header, name = next(iter(unknown.items()))
        raise ValueError(
            f"mapping: header {header!r} maps to unknown field {name!r} (fields: {', '.join(FIELDS)})"
        )
    return {normalise_header(h): f for h, f in mapping.items()}


def resolve_columns(headers: Sequence[str], mapping: Mapping[str, str]) -> tuple[dict[str, int], list[str]]:
    """Map header positions to fields; missing required columns are one clear error.

    Returns ``{field: column index}`` and the headers that map to nothing (ignored).
    """
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = mapping.get(normalise_header(header))
        if name is None:
            if header.strip():
                ignored.append(header)
            continue
        if name in columns:
            first = headers[columns[name]]
            raise SpreadsheetError(f"columns {first!r} and {header!r} both map to the field {name!r}")
        columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if "first_name" not in columns and "name" not in columns:
        missing.insert(0, "first_name")
    if missing:
        hints = ", ".join(f"{_HEADERS[m][0]} ({m})" for m in missing)
        found = ", ".join(repr(h) for h in headers) or "none"
        raise SpreadsheetError(f"missing required column(s): {hints}; the header row has: {found}")
    return columns, ignored
