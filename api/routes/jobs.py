"""Background jobs: status and progress."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import JobsDep, OrganiserDep, SessionDep
from api.routes.common import SCOPED, IdPath
from api.workflows import jobs as wf
from models.jobs import Job, JobPublic

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=SCOPED)


@router.get("/{job_id}", response_model=JobPublic, summary="A job's status and progress")
def read_job(session: SessionDep, organiser: OrganiserDep, jobs: JobsDep, job_id: IdPath) -> Job:
    """Poll until ``status`` is ``succeeded`` (see ``result``) or ``failed`` (see ``message``).
    A job whose worker died is ``failed`` with ``result.interrupted``: start it again."""
    return wf.get_job(session=session, organiser=organiser, job_id=job_id, stale_after=jobs.stale_after)
