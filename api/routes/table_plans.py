"""Workshop table plans: create (background job), read, lock played rounds, re-plan the rest."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlmodel import Session

from api.deps import EncoderDep, EventDep, JobsDep, OrganiserDep, SessionDep
from api.routes.common import SCOPED, IdPath
from api.schemas import TablePlanCreate, TablePlanLock, TablePlanPublic, TablePlanReplan
from api.workflows import plans
from api.workflows import table_plans as wf
from api.workflows.common import Progress
from models.jobs import Job, JobPublic
from models.plans import PlanKind

router = APIRouter(prefix="/events/{event_id}/table-plans", tags=["table plans"], responses=SCOPED)
KIND = PlanKind.TABLES


@router.post(
    "",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Plan the workshop tables (background job; result.plan_id)",
)
def create(
    session: SessionDep,
    organiser: OrganiserDep,
    event: EventDep,
    jobs: JobsDep,
    load_encoder: EncoderDep,
    body: TablePlanCreate,
) -> Job:
    assert event.id is not None
    event_id = event.id
    wf.check_plan_request(session, event_id=event_id, params=body)

    def work(job_session: Session, progress: Progress) -> dict[str, object]:
        return wf.create_table_plan(
            session=job_session, event_id=event_id, params=body, encoder=load_encoder(), progress=progress
        )

    return jobs.submit(kind="table_plan", event_id=event_id, organiser_id=organiser.id, work=work)


@router.get("", response_model=list[int], summary="Ids of the event's table plans, newest first")
def list_plans(session: SessionDep, event: EventDep) -> list[int]:
    assert event.id is not None
    return plans.list_plans(session=session, event_id=event.id, kind=KIND)


@router.get("/{plan_id}", response_model=TablePlanPublic, summary="A table plan as printable seats")
def read_plan(session: SessionDep, event: EventDep, plan_id: IdPath) -> TablePlanPublic:
    assert event.id is not None
    stored = plans.get_plan(session=session, event_id=event.id, plan_id=plan_id, kind=KIND)
    return wf.table_plan_view(session=session, stored=stored)


@router.post(
    "/{plan_id}/lock", response_model=TablePlanPublic, summary="Lock rounds that are printed or played"
)
def lock(session: SessionDep, event: EventDep, plan_id: IdPath, body: TablePlanLock) -> TablePlanPublic:
    assert event.id is not None
    stored = plans.get_plan(session=session, event_id=event.id, plan_id=plan_id, kind=KIND)
    stored = plans.lock_rounds(session=session, stored=stored, rounds=body.rounds)
    return wf.table_plan_view(session=session, stored=stored)


@router.post(
    "/{plan_id}/replan",
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
    plan_id: IdPath,
    body: TablePlanReplan,
) -> Job:
    assert event.id is not None
    stored_id = plans.get_plan(session=session, event_id=event.id, plan_id=plan_id, kind=KIND).id
    assert stored_id is not None
    wf.check_replan_request(session, plan_id=stored_id, params=body)

    def work(job_session: Session, progress: Progress) -> dict[str, object]:
        return wf.replan_stored_tables(
            session=job_session, plan_id=stored_id, params=body, encoder=load_encoder(), progress=progress
        )

    return jobs.submit(kind="table_replan", event_id=event.id, organiser_id=organiser.id, work=work)
