"""Exports: what they contain, CSV and XLSX, and that a people export imports back unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from models.db import make_engine, upgrade_database
from models.entities import Event, Registration
from models.exports import export_file, export_table
from models.imports import import_file
from models.spreadsheet import read_sheet
from tests.import_helpers import ERIK, LIISA, MAIJA, write_csv


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[sa.Engine]:
    engine = make_engine(database_url)
    upgrade_database(engine)
    with Session(engine) as session:
        session.add(Event(name="Kanta-Häme"))
        session.add(Event(name="Uusimaa"))
        session.commit()
    import_file(engine, write_csv(tmp_path / "a.csv", [MAIJA, ERIK]), event_id=1)
    import_file(engine, write_csv(tmp_path / "b.csv", [LIISA]), event_id=2)
    yield engine
    engine.dispose()


def test_organisations_export(engine: sa.Engine) -> None:
    with Session(engine) as s:
        headers, rows = export_table(s, "organisations")
        assert headers[:4] == ["id", "organisation", "business_id", "sector"]
        assert [r[1] for r in rows] == ["Hoiva Aurinko Oy", "Vårdforskning Ab", "Hämeenlinnan kaupunki"]
        maija_org = dict(zip(headers, rows[0], strict=True))
        assert maija_org["themes"] == "home_care, digital_services"
        assert maija_org["offers"] == "Kotihoidon yöpartio\nOmaishoitajien lomitus"
        _, only_uusimaa = export_table(s, "organisations", event_id=2)
        assert [r[1] for r in only_uusimaa] == ["Hämeenlinnan kaupunki"]


def test_registrations_export_and_cancelled(engine: sa.Engine) -> None:
    with Session(engine) as s:
        reg = s.get(Registration, 1)
        assert reg is not None
        reg.cancelled = True
        s.commit()
        _, rows = export_table(s, "registrations", event_id=1)
        assert [(r[3], r[6], r[8]) for r in rows] == [
            ("Maija Mäkinen", "pre_registered", "yes"),
            ("Erik Åberg", "walk_in", "no"),
        ]
        _, people = export_table(s, "people", event_id=1)
        assert [r[2] for r in people] == ["erik.aberg@vard.example"]  # cancelled ones are not participants
        with pytest.raises(ValueError, match="'persons' is not one of"):
            export_table(s, "persons")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_export_imports_back_unchanged(engine: sa.Engine, tmp_path: Path, fmt: str) -> None:
    with Session(engine) as s:
        path, count = export_file(s, "people", tmp_path / "people", fmt=fmt)
    assert (path.suffix, count) == (f".{fmt}", 3)
    if fmt == "csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbfid;name;email;")
    sheet = read_sheet(path)
    assert sheet.rows[0].values[2] == "maija.makinen@hoiva-aurinko.fi"
    # Everyone into event 1: nothing about the people or organisations changes.
    result = import_file(engine, path, event_id=1)
    assert (result.people_unchanged, result.organisations_unchanged) == (3, 3)
    assert (result.people_updated, result.organisations_updated, result.registrations_created) == (0, 0, 1)
    assert result.ignored_columns == ["id"]


def test_export_errors(engine: sa.Engine, tmp_path: Path) -> None:
    with Session(engine) as s:
        with pytest.raises(ValueError, match="'ods' is not csv or xlsx"):
            export_file(s, "people", tmp_path / "p.ods")
        with pytest.raises(LookupError, match="no event with id 7"):
            export_file(s, "people", tmp_path / "p.csv", event_id=7)
