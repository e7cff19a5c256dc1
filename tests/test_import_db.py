"""Importing into real databases (SQLite and PostgreSQL): all or nothing, re-import, rejects, size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from models.db import make_engine, upgrade_database
from models.entities import Event, Organisation, Person, Registration
from models.imports import ImportErrors, import_file
from models.spreadsheet import SpreadsheetError, read_sheet
from tests.import_helpers import ERIK, FI_HEADERS, LIISA, MAIJA, ROWS, with_value, write_csv, write_xlsx

SAMPLE = Path(__file__).resolve().parents[1] / "models" / "sample_data"


@pytest.fixture
def engine(database_url: str) -> Any:
    engine = make_engine(database_url)
    upgrade_database(engine)
    with Session(engine) as session:
        session.add(Event(name="Soteuttamo Kanta-Häme"))
        session.add(Event(name="Soteuttamo Uusimaa"))
        session.commit()
    yield engine
    engine.dispose()


def snapshot(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, to prove an import changed nothing."""
    tables = ("organisation", "person", "event", "registration")
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY id"))] for t in tables
        }


def counts(engine: sa.Engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return (
            len(s.exec(select(Organisation)).all()),
            len(s.exec(select(Person)).all()),
            len(s.exec(select(Registration)).all()),
        )


def test_import_writes_people_organisations_registrations(engine: sa.Engine, tmp_path: Path) -> None:
    result = import_file(engine, write_csv(tmp_path / "a.csv", ROWS), event_id=1)
    assert (result.people_created, result.organisations_created, result.registrations_created) == (3, 3, 3)
    with Session(engine) as s:
        maija = s.exec(select(Person).where(Person.email == "maija.makinen@hoiva-aurinko.fi")).one()
        org = maija.organisation
        assert org is not None
        assert (org.name, org.business_id, org.sector, org.themes) == (
            "Hoiva Aurinko Oy",
            "0112038-9",
            "private",
            ["home_care", "digital_services"],
        )
        assert org.normalised_name == "hoiva aurinko"
        assert org.offers == "Kotihoidon yöpartio\nOmaishoitajien lomitus"
        sources = {r.person_id: r.source for r in s.exec(select(Registration))}
        assert sorted(sources.values()) == ["pre_registered", "walk_in", "walk_in"]


def test_reimport_updates_never_duplicates(engine: sa.Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ROWS)
    import_file(engine, path, event_id=1)
    before = snapshot(engine)
    again = import_file(engine, path, event_id=1)
    assert (again.people_created, again.people_updated, again.people_unchanged) == (0, 0, 3)
    assert (again.organisations_created, again.organisations_updated, again.registrations_created) == (
        0,
        0,
        0,
    )
    assert snapshot(engine) == before

    # Changed role and offers, e-mail in other case, organisation name spelled differently.
    changed = with_value(with_value(MAIJA, "Rooli", "toimitusjohtaja"), "Tarjoamme", "Kotikuntoutus")
    changed = with_value(
        with_value(changed, "Sähköposti", "MAIJA.makinen@hoiva-aurinko.FI"),
        "Organisaatio",
        "HOIVA AURINKO oy",
    )
    result = import_file(engine, write_csv(tmp_path / "b.csv", [changed]), event_id=1)
    assert (result.people_created, result.people_updated, result.organisations_updated) == (0, 1, 1)
    assert counts(engine) == (3, 3, 3)
    with Session(engine) as s:
        maija = s.exec(select(Person).where(Person.email == "maija.makinen@hoiva-aurinko.fi")).one()
        assert maija.role == "toimitusjohtaja"
        assert maija.organisation is not None and maija.organisation.offers == "Kotikuntoutus"
        assert maija.organisation.name == "Hoiva Aurinko Oy"  # stored spelling kept


def test_empty_cells_never_erase_stored_values(engine: sa.Engine, tmp_path: Path) -> None:
    import_file(engine, write_csv(tmp_path / "a.csv", [MAIJA]), event_id=1)
    sparse = ["Maija", "Mäkinen", "maija.makinen@hoiva-aurinko.fi", "Hoiva Aurinko", "yksityinen"]
    headers = ["Etunimi", "Sukunimi", "Sähköposti", "Organisaatio", "Sektori"]
    import_file(engine, write_csv(tmp_path / "b.csv", [sparse], headers), event_id=2)
    with Session(engine) as s:
        org = s.exec(select(Organisation)).one()
        assert (org.business_id, org.region, org.themes) == (
            "0112038-9",
            "kanta_hame",
            ["home_care", "digital_services"],
        )
        person = s.exec(select(Person)).one()
        assert (person.role, person.consent_email) == ("palvelupäällikkö", True)
    assert counts(engine) == (1, 1, 2)  # one registration per event
    walk_in = write_csv(tmp_path / "c.csv", [with_value(MAIJA, "Ilmoittautuminen", "paikan päällä")])
    assert import_file(engine, walk_in, event_id=2).registrations_updated == 1
    import_file(engine, write_csv(tmp_path / "d.csv", [sparse], headers), event_id=2)
    with Session(engine) as s:
        sources = [r.source for r in s.exec(select(Registration).order_by(Registration.event_id))]
        assert sources == ["pre_registered", "walk_in"]  # a file without the column keeps it


def test_organisation_found_by_business_id_or_name(engine: sa.Engine, tmp_path: Path) -> None:
    colleague = with_value(with_value(MAIJA, "Sähköposti", "pekka@hoiva-aurinko.fi"), "Etunimi", "Pekka")
    colleague = with_value(
        colleague, "Organisaatio", "Aurinko-hoiva (Hämeenlinna)"
    )  # new name, same Y-tunnus
    no_bid = with_value(
        with_value(ERIK, "Sähköposti", "anna@vard.example"), "Organisaatio", "VÅRDFORSKNING AB"
    )
    import_file(engine, write_csv(tmp_path / "a.csv", [MAIJA, ERIK]), event_id=1)
    import_file(engine, write_csv(tmp_path / "b.csv", [colleague, no_bid]), event_id=1)
    with Session(engine) as s:
        people = {p.email: p for p in s.exec(select(Person))}
        assert (
            people["pekka@hoiva-aurinko.fi"].organisation_id
            == people["maija.makinen@hoiva-aurinko.fi"].organisation_id
        )
        assert (
            people["anna@vard.example"].organisation_id == people["erik.aberg@vard.example"].organisation_id
        )
        renamed = s.get(Organisation, people["pekka@hoiva-aurinko.fi"].organisation_id)
        assert renamed is not None and renamed.name == "Aurinko-hoiva (Hämeenlinna)"
    assert counts(engine)[0] == 2


def test_rows_of_one_organisation_are_merged(engine: sa.Engine, tmp_path: Path) -> None:
    colleague = with_value(
        with_value(MAIJA, "Sähköposti", "pekka@hoiva-aurinko.fi"),
        "Tarjoamme",
        "Kotikuntoutus\nKotihoidon yöpartio",
    )
    colleague = with_value(with_value(colleague, "Sektori", "julkinen"), "Teemat", "kuntoutus")
    result = import_file(engine, write_csv(tmp_path / "a.csv", [MAIJA, colleague]), event_id=1)
    assert result.organisations_created == 1
    assert result.warnings == [
        "row 3, sector: 'public' differs from 'private' on row 2 for organisation 'Hoiva Aurinko Oy'; kept row 2's value"
    ]
    with Session(engine) as s:
        org = s.exec(select(Organisation)).one()
        assert org.offers == "Kotihoidon yöpartio\nOmaishoitajien lomitus\nKotikuntoutus"
        assert org.themes == ["home_care", "digital_services", "rehabilitation"]
        assert org.sector == "private"


def test_all_or_nothing_leaves_the_database_unchanged(engine: sa.Engine, tmp_path: Path) -> None:
    import_file(engine, write_csv(tmp_path / "a.csv", [MAIJA]), event_id=1)
    before = snapshot(engine)
    rows = [
        with_value(MAIJA, "Rooli", "muutettu"),
        ERIK,
        with_value(LIISA, "Sähköposti", "liisa@"),
        with_value(ERIK, "Y-tunnus", "1"),
        with_value(ERIK, "Rooli", "eri rooli"),
    ]
    with pytest.raises(ImportErrors) as caught:
        import_file(engine, write_csv(tmp_path / "b.csv", rows), event_id=1)
    assert [str(p) for p in caught.value.problems] == [
        "row 3, email: 'erik.aberg@vard.example' appears again later with different data",
        "row 4, email: 'liisa@' is not a valid address",
        "row 5, business_id: '1' is not a business ID of the form 1234567-8",
        "row 6, email: 'erik.aberg@vard.example' is also on row 3 with different data",
    ]
    assert "4 problem(s), nothing imported" in str(caught.value)
    assert snapshot(engine) == before


def test_conflict_with_stored_organisation_rolls_back(engine: sa.Engine, tmp_path: Path) -> None:
    import_file(engine, write_csv(tmp_path / "a.csv", [MAIJA]), event_id=1)
    before = snapshot(engine)
    other_bid = with_value(with_value(MAIJA, "Y-tunnus", "1572860-0"), "Sähköposti", "uusi@hoiva-aurinko.fi")
    with pytest.raises(ImportErrors) as caught:
        import_file(engine, write_csv(tmp_path / "b.csv", [ERIK, other_bid]), event_id=1)
    assert [str(p) for p in caught.value.problems] == [
        "row 3, business_id: '1572860-0' but organisation 'Hoiva Aurinko Oy' is stored with business ID '0112038-9'"
    ]
    assert snapshot(engine) == before


def test_skip_invalid_imports_valid_rows_and_writes_rejects(engine: sa.Engine, tmp_path: Path) -> None:
    rows = [MAIJA, with_value(ERIK, "Sektori", "avaruus"), LIISA, with_value(LIISA, "Rooli", "eri")]
    out = tmp_path / "hylätyt.csv"
    result = import_file(
        engine, write_csv(tmp_path / "a.csv", rows), event_id=1, skip_invalid=True, rejected_out=out
    )
    assert result.rows_imported == 1 and result.people_created == 1
    assert result.rejected_path == out
    rejected = read_sheet(out)
    assert rejected.headers == [*FI_HEADERS, "row", "reason"]
    assert [(r.values[0], r.values[-2]) for r in rejected.rows] == [
        ("Erik", "3"),
        ("Liisa", "4"),
        ("Liisa", "5"),
    ]
    assert (
        rejected.rows[0].values[-1]
        == "sector: 'avaruus' is not a known sector (yksityinen, julkinen, kolmas sektori, ...)"
    )
    assert rejected.rows[0].values[:-2] == with_value(ERIK, "Sektori", "avaruus")  # the row as it was
    assert counts(engine) == (1, 1, 1)


def test_skip_invalid_default_rejects_path_and_xlsx(engine: sa.Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ilmo.xlsx", [MAIJA, with_value(ERIK, "Sähköposti", "erik@")])
    result = import_file(engine, path, event_id=1, skip_invalid=True)
    assert result.rejected_path == tmp_path / "ilmo.rejected.csv"
    assert read_sheet(result.rejected_path).rows[0].values[-1] == "email: 'erik@' is not a valid address"


def test_unknown_event_and_bad_file_write_nothing(engine: sa.Engine, tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="no event with id 99"):
        import_file(engine, write_csv(tmp_path / "a.csv", ROWS), event_id=99)
    (tmp_path / "u16.csv").write_bytes("Etunimi;Sähköposti\r\n".encode("utf-16"))
    with pytest.raises(SpreadsheetError, match="UTF-16"):
        import_file(engine, tmp_path / "u16.csv", event_id=1)
    assert counts(engine) == (0, 0, 0)


def test_sample_event_imports_cleanly(engine: sa.Engine) -> None:
    meta = json.loads((SAMPLE / "soteuttamo_kanta_hame_2026.json").read_text(encoding="utf-8"))
    assert meta["region"] == "kanta_hame"
    result = import_file(engine, SAMPLE / "soteuttamo_kanta_hame_2026.csv", event_id=1)
    assert result.rejected == [] and result.ignored_columns == []
    assert 70 <= result.people_created <= 90
    assert 55 <= result.organisations_created <= 75
    with Session(engine) as s:
        walk_ins = s.exec(select(Registration).where(Registration.source == "walk_in")).all()
        assert 10 <= len(walk_ins) <= 20
        sectors = [o.sector for o in s.exec(select(Organisation))]
        assert {"private", "public", "third_sector", "education_research"} <= set(sectors)
    again = import_file(engine, SAMPLE / "soteuttamo_kanta_hame_2026.csv", event_id=1)
    assert (again.people_created, again.people_updated, again.organisations_updated) == (0, 0, 0)


def _generated_rows(n: int) -> list[list[str]]:
    sectors = ("yksityinen", "julkinen", "kolmas sektori", "koulutus ja tutkimus")
    rows = []
    for i in range(n):
        org = i // 2  # two people per organisation
        rows.append(
            [
                f"Etu{i}",
                f"Suku{i}",
                f"henkilo{i}@example.fi",
                "asiantuntija",
                "fi",
                f"Organisaatio {org} Oy",
                "",
                sectors[org % 4],
                "Kanta-Häme",
                "pieni",
                "",
                "",
                f"Palvelu {org}\nToinen palvelu {org}",
                f"Tarve {org}",
                "kotihoito, kuntoutus",
                "sana",
                "fi",
                "kyllä",
                "ei",
                "ennakko" if i % 7 else "paikan päällä",
            ]
        )
    return rows


def test_ten_thousand_rows(engine: sa.Engine, tmp_path: Path) -> None:
    """Size only; the speed figure is in bench/results/import.md (bench/import_speed.py)."""
    rows = _generated_rows(10_000)
    rows[7_777] = with_value(rows[7_777], "Sähköposti", "rikki@")
    path = write_csv(tmp_path / "iso.csv", rows)
    result = import_file(engine, path, event_id=1, skip_invalid=True, rejected_out=tmp_path / "r.csv")
    assert [str(p) for p in result.rejected] == ["row 7779, email: 'rikki@' is not a valid address"]
    assert (result.people_created, result.organisations_created, result.registrations_created) == (
        9_999,
        5_000,
        9_999,
    )
    assert counts(engine) == (5_000, 9_999, 9_999)
    with Session(engine) as s:
        assert (
            len(s.exec(select(Registration).where(Registration.source == "walk_in")).all()) == 1_428
        )  # every 7th row, less the rejected row 7777


def test_import_sample_event_workflow_is_safe_to_rerun(database_url: str) -> None:
    from api.workflows.sample import import_sample_event

    first = import_sample_event(database_url)
    engine = make_engine(database_url)
    before = snapshot(engine)
    assert import_sample_event(database_url) == first
    assert snapshot(engine) == before
    with Session(engine) as s:
        event = s.get(Event, first)
        assert event is not None and event.region == "kanta_hame" and str(event.date) == "2026-12-03"
    engine.dispose()
