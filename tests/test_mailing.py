"""E-mails to participants through a real SMTP server on loopback, on SQLite and PostgreSQL:
who gets what in which language, links that open the right person's page, no partner's
contact details without consent, and the outbox's promises (no duplicates after a repeat or
a killed run, retries after 451, a 550 recorded and not retried, the rate limit)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from api.mail.pacing import FakeClock
from api.mail.smtp import SmtpConfig, SmtpSender
from api.mail.words import WORDS
from api.workflows.errors import ConflictError, FieldError
from api.workflows.mailing import MailingSummary, preview_message, send_mailing
from models.db import make_engine
from models.outbox import OutboxMessage
from tests.mail_helpers import BASE_URL, MAY_EMAIL, PEOPLE, PRIVATE, Seeded, seed_event, settings_for, signer
from tests.smtp_server import Received, SmtpServer


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.stop()


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    return seed_event(database_url)


def run(
    seeded: Seeded, server: SmtpServer | None, tmp_path: Path, kind: str = "before", **kw: Any
) -> MailingSummary:
    settings = settings_for(seeded.url, server, tmp_path / "outbox", **kw.pop("settings", {}))
    kw.setdefault("rate_per_minute", None)
    engine = make_engine(seeded.url)
    try:
        with Session(engine) as session:
            return send_mailing(
                session, event_id=seeded.event_id, kind=kind, signer=signer(), settings=settings, **kw
            )
    finally:
        engine.dispose()


def outbox(seeded: Seeded) -> list[OutboxMessage]:
    engine = make_engine(seeded.url)
    with Session(engine) as session:
        rows = list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())  # type: ignore[arg-type]
    engine.dispose()
    return rows


def body(message: EmailMessage) -> str:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return str(text) + str(html)


def to_key(seeded: Seeded, received: Received) -> str:
    [address] = received.rcpt_tos
    return next(k for k, p in PEOPLE.items() if p[1] == address)


def test_before_reaches_who_may_be_emailed_in_their_language_with_their_own_links(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    summary = run(seeded, server, tmp_path)
    assert summary.sent == 4 and not summary.failed and summary.stopped is None
    assert summary.skipped == {
        "no e-mail consent": [seeded.ids["matti"]],
        "unsubscribed": [seeded.ids["liisa"]],
    }
    assert sorted(to_key(seeded, r) for r in server.received) == sorted(MAY_EMAIL)
    for received in server.received:
        key, message = to_key(seeded, received), received.message
        name, address, language = PEOPLE[key][:3]
        assert received.mail_from == "kohtaamo@example.fi"
        assert (
            message["To"].addresses[0].display_name == name
            and message["To"].addresses[0].addr_spec == address
        )
        assert message["Content-Language"] == language
        assert message["Subject"] == WORDS[language].subject("before", "Soteuttamo Kanta-Häme")
        text = body(message)
        doors = re.findall(re.escape(BASE_URL) + r"/(p|unsubscribe)/([\w.-]+)(/feedback)?", text)
        assert {door for door, _, _ in doors} == {"p", "unsubscribe"}
        for door, token, feedback in doors:  # each link its own scope
            claims = signer().load(token)
            assert (claims.person_id, claims.event_id) == (seeded.ids[key], seeded.event_id)
            assert claims.scope == (
                "unsubscribe" if door == "unsubscribe" else "feedback" if feedback else "page"
            )
        unsubscribe = message["List-Unsubscribe"]
        assert unsubscribe.startswith(f"<{BASE_URL}/unsubscribe/")
        claims = signer().load(unsubscribe.strip("<>").rsplit("/", 1)[1])
        assert claims.person_id == seeded.ids[key] and claims.scope == "unsubscribe"
        # reasons in the reader's language
        assert f"{language}-syy 1" in text


def test_no_partner_contact_details_without_their_consent(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    run(seeded, server, tmp_path)
    run(seeded, server, tmp_path, "live")
    messages = {(to_key(seeded, r), r.message["Subject"]): body(r.message) for r in server.received}
    assert len(messages) == 8
    for (reader, _), text in messages.items():
        for private in PRIVATE - {reader}:
            assert PEOPLE[private][1] not in text and PEOPLE[private][7] not in text
    # and where the partner consented, the details are there (John is suggested to Päivi)
    paivi = [t for (k, _), t in messages.items() if k == "paivi"]
    assert all("john@uni.example.fi" in t and "researcher" in t for t in paivi)


def test_running_it_again_sends_nothing(seeded: Seeded, server: SmtpServer, tmp_path: Path) -> None:
    run(seeded, server, tmp_path)
    again = run(seeded, server, tmp_path)
    assert again.sent == 0 and sorted(again.skipped["already sent"]) == sorted(
        seeded.ids[k] for k in MAY_EMAIL
    )
    assert len(server.received) == 4
    assert Counter(r.status for r in outbox(seeded)) == {"sent": 4}


class Crash(BaseException):
    """The process dying (not an error any code handles)."""


class CrashingSender(SmtpSender):
    """Dies on its ``crash_on``-th message: before handing it over, or after the server took it."""

    def __init__(self, config: SmtpConfig, crash_on: int, after_handover: bool) -> None:
        super().__init__(config)
        self.calls, self.crash_on, self.after_handover = 0, crash_on, after_handover

    def send(self, *, sender: str, recipient: str, data: bytes) -> str:
        self.calls += 1
        if self.calls == self.crash_on:
            if self.after_handover:
                super().send(sender=sender, recipient=recipient, data=data)
            raise Crash
        return super().send(sender=sender, recipient=recipient, data=data)


@pytest.mark.parametrize("after_handover", [True, False], ids=["arrived", "not-arrived"])
def test_a_killed_run_restarted_never_sends_twice(
    seeded: Seeded, server: SmtpServer, tmp_path: Path, after_handover: bool
) -> None:
    config = SmtpConfig(server.host, server.port, "none", timeout=5)
    with pytest.raises(Crash):
        run(seeded, server, tmp_path, connect=lambda: CrashingSender(config, 3, after_handover))
    assert Counter(r.status for r in outbox(seeded)) == {"sent": 2, "sending": 1, "queued": 1}
    interrupted = next(r for r in outbox(seeded) if r.status == "sending").person_id
    restarted = run(seeded, server, tmp_path)
    assert restarted.sent == 1
    assert restarted.skipped[
        "interrupted while sending earlier; may have arrived (retry_interrupted resends)"
    ] == [interrupted]
    counts = Counter(to_key(seeded, r) for r in server.received)
    assert max(counts.values()) == 1 and len(counts) == (4 if after_handover else 3)
    # asked to, a later run resends it (here: once more, or for the first time)
    resent = run(seeded, server, tmp_path, retry_interrupted=True)
    assert resent.sent == 1
    counts = Counter(to_key(seeded, r) for r in server.received)
    assert counts[seeded.key_of(interrupted)] == (2 if after_handover else 1) and len(counts) == 4


def test_a_greylisting_451_is_retried_after_backoff_then_250(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    server.handler.script(PEOPLE["asa"][1], "451 4.7.1 greylisted, try again later")
    clock = FakeClock()
    summary = run(seeded, server, tmp_path, pacing=clock.pacing(), backoff_base=60.0)
    assert summary.sent == 4 and not summary.deferred
    assert server.handler.data_attempts[PEOPLE["asa"][1]] == 2
    assert [to_key(seeded, r) for r in server.received] == [
        "paivi",
        "john",
        "kalle",
        "asa",
    ]  # the others went on
    assert clock.sleeps and clock.now >= 60.0
    asa = next(r for r in outbox(seeded) if r.person_id == seeded.ids["asa"])
    assert (asa.status, asa.attempts, asa.smtp_code) == ("sent", 2, 250)


def test_a_550_is_recorded_with_the_reply_and_never_retried(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    server.handler.script(PEOPLE["john"][1], "550 5.1.1 no such user here", at="RCPT")
    summary = run(seeded, server, tmp_path, pacing=FakeClock().pacing())
    assert summary.sent == 3
    [failed] = summary.failed
    assert (failed.person_id, failed.code, failed.reply) == (
        seeded.ids["john"],
        550,
        "5.1.1 no such user here",
    )
    john = next(r for r in outbox(seeded) if r.person_id == seeded.ids["john"])
    assert (john.status, john.attempts, john.smtp_code, john.smtp_reply) == (
        "failed",
        1,
        550,
        "5.1.1 no such user here",
    )
    again = run(seeded, server, tmp_path)  # the server would accept now: it is still not retried
    assert again.sent == 0 and again.skipped["refused earlier (550 5.1.1 no such user here)"] == [
        seeded.ids["john"]
    ]
    assert PEOPLE["john"][1] not in {a for r in server.received for a in r.rcpt_tos}


def test_temporary_failures_that_last_are_deferred_to_the_next_run(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    server.handler.script(PEOPLE["kalle"][1], *["452 4.2.2 mailbox full"] * 3)
    summary = run(seeded, server, tmp_path, pacing=FakeClock().pacing())
    assert summary.sent == 3 and [(o.person_id, o.code) for o in summary.deferred] == [
        (seeded.ids["kalle"], 452)
    ]
    later = run(seeded, server, tmp_path, pacing=FakeClock().pacing())
    assert later.sent == 1 and sorted(to_key(seeded, r) for r in server.received) == sorted(MAY_EMAIL)


class ClockedSender(SmtpSender):
    def __init__(self, config: SmtpConfig, clock: FakeClock) -> None:
        super().__init__(config)
        self.clock, self.times = clock, []  # type: ignore[var-annotated]

    def send(self, *, sender: str, recipient: str, data: bytes) -> str:
        self.times.append(self.clock.now)
        return super().send(sender=sender, recipient=recipient, data=data)


def test_the_rate_limit_holds(seeded: Seeded, server: SmtpServer, tmp_path: Path) -> None:
    clock = FakeClock()
    made: list[ClockedSender] = []

    def connect() -> ClockedSender:
        made.append(ClockedSender(SmtpConfig(server.host, server.port, "none", timeout=5), clock))
        return made[-1]

    summary = run(seeded, server, tmp_path, connect=connect, pacing=clock.pacing(), rate_per_minute=6)
    assert summary.sent == 4
    times = made[0].times
    assert [b - a for a, b in itertools.pairwise(times)] == [10.0, 10.0, 10.0]


def test_a_server_that_goes_away_midway_leaves_the_rest_queued_for_the_next_run(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    server.go_down_after(2)
    clock = FakeClock()
    summary = run(seeded, server, tmp_path, pacing=clock.pacing())
    assert (
        summary.sent == 2
        and summary.left == 2
        and "lost the SMTP server after 3 tries" in (summary.stopped or "")
    )
    assert clock.sleeps == [10.0, 20.0]  # backoff between reconnects
    assert Counter(r.status for r in outbox(seeded)) == {"sent": 2, "queued": 2}
    server.handler.down_after = None
    server.start()
    later = run(seeded, server, tmp_path)
    assert later.sent == 2
    assert sorted(to_key(seeded, r) for r in server.received) == sorted(MAY_EMAIL)


def test_an_unreachable_server_is_one_clear_error_and_nothing_is_recorded(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    server.stop()
    with pytest.raises(
        ConflictError, match=r"cannot send: cannot reach 127\.0\.0\.1:\d+.*nothing was recorded or sent"
    ):
        run(seeded, server, tmp_path)
    assert outbox(seeded) == []


def test_missing_settings_and_missing_plans_are_refused_before_anything_happens(
    database_url: str, tmp_path: Path
) -> None:
    seeded = seed_event(database_url, tables=False)
    with pytest.raises(FieldError, match="smtp_host: not set"):
        run(seeded, None, tmp_path)
    with pytest.raises(FieldError, match="mail_from: not set"):
        run(seeded, None, tmp_path, settings={"mail_from": None, "smtp_host": "127.0.0.1"})
    with pytest.raises(FieldError, match="kind: 'soon' is not one of"):
        run(seeded, None, tmp_path, "soon", dry_run=True)
    with pytest.raises(ConflictError, match=f"event {seeded.event_id} has no table plan"):
        run(seeded, None, tmp_path, "live", dry_run=True)
    assert outbox(seeded) == []
    written = run(
        seeded, None, tmp_path, dry_run=True, settings={"mail_from": None}
    )  # a dry run needs neither
    assert written.written == 4


def test_a_person_without_a_usable_address_is_skipped(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    engine = make_engine(seeded.url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE person SET email = '' WHERE id = :i"), {"i": seeded.ids["kalle"]})
        conn.execute(sa.text("UPDATE person SET email = 'asa@' WHERE id = :i"), {"i": seeded.ids["asa"]})
        conn.execute(
            sa.text("UPDATE person SET email = 'jöhn@uni.example.fi' WHERE id = :i"),
            {"i": seeded.ids["john"]},
        )
    engine.dispose()
    summary = run(seeded, server, tmp_path)
    assert summary.sent == 1
    assert summary.skipped[
        "the address 'jöhn@uni.example.fi' needs SMTPUTF8, which these messages do not use"
    ] == [seeded.ids["john"]]
    assert summary.skipped["no e-mail address"] == [seeded.ids["kalle"]]
    assert summary.skipped["no valid e-mail address ('asa@')"] == [seeded.ids["asa"]]


def test_a_dry_run_writes_eml_files_and_records_nothing(
    seeded: Seeded, server: SmtpServer, tmp_path: Path
) -> None:
    summary = run(seeded, server, tmp_path, dry_run=True)
    files = sorted(Path(summary.folder or "").glob("*.eml"))
    assert summary.written == 4 and len(files) == 4 and summary.folder.endswith("event-1/before")  # type: ignore[union-attr]
    assert outbox(seeded) == [] and server.received == []
    assert all(f.read_bytes().isascii() for f in files)
    assert run(seeded, server, tmp_path).sent == 4  # the real run is not fooled by the dry one


def test_the_preview_renders_one_person_and_records_nothing(seeded: Seeded, tmp_path: Path) -> None:
    engine = make_engine(seeded.url)
    settings = settings_for(seeded.url, None, tmp_path)
    with Session(engine) as session:
        asa = preview_message(
            session,
            event_id=seeded.event_id,
            person_id=seeded.ids["asa"],
            kind="before",
            signer=signer(),
            settings=settings,
        )
        matti = preview_message(
            session,
            event_id=seeded.event_id,
            person_id=seeded.ids["matti"],
            kind="before",
            signer=signer(),
            settings=settings,
            language="en",
        )
    engine.dispose()
    assert asa.subject == WORDS["sv"].subject("before", "Soteuttamo Kanta-Häme") and asa.skip is None
    assert "Päivi Äijälä" in asa.text and "Päivi Äijälä" in asa.html and asa.to == PEOPLE["asa"][1]
    assert matti.skip == "no e-mail consent" and matti.subject.startswith("People you should meet")
    assert outbox(seeded) == []
