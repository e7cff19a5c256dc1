"""Background jobs: long work (suggestions, table plans) runs off the request path.

A job is a row in the ``job`` table (status, progress 0..1, message, result) so any
worker process can answer ``GET /jobs/{id}``; the work itself runs in a thread pool of the
process that accepted it. The work function gets its own database session and a
``progress(fraction, message)`` callable that commits progress at once, so readers see it
while the job runs. Reads never wait for a job: they use their own sessions.

Example (in a route)::

    job = runner.submit(kind="suggestions", event_id=3, organiser_id=1, work=compute)
    return job  # 202, then poll GET /jobs/{job.id}
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from api.workflows.common import Progress
from api.workflows.errors import ProblemsError
from models.jobs import DEFAULT_STALE_AFTER, UNFINISHED, Job, fail_stale_jobs

log = logging.getLogger(__name__)

Work = Callable[[Session, Progress], dict[str, Any]]
"""A job's work: its own session and a progress callable in, the job's result out."""


class JobRunner:
    """Runs work functions in threads and records their state in the ``job`` table."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        max_workers: int = 2,
        paused: bool = False,
        heartbeat_seconds: float = 15.0,
        stale_after: timedelta = DEFAULT_STALE_AFTER,
    ) -> None:
        if stale_after.total_seconds() < 2 * heartbeat_seconds:
            raise ValueError("stale_after: must be at least twice heartbeat_seconds")
        self.engine = engine
        self.paused = paused  # record jobs but leave them queued (fuzzing the API, dry runs)
        self.heartbeat_seconds = heartbeat_seconds
        self.stale_after = stale_after
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="kohtaamo-job")
        self._futures: dict[int, Future[None]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._beat: threading.Thread | None = None

    def recover(self) -> int:
        """Fail the jobs of workers that died (at start-up); returns how many."""
        with Session(self.engine) as session:
            count = fail_stale_jobs(session, stale_after=self.stale_after)
        if count:
            log.warning("%d interrupted job(s) marked failed", count)
        return count

    def _heartbeat_loop(self) -> None:
        while not self._stopping.wait(self.heartbeat_seconds):
            with self._lock:
                held = list(self._futures)
            if not held:
                continue
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        sa.update(Job)
                        .where(col(Job.id).in_(held), col(Job.status).in_(UNFINISHED))
                        .values(heartbeat_at=datetime.now(UTC))
                    )
            except sa.exc.SQLAlchemyError as exc:  # the database is busy or away: try next beat
                log.warning("job heartbeat not recorded: %s", exc)

    def _ensure_heartbeat(self) -> None:
        with self._lock:
            if self._beat is None:
                self._beat = threading.Thread(
                    target=self._heartbeat_loop, name="kohtaamo-heartbeat", daemon=True
                )
                self._beat.start()

    def submit(self, *, kind: str, event_id: int | None, organiser_id: int | None, work: Work) -> Job:
        """Record a queued job and start ``work`` in the background; returns the job row."""
        with Session(self.engine, expire_on_commit=False) as session:
            job = Job(kind=kind, event_id=event_id, organiser_id=organiser_id, heartbeat_at=datetime.now(UTC))
            session.add(job)
            session.commit()
            session.refresh(job)
        assert job.id is not None
        if self.paused:
            return job
        self._ensure_heartbeat()
        future = self._executor.submit(self._run, job.id, work)
        with self._lock:
            self._futures[job.id] = future
        job_id = job.id
        future.add_done_callback(lambda _future: self._forget(job_id))
        return job

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        """Block until the job finishes in this process (for tests and the CLI)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        """Let running jobs finish and stop the pool and the heartbeat."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._stopping.set()
        if self._beat is not None:
            self._beat.join(timeout=5)

    def _forget(self, job_id: int) -> None:
        with self._lock:
            self._futures.pop(job_id, None)

    def _update(self, job_id: int, **values: Any) -> None:
        with Session(self.engine) as session:
            job = session.get(Job, job_id)
            if job is None:  # event deleted meanwhile
                return
            if job.status in ("succeeded", "failed"):  # e.g. declared interrupted meanwhile
                return
            job.heartbeat_at = datetime.now(UTC)
            for name, value in values.items():
                setattr(job, name, value)
            session.add(job)
            session.commit()

    def _run(self, job_id: int, work: Work) -> None:
        self._update(job_id, status="running", started_at=datetime.now(UTC), progress=0.0)

        def report(progress: float, message: str) -> None:
            self._update(job_id, progress=min(max(progress, 0.0), 1.0), message=message[:2000])

        try:
            with Session(self.engine) as session:
                result = work(session, report)
        except ProblemsError as exc:  # refused input: the problems are the job's result
            message = str(exc)[:2000]
            result = {"problems": exc.problems}
            self._update(
                job_id, status="failed", message=message, result=result, finished_at=datetime.now(UTC)
            )
            return
        except Exception as exc:  # the job's failure is its result, not the server's
            log.exception("job %s failed", job_id)
            message = f"{type(exc).__name__}: {exc}"[:2000]
            self._update(job_id, status="failed", message=message, finished_at=datetime.now(UTC))
            return
        self._update(
            job_id,
            status="succeeded",
            progress=1.0,
            result=result,
            message="done",
            finished_at=datetime.now(UTC),
        )
