"""Suggested partners: compute for an event (background job), read one participant's list."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from sqlmodel import Session

from api.deps import EncoderDep, EventDep, JobsDep, OrganiserDep, SessionDep
from api.routes.common import SCOPED, IdPath
from api.schemas import SuggestionList, SuggestionsCompute
from api.workflows import suggestions as wf
from api.workflows.common import Progress
from models.jobs import Job, JobPublic

router = APIRouter(prefix="/events/{event_id}/suggestions", tags=["suggestions"], responses=SCOPED)


@router.post(
    "",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Compute or recompute the event's suggestions (background job)",
)
def compute(
    organiser: OrganiserDep,
    event: EventDep,
    jobs: JobsDep,
    load_encoder: EncoderDep,
    body: SuggestionsCompute,
) -> Job:
    """Before the event everyone registered is matched; live (or ``mode: present``) only the
    people checked in, never pairing people who already met. Poll ``GET /jobs/{id}``."""
    assert event.id is not None
    event_id = event.id

    def work(session: Session, progress: Progress) -> dict[str, object]:
        return wf.compute_suggestions(
            session=session,
            event_id=event_id,
            k=body.k,
            mode=body.mode,
            encoder=load_encoder(),
            progress=progress,
        )

    return jobs.submit(kind="suggestions", event_id=event_id, organiser_id=organiser.id, work=work)


@router.get("/{person_id}", response_model=SuggestionList, summary="One participant's suggested partners")
def read_list(
    session: SessionDep,
    event: EventDep,
    person_id: IdPath,
    language: Annotated[Literal["fi", "sv", "en"] | None, Query(description="Default: theirs.")] = None,
) -> SuggestionList:
    assert event.id is not None
    return wf.suggestion_list(session=session, event_id=event.id, person_id=person_id, language=language)
