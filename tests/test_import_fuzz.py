"""Fuzzing the import parser: whatever bytes arrive (random, in any encoding, any separator,
huge cells, broken workbooks), reading and validating them ends in the import's own errors
(:class:`SpreadsheetError` for the file, :class:`ImportErrors` or row problems for rows),
never in any other exception."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.imports import ImportErrors
from models.imports.rows import parse_sheet
from models.spreadsheet import SheetLimits, SpreadsheetError, read_sheet_bytes
from tests.sheet_bombs import small_xlsx

LIMITS = SheetLimits(max_rows=200, max_columns=40, max_cell_chars=2_000, max_unpacked_bytes=4 * 1024 * 1024)
HEADERS = [
    "Etunimi",
    "Sukunimi",
    "Sähköposti",
    "Organisaatio",
    "Sektori",
    "Teemat",
    "Kieli",
    "Sähköpostilupa",
]
NAMES = st.sampled_from(["ilmo.csv", "ilmo.xlsx", "ilmo.xls", "ilmo.txt", "upload"])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_and_parse(data: bytes, name: str) -> None:
    """The whole path of an upload short of the database; only the import's errors may escape."""
    try:
        sheet = read_sheet_bytes(data, name, LIMITS)
        parsed = parse_sheet(sheet)
    except (SpreadsheetError, ImportErrors) as exc:
        assert str(exc).strip(), "an error says what is wrong"
        assert "Traceback" not in str(exc)
        return
    for problem in parsed.problems:
        assert problem.row >= 2 and str(problem).startswith(f"row {problem.row}")


@FUZZ
@given(data=st.binary(max_size=3000), name=NAMES)
def test_random_bytes(data: bytes, name: str) -> None:
    _read_and_parse(data, name)


_cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["yksityinen", "julkinen", "kyllä", "ei", "fi", "kotihoito", "m@x.fi", '"', "=1+1", "'-"]
    ),
    st.text(alphabet='xä;,\t"\r\n', min_size=1000, max_size=3000),  # huge cells, some over the limit
)


@FUZZ
@given(
    headers=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=12)), min_size=1, max_size=9),
    rows=st.lists(st.lists(_cell, max_size=10), max_size=12),
    separator=st.sampled_from([";", ",", "\t", "|", " "]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-32", "mac_roman"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_text_in_any_encoding_and_separator(
    headers: list[str], rows: list[list[str]], separator: str, encoding: str, newline: str
) -> None:
    text = newline.join(separator.join(line) for line in [headers, *rows])
    data = text.encode(encoding, errors="replace")
    _read_and_parse(data, "ilmo.csv")


def _workbook() -> bytes:
    return small_xlsx(
        [HEADERS, ["Maija", "Mäki", "m@x.fi", "Hoiva Oy", "yksityinen", "kotihoito", "fi", "kyllä"]]
    )


WORKBOOK = _workbook()


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(0, 255)), min_size=1, max_size=8)
)
def test_a_damaged_workbook(flips: list[tuple[int, int]]) -> None:
    data = bytearray(WORKBOOK)
    for at, value in flips:
        data[at] = value
    _read_and_parse(bytes(data), "ilmo.xlsx")


@FUZZ
@given(
    sheet_xml=st.binary(max_size=2000), which=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
)
def test_a_workbook_with_a_garbage_part(sheet_xml: bytes, which: str) -> None:
    source = zipfile.ZipFile(io.BytesIO(WORKBOOK))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, sheet_xml if info.filename == which else source.read(info))
    _read_and_parse(out.getvalue(), "ilmo.xlsx")


def test_the_fuzzer_reaches_a_valid_import() -> None:
    """The harness is not vacuous: a good file gets through both steps."""
    sheet = read_sheet_bytes(WORKBOOK, "ilmo.xlsx", LIMITS)
    assert len(parse_sheet(sheet).records) == 1


SHEET_XML = zipfile.ZipFile(io.BytesIO(WORKBOOK)).read("xl/worksheets/sheet1.xml")


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, len(SHEET_XML) - 1), st.integers(0, 255)), max_size=4),
    cut=st.integers(0, len(SHEET_XML)),
)
def test_a_workbook_with_a_damaged_sheet(flips: list[tuple[int, int]], cut: int) -> None:
    """Damage inside the sheet's XML shows only while reading rows (openpyxl's ParseError,
    TypeError, ...): it must still be a SpreadsheetError."""
    xml = bytearray(SHEET_XML)
    for at, value in flips:
        xml[at] = value
    source = zipfile.ZipFile(io.BytesIO(WORKBOOK))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = bytes(xml[:cut]) if info.filename.endswith("sheet1.xml") else source.read(info)
            target.writestr(info.filename, body)
    _read_and_parse(out.getvalue(), "ilmo.xlsx")
