"""Printouts where organisers get them, on SQLite and PostgreSQL: ``kohtaamo print`` (PDF, CSV
and XLSX, one clear line for an event without a table plan), the demo stage, and the organiser
API's ``GET /events/{id}/printouts/{what}.pdf|csv|xlsx`` (404 and 422 with a message)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
from rich.console import Console
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import printing
from api.cli.commands import build_app
from models.db import make_engine
from models.entities import Event
from models.spreadsheet import read_sheet, read_sheet_bytes
from tests.printing_helpers import ROOT, add_people, page_texts, seat_event
from tests.test_api_jobs import _run
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _kohtaamo(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    code = "from api.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


def test_print_writes_the_pdf_and_the_same_rows_as_the_tables_command(
    database_url: str, tmp_path: Path
) -> None:
    seated = seat_event(database_url, 24, rounds=2, meetings=0)
    event, db = str(seated.event_id), ["--database-url", database_url]
    runner, app = CliRunner(), build_app()
    out = tmp_path / "plan.pdf"
    result = runner.invoke(app, ["print", "--event", event, "--what", "all", "--out", str(out), *db])
    assert result.exit_code == 0, result.output + repr(result.exception)
    pages = _pages(out.read_bytes())
    assert f"Wrote table plan {seated.plan_id} to {out} ({pages} pages)." in " ".join(result.output.split())
    texts = page_texts(out.read_bytes())
    assert sum("Pöytäsuunnitelma – Kierros" in t for t in texts) >= 2 and texts[-1].count("Äijä") >= 1
    # the CSV of `kohtaamo print` is the one `kohtaamo tables` writes, byte for byte
    tables_csv, print_csv = tmp_path / "tables.csv", tmp_path / "print.csv"
    plan = ["tables", "--event", event, "--rounds", "2", "--table-size", "4-5", "--seconds", "0.3"]
    result = runner.invoke(app, [*plan, "--model", "hashing", "--out", str(tables_csv), *db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["print", "--event", event, "--out", str(print_csv), *db])
    assert result.exit_code == 0, result.output
    assert "(48 rows)" in result.output
    assert print_csv.read_bytes() == tables_csv.read_bytes(), "the newest plan, written by the same writer"
    xlsx = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["print", "--event", event, "--what", "tables", "--out", str(xlsx), *db])
    assert result.exit_code == 0, result.output
    sheet, rows = read_sheet(xlsx), read_sheet(print_csv)
    assert (
        sheet.headers
        == rows.headers
        == ["round", "table", "person_id", "person", "organisation", "sector", "role"]
    )
    width = len(sheet.headers)  # the XLSX reader leaves off a row's empty cells at its end
    assert [r.values + [""] * (width - len(r.values)) for r in sheet.rows] == [r.values for r in rows.rows]


def test_print_errors_are_one_line(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    seated = seat_event(database_url, 12, rounds=1, meetings=0)
    with Session(engine) as session:
        bare = Event(name="Ilman suunnitelmaa")
        session.add(bare)
        session.commit()
        bare_id = bare.id
    engine.dispose()
    db = ["--database-url", database_url]
    cases = [
        (["--event", str(bare_id)], f"error: event {bare_id} has no table plan yet: make one first"),
        (["--event", str(seated.event_id), "--lang", "de"], "error: lang: 'de' is not one of fi, sv, en"),
        (["--event", str(seated.event_id), "--what", "menu"], "error: what: 'menu' is not one of tables"),
        (
            ["--event", str(seated.event_id), "--plan", "999"],
            f"error: plan_id: event {seated.event_id} has no",
        ),
    ]
    for args, line in cases:
        done = _kohtaamo("print", *args, "--out", str(tmp_path / "x.pdf"), *db)
        assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
        assert " ".join(done.stderr.split()).startswith(line), done.stderr
    done = _kohtaamo(
        "print", "--event", str(seated.event_id), "--what", "cards", "--out", str(tmp_path / "c.csv"), *db
    )
    assert done.returncode == 1 and "use tables or all, not cards" in done.stderr
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "c.csv").exists()


def test_the_demo_stage_prints_the_sample_plan(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    from api.cli import plans
    from api.workflows.sample import import_sample_event

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOHTAAMO_MODEL", "hashing")
    from api.settings import get_settings

    get_settings.cache_clear()
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    event_id = import_sample_event(url)
    console = Console(record=True, width=200)
    plans.demo_stage(url, event_id, console, seconds=0.5)
    printing.demo_stage(url, event_id, console)
    get_settings.cache_clear()
    out = tmp_path / printing.DEMO_OUT
    text = console.export_text()
    assert f"Printouts (table lists, table cards, slips): {out.resolve()}" in text
    texts = page_texts(out.read_bytes())
    cards = sum("KESKUSTELUN AVAUS" in t for t in texts)
    assert cards == 4 * 10, "80 people at 10 tables of 6-8, 4 rounds: a card each"
    assert sum(t.count("PÖYTÄSI KIERROKSITTAIN") for t in texts) == 80, "a slip each"


def _seated_api_event(api: Api, token: str, n: int = 20) -> int:
    event = api.event(token, name="Soteuttamo Printtilä")
    engine = make_engine(api.url)
    with Session(engine) as session:
        add_people(session, event, n)
        session.commit()
    engine.dispose()
    return event


def test_the_api_serves_the_pdf_and_the_spreadsheets(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = _seated_api_event(api, a)
    path = f"/events/{event}/printouts"
    none = api.client.get(f"{path}/all.pdf", headers=api.auth(a))
    assert none.status_code == 404 and f"event {event} has no table plan yet" in none.json()["detail"]
    job = _run(
        api, a, f"/events/{event}/table-plans", {"rounds": 2, "min_size": 4, "max_size": 5, "seconds": 0.3}
    )
    assert job["status"] == "succeeded", job["message"]
    pages = {}
    for what in ("tables", "cards", "slips", "all"):
        response = api.client.get(f"{path}/{what}.pdf", headers=api.auth(a))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert f'filename="event-{event}-{what}.pdf"' in response.headers["content-disposition"]
        pages[what] = _pages(response.content)
    assert pages["cards"] == 2 * 4 and pages["slips"] == 7  # 20 people: 4 tables of 5, 3 slips a page
    assert pages["all"] == pages["tables"] + pages["cards"] + pages["slips"]
    sv = api.client.get(f"{path}/cards.pdf", headers=api.auth(a), params={"lang": "sv"})
    assert (
        "Bord 1" in page_texts(sv.content)[0]
        and "Samtalsöppnare".upper() in page_texts(sv.content)[0].upper()
    )
    plan = api.client.get(
        f"/events/{event}/table-plans/{job['result']['plan_id']}", headers=api.auth(a)
    ).json()
    seats = [[str(s["round"]), str(s["table"]), str(s["person_id"]), s["name"]] for s in plan["seats"]]
    csv = api.client.get(f"{path}/tables.csv", headers=api.auth(a))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    xlsx = api.client.get(f"{path}/all.xlsx", headers=api.auth(a))
    assert xlsx.status_code == 200
    for body, name in ((csv.content, "plan.csv"), (xlsx.content, "plan.xlsx")):
        sheet = read_sheet_bytes(body, name)
        assert [r.values[:4] for r in sheet.rows] == seats


def test_the_api_answers_bad_requests_with_a_message(api: Api) -> None:
    a, b = api.organiser("a@example.fi"), api.organiser("b@example.fi")
    event = _seated_api_event(api, a, 8)
    job = _run(
        api, a, f"/events/{event}/table-plans", {"rounds": 1, "min_size": 4, "max_size": 4, "seconds": 0.2}
    )
    assert job["status"] == "succeeded", job["message"]
    path = f"/events/{event}/printouts"
    cases = [
        (f"{path}/menu.pdf", a, 422, "what: Input should be 'tables', 'cards', 'slips' or 'all'"),
        (f"{path}/cards.csv", a, 422, "what: Input should be 'tables' or 'all'"),
        (f"{path}/tables.pdf?lang=de", a, 422, "lang: Input should be 'fi', 'sv' or 'en'"),
        (f"{path}/tables.pdf?plan_id=999", a, 404, f"plan_id: event {event} has no table plan 999"),
        (f"{path}/tables.pdf", b, 404, "event not found"),
    ]
    for url, token, status, message in cases:
        response = api.client.get(url, headers=api.auth(token))
        assert response.status_code == status, (url, response.text)
        assert message in response.text, response.text
    assert api.client.get(f"{path}/tables.pdf").status_code == 401
