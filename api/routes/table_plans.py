"""Workshop table plans: create (background job), read, lock played rounds, re-plan the rest."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlmodel import Session, col, select

from api import workflows_api as wf
from api.deps import EncoderDep, EventDep, JobsDep, OrganiserDep, SessionDep
from api.jobs import Report
from api.routes.common import SCOPED, IdPath
from api.schemas import TablePlanCreate, TablePlanLock, TablePlanPublic, TablePlanReplan
from models.results import Job, JobPublic, StoredTablePlan

router = APIRouter(prefix="/events/{event_id}/table-plans", tags=["table plans"], responses=SCOPED)


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
    try:
        wf.check_plan_request(session, event_id=event_id, params=body)
    except ValueError as exc:
        raise HTTPException(
            422,
            detail=[{"loc": ["body", "tables"], "field": "tables", "msg": str(exc), "type": "value_error"}],
        ) from None

    def work(job_session: Session, report: Report) -> dict[str, object]:
        return wf.create_table_plan(
            job_session, report, event_id=event_id, params=body, encoder=load_encoder()
        )

    return jobs.submit(kind="table_plan", event_id=event_id, organiser_id=organiser.id, work=work)


@router.get("", response_model=list[int], summary="Ids of the event's table plans, newest first")
def list_plans(session: SessionDep, event: EventDep) -> list[int]:
    statement = (
        select(StoredTablePlan)
        .where(StoredTablePlan.event_id == event.id)
        .order_by(col(StoredTablePlan.id).desc())
    )
    return [p.id for p in session.exec(statement).all() if p.id is not None and wf.is_table_plan(p)]


@router.get("/{plan_id}", response_model=TablePlanPublic, summary="A table plan as printable seats")
def read_plan(session: SessionDep, event: EventDep, plan_id: IdPath) -> TablePlanPublic:
    assert event.id is not None
    stored = wf.get_table_plan(session=session, event_id=event.id, plan_id=plan_id)
    return wf.table_plan_view(session=session, stored=stored)


@router.post(
    "/{plan_id}/lock", response_model=TablePlanPublic, summary="Lock rounds that are printed or played"
)
def lock(session: SessionDep, event: EventDep, plan_id: IdPath, body: TablePlanLock) -> TablePlanPublic:
    assert event.id is not None
    stored = wf.get_table_plan(session=session, event_id=event.id, plan_id=plan_id)
    try:
        stored = wf.lock_rounds(session=session, stored=stored, rounds=body.rounds)
    except ValueError as exc:
        raise HTTPException(
            422,
            detail=[{"loc": ["body", "rounds"], "field": "rounds", "msg": str(exc), "type": "value_error"}],
        ) from None
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
    stored = wf.get_table_plan(session=session, event_id=event.id, plan_id=plan_id)
    assert stored.id is not None
    stored_id = stored.id

    def work(job_session: Session, report: Report) -> dict[str, object]:
        return wf.replan_tables(job_session, report, plan_id=stored_id, params=body, encoder=load_encoder())

    return jobs.submit(kind="table_replan", event_id=event.id, organiser_id=organiser.id, work=work)
