"""Background jobs: status and progress."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import OrganiserDep, SessionDep
from api.routes.common import SCOPED, IdPath
from api.workflows import jobs as wf
from models.jobs import Job, JobPublic

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=SCOPED)


@router.get("/{job_id}", response_model=JobPublic, summary="A job's status and progress")
def read_job(session: SessionDep, organiser: OrganiserDep, job_id: IdPath) -> Job:
    """Poll until ``status`` is ``succeeded`` (see ``result``) or ``failed`` (see ``message``)."""
    return wf.get_job(session=session, organiser=organiser, job_id=job_id)
