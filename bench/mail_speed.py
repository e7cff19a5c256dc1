"""Sending speed: 1,300 participants' e-mails to an SMTP server on loopback.

    .venv/bin/python -m bench.mail_speed [--people 1300] [--pg URL] [--out bench/results/mail.md]

Seeds one event (1,300 people, 5 stored suggestions each with reasons in three languages,
a 4-round table plan and a 4-round 1:1 meeting plan with round times), starts an aiosmtpd
sink in a separate process (so the server does not share the sender's interpreter), and
times :func:`api.workflows.mailing.send_mailing` end to end with the rate limit off: reading
the plans, rendering each message, recording it in the outbox before sending, one SMTP
transaction per message, recording the outcome. Then: a repeat of the same run (every
message "already sent"), a dry run (render and write .eml only), the ``live`` kind (with
the calendar attachment), and a separate run under tracemalloc for the peak memory of the
sending (tracemalloc slows Python down, so it is never the timed run). SQLite, and
PostgreSQL where ``--pg`` answers. The server's count is checked against the summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import platform
import resource
import shutil
import socket
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.security import LinkSigner
from api.settings import Settings
from api.workflows.mailing import MailingSummary, send_mailing
from models.db import make_engine, upgrade_database
from models.entities import Event, Organisation, Person, Registration
from models.plans import OddRule, PlanKind, StoredTablePlan
from models.schedule import RoundSchedule
from models.suggestions import StoredSuggestion

SECTORS = ("private", "public", "third_sector", "education_research")
LANGS = ["fi"] * 8 + ["sv", "en"]


def _serve(port: int, count: Any, ready: Any) -> None:
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            with count.get_lock():
                count.value += 1
            return "250 2.0.0 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def start_server() -> tuple[mp.Process, int, Any]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    count, ready = mp.Value("i", 0), mp.Event()
    process = mp.Process(target=_serve, args=(port, count, ready), daemon=True)
    process.start()
    if not ready.wait(60):
        raise RuntimeError("the SMTP sink did not start")
    return process, port, count


def seed(url: str, n: int) -> int:
    """An event of ``n`` consenting people with suggestions, plans and round times."""
    upgrade_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        event = Event(
            name="Soteuttamo Benchmark-Häme", date=dt.date(2026, 12, 3), venue="Verkatehdas, Hämeenlinna"
        )
        session.add(event)
        session.flush()
        assert event.id is not None
        orgs = [
            Organisation(
                name=f"Organisaatio {i} Oy", normalised_name=f"organisaatio {i}", sector=SECTORS[i % 4]
            )
            for i in range(n // 2)
        ]
        session.add_all(orgs)
        session.flush()
        people = [
            Person(
                name=f"Henkilö Äijälä {i}",
                email=f"henkilo{i}@org{i // 2}.example.fi",
                language=LANGS[i % 10],
                organisation_id=orgs[i // 2].id,
                role="asiantuntija",
                consent_email=True,
                consent_share_contact=i % 3 != 0,
            )
            for i in range(n)
        ]
        session.add_all(people)
        session.flush()
        ids = [int(p.id or 0) for p in people]
        session.add_all(Registration(person_id=i, event_id=event.id) for i in ids)
        reasons = {
            lang: [
                f"{lang}: he tarjoavat 'kotihoidon yöpartiointi', jota etsitte",
                "Yhteinen teema: kotihoito",
            ]
            for lang in ("fi", "sv", "en")
        }
        session.add_all(
            StoredSuggestion(
                event_id=event.id,
                person_id=ids[i],
                target_id=ids[(i + 7 * r + 3) % n],
                rank=r + 1,
                score=1.0 - r / 10,
                reasons=reasons,
            )
            for i in range(n)
            for r in range(5)
        )
        tables = [[(i + r * 37) % (n // 8) for i in range(n)] for r in range(4)]
        meetings = [[((i + r) % n) // 2 if n % 2 == 0 else -1 for i in range(n)] for r in range(4)]
        session.add(
            StoredTablePlan(event_id=event.id, kind=PlanKind.TABLES, person_ids=ids, assignment=tables)
        )
        session.add(
            StoredTablePlan(
                event_id=event.id,
                kind=PlanKind.MEETINGS,
                odd=OddRule.BYE,
                person_ids=ids,
                assignment=meetings,
                params={"round_scores": [0.0] * 4, "optimal": [True] * 4},
            )
        )
        start = dt.datetime(2026, 12, 3, 11, 0, tzinfo=dt.UTC)
        session.add(
            RoundSchedule(
                event_id=event.id, kind=PlanKind.TABLES, starts_at=start, round_minutes=45, gap_minutes=15
            )
        )
        session.add(
            RoundSchedule(event_id=event.id, kind=PlanKind.MEETINGS, starts_at=start, round_minutes=15)
        )
        session.commit()
        event_id = event.id
    engine.dispose()
    return event_id


def send(
    url: str, event_id: int, kind: str, port: int, outbox: Path, *, dry_run: bool = False
) -> MailingSummary:
    settings = Settings(
        database_url=url,
        secret_key="bench",
        public_base_url="https://kohtaamo.example.fi",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        mail_from="Soteuttamo <kohtaamo@example.fi>",
        outbox_dir=outbox,
    )
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return send_mailing(
                session,
                event_id=event_id,
                kind=kind,
                signer=LinkSigner("bench", max_age_seconds=86400),
                settings=settings,
                dry_run=dry_run,
                rate_per_minute=None,
            )
    finally:
        engine.dispose()


def timed(fn: Callable[[], MailingSummary]) -> tuple[float, MailingSummary]:
    start = time.perf_counter()
    summary = fn()
    return time.perf_counter() - start, summary


def peak_mib(fn: Callable[[], MailingSummary]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


class Databases:
    """Fresh copies of one seeded event: SQLite file copies, PostgreSQL ``TEMPLATE`` copies."""

    def __init__(self, kind: str, tmp: Path, n: int, pg_admin: str | None = None) -> None:
        self.kind, self.tmp, self.copies, self.admin = kind, tmp, 0, None
        if kind == "sqlite":
            self.template = str(tmp / "template.db")
            self.event_id = seed(f"sqlite:///{self.template}", n)
            return
        self.admin = sa.create_engine(pg_admin or "", isolation_level="AUTOCOMMIT")
        self.template = f"kohtaamo_mailbench_{uuid.uuid4().hex[:8]}"
        self.names = [self.template]
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.template}"'))
        self.pg = sa.make_url(pg_admin or "")
        self.event_id = seed(self._url(self.template), n)

    def _url(self, name: str) -> str:
        return self.pg.set(database=name).render_as_string(hide_password=False)

    def fresh(self) -> str:
        self.copies += 1
        if self.kind == "sqlite":
            path = self.tmp / f"copy{self.copies}.db"
            shutil.copyfile(self.template, path)
            return f"sqlite:///{path}"
        assert self.admin is not None
        name = f"{self.template}_{self.copies}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        self.names.append(name)
        return self._url(name)

    def drop(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            for name in reversed(self.names):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def bench_db(
    label: str, dbs: Databases, port: int, count: Any, tmp: Path, n: int, *, full: bool
) -> list[str]:
    """The runs on one database; ``full`` adds the dry run and the tracemalloc run (they
    hardly depend on the database, so the second database skips them)."""
    rows = []

    def row(what: str, seconds: float, messages: int, note: str = "") -> None:
        rows.append(
            f"| {label} | {what} | {messages} | {seconds:.2f} s | {messages / seconds:.0f} | {note} |"
        )

    url = dbs.fresh()
    before = count.value
    seconds, summary = timed(lambda: send(url, dbs.event_id, "before", port, tmp / "o"))
    if summary.sent != n or count.value - before != n:
        raise RuntimeError(
            f"{label}: sent {summary.sent}, the server got {count.value - before}, expected {n}"
        )
    row("`before`, first run (all new)", seconds, summary.sent, "render, record, send, record outcome")
    seconds, again = timed(lambda: send(url, dbs.event_id, "before", port, tmp / "o"))
    assert again.sent == 0 and len(again.skipped["already sent"]) == n
    row("`before`, repeat (all already sent)", seconds, n, "nothing sent: the outbox check")
    live_url = dbs.fresh()
    seconds, live = timed(lambda: send(live_url, dbs.event_id, "live", port, tmp / "o"))
    assert live.sent == n
    row("`live`, first run (with .ics)", seconds, live.sent, "seats, meetings, 4 calendar entries each")
    if not full:
        return rows
    dry_url = dbs.fresh()
    seconds, dry = timed(lambda: send(dry_url, dbs.event_id, "before", port, tmp / "dry", dry_run=True))
    assert dry.written == n
    row("`before`, dry run (.eml files)", seconds, dry.written, "render and write only")
    traced_url = dbs.fresh()
    peak = peak_mib(lambda: send(traced_url, dbs.event_id, "before", port, tmp / "o"))
    rows.append(
        f"| {label} | `before`, first run under tracemalloc | {n} | (not timed) | | peak {peak:.0f} MiB of Python allocations |"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1300)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "KOHTAAMO_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/mail.md"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    server, port, count = start_server()
    lines = ["| database | run | messages | time | messages/s | notes |", "|---|---|---|---|---|---|"]
    try:
        lines += bench_db(
            "SQLite", Databases("sqlite", tmp, args.people), port, count, tmp, args.people, full=True
        )
        try:
            pg = Databases("postgresql", tmp, args.people, args.pg)
        except sa.exc.OperationalError:
            print(f"PostgreSQL at {args.pg} does not answer: skipped")
        else:
            try:
                lines += bench_db("PostgreSQL", pg, port, count, tmp, args.people, full=False)
            finally:
                pg.drop()
    finally:
        server.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    header = [
        "# E-mail sending speed",
        "",
        f"`python -m bench.mail_speed --people {args.people}` (timed run under "
        "`flock /tmp/kohtaamo-timed.lock`), "
        f"{started:%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        "CPU only.",
        f"Load average before: {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}; "
        f"after: {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} (a shared machine: compare rows of one run).",
        "",
        f"{args.people} participants, all consenting, 5 suggestions each; the rate limit off; an aiosmtpd sink on "
        "127.0.0.1 in its own process (plain SMTP, one reused connection). Every message is committed to the "
        "outbox (as queued, then as sending) before it is handed over; its outcome is committed with the next "
        "message's claim, so delivery costs one commit a message. "
        f"Peak RSS of the benchmark process: {rss:.0f} MiB (includes seeding).",
        "",
    ]
    text = "\n".join(header + lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
