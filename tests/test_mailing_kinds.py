"""The live and feedback e-mails through the loopback server on SQLite and PostgreSQL: seats,
meetings and round times with calendar entries that a re-plan updates (same UIDs, higher
SEQUENCE, only to people whose message changed), the feedback link, and an unsubscribe that
a re-import saying "consent: yes" does not undo."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from api.mail.pacing import FakeClock
from api.schemas.mailings import RoundScheduleIn
from api.workflows.consent import unsubscribe
from api.workflows.schedules import set_schedule
from models.db import make_engine
from models.entities import Person
from models.imports import import_file
from models.plans import PlanKind, StoredTablePlan
from tests.import_helpers import MAIJA, with_value, write_csv
from tests.mail_helpers import BASE_URL, PEOPLE, Seeded, seed_event, signer
from tests.smtp_server import SmtpServer
from tests.test_mailing import body, outbox, run, to_key

REPLANNED = [[0, 0, 1, -1, -2, 1], [1, 0, 0, -1, -1, 1]]  # round 2: Päivi meets Kalle, Matti sits out
NO_ROUND_2 = [[0, 0, 1, -1, -2, 1], [-1, 0, 0, -1, -1, -1]]  # round 2: Päivi and Kalle sit out


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.stop()


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    found = seed_event(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        for kind, start, minutes, gap in (("tables", 10, 45, 15), ("meetings", 13, 15, 5)):
            body = RoundScheduleIn(
                starts_at=dt.datetime(2026, 12, 3, start, 0), round_minutes=minutes, gap_minutes=gap
            )
            set_schedule(session=session, event_id=found.event_id, kind=kind, body=body)
    engine.dispose()
    return found


def replan(seeded: Seeded, assignment: list[list[int]] = REPLANNED) -> None:
    engine = make_engine(seeded.url)
    with Session(engine) as session:
        stored = session.exec(
            sa.select(StoredTablePlan).where(StoredTablePlan.kind == PlanKind.MEETINGS)
        ).scalar_one()  # type: ignore[call-overload]
        stored.assignment = assignment
        session.add(stored)
        session.commit()
    engine.dispose()


def calendar(message: EmailMessage) -> dict[str, str]:
    """The message's calendar entries by UID (empty without an attachment)."""
    found = {}
    for part in message.iter_attachments():
        assert part.get_content_type() == "text/calendar" and part.get_param("method") == "PUBLISH"
        for entry in str(part.get_content()).split("BEGIN:VEVENT")[1:]:
            found[re.search(r"UID:(\S+)", entry).group(1)] = entry  # type: ignore[union-attr]
    return found


def uid(seeded: Seeded, key: str, round_number: int) -> str:
    return f"kohtaamo-e{seeded.event_id}-p{seeded.ids[key]}-r{round_number}@kohtaamo.example.fi"


def test_live_shows_seats_meetings_times_and_where_partners_sit(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    summary = run(seeded, server, tmp_path, "live")
    assert summary.sent == 4
    paivi = next(r.message for r in server.received if to_key(seeded, r) == "paivi")
    text = " ".join(paivi.get_body(("plain",)).get_content().split())  # type: ignore[union-attr]
    assert "Kierros 1, klo 10.00–10.45: pöytä 1" in text and "Kierros 2, klo 11.00–11.45: pöytä 1" in text
    assert "Kierros 1, klo 13.00–13.15: tapaamispöytä 1 – Åsa Öberg (Föreningen Hjälp rf)" in text
    # Matti shared his contact details (he only refused e-mail for himself)
    assert (
        "Kierros 2, klo 13.20–13.35: tapaamispöytä 2 – Matti Meikäläinen (Hämeenlinnan kaupunki), matti@kunta"
        in text
    )
    assert "Missä: kierros 1 pöytä 1; kierros 2 pöytä 2" in text  # where Åsa sits
    entries = calendar(paivi)
    assert set(entries) == {uid(seeded, "paivi", 1), uid(seeded, "paivi", 2)}
    first = entries[uid(seeded, "paivi", 1)]
    assert "DTSTART:20261203T110000Z" in first and "DTEND:20261203T111500Z" in first and "SEQUENCE:0" in first
    kalle = next(r.message for r in server.received if to_key(seeded, r) == "kalle")
    assert set(calendar(kalle)) == {uid(seeded, "kalle", 1)}  # a bye in round 2: no entry
    assert "Kierros 2, klo 13.20–13.35: ei tapaamista" in " ".join(body(kalle).split())


def test_a_replan_updates_the_calendar_for_whom_it_changed(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    run(seeded, server, tmp_path, "live")
    replan(seeded)
    again = run(seeded, server, tmp_path, "live")
    assert again.sent == 2 and sorted(again.skipped["already sent"]) == sorted(
        [seeded.ids["asa"], seeded.ids["john"]]
    )
    updates = {to_key(seeded, r): r.message for r in server.received[4:]}
    assert set(updates) == {"paivi", "kalle"}
    assert updates["paivi"]["Subject"] == "Päivitetty: Pöytäsi ja tapaamisesi – Soteuttamo Kanta-Häme"
    paivi = calendar(updates["paivi"])
    assert set(paivi) == {uid(seeded, "paivi", 1), uid(seeded, "paivi", 2)}  # the same UIDs as the first time
    assert all("SEQUENCE:1" in e for e in paivi.values()) and "Kalle Kivi" in paivi[uid(seeded, "paivi", 2)]
    kalle = calendar(updates["kalle"])
    assert (
        "STATUS:CONFIRMED" in kalle[uid(seeded, "kalle", 2)]
        and "SEQUENCE:1" in kalle[uid(seeded, "kalle", 2)]
    )
    rows = [r for r in outbox(seeded) if r.person_id == seeded.ids["paivi"]]
    assert [(r.status, r.sequence) for r in rows] == [("sent", 0), ("sent", 1)]
    assert rows[0].message_id != rows[1].message_id
    # a second re-plan takes round 2's meeting away: the calendar entry is cancelled, not left
    replan(seeded, NO_ROUND_2)
    assert run(seeded, server, tmp_path, "live").sent == 2
    last = {to_key(seeded, r): calendar(r.message) for r in server.received[6:]}
    for key in ("paivi", "kalle"):
        cancelled = last[key][uid(seeded, key, 2)]
        assert "STATUS:CANCELLED" in cancelled and "SEQUENCE:2" in cancelled
        assert "STATUS:CONFIRMED" in last[key][uid(seeded, key, 1)]


def test_a_message_never_handed_over_is_superseded_by_the_new_plan(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    server.go_down_after(1)
    first = run(seeded, server, tmp_path, "live", pacing=FakeClock().pacing())
    assert first.sent == 1 and first.left == 3
    replan(seeded)
    server.handler.down_after = None
    server.start()
    second = run(seeded, server, tmp_path, "live")
    # Päivi's first message went out, so she gets the update; the three never sent get one each
    assert second.sent == 4 and Counter(to_key(seeded, r) for r in server.received) == Counter(
        {"paivi": 2, "asa": 1, "john": 1, "kalle": 1}
    )
    kalle_rows = [(r.status, r.sequence) for r in outbox(seeded) if r.person_id == seeded.ids["kalle"]]
    assert kalle_rows == [("superseded", 0), ("sent", 0)]  # the old plan's message never went out
    kalle = next(r.message for r in server.received if to_key(seeded, r) == "kalle")
    assert not kalle["Subject"].startswith("Päivitetty") and uid(seeded, "kalle", 2) in calendar(kalle)


def test_feedback_goes_to_who_came_with_the_form_link(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    summary = run(seeded, server, tmp_path, "feedback")
    assert summary.sent == 3 and summary.skipped["did not check in"] == [seeded.ids["john"]]
    for received in server.received:
        key = to_key(seeded, received)
        text = body(received.message)
        [token] = set(re.findall(re.escape(BASE_URL) + r"/p/([\w.-]+)/feedback", text))
        assert signer().load(token).person_id == seeded.ids[key]
        assert "-syy" not in text and not calendar(received.message)  # names only, no reasons
        assert all(PEOPLE[p][1] not in text for p in PEOPLE if p != key)  # nobody's address


def test_an_unsubscribe_survives_a_reimport_that_says_consent_yes(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    engine = make_engine(seeded.url)
    with Session(engine) as session:
        unsubscribe(session=session, person_id=seeded.ids["paivi"])
    row = with_value(with_value(MAIJA, "Sähköposti", PEOPLE["paivi"][1]), "Sähköpostilupa", "kyllä")
    result = import_file(engine, write_csv(tmp_path / "again.csv", [row]), event_id=seeded.event_id)
    assert result.people_updated == 1
    with Session(engine) as session:
        person = session.get(Person, seeded.ids["paivi"])
        assert person is not None and person.consent_email is True and person.unsubscribed_at is not None
    engine.dispose()
    summary = run(seeded, server, tmp_path)
    assert summary.skipped["unsubscribed"] == sorted([seeded.ids["paivi"], seeded.ids["liisa"]])
    assert "paivi" not in {to_key(seeded, r) for r in server.received}
