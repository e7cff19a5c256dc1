"""Two organisers at the door at once: parallel check-ins and walk-ins through a real
uvicorn server lose nothing, on SQLite and on PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.settings import Settings
from matcher.embed import HashingEmbedder
from models.db import upgrade_database
from tests.test_api_support import SECRET, make_admin_token

PEOPLE = 24
WALK_INS = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[str, str]]:
    """A real uvicorn server (in a thread) on a fresh database; yields (base URL, admin token)."""
    upgrade_database(database_url)
    admin = make_admin_token(database_url)
    app = create_app(Settings(database_url=database_url, secret_key=SECRET), encoder=HashingEmbedder())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", admin
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_parallel_check_ins_and_walk_ins_lose_nothing(server: tuple[str, str]) -> None:
    base, admin = server
    with httpx.Client(base_url=base, timeout=60) as client:
        auth = {"Authorization": f"Bearer {admin}"}
        tokens = [
            client.post("/organisers", headers=auth, json={"name": n, "email": f"{n}@x.fi"}).json()["token"]
            for n in ("a", "b")
        ]
        heads = [{"Authorization": f"Bearer {t}"} for t in tokens]
        event = client.post("/events", headers=heads[0], json={"name": "Ovella"}).json()["id"]
        assert (
            client.post(f"/events/{event}/organisers", headers=heads[0], json={"email": "b@x.fi"}).status_code
            == 200
        )
        people = [
            client.post(
                f"/events/{event}/people", headers=heads[0], json={"name": f"P{k}", "email": f"p{k}@x.fi"}
            ).json()["id"]
            for k in range(PEOPLE)
        ]

    def check_in(job: tuple[int, int]) -> int:
        who, person = job
        with httpx.Client(base_url=base, timeout=60) as c:
            return c.post(f"/events/{event}/registrations/{person}/check-in", headers=heads[who]).status_code

    def walk_in(k: int) -> int:
        body = {
            "person": {"name": f"W{k}", "email": f"w{k}@uusi.fi"},
            "organisation": {"name": "Uusi Yhdistys ry", "sector": "third_sector"},
        }
        with httpx.Client(base_url=base, timeout=60) as c:
            return c.post(f"/events/{event}/walk-ins", headers=heads[k % 2], json=body).status_code

    # every person is checked in by both organisers at about the same moment
    jobs = [(who, person) for person in people for who in (0, 1)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        walk_futures = [pool.submit(walk_in, k) for k in range(WALK_INS)]
        statuses = list(pool.map(check_in, jobs))
        walk_statuses = [f.result() for f in walk_futures]
    assert statuses == [200] * len(jobs)
    assert walk_statuses == [201] * WALK_INS
    with httpx.Client(base_url=base, timeout=60) as client:
        rows = client.get(f"/events/{event}/registrations", headers=heads[1], params={"limit": 500}).json()
        assert rows["total"] == PEOPLE + WALK_INS
        assert all(r["present"] for r in rows["items"]), [r for r in rows["items"] if not r["present"]]
        assert sum(r["source"] == "walk_in" for r in rows["items"]) == WALK_INS
        orgs = client.get("/organisations", headers=heads[0], params={"q": "uusi yhdistys"}).json()
        assert orgs["total"] == 1  # one organisation, though eight walk-ins raced to create it
        assert {r["organisation_id"] for r in rows["items"] if r["source"] == "walk_in"} == {
            orgs["items"][0]["id"]
        }
