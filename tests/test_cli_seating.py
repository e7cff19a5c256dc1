"""``kohtaamo request`` and ``kohtaamo seat`` on a real database (SQLite and PostgreSQL): what
they store is what the API reads, and a mistake is one line naming the option."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import pytest
import typer
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import seating as cli_seating
from api.cli.commands import main
from api.workflows import meeting_requests, seating_rules
from models.db import make_engine
from tests.test_cli_tables import _fill


def _app() -> typer.Typer:
    app = typer.Typer()
    cli_seating.register(app)
    return app


def _run(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), [*args, "--database-url", url])
    return result.exit_code, result.output


def test_request_commands_add_list_and_remove(database_url: str) -> None:
    event = str(_fill(database_url, 8))
    code, out = _run(database_url, "request", "add", "--event", event, "--from", "p0@example.fi", "--to", "3")
    assert code == 0, out
    assert "asks to meet" in out and "one-way" in out
    code, out = _run(
        database_url, "request", "add", "--event", event, "--from", "5", "--to", "P7@example.fi", "--mutual"
    )
    assert code == 0 and out.count("mutual") == 2, out
    engine = make_engine(database_url)
    with Session(engine) as session:
        pairs = meeting_requests.requested_pairs(session=session, event_id=int(event))
    assert pairs == [(1, 3), (5, 8), (8, 5)]
    code, out = _run(database_url, "request", "list", "--event", event)
    assert code == 0 and "3 request(s)" in out
    code, out = _run(
        database_url, "request", "remove", "--event", event, "--from", "8", "--to", "5", "--both"
    )
    assert code == 0 and "Removed 2" in out
    with Session(engine) as session:
        assert meeting_requests.requested_pairs(session=session, event_id=int(event)) == [(1, 3)]
    engine.dispose()


def test_seat_commands_store_pins_facilitators_and_apart_pairs(database_url: str) -> None:
    event = str(_fill(database_url, 8))
    assert _run(database_url, "seat", "pin", "--event", event, "--person", "2", "--table", "3")[0] == 0
    assert _run(database_url, "seat", "facilitator", "--event", event, "--person", "p4@example.fi")[0] == 0
    code, out = _run(database_url, "seat", "apart", "--event", event, "--person", "6", "--person", "1")
    assert code == 0 and "never share a table" in out, out
    engine = make_engine(database_url)
    with Session(engine) as session:
        rules = seating_rules.seating_rules(session=session, event_id=int(event))
    assert [(s.person_id, s.pinned_table, s.facilitator) for s in rules.seats] == [
        (2, 3, False),
        (5, None, True),
    ]
    assert [[p.person_id for p in a.people] for a in rules.apart] == [[1, 6]]
    assert _run(database_url, "seat", "unpin", "--event", event, "--person", "2")[0] == 0
    assert _run(database_url, "seat", "facilitator", "--event", event, "--person", "5", "--off")[0] == 0
    assert (
        _run(database_url, "seat", "apart", "--event", event, "--person", "1", "--person", "6", "--remove")[0]
        == 0
    )
    with Session(engine) as session:
        rules = seating_rules.seating_rules(session=session, event_id=int(event))
    engine.dispose()
    assert rules.seats == [] and rules.apart == []


def test_mistakes_are_one_line_naming_the_option(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = str(_fill(database_url, 4))
    cases = [
        (
            ["request", "add", "--event", event, "--from", "nobody@example.fi", "--to", "2"],
            "--from: no person",
        ),
        (["request", "add", "--event", event, "--from", "1", "--to", "1"], "themselves"),
        (["request", "add", "--event", event, "--from", "1", "--to", "maija@"], "--to:"),
        (["seat", "apart", "--event", event, "--person", "1"], "--person: give exactly two people"),
        (["request", "remove", "--event", event, "--from", "1", "--to", "2"], "no meeting request"),
        (["seat", "pin", "--event", "99", "--person", "1", "--table", "1"], "--event: no event"),
    ]
    for args, expected in cases:
        monkeypatch.setattr(sys, "argv", ["kohtaamo", *args, "--database-url", database_url])
        with pytest.raises(SystemExit) as stopped:
            main()
        err = capsys.readouterr().err
        assert stopped.value.code == 1, (args, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], (args, err)


def test_tables_command_keeps_sector_rules_and_names_an_impossible_one(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = str(_fill(database_url, 30))  # 8 + 8 + 8 + 6 people from four sectors
    out = tmp_path / "plan.csv"
    common = ["tables", "--event", event, "--rounds", "2", "--table-size", "4-6", "--seconds", "0.5"]
    common += ["--model", "hashing", "--out", str(out), "--database-url", database_url]
    monkeypatch.setattr(sys, "argv", ["kohtaamo", *common, "--max-sector-share", "0.5", "--min-sectors", "3"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code in (0, None), capsys.readouterr().err
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    tables: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        tables.setdefault((row["round"], row["table"]), []).append(row["sector"])
    assert len(rows) == 60
    for key, sectors in tables.items():
        counts = Counter(sectors)
        assert max(counts.values()) <= len(sectors) // 2 and len(counts) >= 3, (key, counts)
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["kohtaamo", *common, "--max-sector-share", "0.2"])
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err.strip()
    assert stopped.value.code == 1 and len(err.splitlines()) == 1
    assert err.startswith("error: --max-sector-share: "), err


def test_tables_command_names_the_people_behind_an_impossible_pin(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = str(_fill(database_url, 8))  # persons 1..8, two to an organisation
    for person in ("1", "3"):  # kept apart, both pinned to table 1
        assert _run(database_url, "seat", "pin", "--event", event, "--person", person, "--table", "1")[0] == 0
    assert _run(database_url, "seat", "apart", "--event", event, "--person", "1", "--person", "3")[0] == 0
    args = ["tables", "--event", event, "--rounds", "2", "--table-size", "4", "--seconds", "0.2"]
    args += ["--model", "hashing", "--out", str(tmp_path / "plan.csv"), "--database-url", database_url]
    monkeypatch.setattr(sys, "argv", ["kohtaamo", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err.strip()
    assert stopped.value.code == 1 and len(err.splitlines()) == 1, err
    expected = (
        "person 1 (Henkilö 00 Äänislinna) and person 3 (Henkilö 02 Äänislinna) are both pinned to table 1"
    )
    assert expected + " but are kept apart" in err, err


def _walk_in(url: str, event: int, name: str) -> int:
    """A person registered at ``event`` after the plan was made, with an organisation of their own."""
    from models.entities import Organisation, Person, Registration

    engine = make_engine(url)
    with Session(engine) as s:
        org = Organisation(name="Uusi Oy", normalised_name="uusi oy", sector="public")
        s.add(org)
        s.flush()
        person = Person(name=name, email="uusi@example.fi", organisation_id=org.id)
        s.add(person)
        s.flush()
        s.add(Registration(person_id=person.id, event_id=event))
        s.commit()
        person_id = person.id
    engine.dispose()
    assert person_id is not None
    return person_id


def _main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["kohtaamo", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    out = capsys.readouterr()
    return int(stopped.value.code or 0), (out.out + out.err).strip()


def test_replan_command_names_the_people_behind_an_impossible_replan(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = str(_fill(database_url, 8))  # persons 1..8: 2 tables of 4-5
    assert _run(database_url, "seat", "facilitator", "--event", event, "--person", "1")[0] == 0
    assert _run(database_url, "seat", "pin", "--event", event, "--person", "1", "--table", "1")[0] == 0
    common = ["--model", "hashing", "--database-url", database_url]
    args = ["tables", "--event", event, "--rounds", "3", "--table-size", "4-5", "--seconds", "0.2"]
    code, out = _main(monkeypatch, capsys, *args, "--out", str(tmp_path / "plan.csv"), *common)
    assert code == 0, out
    plan = out.split("Stored as table plan ")[1].split(".")[0]
    walk_in = _walk_in(database_url, int(event), "Uusi Tulija")  # a second facilitator, at table 1 too
    assert _run(database_url, "seat", "facilitator", "--event", event, "--person", str(walk_in))[0] == 0
    assert (
        _run(database_url, "seat", "pin", "--event", event, "--person", str(walk_in), "--table", "1")[0] == 0
    )
    replan = ["replan", "--event", event, "--plan", plan, "--played", "1", "--registered", "--seconds", "0.2"]
    code, err = _main(monkeypatch, capsys, *replan, *common)
    both = f"(person 1 (Henkilö 00 Äänislinna), person {walk_in} (Uusi Tulija)), at most 1 per table"
    assert code == 1 and len(err.splitlines()) == 1, err
    assert err == (
        f"error: seating: round 2, table 1: 2 facilitators pinned {both}; "
        f"round 3, table 1: 2 facilitators pinned {both}"
    )
    assert _run(database_url, "seat", "unpin", "--event", event, "--person", str(walk_in))[0] == 0
    code, out = _main(monkeypatch, capsys, *replan, *common)
    assert code == 0, out
    assert f"Re-planned table plan {plan} from round 2: 9 people at 2 tables" in out, out
