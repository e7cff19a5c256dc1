"""Spreadsheet rows to validated import records (the database-free half of :mod:`models.importing`).

The import has three steps, each testable alone:

1. :func:`models.spreadsheet.read_sheet` reads the file (cp1252 or UTF-8, ``;``/``,``/tab, XLSX);
2. :func:`parse_sheet` maps headers to fields (:data:`DEFAULT_MAPPING`, Finnish, Swedish and
   English headers, or the caller's own) and validates every row, collecting *every* problem
   as "row 17, email: 'maija@' is not a valid address" (row numbers as Excel shows them);
3. :func:`import_file` checks the rows against the database and writes them in one
   transaction with bulk statements.

By default nothing is written unless every row is valid (:class:`ImportErrors` carries the
full list). With ``skip_invalid=True`` the valid rows are written and the rejected ones go
to a file with a ``reason`` column. Re-importing updates: people are keyed by e-mail
(lower-cased), organisations by business ID or normalised name.

Rows of one organisation are merged: the first non-empty value of a single field wins (a
different later value is reported as a warning), offers, needs, themes, keywords and
languages are united. An empty cell never erases a stored value.

Example:
    >>> from models.spreadsheet import read_sheet_bytes
    >>> sheet = read_sheet_bytes(b"Etunimi;Sukunimi;S\\xe4hk\\xf6posti;Organisaatio;Sektori\\n"
    ...                          b"Maija;M;maija@;Hoiva Oy;yksityinen\\n", "a.csv")
    >>> [str(p) for p in parse_sheet(sheet).problems]
    ["row 2, email: 'maija@' is not a valid address"]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher.taxonomy import LANGUAGES, REGIONS, SECTOR_LABELS, THEMES, Label
from models.spreadsheet import Sheet, SheetRow, SpreadsheetError
from models.validation import check_business_id, check_email, normalise_name

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
# Column widths of the tables (models.tables); longer text is a row problem, not a database error.
MAX_LENGTHS: dict[str, int] = {
    "first_name": 140,
    "last_name": 150,
    "name": 300,
    "role": 300,
    "organisation": 300,
}
MAX_LENGTHS["website"] = 500
_SPACES = re.compile(r"\s+")
_LIST_SEPARATORS = re.compile(r"[,;\n]")

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
    return {**DEFAULT_MAPPING, **_checked_mapping(extra)}


def _checked_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    unknown = {h: f for h, f in mapping.items() if f not in FIELDS}
    if unknown:
        header, name = next(iter(unknown.items()))
        raise ValueError(
            f"mapping: header {header!r} maps to unknown field {name!r} (fields: {', '.join(FIELDS)})"
        )
    return {normalise_header(h): f for h, f in mapping.items()}


# --------------------------------------------------------------------------- values


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
    found = table.get(_SPACES.sub(" ", value.strip()).casefold())
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


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class RowProblem:
    """One problem with one row (``row`` as the spreadsheet shows it; 0 = the whole file)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"row {self.row}, {self.field}: {self.message}" if self.row else f"{self.field}: {self.message}"
        )


class ImportErrors(ValueError):  # noqa: N818 (the name the team agreed on)
    """The import was refused; ``problems`` lists every problem found, nothing was written."""

    def __init__(self, problems: Sequence[RowProblem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}{len(self.problems)} problem(s), nothing imported; first: {self.problems[0]}{more}"
        )


@dataclass
class ImportRecord:
    """One valid row: the person, their organisation's fields, the registration source."""

    row: int
    person: dict[str, Any]
    organisation: dict[str, Any]
    source: str | None  # None: not given, so a stored registration keeps its source

    def same_data(self, other: ImportRecord) -> bool:
        return (self.person, self.organisation, self.source) == (
            other.person,
            other.organisation,
            other.source,
        )


@dataclass
class ParsedSheet:
    """What :func:`parse_sheet` found: valid records, every problem, and notes."""

    records: list[ImportRecord]
    problems: list[RowProblem]
    duplicates: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0


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


def _row_cells(row: SheetRow, columns: Mapping[str, int]) -> dict[str, str]:
    return {name: (row.values[i] if i < len(row.values) else "") for name, i in columns.items()}


_PARSERS: dict[str, Callable[[str], Any]] = {
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


def _parse_cells(number: int, cells: Mapping[str, str]) -> tuple[dict[str, Any], list[RowProblem]]:
    values: dict[str, Any] = {}
    problems: list[RowProblem] = []
    for name, raw in cells.items():
        text = raw.strip()
        if not text and name not in CONSENT_FIELDS:
            continue
        parser = _PARSERS.get(name)
        try:
            if len(text) > MAX_LENGTHS.get(name, 20_000):
                raise ValueError(
                    f"is {len(text)} characters long; at most {MAX_LENGTHS.get(name, 20_000)} fit"
                )
            values[name] = parser(text) if parser else _SPACES.sub(" ", text)
        except ValueError as exc:
            problems.append(RowProblem(number, name, str(exc)))
    return values, problems


def _record(
    number: int, values: Mapping[str, Any], failed: set[str]
) -> tuple[ImportRecord | None, list[RowProblem]]:
    problems = [
        RowProblem(number, name, "is empty") for name in REQUIRED if name not in values.keys() | failed
    ]
    name = " ".join(p for p in (values.get("first_name"), values.get("last_name")) if p) or values.get("name")
    if not name:
        problems.append(RowProblem(number, "first_name" if "name" not in values else "name", "is empty"))
    organisation = values.get("organisation", "")
    if organisation and not normalise_name(organisation):
        problems.append(RowProblem(number, "organisation", f"{organisation!r} has no letters or digits"))
    if problems or failed:
        return None, problems
    person = {"name": name, "email": values["email"]}
    person.update({k: values[k] for k in ("role", "language", *CONSENT_FIELDS) if k in values})
    org = {"name": organisation, **{k: values[k] for k in ORGANISATION_FIELDS[1:] if k in values}}
    return ImportRecord(number, person, org, values.get("registration")), []


def _dedupe(records: list[ImportRecord]) -> tuple[list[ImportRecord], list[str], list[RowProblem]]:
    first: dict[str, ImportRecord] = {}
    duplicates: list[str] = []
    problems: list[RowProblem] = []
    conflicted: set[str] = set()
    for record in records:
        email = record.person["email"]
        seen = first.get(email)
        if seen is None:
            first[email] = record
        elif seen.same_data(record):
            duplicates.append(f"row {record.row} repeats row {seen.row} ({email}); counted once")
        else:
            conflicted.add(email)
            problems.append(
                RowProblem(record.row, "email", f"{email!r} is also on row {seen.row} with different data")
            )
    for email in conflicted:
        seen = first[email]
        problems.append(RowProblem(seen.row, "email", f"{email!r} appears again later with different data"))
    kept = [r for r in first.values() if r.person["email"] not in conflicted]
    return kept, duplicates, sorted(problems, key=lambda p: p.row)


def parse_sheet(
    sheet: Sheet,
    mapping: Mapping[str, str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedSheet:
    """Validate every row of ``sheet``; collect every problem instead of stopping at the first.

    ``mapping`` is ``{header: field}`` (default :data:`DEFAULT_MAPPING`; see :func:`extend_mapping`).
    Same e-mail twice: identical rows count once (noted in ``duplicates``), different ones are
    a problem on both rows.
    """
    columns, ignored = resolve_columns(
        sheet.headers, DEFAULT_MAPPING if mapping is None else _checked_mapping(mapping)
    )
    if not sheet.rows:
        raise SpreadsheetError("the file has a header row but no data rows")
    records: list[ImportRecord] = []
    problems: list[RowProblem] = []
    for done, row in enumerate(sheet.rows, start=1):
        if progress is not None and (done % 500 == 0 or done == len(sheet.rows)):
            progress(done, len(sheet.rows))
        values, row_problems = _parse_cells(row.number, _row_cells(row, columns))
        record, missing = _record(row.number, values, {p.field for p in row_problems})
        problems.extend(row_problems + missing)
        if record is not None and not row_problems:
            records.append(record)
    records, duplicates, duplicate_problems = _dedupe(records)
    problems = sorted(problems + duplicate_problems, key=lambda p: p.row)
    return ParsedSheet(records, problems, duplicates, ignored, rows_read=len(sheet.rows))
