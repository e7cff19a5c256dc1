"""1:1 meeting rounds: create (background job), read, lock played rounds, re-plan the rest."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlmodel import Session

from api.deps import EncoderDep, EventDep, JobsDep, OrganiserDep, SessionDep
from api.routes.common import SCOPED, IdPath
from api.schemas import MeetingPlanCreate, MeetingPlanLock, MeetingPlanPublic, MeetingPlanReplan
from api.workflows import meeting_plans as wf
from api.workflows import plans
from api.workflows.common import Progress
from models.jobs import Job, JobPublic
from models.plans import PlanKind

router = APIRouter(prefix="/events/{event_id}/meeting-plans", tags=["meeting rounds"], responses=SCOPED)
KIND = PlanKind.MEETINGS


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
    wf.check_meeting_request(session, event=event, params=body)

    def work(job_session: Session, progress: Progress) -> dict[str, object]:
        return wf.create_meeting_plan(
            session=job_session, event_id=event_id, params=body, encoder=load_encoder(), progress=progress
        )

    return jobs.submit(kind="meeting_plan", event_id=event_id, organiser_id=organiser.id, work=work)


@router.get("", response_model=list[int], summary="Ids of the event's meeting plans, newest first")
def list_plans(session: SessionDep, event: EventDep) -> list[int]:
    assert event.id is not None
    return plans.list_plans(session=session, event_id=event.id, kind=KIND)


@router.get(
    "/{meeting_plan_id}",
    response_model=MeetingPlanPublic,
    summary="A meeting plan: each round's tables with their two (or three) people",
)
def read_plan(session: SessionDep, event: EventDep, meeting_plan_id: IdPath) -> MeetingPlanPublic:
    assert event.id is not None
    stored = plans.get_plan(session=session, event_id=event.id, plan_id=meeting_plan_id, kind=KIND)
    return wf.meeting_plan_view(session=session, stored=stored)


@router.post(
    "/{meeting_plan_id}/lock", response_model=MeetingPlanPublic, summary="Lock rounds that are played"
)
def lock(
    session: SessionDep, event: EventDep, meeting_plan_id: IdPath, body: MeetingPlanLock
) -> MeetingPlanPublic:
    assert event.id is not None
    stored = plans.get_plan(session=session, event_id=event.id, plan_id=meeting_plan_id, kind=KIND)
    stored = plans.lock_rounds(session=session, stored=stored, rounds=body.rounds)
    return wf.meeting_plan_view(session=session, stored=stored)


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
    stored_id = plans.get_plan(session=session, event_id=event.id, plan_id=meeting_plan_id, kind=KIND).id
    assert stored_id is not None

    def work(job_session: Session, progress: Progress) -> dict[str, object]:
        return wf.replan_meeting_rounds(
            session=job_session, plan_id=stored_id, params=body, encoder=load_encoder(), progress=progress
        )

    return jobs.submit(kind="meeting_replan", event_id=event.id, organiser_id=organiser.id, work=work)
