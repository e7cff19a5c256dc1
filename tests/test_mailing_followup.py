"""The follow-up e-mail through the loopback server on SQLite and PostgreSQL: due only
``followup_months`` after the event, to people who came and told us whom they met, with the
follow-up form's link and those people's names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from api.settings import Settings
from api.workflows.errors import FieldError
from api.workflows.mailing import check_followup_due
from models.db import make_engine
from models.entities import Event
from models.feedback import Feedback
from tests.mail_helpers import BASE_URL, PEOPLE, Seeded, seed_event, signer
from tests.smtp_server import SmtpServer
from tests.test_mailing import body, run, to_key


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.stop()


def _past_event_with_feedback(url: str, day: dt.date) -> Seeded:
    seeded = seed_event(url)
    engine = make_engine(url)
    with Session(engine) as session:
        event = session.get(Event, seeded.event_id)
        assert event is not None
        event.date = day
        ids = seeded.ids
        for me, target, met in (("paivi", "asa", True), ("asa", "paivi", True), ("asa", "matti", False)):
            session.add(Feedback(event_id=seeded.event_id, person_id=ids[me], target_id=ids[target], met=met))
        session.commit()
    engine.dispose()
    return seeded


def test_the_followup_goes_to_who_came_and_met_someone(
    database_url: str, server: SmtpServer, tmp_path: Path
) -> None:
    seeded = _past_event_with_feedback(database_url, dt.date.today() - dt.timedelta(days=200))
    summary = run(seeded, server, tmp_path, "followup")
    assert summary.sent == 2
    assert summary.skipped["did not check in"] == [seeded.ids["john"]]
    assert summary.skipped["told us of no one they met"] == [seeded.ids["kalle"]]
    for received in server.received:
        key = to_key(seeded, received)
        text = body(received.message)
        [token] = set(re.findall(re.escape(BASE_URL) + r"/p/([\w.-]+)/followup", text))
        assert signer().load(token).person_id == seeded.ids[key]
        other = {"paivi": "asa", "asa": "paivi"}[key]
        assert PEOPLE[other][0] in text and PEOPLE["matti"][0] not in text  # only whom they met
    subjects = {to_key(seeded, r): r.message["Subject"] for r in server.received}
    assert subjects["paivi"].startswith("Syntyikö yhteistyötä?")
    assert run(seeded, server, tmp_path, "followup").sent == 0  # the same again: nothing new


def test_the_followup_waits_for_its_date(database_url: str, server: SmtpServer, tmp_path: Path) -> None:
    seeded = _past_event_with_feedback(database_url, dt.date.today() - dt.timedelta(days=20))
    with pytest.raises(FieldError, match=r"is due on \d{4}-\d\d-\d\d \(4 months after the event"):
        run(seeded, server, tmp_path, "followup", dry_run=True)
    assert server.received == []


def test_check_followup_due_by_hand() -> None:
    event = Event(id=7, name="E", date=dt.date(2027, 2, 10))
    settings = Settings(followup_months=3)
    check_followup_due(event, settings, today=dt.date(2027, 5, 10))
    with pytest.raises(FieldError, match="due on 2027-05-10"):
        check_followup_due(event, settings, today=dt.date(2027, 5, 9))
    with pytest.raises(FieldError, match="has no date"):
        check_followup_due(Event(id=8, name="F"), settings)
