"""Shared helpers of the page tests: a seeded sample event, a live server, form tokens.

Imported by ``tests/test_pages*.py``; holds no tests itself.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from api.schemas import MeetingPlanCreate, TablePlanCreate
from api.security import LinkSigner
from api.workflows import meeting_plans, organisers, suggestions, table_plans
from api.workflows.common import now
from api.workflows.sample import import_sample_event
from matcher.embed import HashingEmbedder
from models.access import EventOrganiser, OrganiserCreate
from models.db import make_engine
from models.entities import Event, Person, Registration

SECRET = "pages-test-secret"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The form token of a rendered page (the first form's; all forms of a page share it)."""
    found = CSRF.search(html)
    assert found, "no form token on the page"
    return found.group(1)


@dataclass(frozen=True)
class Seeded:
    """The sample event with an organiser, suggestions and a table plan; another event too."""

    url: str
    token: str
    event_id: int
    other_event_id: int
    people: list[int]  # registered at event_id, in registration order
    absent: list[int]  # registered but not checked in

    def link(
        self, person_id: int, *, event_id: int | None = None, days_old: int = 0, scope: str = "page"
    ) -> str:
        """A personal link token of ``scope``, as the server's signer makes it (``days_old``:
        signed that many days ago, to test expiry)."""
        event = event_id or self.event_id
        engine = make_engine(self.url)
        try:
            nonce = link_nonce(engine, event, person_id)
        finally:
            engine.dispose()
        if not days_old:
            signer = LinkSigner(SECRET, max_age_seconds=3600)
            return signer.dump(person_id=person_id, event_id=event, nonce=nonce, scope=scope)

        class Past(TimestampSigner):
            def get_timestamp(self) -> int:
                return super().get_timestamp() - days_old * 86400

        # the salt of api.security.LinkSigner: a token from the past, signed as the app signs
        old = URLSafeTimedSerializer(SECRET, salt="kohtaamo-participant-link", signer=Past)
        return str(old.dumps({"p": person_id, "e": event, "n": nonce, "s": scope}))


def link_nonce(engine: sa.Engine, event_id: int, person_id: int) -> str:
    """The registration's link nonce (``"none"`` if there is no registration: a link for an
    event the person is not at)."""
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(col(Registration.link_nonce)).where(
                col(Registration.event_id) == event_id, col(Registration.person_id) == person_id
            )
        ).scalar()
    return str(found) if found is not None else "none"


def seed_sample_event(url: str, *, absent: int = 6, rounds: int = 3) -> Seeded:
    """Import the bundled sample event into ``url``, give it an organiser, check in all but
    ``absent`` people, compute suggestions, a ``rounds``-round table plan and 1:1 meeting
    rounds (hashing encoder)."""
    event_id = import_sample_event(url)
    engine = make_engine(url)
    encoder = HashingEmbedder(dimension=64)
    try:
        with Session(engine) as session:
            created = organisers.create_organiser(
                session=session,
                organiser_in=OrganiserCreate(name="Maija Meikäläinen", email="maija@soteuttamo.example"),
            )
            assert created.id is not None
            session.add(EventOrganiser(event_id=event_id, organiser_id=created.id))
            other = Event(name="Soteuttamo Pirkanmaa 2027", region="pirkanmaa")
            session.add(other)
            session.commit()
            assert other.id is not None
            other_id = other.id
            people = list(
                session.exec(
                    select(Registration.person_id)
                    .where(Registration.event_id == event_id)
                    .order_by(col(Registration.id))
                ).all()
            )
            session.execute(
                sa.update(Registration)
                .where(
                    col(Registration.event_id) == event_id, col(Registration.person_id).in_(people[absent:])
                )
                .values(checked_in_at=now())
            )
            session.commit()
            suggestions.compute_suggestions(
                session=session, event_id=event_id, k=5, mode="registered", encoder=encoder
            )
            table_plans.create_table_plan(
                session=session,
                event_id=event_id,
                params=TablePlanCreate(rounds=rounds, seconds=0.3, present_only=True),
                encoder=encoder,
            )
            meeting_plans.create_meeting_plan(
                session=session,
                event_id=event_id,
                params=MeetingPlanCreate(rounds=2, mode="registered", seconds=0.3),
                encoder=encoder,
            )
    finally:
        engine.dispose()
    return Seeded(url, created.token, event_id, other_id, people, people[:absent])


def person_name(url: str, person_id: int) -> str:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            person = session.get(Person, person_id)
            assert person is not None
            return person.name
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free loopback port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@dataclass(frozen=True)
class Site:
    """A small site made through the JSON API: organiser A runs an event with six walk-ins,
    suggestions (k=2) and a 2-round table plan; organiser B runs another event."""

    api: Any
    token_a: str
    event_a: int
    people: list[int]
    token_b: str
    event_b: int

    def link(self, person_id: int, event_id: int | None = None, *, scope: str = "page") -> str:
        """The personal link token of ``scope``, signed as the app signs it (for any event)."""
        signer: LinkSigner = self.api.app.state.link_signer
        event = event_id or self.event_a
        nonce = link_nonce(self.api.app.state.engine, event, person_id)
        return signer.dump(person_id=person_id, event_id=event, nonce=nonce, scope=scope)


SECTORS = ("private", "public", "third_sector")


def build_site(api: Any, *, plan: bool = True, meetings: bool = False) -> Site:
    """The :class:`Site` on ``api`` (a ``tests.test_api_support.Api``); ``plan``: with the
    table plan (a second or two); ``meetings``: with 2 rounds of 1:1 meetings."""
    token_a = api.organiser("aino@soteuttamo.example")
    event_a = api.event(token_a, "Soteuttamo Häme")
    people = [
        api.walk_in(
            token_a,
            event_a,
            f"henkilo{i}@org{i}.example",
            f"Organisaatio {i}",
            sector=SECTORS[i % 3],
            consent=i % 2 == 0,
            offers=f"kotihoidon palvelu {i}",
            needs=f"digitaalinen palvelu {(i + 1) % 6}",
        )
        for i in range(6)
    ]
    job = api.client.post(f"/events/{event_a}/suggestions", headers=api.auth(token_a), json={"k": 2})
    assert api.wait_job(token_a, job.json())["status"] == "succeeded"
    if plan:
        body: dict[str, Any] = {"rounds": 2, "min_size": 2, "max_size": 3, "seconds": 0.2}
        job = api.client.post(f"/events/{event_a}/table-plans", headers=api.auth(token_a), json=body)
        assert api.wait_job(token_a, job.json())["status"] == "succeeded"
    if meetings:
        body = {"rounds": 2, "mode": "registered", "seconds": 0.2}
        job = api.client.post(f"/events/{event_a}/meeting-plans", headers=api.auth(token_a), json=body)
        assert api.wait_job(token_a, job.json())["status"] == "succeeded"
    token_b = api.organiser("bertil@soteuttamo.example")
    event_b = api.event(token_b, "Soteuttamo Österbotten", region="pohjanmaa")
    return Site(api, token_a, event_a, people, token_b, event_b)


def log_in(client: Any, token: str) -> str:
    """Log ``client`` in to the dashboard with ``token``; returns the session's form token."""
    page = client.get("/dashboard/login")
    response = client.post(
        "/dashboard/login",
        data={"token": token, "csrf_token": csrf_of(page.text), "next": "/dashboard"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/dashboard").text)


def sqlite_site(template: Path, folder: Path, **options: bool) -> Iterator[Site]:
    """A :class:`Site` on a copy of the migrated SQLite ``template`` (for tests whose subject
    does not depend on the database kind: rendering, languages, accessibility)."""
    from tests.test_api_support import start_api  # the fixtures' module, imported only here

    path = folder / "site.db"
    shutil.copyfile(template, path)
    for api in start_api(f"sqlite:///{path}", migrate=False):
        yield build_site(api, **options)
