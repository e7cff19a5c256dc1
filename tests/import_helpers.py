"""Builders of registration spreadsheets for the import tests (no files checked in)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.spreadsheet import write_sheet

FI_HEADERS = [
    "Etunimi",
    "Sukunimi",
    "Sähköposti",
    "Rooli",
    "Kieli",
    "Organisaatio",
    "Y-tunnus",
    "Sektori",
    "Maakunta",
    "Kokoluokka",
    "Verkkosivu",
    "Kuvaus",
    "Tarjoamme",
    "Tarvitsemme",
    "Teemat",
    "Avainsanat",
    "Kielet",
    "Sähköpostilupa",
    "Yhteystietolupa",
    "Ilmoittautuminen",
]

MAIJA = [
    "Maija",
    "Mäkinen",
    "Maija.Makinen@Hoiva-Aurinko.fi",
    "palvelupäällikkö",
    "suomi",
    "Hoiva Aurinko Oy",
    "0112038-9",
    "yksityinen",
    "Kanta-Häme",
    "pieni",
    "https://hoiva-aurinko.example",
    "Kotihoitoa Hämeenlinnassa.",
    "Kotihoidon yöpartio\nOmaishoitajien lomitus",
    "Digitaalinen ajanvaraus",
    "kotihoito, digitaaliset palvelut",
    "yöpartio, lomitus",
    "fi, sv",
    "kyllä",
    "ei",
    "ennakko",
]
ERIK = [
    "Erik",
    "Åberg",
    "erik.aberg@vard.example",
    "forskare",
    "svenska",
    "Vårdforskning Ab",
    "",
    "utbildning och forskning",
    "Nyland",
    "medelstor",
    "",
    "",
    "Utvärdering av effekter",
    "Pilotkommuner",
    "forskning och utveckling, att påvisa effekter",
    "",
    "sv, fi",
    "ja",
    "ja",
    "paikan päällä",
]
LIISA = [
    "Liisa",
    "Virtanen",
    "liisa.virtanen@hml.example",
    "kehittämispäällikkö",
    "fi",
    "Hämeenlinnan kaupunki",
    "",
    "julkinen",
    "kanta_hame",
    "suuri",
    "",
    "",
    "Pilottipaikat",
    "Palvelumuotoilu; Vaikuttavuuden arviointi",
    "service_design, impact",
    "kunta",
    "fi",
    "x",
    "",
    "walk_in",
]
ROWS = [MAIJA, ERIK, LIISA]


def csv_bytes(
    rows: Sequence[Sequence[str]],
    headers: Sequence[str] = FI_HEADERS,
    *,
    separator: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    """CSV as Excel writes it: quoted cells where needed, CRLF line ends."""

    def cell(value: str) -> str:
        if any(ch in value for ch in (separator, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [separator.join(cell(v) for v in row) for row in [list(headers), *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def write_csv(
    path: Path, rows: Sequence[Sequence[str]], headers: Sequence[str] = FI_HEADERS, **kw: str
) -> Path:
    path.write_bytes(csv_bytes(rows, headers, **kw))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[str]], headers: Sequence[str] = FI_HEADERS) -> Path:
    return write_sheet(path, headers, rows)


def with_value(row: Sequence[str], header: str, value: str) -> list[str]:
    changed = list(row)
    changed[FI_HEADERS.index(header)] = value
    return changed
