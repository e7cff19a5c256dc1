"""Background jobs as organisers see them: only jobs of their own events, or ones they started."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from api.workflows.errors import NotFoundError
from api.workflows.scope import organises
from models.access import Organiser
from models.jobs import DEFAULT_STALE_AFTER, UNFINISHED, Job, fail_stale_jobs


def get_job(
    *, session: Session, organiser: Organiser, job_id: int, stale_after: timedelta = DEFAULT_STALE_AFTER
) -> Job:
    """A job of one of the organiser's events (or one they started), else not found.

    An unfinished job whose worker has been silent for ``stale_after`` is marked failed
    first (:func:`models.jobs.fail_stale_jobs`): a reader never waits on a dead worker.
    """
    job = session.get(Job, job_id)
    if (
        job is not None
        and job.status in UNFINISHED
        and fail_stale_jobs(session, stale_after=stale_after, job_id=job_id)
    ):
        job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("job not found")
    allowed = organiser.is_admin or job.organiser_id == organiser.id
    if not allowed and job.event_id is not None:
        allowed = organises(session, organiser, job.event_id)
    if not allowed:
        raise NotFoundError("job not found")
    return job
