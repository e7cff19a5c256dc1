"""Fault tests: a real ``kohtaamo serve`` process killed (SIGKILL) during an import, a
suggestion job and an e-mail send, then started again (SQLite and PostgreSQL). Nothing is
half-written, the interrupted job is failed with a reason, and running it again completes
it without duplicates."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from models.db import make_engine
from models.jobs import STALE_MESSAGE
from tests.mail_helpers import BASE_URL, MAIL_FROM, MAY_EMAIL, PEOPLE, seed_event
from tests.smtp_server import SmtpServer, free_port
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import make_admin_token

ROOT = Path(__file__).resolve().parents[1]
HEADER = "Etunimi;Sukunimi;Sähköposti;Organisaatio;Sektori;Tarjoamme;Tarvitsemme\n"


class Served:
    """``kohtaamo serve`` in its own process, on a free port, with fast job heartbeats."""

    def __init__(self, url: str, tmp: Path, **env: str) -> None:
        self.url, self.port = url, free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "KOHTAAMO_DATABASE_URL": url,
            "KOHTAAMO_SECRET_KEY": "kill-test-secret",
            "KOHTAAMO_MODEL": "hashing",
            "KOHTAAMO_CACHE_DIR": str(tmp / "cache"),
            "KOHTAAMO_JOB_HEARTBEAT_SECONDS": "0.5",
            "KOHTAAMO_JOB_STALE_SECONDS": "10",  # above the longest write: SQLite blocks heartbeats meanwhile
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Served:
        command = [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "serve",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if self.call("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError("kohtaamo serve did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def call(
        self, method: str, path: str, token: str | None = None, body: Any = None, **kw: Any
    ) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = kw.get("raw")
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif data is not None:
            headers["Content-Type"] = kw["content_type"]
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read()
        conn.close()
        return response.status, json.loads(text) if text.startswith((b"{", b"[")) else text

    def wait_status(self, token: str, job_id: int, wanted: set[str], timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status, job = self.call("GET", f"/jobs/{job_id}", token)
            assert status == 200, job
            if job["status"] in wanted or time.monotonic() > deadline:
                return dict(job)
            time.sleep(0.05)


@pytest.fixture
def served(api_url: str, tmp_path: Path) -> Iterator[Served]:
    server = Served(api_url, tmp_path)
    yield server
    server.stop()


def _count(url: str, sql: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = int(conn.execute(sa.text(sql)).scalar_one())
    engine.dispose()
    return value


def _upload(n: int) -> tuple[bytes, str]:
    rows = "".join(
        f"Etu{k};Suku{k};p{k}@example.fi;Org {k % 300} Oy;{('yksityinen', 'julkinen', 'kolmas')[k % 3]};"
        f"palvelu {k % 17} kotihoito;tarve {k % 13} digipalvelut\n"
        for k in range(n)
    )
    boundary = "kohtaamoraja"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="ilmo.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{HEADER}{rows}\r\n--{boundary}--\r\n"
    ).encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _restart_and_see_failed(served: Served, token: str, job_id: int) -> dict[str, Any]:
    served.kill()
    served.start()
    job = served.wait_status(token, job_id, {"failed", "succeeded"}, timeout=30)
    assert job["status"] != "running"
    return job


def test_killed_during_an_import_and_a_suggestion_job(served: Served) -> None:
    admin = make_admin_token(served.url)
    served.start()
    status, event = served.call("POST", "/events", admin, {"name": "Kaatuminen"})
    assert status == 201, event
    n = 3000
    body, content_type = _upload(n)
    path = f"/events/{event['id']}/import?background=true"
    status, job = served.call("POST", path, admin, raw=body, content_type=content_type)
    assert status == 202, job
    assert served.wait_status(admin, job["id"], {"running", "succeeded", "failed"})["status"] == "running"
    job = _restart_and_see_failed(served, admin, job["id"])
    registrations = _count(served.url, "SELECT count(*) FROM registration")
    if job["status"] == "failed":  # killed in time: the one import transaction never committed
        assert (job["message"], job["result"]) == (STALE_MESSAGE, {"interrupted": True})
        assert registrations == 0 and _count(served.url, "SELECT count(*) FROM person") == 0
    else:
        assert registrations == n
    # started again: complete, no duplicates
    status, again = served.call("POST", path, admin, raw=body, content_type=content_type)
    rerun = served.wait_status(admin, again["id"], {"succeeded", "failed"}, timeout=300)
    assert rerun["status"] == "succeeded", rerun
    assert _count(served.url, "SELECT count(*) FROM registration") == n
    assert _count(served.url, "SELECT count(DISTINCT email) FROM person") == n

    status, job = served.call("POST", f"/events/{event['id']}/suggestions", admin, {"k": 5})
    assert status == 202, job
    assert served.wait_status(admin, job["id"], {"running", "succeeded", "failed"})["status"] == "running"
    job = _restart_and_see_failed(served, admin, job["id"])
    stored = _count(served.url, "SELECT count(*) FROM stored_suggestion")
    if job["status"] == "failed":
        assert job["message"] == STALE_MESSAGE and stored == 0
    status, again = served.call("POST", f"/events/{event['id']}/suggestions", admin, {"k": 5})
    rerun = served.wait_status(admin, again["id"], {"succeeded", "failed"}, timeout=300)
    assert rerun["status"] == "succeeded", rerun
    per_person = _count(
        served.url, "SELECT max(c) FROM (SELECT count(*) AS c FROM stored_suggestion GROUP BY person_id) AS x"
    )
    assert per_person == 5  # one set of lists, not two


def test_killed_during_a_send(api_url: str, tmp_path: Path) -> None:
    smtp = SmtpServer().start()
    smtp.handler.hold_on = 3  # the third message waits in DATA while the server is killed
    served = Served(
        api_url,
        tmp_path,
        KOHTAAMO_SMTP_HOST=smtp.host,
        KOHTAAMO_SMTP_PORT=str(smtp.port),
        KOHTAAMO_SMTP_SECURITY="none",
        KOHTAAMO_MAIL_FROM=MAIL_FROM,
        KOHTAAMO_PUBLIC_BASE_URL=BASE_URL,
        KOHTAAMO_OUTBOX_DIR=str(tmp_path / "outbox"),
        KOHTAAMO_MAIL_RATE_PER_MINUTE="60000",
    )
    try:
        seeded = seed_event(api_url)
        admin = make_admin_token(api_url)
        served.start()
        path = f"/events/{seeded.event_id}/mailings"
        status, job = served.call("POST", path, admin, {"kind": "before"})
        assert status == 202, job
        assert smtp.handler.arrived.wait(60), "the third message never reached the SMTP server"
        served.kill()
        smtp.handler.release.set()
        served.start()
        job = served.wait_status(admin, job["id"], {"failed", "succeeded"}, timeout=30)
        assert (job["status"], job["message"]) == ("failed", STALE_MESSAGE)
        sent = "SELECT count(*) FROM outbox_message WHERE status = 'sent'"
        assert _count(api_url, sent) == 2  # the two before the kill are recorded as sent
        handed_over = "SELECT count(*) FROM outbox_message WHERE status = 'sending'"
        assert _count(api_url, handed_over) == 1  # the one at the SMTP server when the kill came
        status, again = served.call("POST", path, admin, {"kind": "before"})
        assert status == 202, again
        result = served.wait_status(admin, again["id"], {"succeeded", "failed"})
        assert result["status"] == "succeeded", result
        assert result["result"]["sent"] == 1  # the queued one; the interrupted one waits for a decision
        before_retry = sorted(a for r in smtp.received for a in r.rcpt_tos)
        status, retry = served.call("POST", path, admin, {"kind": "before", "retry_interrupted": True})
        assert status == 202, retry
        retried = served.wait_status(admin, retry["id"], {"succeeded", "failed"})
        assert retried["status"] == "succeeded" and retried["result"]["sent"] == 1, retried
    finally:
        served.stop()
        smtp.stop()
    delivered = sorted(a for r in smtp.received for a in r.rcpt_tos)
    # everyone exactly once in the end; the interrupted one only when asked for
    assert delivered == sorted(PEOPLE[k][1] for k in MAY_EMAIL)
    assert len(before_retry) == len(MAY_EMAIL) - 1
    assert _count(api_url, sent) == len(MAY_EMAIL)
