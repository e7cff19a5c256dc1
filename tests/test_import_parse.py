"""Reading and validating registration spreadsheets, without a database."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.imports import DEFAULT_MAPPING, FIELDS, extend_mapping, normalise_header, parse_sheet
from models.imports.headers import resolve_columns
from models.spreadsheet import SpreadsheetError, read_sheet, read_sheet_bytes
from models.validation import business_id_check_digit, check_business_id, check_email
from tests.import_helpers import ERIK, FI_HEADERS, LIISA, MAIJA, ROWS, csv_bytes, with_value, write_xlsx

ENGLISH = [
    "first_name",
    "last_name",
    "email",
    "role",
    "language",
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
    "consent_email",
    "consent_share_contact",
    "registration",
]


def _parse(data: bytes, name: str = "ilmo.csv"):  # type: ignore[no-untyped-def]
    return parse_sheet(read_sheet_bytes(data, name))


# --------------------------------------------------------------------------- Y-tunnus


def test_known_business_ids() -> None:
    assert check_business_id("0112038-9") == "0112038-9"
    assert check_business_id("112038-9") == "0112038-9"  # old six-digit form
    assert check_business_id(" 1572860-0 ") == "1572860-0"
    with pytest.raises(ValueError, match="check digit"):
        check_business_id("0112038-8")
    with pytest.raises(ValueError, match="form 1234567-8"):
        check_business_id("01120389")


@given(st.text(alphabet=string.digits, min_size=7, max_size=7))
def test_exactly_one_check_digit_is_valid(digits: str) -> None:
    valid = [c for c in range(10) if _is_valid(f"{digits}-{c}")]
    expected = business_id_check_digit(digits)
    assert valid == ([] if expected is None else [expected])


def _is_valid(value: str) -> bool:
    try:
        check_business_id(value)
    except ValueError:
        return False
    return True


@given(st.text(alphabet=string.digits, min_size=7, max_size=7))
def test_check_digit_matches_the_weighted_sum(digits: str) -> None:
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    expected = None if remainder == 1 else (0 if remainder == 0 else 11 - remainder)
    assert business_id_check_digit(digits) == expected


# --------------------------------------------------------------------------- e-mail


_EMAILISH = st.text(alphabet="abcXYZ019.-_+@äé'\"!", min_size=1, max_size=24)


@settings(max_examples=300)
@given(
    st.one_of(
        _EMAILISH,
        st.builds(
            "{}@{}.{}".format, _EMAILISH, _EMAILISH, st.sampled_from(["fi", "test", "x", "c0m", "local"])
        ),
    )
)
def test_fast_email_check_agrees_with_the_full_validator(address: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
        expected = True
    except EmailNotValidError:
        expected = False
    try:
        check_email(address)
        got = True
    except ValueError:
        got = False
    assert got == expected


def test_emails() -> None:
    assert check_email(" Maija@Hoiva.FI ") == "maija@hoiva.fi"
    assert check_email("maija@hämeenlinna.fi") == "maija@hämeenlinna.fi"
    for bad in ("maija@", "maija@hoiva", "maija@x.test", "ma..ija@x.fi", "maija@-x.fi", "@x.fi"):
        with pytest.raises(ValueError, match="is not a valid address"):
            check_email(bad)


# --------------------------------------------------------------------------- header mapping


@settings(max_examples=100)
@given(
    st.sampled_from(sorted(DEFAULT_MAPPING)),
    st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
    st.text(alphabet=" \t", max_size=3),
    st.sampled_from(["", "*", ":", " *"]),
)
def test_header_spelling_variants_map_to_the_same_field(header, case, pad, marker) -> None:  # type: ignore[no-untyped-def]
    variant = pad + case(header) + marker + pad
    assert DEFAULT_MAPPING.get(normalise_header(variant)) == DEFAULT_MAPPING[header]


@settings(max_examples=25)
@given(st.permutations(list(range(len(FI_HEADERS)))))
def test_column_order_does_not_matter(order: list[int]) -> None:
    headers = [FI_HEADERS[i] for i in order]
    rows = [[row[i] for i in order] for row in ROWS]
    parsed = _parse(csv_bytes(rows, headers))
    assert parsed.problems == []
    assert [r.person["email"] for r in parsed.records] == [
        "maija.makinen@hoiva-aurinko.fi",
        "erik.aberg@vard.example",
        "liisa.virtanen@hml.example",
    ]


def test_every_field_has_a_finnish_and_an_english_header() -> None:
    for finnish, english in zip(FI_HEADERS, ENGLISH, strict=True):
        assert DEFAULT_MAPPING[normalise_header(finnish)] == DEFAULT_MAPPING[english] == english
    assert set(DEFAULT_MAPPING.values()) == set(FIELDS)


def test_english_headers_give_the_same_records() -> None:
    assert _parse(csv_bytes(ROWS, ENGLISH, separator=",")).records == _parse(csv_bytes(ROWS)).records


def test_custom_mapping() -> None:
    headers = ["Vieras", *FI_HEADERS[1:]]
    with pytest.raises(SpreadsheetError, match=r"Etunimi \(first_name\)"):
        _parse(csv_bytes(ROWS, headers))
    sheet = read_sheet_bytes(csv_bytes(ROWS, headers), "a.csv")
    parsed = parse_sheet(sheet, extend_mapping({"Vieras": "first_name"}))
    assert parsed.records[0].person["name"] == "Maija Mäkinen"
    with pytest.raises(ValueError, match="unknown field 'nimike'"):
        extend_mapping({"Titteli": "nimike"})


def test_two_columns_for_one_field_is_an_error() -> None:
    with pytest.raises(SpreadsheetError, match="'Sähköposti' and 'Email' both map to the field 'email'"):
        resolve_columns([*FI_HEADERS, "Email"], DEFAULT_MAPPING)


def test_unknown_columns_are_reported_not_fatal() -> None:
    parsed = _parse(csv_bytes([[*MAIJA, "12"]], [*FI_HEADERS, "Kenkänumero"]))
    assert parsed.ignored_columns == ["Kenkänumero"]
    assert len(parsed.records) == 1


# --------------------------------------------------------------------------- encodings, separators, formats


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_encodings_and_separators_read_the_same(encoding: str, separator: str) -> None:
    sheet = read_sheet_bytes(csv_bytes(ROWS, separator=separator, encoding=encoding), "a.csv")
    assert sheet.headers == FI_HEADERS
    assert sheet.separator == separator
    assert sheet.encoding == encoding
    assert sheet.rows[0].values == MAIJA
    assert sheet.rows[1].values[FI_HEADERS.index("Sukunimi")] == "Åberg"


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    xlsx = read_sheet(write_xlsx(tmp_path / "ilmo.xlsx", ROWS))
    assert xlsx.headers == FI_HEADERS
    assert parse_sheet(xlsx).records == _parse(csv_bytes(ROWS)).records


def test_xlsx_numbers_and_booleans_become_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Etunimi", "Sukunimi", "Sähköposti", "Organisaatio", "Sektori", "Sähköpostilupa"])
    sheet.append(["Aino", "Aalto", "aino@x.fi", 1234, "julkinen", True])
    workbook.save(tmp_path / "n.xlsx")
    record = parse_sheet(read_sheet(tmp_path / "n.xlsx")).records[0]
    assert record.organisation["name"] == "1234"
    assert record.person["consent_email"] is True


def test_row_numbers_count_multi_line_cells_as_one_row() -> None:
    bad = with_value(LIISA, "Sähköposti", "maija@")
    parsed = _parse(csv_bytes([MAIJA, ERIK, bad]))  # MAIJA has a two-line cell
    assert [str(p) for p in parsed.problems] == ["row 4, email: 'maija@' is not a valid address"]


def test_blank_rows_keep_their_numbers() -> None:
    bad = with_value(LIISA, "Sähköposti", "maija@")
    parsed = _parse(csv_bytes([MAIJA, [""] * len(FI_HEADERS), bad]))
    assert [p.row for p in parsed.problems] == [4]
    assert len(parsed.records) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Etunimi;Sähköposti\r\n".encode("utf-16"), "UTF-16"),
        ("Etunimi;Sähköposti\r\n".encode("utf-16-le"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"\x81\x8d\x8f\x90\x9d;x\r\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_wrong_encoding_is_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(SpreadsheetError, match=message):
        read_sheet_bytes(data, "ilmo.csv")


def test_fake_xlsx_is_a_clear_error() -> None:
    with pytest.raises(SpreadsheetError, match="not an XLSX workbook"):
        read_sheet_bytes(b"Etunimi;Sukunimi\r\n", "ilmo.xlsx")
    with pytest.raises(SpreadsheetError, match="not a readable XLSX"):
        read_sheet_bytes(b"PK\x03\x04broken", "ilmo.xlsx")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b";;;\r\n"])
def test_empty_file_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(SpreadsheetError, match="empty"):
        read_sheet_bytes(data, "ilmo.csv")


def test_header_only_file_is_a_clear_error() -> None:
    with pytest.raises(SpreadsheetError, match="no data rows"):
        _parse(csv_bytes([]))


def test_missing_columns_are_all_named() -> None:
    headers = [h for h in FI_HEADERS if h not in ("Sähköposti", "Sektori")]
    rows = [[v for h, v in zip(FI_HEADERS, MAIJA, strict=True) if h in headers]]
    with pytest.raises(
        SpreadsheetError, match=r"missing required column\(s\): Sähköposti \(email\), Sektori \(sector\)"
    ):
        _parse(csv_bytes(rows, headers))


# --------------------------------------------------------------------------- values


def test_values_are_normalised() -> None:
    maija, erik, liisa = _parse(csv_bytes(ROWS)).records
    assert maija.person == {
        "name": "Maija Mäkinen",
        "email": "maija.makinen@hoiva-aurinko.fi",
        "role": "palvelupäällikkö",
        "language": "fi",
        "consent_email": True,
        "consent_share_contact": False,
    }
    assert maija.organisation == {
        "name": "Hoiva Aurinko Oy",
        "business_id": "0112038-9",
        "sector": "private",
        "region": "kanta_hame",
        "size_class": "small",
        "website": "https://hoiva-aurinko.example",
        "description": "Kotihoitoa Hämeenlinnassa.",
        "offers": "Kotihoidon yöpartio\nOmaishoitajien lomitus",
        "needs": "Digitaalinen ajanvaraus",
        "themes": ["home_care", "digital_services"],
        "keywords": ["yöpartio", "lomitus"],
        "languages": ["fi", "sv"],
    }
    assert maija.source == "pre_registered"
    assert _parse(csv_bytes([with_value(MAIJA, "Ilmoittautuminen", "")])).records[0].source is None
    assert (erik.person["language"], erik.organisation["sector"], erik.organisation["region"]) == (
        "sv",
        "education_research",
        "uusimaa",
    )
    assert erik.organisation["themes"] == ["research_development", "impact"]
    assert erik.source == "walk_in" and erik.person["consent_share_contact"] is True
    assert liisa.organisation["size_class"] == "large" and liisa.person["consent_email"] is True
    assert liisa.source == "walk_in"


@pytest.mark.parametrize(
    ("header", "value", "problem"),
    [
        ("Sähköposti", "maija@", "row 2, email: 'maija@' is not a valid address"),
        (
            "Y-tunnus",
            "0112038-8",
            "row 2, business_id: '0112038-8' is not a valid business ID (check digit does not match)",
        ),
        (
            "Sektori",
            "yksityisyys",
            "row 2, sector: 'yksityisyys' is not a known sector (yksityinen, julkinen, kolmas sektori, ...)",
        ),
        ("Maakunta", "Atlantis", "row 2, region: 'Atlantis' is not a known region (maakunta)"),
        ("Teemat", "kotihoito, kissat, koirat", "row 2, themes: 'kissat', 'koirat' are not known themes"),
        ("Kieli", "saksa", "row 2, language: 'saksa' is not a known language (fi, sv, en)"),
        (
            "Sähköpostilupa",
            "ehkä",
            "row 2, consent_email: 'ehkä' is not yes or no (kyllä/ei, ja/nej, yes/no, 1/0, x/empty)",
        ),
        (
            "Ilmoittautuminen",
            "myöhässä",
            "row 2, registration: 'myöhässä' is not a known registration (ennakko, paikan päällä)",
        ),
        ("Sähköposti", "", "row 2, email: is empty"),
        ("Organisaatio", "  ", "row 2, organisation: is empty"),
        ("Organisaatio", "---", "row 2, organisation: '---' has no letters or digits"),
        ("Organisaatio", "O" * 301, "row 2, organisation: is 301 characters long; at most 300 fit"),
    ],
)
def test_bad_values_name_row_field_and_value(header: str, value: str, problem: str) -> None:
    parsed = _parse(csv_bytes([with_value(MAIJA, header, value), ERIK]))
    assert [str(p) for p in parsed.problems] == [problem]
    assert [r.row for r in parsed.records] == [3]


def test_all_problems_are_reported_not_just_the_first() -> None:
    rows = [
        with_value(with_value(MAIJA, "Sähköposti", "maija@"), "Y-tunnus", "123"),
        ERIK,
        with_value(LIISA, "Sektori", "valtio"),
    ]
    parsed = _parse(csv_bytes(rows))
    assert [(p.row, p.field) for p in parsed.problems] == [(2, "email"), (2, "business_id"), (4, "sector")]


def test_duplicate_rows() -> None:
    shouting = with_value(MAIJA, "Sähköposti", "MAIJA.MAKINEN@HOIVA-AURINKO.FI")
    parsed = _parse(csv_bytes([MAIJA, ERIK, shouting]))
    assert parsed.problems == [] and len(parsed.records) == 2
    assert parsed.duplicates == ["row 4 repeats row 2 (maija.makinen@hoiva-aurinko.fi); counted once"]

    conflicting = with_value(MAIJA, "Rooli", "toimitusjohtaja")
    parsed = _parse(csv_bytes([MAIJA, ERIK, conflicting]))
    assert [str(p) for p in parsed.problems] == [
        "row 2, email: 'maija.makinen@hoiva-aurinko.fi' appears again later with different data",
        "row 4, email: 'maija.makinen@hoiva-aurinko.fi' is also on row 2 with different data",
    ]
    assert [r.row for r in parsed.records] == [3]


@settings(max_examples=100)
@given(
    st.sampled_from(["kyllä", "Kyllä", "KYLLÄ", "ja", "yes", "Yes", "1", "x", "X", "true"]),
    st.sampled_from(["ei", "EI", "nej", "no", "0", "", "false"]),
)
def test_consent_words(yes: str, no: str) -> None:
    row = with_value(with_value(MAIJA, "Sähköpostilupa", yes), "Yhteystietolupa", no)
    person = _parse(csv_bytes([row])).records[0].person
    assert (person["consent_email"], person["consent_share_contact"]) == (True, False)
