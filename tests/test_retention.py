"""Retention: ``kohtaamo event purge --older-than-months N`` removes old events' personal data
in one command (SQLite and PostgreSQL); newer events, undated events and people still
registered elsewhere stay."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from api import cli
from api.settings import get_settings
from api.workflows.retention import cutoff
from models.entities import Event, Person, Registration
from models.suggestions import StoredSuggestion
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _run(
    api: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["kohtaamo", "event", "purge", *argv, "--database-url", api.url])
    monkeypatch.setenv("COLUMNS", "300")
    get_settings.cache_clear()
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    return code, out + err


def _suggest(api: Api, token: str, event: int) -> None:
    job = api.client.post(f"/events/{event}/suggestions", headers=api.auth(token), json={"k": 1})
    assert api.wait_job(token, job.json())["status"] == "succeeded"


def test_purging_old_events_removes_their_personal_data_only(
    api: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = api.organiser("aino@example.fi")
    today = dt.date.today()
    old = api.event(token, "Vanha", date=(today - dt.timedelta(days=31 * 30)).isoformat())
    new = api.event(token, "Uusi", date=(today - dt.timedelta(days=31)).isoformat())
    undated = api.event(token, "Päivätön")
    gone = api.walk_in(token, old, "vain.vanha@x.example", "Vanha Oy", sector="public")
    both = api.walk_in(token, old, "molemmat@y.example", "Molemmat ry", sector="third_sector")
    api.client.post(f"/events/{new}/registrations", headers=api.auth(token), json={"person_id": both})
    newer = api.walk_in(token, new, "uusi@z.example", "Uusi Oy")
    api.walk_in(token, undated, "paivaton@w.example", "Päivätön Oy")
    _suggest(api, token, old)
    _suggest(api, token, new)
    engine = api.app.state.engine

    def counts() -> list[int]:
        tables = (Person, Registration, StoredSuggestion)
        with engine.connect() as conn:
            return [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in tables]

    before = counts()
    code, out = _run(api, monkeypatch, capsys, "--older-than-months", "24")
    assert code == 1 and f"[{old}]" in out and "--yes" in out and f"[{undated}]" in out
    assert counts() == before  # not without --yes
    code, out = _run(api, monkeypatch, capsys, "--older-than-months", "24", "--yes")
    assert code == 0 and f"Purged events [{old}]" in out and "erased 1 people" in out, out
    with Session(engine) as session:
        assert session.get(Person, gone) is None and session.get(Person, both) is not None
        assert session.exec(select(Registration).where(Registration.event_id == old)).all() == []
        assert session.exec(select(StoredSuggestion).where(StoredSuggestion.event_id == old)).all() == []
        assert session.exec(select(StoredSuggestion).where(StoredSuggestion.event_id == new)).all()
        assert {r.person_id for r in session.exec(select(Registration)).all() if r.event_id == new} == {
            both,
            newer,
        }
        assert session.get(Event, old) is not None  # the event stays as a record
    after = counts()
    code, out = _run(api, monkeypatch, capsys, "--older-than-months", "24", "--yes")
    assert code == 0 and "nothing stored" in out and "erased 0 people" in out, out  # nothing left there
    assert counts() == after


def test_the_cutoff_counts_calendar_months() -> None:
    assert cutoff(dt.date(2027, 3, 31), 1) == dt.date(2027, 2, 28)
    assert cutoff(dt.date(2028, 3, 31), 1) == dt.date(2028, 2, 29)
    assert cutoff(dt.date(2027, 1, 15), 13) == dt.date(2025, 12, 15)
    for months in range(1, 40):
        day = cutoff(dt.date(2027, 5, 20), months)
        assert (2027 * 12 + 4) - (day.year * 12 + day.month - 1) == months and day.day == 20
