"""``kohtaamo tables`` / ``kohtaamo meetings`` on a real database, and the printable rows behind them."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

import matcher
from api.cli import plans as cli_plans
from api.cli.render import print_table_summary
from api.settings import get_settings
from api.workflows import plan_rows as wf

SECTORS = ("private", "public", "third_sector", "education_research")
NEEDS = ("kotihoidon digitalisointi", "rekrytointi", "palvelumuotoilu", "vaikuttavuuden arviointi")
OFFERS = ("etälääkäripalvelut", "koulutus", "tutkimusyhteistyö", "ruokapalvelut", "kuntoutus")


def _fill(url: str, n_people: int = 30) -> int:
    """An event with ``n_people`` registered people from n_people // 2 organisations."""
    from sqlmodel import Session

    from models.db import make_engine, upgrade_database
    from models.entities import Event, Organisation, Person, Registration

    upgrade_database(url)
    engine = make_engine(url)
    with Session(engine) as s:
        event = Event(name="Soteuttamo testi", region="kanta_hame")
        s.add(event)
        orgs = []
        for k in range((n_people + 1) // 2):
            org = Organisation(
                name=f"Organisaatio {k} Oy",
                normalised_name=f"organisaatio {k}",
                sector=SECTORS[k % len(SECTORS)],
                offers=OFFERS[k % len(OFFERS)],
                needs=NEEDS[k % len(NEEDS)],
            )
            s.add(org)
            orgs.append(org)
        s.flush()
        for k in range(n_people):
            person = Person(
                name=f"Henkilö {k:02d} Äänislinna", email=f"p{k}@example.fi", organisation_id=orgs[k // 2].id
            )
            s.add(person)
            s.flush()
            s.add(Registration(person_id=person.id, event_id=event.id))
        s.commit()
        event_id = event.id
    engine.dispose()
    assert event_id is not None
    return event_id


def _app() -> typer.Typer:
    app = typer.Typer()
    cli_plans.register(app)
    return app


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tables_command_writes_a_valid_plan(database_url: str, tmp_path: Path) -> None:
    event_id = _fill(database_url, 30)
    out = tmp_path / "plan.csv"
    args = ["tables", "--event", str(event_id), "--rounds", "3", "--table-size", "4-6"]
    args += ["--seconds", "0.5", "--model", "hashing", "--database-url", database_url, "--out", str(out)]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "Repeat encounters:" in result.output and "Cross-sector mix:" in result.output

    rows = _read(out)
    assert list(rows[0]) == ["round", "table", "person_id", "person", "organisation", "sector", "role"]
    assert len(rows) == 30 * 3
    assert Counter((r["round"], r["person_id"]) for r in rows).most_common(1)[0][1] == 1
    ids = sorted({int(r["person_id"]) for r in rows})
    assert len(ids) == 30 and "Äänislinna" in rows[0]["person"]
    # rebuild the assignment and let the engine's checker judge it
    column = {pid: k for k, pid in enumerate(ids)}
    assignment = np.full((3, 30), -1)
    org_of = [""] * 30
    for r in rows:
        assignment[int(r["round"]) - 1, column[int(r["person_id"])]] = int(r["table"]) - 1
        org_of[column[int(r["person_id"])]] = r["organisation"]
    layout = [(4, 6)] * 5  # 30 people, at most 6 a table: 5 tables
    assert assignment.max() == 4
    assert matcher.table_plan_violations(assignment, layout, separate=org_of) == []


def test_meetings_command_writes_one_row_per_round_and_person(database_url: str, tmp_path: Path) -> None:
    event_id = _fill(database_url, 15)
    out = tmp_path / "meetings.csv"
    args = ["meetings", "--event", str(event_id), "--rounds", "4", "--model", "hashing"]
    args += ["--database-url", database_url, "--out", str(out)]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "4/4 rounds proven optimal" in result.output
    rows = _read(out)
    assert list(rows[0]) == ["round", "table", "person_id", "person", "organisation", "sector", "with"]
    assert len(rows) == 15 * 4
    assert Counter((r["round"], r["person_id"]) for r in rows).most_common(1)[0][1] == 1
    byes = [r for r in rows if r["with"] == "(bye)"]
    assert len(byes) == 4 and len({r["person_id"] for r in byes}) == 4  # 15 people: a rotating bye
    met: set[frozenset[str]] = set()
    tables: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if r["table"] != "0":
            tables[(r["round"], r["table"])].append(r)
    for seated in tables.values():
        assert len(seated) == 2
        a, b = seated
        assert a["with"] == b["person"] and b["with"] == a["person"]
        assert a["organisation"] != b["organisation"]  # colleagues never meet
        pair = frozenset((a["person_id"], b["person_id"]))
        assert pair not in met
        met.add(pair)


def test_unknown_event_is_one_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    _fill(url, 4)
    result = CliRunner().invoke(
        _app(),
        [
            "tables",
            "--event",
            "999",
            "--model",
            "hashing",
            "--database-url",
            url,
            "--out",
            str(tmp_path / "x.csv"),
        ],
    )
    assert isinstance(result.exception, LookupError)
    assert "--event: no event with id or name '999'" in str(result.exception)
    assert not (tmp_path / "x.csv").exists()


def test_impossible_layout_is_refused_before_planning(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    event_id = _fill(url, 10)
    args = ["tables", "--event", str(event_id), "--table-size", "6-8", "--tables", "3", "--model", "hashing"]
    result = CliRunner().invoke(_app(), [*args, "--database-url", url, "--out", str(tmp_path / "x.csv")])
    assert "10 people cannot sit at 3 tables of 6 to 8" in str(result.exception)


def test_demo_stage_prints_a_four_round_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    event_id = _fill(url, 24)
    monkeypatch.setenv("KOHTAAMO_MODEL", "hashing")
    get_settings.cache_clear()
    try:
        console = Console(record=True, width=120)
        cli_plans.demo_stage(url, event_id, console, seconds=0.5)
    finally:
        get_settings.cache_clear()
    text = console.export_text()
    assert "24 people at 3 tables of 6-8, 4 rounds" in text
    assert "Cross-sector mix:" in text and "Repeat encounters:" in text
    assert "Round 1, table 1: Henkilö" in text


# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(("text", "expected"), [("6-8", (6, 8)), ("4", (4, 4)), (" 5 - 7 ", (5, 7))])
def test_parse_table_size(text: str, expected: tuple[int, int]) -> None:
    assert cli_plans.parse_table_size(text) == expected


@pytest.mark.parametrize("text", ["", "six", "8-6", "1-3", "4-"])
def test_parse_table_size_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="--table-size"):
        cli_plans.parse_table_size(text)


def test_table_layout() -> None:
    assert wf.table_layout(80, tables=None, min_size=6, max_size=8) == [(6, 8)] * 10
    assert wf.table_layout(81, tables=None, min_size=6, max_size=8) == [(6, 8)] * 11
    assert wf.table_layout(80, tables=12, min_size=6, max_size=8) == [(6, 8)] * 12
    with pytest.raises(ValueError, match="9 people cannot sit at 2 tables of 6 to 8"):
        wf.table_layout(9, tables=None, min_size=6, max_size=8)
    with pytest.raises(ValueError, match="tables: must be at least 1"):
        wf.table_layout(9, tables=0, min_size=2, max_size=8)


def _people(n: int) -> list[wf.PlanPerson]:
    return [wf.PlanPerson(100 + i, f"P{i}", f"Org {i // 2}", SECTORS[i % 3]) for i in range(n)]


def test_table_rows_and_csv_round_trip(tmp_path: Path) -> None:
    plan = matcher.plan_tables(np.zeros((6, 6)), [(3, 3), (3, 3)], rounds=2, seconds=0.05)
    people = _people(6)
    rows = wf.table_rows(plan, people)
    assert len(rows) == 12
    for r in rows:
        assert plan.assignment[r.round - 1, r.person_id - 100] == r.table - 1
        assert (r.person, r.organisation, r.sector) == (
            people[r.person_id - 100].name,
            people[r.person_id - 100].organisation,
            people[r.person_id - 100].sector,
        )
    path = wf.write_csv(rows, tmp_path / "t.csv", wf.TableRow)
    back = _read(path)
    assert [
        wf.TableRow(
            int(d["round"]),
            int(d["table"]),
            int(d["person_id"]),
            d["person"],
            d["organisation"],
            d["sector"],
            d["role"],
        )
        for d in back
    ] == rows
    with pytest.raises(ValueError, match="people: 5 given for a plan of 6 people"):
        wf.table_rows(plan, people[:5])


def test_meeting_rows_list_partners_and_byes() -> None:
    a = np.array([[0, 9, 1], [9, 0, 1], [1, 1, 0]], dtype=float)
    plan = matcher.plan_meetings(a, rounds=2)
    rows = wf.meeting_rows(plan, _people(3))
    assert [(r.round, r.table, r.person, r.with_) for r in rows if r.round == 1] == [
        (1, 1, "P0", "P1"),
        (1, 1, "P1", "P0"),
        (1, 0, "P2", "(bye)"),
    ]
    assert len(rows) == 6


def test_table_mix_counts_sectors() -> None:
    plan = matcher.plan_tables(np.zeros((4, 4)), [(2, 2), (2, 2)], rounds=1, seconds=0.05)
    mix = wf.table_mix(plan, ["a", "a", "a", "b"])
    assert sorted(sum(c.values()) for c in mix.sectors[0]) == [2, 2]
    assert mix.mixed == 1 and mix.dominated == 1 and mix.cells == 2
    console = Console(record=True, width=100)
    print_table_summary(mix, console)
    assert "1/2 tables seat two or more sectors" in console.export_text()


def test_table_rows_skip_people_absent_from_played_rounds() -> None:
    aff = np.ones((6, 6)) - np.eye(6)
    first = matcher.plan_tables(aff, [(3, 3), (3, 3)], rounds=2, seconds=0.05)
    again = matcher.replan_tables(
        first, list(range(6)), [0, 1, 2, 3, 4, 9], aff, [(3, 3), (3, 3)], played=1, seconds=0.05
    )
    rows = wf.table_rows(again, _people(6))
    assert len(rows) == 5 + 6  # the walk-in (column 5) sits only in round 2
    assert [r.round for r in rows if r.person_id == 105] == [2]


def test_a_table_violation_names_the_round_and_table_printed_for_those_people() -> None:
    a = np.random.default_rng(5).random((9, 9))
    plan = matcher.plan_tables(a + a.T, [(3, 3)] * 3, rounds=3, seconds=0.05, seed=1)
    i, j = plan.seating(2)[1][:2]  # two people at table index 1 in round index 2
    violations = matcher.table_plan_violations(plan, [(3, 3)] * 3, apart=[(i, j)])
    rows = wf.table_rows(plan, _people(9))
    found = [
        re.fullmatch(r"round (\d), table (\d): people (\d) and (\d) must not share a table", v)
        for v in violations
    ]
    assert all(found) and ("3", "2") in [(m[1], m[2]) for m in found if m], violations
    for m in found:
        assert m is not None
        printed = {(r.round, r.table) for r in rows if r.person_id - 100 in (int(m[3]), int(m[4]))}
        assert (int(m[1]), int(m[2])) in printed, (m[0], printed)
        assert {t for r, t in printed if r == int(m[1])} == {int(m[2])}, (m[0], printed)


def test_a_meeting_violation_names_the_round_and_table_printed_for_that_meeting() -> None:
    plan = matcher.plan_meetings(np.ones((6, 6)) - np.eye(6), rounds=3)
    meeting = plan.in_round(1)[-1]
    violations = matcher.meeting_plan_violations(plan, blocked=[meeting.people])
    (only,) = violations
    m = re.fullmatch(r"round (\d), table (\d): blocked pair \((\d), (\d)\) meets", only)
    assert m is not None, only
    rows = wf.meeting_rows(plan, _people(6))
    printed = {
        (r.round, r.table) for r in rows if r.person_id - 100 in meeting.people and r.round == int(m[1])
    }
    assert printed == {(2, meeting.table + 1)} == {(int(m[1]), int(m[2]))}, (only, printed)
