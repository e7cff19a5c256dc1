"""Background jobs as organisers see them: only jobs of their own events, or ones they started."""

from __future__ import annotations

from sqlmodel import Session

from api.workflows.errors import NotFoundError
from api.workflows.scope import organises
from models.access import Organiser
from models.jobs import Job


def get_job(*, session: Session, organiser: Organiser, job_id: int) -> Job:
    """A job of one of the organiser's events (or one they started), else not found."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("job not found")
    allowed = organiser.is_admin or job.organiser_id == organiser.id
    if not allowed and job.event_id is not None:
        allowed = organises(session, organiser, job.event_id)
    if not allowed:
        raise NotFoundError("job not found")
    return job
