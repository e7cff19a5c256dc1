"""1:1 meeting rounds: create (background job), read, lock played rounds, re-plan the rest."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlmodel import Session

from api import workflows_meetings as wm
from api.deps import EncoderDep, EventDep, JobsDep, OrganiserDep, SessionDep
from api.jobs import Report
from api.routes.common import SCOPED, IdPath
from api.schemas import MeetingPlanCreate, MeetingPlanLock, MeetingPlanPublic, MeetingPlanReplan
from api.workflows_api import lock_rounds
from models.results import Job, JobPublic

router = APIRouter(prefix="/events/{event_id}/meeting-plans", tags=["meeting rounds"], responses=SCOPED)


def _unprocessable(field: str, exc: ValueError) -> HTTPException:
    return HTTPException(
        422, detail=[{"loc": ["body", field], "field": field, "msg": str(exc), "type": "value_error"}]
    )


@router.post(
    "",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Plan 1:1 meeting rounds (background job; result.plan_id)",
)
def create(
    session: SessionDep,
    organiser: OrganiserDep,
    event: EventDep,
    jobs: JobsDep,
    load_encoder: EncoderDep,
    body: MeetingPlanCreate,
) -> Job:
    assert event.id is not None
    event_id = event.id
    try:
        wm.check_meeting_request(session, event=event, params=body)
    except ValueError as exc:
        raise _unprocessable("mode", exc) from None

    def work(job_session: Session, report: Report) -> dict[str, object]:
        return wm.create_meeting_plan(
            job_session, report, event_id=event_id, params=body, encoder=load_encoder()
        )

    return jobs.submit(kind="meeting_plan", event_id=event_id, organiser_id=organiser.id, work=work)


@router.get("", response_model=list[int], summary="Ids of the event's meeting plans, newest first")
def list_plans(session: SessionDep, event: EventDep) -> list[int]:
    assert event.id is not None
    return wm.list_meeting_plans(session=session, event_id=event.id)


@router.get(
    "/{meeting_plan_id}",
    response_model=MeetingPlanPublic,
    summary="A meeting plan: each round's tables with their two (or three) people",
)
def read_plan(session: SessionDep, event: EventDep, meeting_plan_id: IdPath) -> MeetingPlanPublic:
    assert event.id is not None
    stored = wm.get_meeting_plan(session=session, event_id=event.id, plan_id=meeting_plan_id)
    return wm.meeting_plan_view(session=session, stored=stored)


@router.post(
    "/{meeting_plan_id}/lock", response_model=MeetingPlanPublic, summary="Lock rounds that are played"
)
def lock(
    session: SessionDep, event: EventDep, meeting_plan_id: IdPath, body: MeetingPlanLock
) -> MeetingPlanPublic:
    assert event.id is not None
    stored = wm.get_meeting_plan(session=session, event_id=event.id, plan_id=meeting_plan_id)
    try:
        stored = lock_rounds(session=session, stored=stored, rounds=body.rounds)
    except ValueError as exc:
        raise _unprocessable("rounds", exc) from None
    return wm.meeting_plan_view(session=session, stored=stored)


@router.post(
    "/{meeting_plan_id}/replan",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Re-plan the unlocked rounds for the people there now (background job)",
)
def replan(
    session: SessionDep,
    organiser: OrganiserDep,
    event: EventDep,
    jobs: JobsDep,
    load_encoder: EncoderDep,
    meeting_plan_id: IdPath,
    body: MeetingPlanReplan,
) -> Job:
    assert event.id is not None
    stored = wm.get_meeting_plan(session=session, event_id=event.id, plan_id=meeting_plan_id)
    assert stored.id is not None
    stored_id = stored.id

    def work(job_session: Session, report: Report) -> dict[str, object]:
        return wm.replan_meeting_rounds(
            job_session, report, plan_id=stored_id, params=body, encoder=load_encoder()
        )

    return jobs.submit(kind="meeting_replan", event_id=event.id, organiser_id=organiser.id, work=work)
