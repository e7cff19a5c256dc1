"""Crash-safe jobs: a job whose worker died is not left "running" forever. Simulated by a job
row with an old heartbeat, and for real by killing a worker process (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from api.jobs import JobRunner
from api.workflows.errors import NotFoundError
from api.workflows.jobs import get_job
from models.access import Organiser
from models.db import make_engine
from models.jobs import STALE_MESSAGE, Job, fail_stale_jobs
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api, start_api

ROOT = Path(__file__).resolve().parents[1]
ADMIN = Organiser(id=1, name="a", email="a@x.fi", token_hash="-", is_admin=True)


def _add_job(url: str, status: str, heartbeat_age: timedelta | None) -> int:
    engine = make_engine(url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        job = Job(kind="suggestions", status=status, created_at=now - timedelta(hours=2))
        job.started_at = None if status == "queued" else now - timedelta(hours=2)
        job.heartbeat_at = None if heartbeat_age is None else now - heartbeat_age
        session.add(job)
        session.commit()
        assert job.id is not None
        job_id = job.id
    engine.dispose()
    return job_id


def _status(url: str, job_id: int) -> tuple[str, str, dict[str, Any]]:
    engine = make_engine(url)
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        out = (job.status, job.message, dict(job.result))
    engine.dispose()
    return out


def test_a_stale_job_fails_on_read_and_a_live_one_does_not(api: Api) -> None:
    dead = _add_job(api.url, "running", timedelta(minutes=10))
    alive = _add_job(api.url, "running", timedelta(seconds=1))
    done = _add_job(api.url, "succeeded", timedelta(hours=1))
    read = api.client.get(f"/jobs/{dead}", headers=api.auth(api.admin)).json()
    assert (read["status"], read["message"], read["result"]) == (
        "failed",
        STALE_MESSAGE,
        {"interrupted": True},
    )
    assert read["finished_at"] is not None
    assert api.client.get(f"/jobs/{alive}", headers=api.auth(api.admin)).json()["status"] == "running"
    assert api.client.get(f"/jobs/{done}", headers=api.auth(api.admin)).json()["status"] == "succeeded"


def test_start_up_fails_the_jobs_of_dead_workers(api_url: str) -> None:
    from models.db import upgrade_database

    upgrade_database(api_url)
    running = _add_job(api_url, "running", timedelta(minutes=10))
    queued = _add_job(api_url, "queued", None)  # created two hours ago, never started
    fresh = _add_job(api_url, "running", timedelta(seconds=1))  # another live worker's
    for _api in start_api(api_url, migrate=False):
        assert _status(api_url, running)[:2] == ("failed", STALE_MESSAGE)
        assert _status(api_url, queued)[0] == "failed"
        assert _status(api_url, fresh)[0] == "running"


def test_a_late_word_from_a_worker_thought_dead_does_not_revive_its_job(database_url: str) -> None:
    from models.db import upgrade_database

    upgrade_database(database_url)
    job_id = _add_job(database_url, "running", timedelta(minutes=10))
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert fail_stale_jobs(session, stale_after=timedelta(minutes=2)) == 1
        assert fail_stale_jobs(session, stale_after=timedelta(minutes=2)) == 0  # once
    runner = JobRunner(engine, heartbeat_seconds=0.1, stale_after=timedelta(seconds=1))
    runner._update(job_id, status="succeeded", progress=1.0)
    runner.shutdown()
    assert _status(database_url, job_id)[0] == "failed"
    engine.dispose()


def test_a_live_slow_job_keeps_its_heartbeat(database_url: str) -> None:
    from models.db import upgrade_database

    upgrade_database(database_url)
    engine = make_engine(database_url)
    runner = JobRunner(engine, heartbeat_seconds=0.1, stale_after=timedelta(seconds=0.5))
    job = runner.submit(kind="suggestions", event_id=None, organiser_id=None, work=lambda _s, _p: _sleep(1.5))
    assert job.id is not None
    time.sleep(1.0)  # twice stale_after without a progress report: only the heartbeat speaks
    with Session(engine) as session:
        assert (
            get_job(session=session, organiser=ADMIN, job_id=job.id, stale_after=runner.stale_after).status
            == "running"
        )
    runner.wait(job.id, timeout=30)
    runner.shutdown()
    assert _status(database_url, job.id)[0] == "succeeded"
    with Session(engine) as session, pytest.raises(NotFoundError):
        get_job(session=session, organiser=ADMIN, job_id=job.id + 99)
    engine.dispose()


def _sleep(seconds: float) -> dict[str, Any]:
    time.sleep(seconds)
    return {"slept": seconds}


WORKER = textwrap.dedent(
    """
    import sys, time
    from datetime import timedelta
    from api.jobs import JobRunner
    from models.db import make_engine

    engine = make_engine(sys.argv[1])
    runner = JobRunner(engine, heartbeat_seconds=0.1, stale_after=timedelta(seconds=0.6))

    def work(session, progress):
        progress(0.1, "working")
        print("started", flush=True)
        time.sleep(600)
        return {}

    job = runner.submit(kind="suggestions", event_id=None, organiser_id=None, work=work)
    print(job.id, flush=True)
    time.sleep(600)
    """
)


@pytest.fixture
def worker(database_url: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    from models.db import upgrade_database

    upgrade_database(database_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, database_url], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    try:
        yield database_url, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_killing_a_real_worker_process_fails_its_job(worker: tuple[str, subprocess.Popen[str]]) -> None:
    url, process = worker
    assert process.stdout is not None
    job_id = int(process.stdout.readline())
    assert process.stdout.readline().strip() == "started"
    engine = make_engine(url)
    stale_after = timedelta(seconds=0.6)
    time.sleep(1.2)  # the worker is alive: its heartbeat keeps the job running
    with Session(engine) as session:
        assert (
            get_job(session=session, organiser=ADMIN, job_id=job_id, stale_after=stale_after).status
            == "running"
        )
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(1.2)
    with Session(engine) as session:
        job = get_job(session=session, organiser=ADMIN, job_id=job_id, stale_after=stale_after)
        assert (job.status, job.message, job.result) == ("failed", STALE_MESSAGE, {"interrupted": True})
        assert job.progress == pytest.approx(0.1)  # what it had reached, kept for the reader
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM job WHERE status = 'running'")).scalar_one() == 0
    engine.dispose()
