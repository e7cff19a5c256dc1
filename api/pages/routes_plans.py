"""The table plan on the dashboard: per round with a print view, plan, lock played rounds,
re-plan the rest after walk-ins (a background job), and the job's progress page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from api.deps import EncoderDep, JobsDep, SessionDep
from api.pages import views
from api.pages.auth import DashboardEvent, DashboardOrganiser
from api.pages.routes_auth import Csrf
from api.pages.templating import choose_language, redirect, render
from api.printing import render_printout
from api.routes.common import IdPath
from api.schemas import TablePlanCreate, TablePlanReplan
from api.workflows import jobs as job_flows
from api.workflows import plans, table_plans
from api.workflows.common import Progress
from models.entities import Event
from models.plans import PlanKind

router = APIRouter(prefix="/dashboard", include_in_schema=False)
KIND = PlanKind.TABLES


def _id(event: Event) -> int:
    assert event.id is not None
    return event.id


def _plan_context(db: Session, event: Event, round_number: int | None = None) -> dict[str, Any]:
    stored = plans.newest_plan(session=db, event_id=_id(event), kind=KIND)
    if stored is None:
        return {"plan": None, "rounds": []}
    plan = table_plans.table_plan_view(session=db, stored=stored)
    rounds = views.group_rounds(plan.seats, rounds=plan.rounds, locked=plan.locked_rounds)
    if round_number is not None:
        rounds = [r for r in rounds if r.number == round_number]
    return {"plan": plan, "rounds": rounds}


@router.get("/events/{event_id}/tables", response_class=HTMLResponse)
def table_plan(
    request: Request, db: SessionDep, organiser: DashboardOrganiser, event: DashboardEvent
) -> HTMLResponse:
    context = _plan_context(db, event)
    return render(
        request, "tables.html", choose_language(request), organiser=organiser, event=event, **context
    )


@router.get("/events/{event_id}/tables/print", response_class=HTMLResponse)
def printable_plan(
    request: Request,
    db: SessionDep,
    event: DashboardEvent,
    round: Annotated[int | None, Query(ge=1, le=12)] = None,
) -> HTMLResponse:
    """A plain HTML print view (A4, a table never split across pages)."""
    context = _plan_context(db, event, round)
    return render(request, "print_tables.html", choose_language(request), event=event, **context)


@router.get("/events/{event_id}/tables/{what}.pdf")
def printout(
    request: Request,
    db: SessionDep,
    event: DashboardEvent,
    what: Annotated[str, Path(pattern="^(tables|cards|slips|all)$")],
) -> Response:
    """The printed plan as A4 PDF (table lists, table cards, participants' slips, or all), in
    the page's language, from :func:`api.printing.render_printout`."""
    body = render_printout(
        db,
        event_id=_id(event),
        what=what,
        lang=choose_language(request),
        signer=request.app.state.link_signer,
        base_url=request.app.state.settings.public_base_url,
    )
    headers = {"Content-Disposition": f'inline; filename="{what}.pdf"', "Cache-Control": "no-store"}
    return Response(body, media_type="application/pdf", headers=headers)


@router.post("/events/{event_id}/tables")
def create_plan(
    request: Request,
    db: SessionDep,
    organiser: DashboardOrganiser,
    event: DashboardEvent,
    jobs: JobsDep,
    load_encoder: EncoderDep,
    _state: Csrf,
    rounds: Annotated[int, Form(ge=1, le=12)] = 4,
    min_size: Annotated[int, Form(ge=2, le=20)] = 6,
    max_size: Annotated[int, Form(ge=2, le=20)] = 8,
    seconds: Annotated[float, Form(gt=0, le=120)] = 5.0,
    present_only: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    event_id = _id(event)
    params = TablePlanCreate(
        rounds=rounds, min_size=min_size, max_size=max_size, seconds=seconds, present_only=present_only
    )
    table_plans.check_plan_request(db, event_id=event_id, params=params)

    def work(session: Session, progress: Progress) -> dict[str, object]:
        return table_plans.create_table_plan(
            session=session, event_id=event_id, params=params, encoder=load_encoder(), progress=progress
        )

    job = jobs.submit(kind="table_plan", event_id=event_id, organiser_id=organiser.id, work=work)
    return redirect(request, f"/dashboard/jobs/{job.id}")


@router.post("/events/{event_id}/tables/{plan_id}/lock")
def lock_rounds(
    request: Request,
    db: SessionDep,
    event: DashboardEvent,
    plan_id: IdPath,
    _state: Csrf,
    rounds: Annotated[int, Form(ge=0, le=12)],
) -> RedirectResponse:
    stored = plans.get_plan(session=db, event_id=_id(event), plan_id=plan_id, kind=KIND)
    plans.lock_rounds(session=db, stored=stored, rounds=rounds)
    return redirect(request, f"/dashboard/events/{_id(event)}/tables")


@router.post("/events/{event_id}/tables/{plan_id}/replan")
def replan(
    request: Request,
    db: SessionDep,
    organiser: DashboardOrganiser,
    event: DashboardEvent,
    jobs: JobsDep,
    load_encoder: EncoderDep,
    plan_id: IdPath,
    _state: Csrf,
    seconds: Annotated[float, Form(gt=0, le=120)] = 2.0,
    present_only: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    stored = plans.get_plan(session=db, event_id=_id(event), plan_id=plan_id, kind=KIND)
    params = TablePlanReplan(seconds=seconds, present_only=present_only)
    stored_id = stored.id
    assert stored_id is not None
    table_plans.check_replan_request(db, plan_id=stored_id, params=params)

    def work(session: Session, progress: Progress) -> dict[str, object]:
        return table_plans.replan_stored_tables(
            session=session, plan_id=stored_id, params=params, encoder=load_encoder(), progress=progress
        )

    job = jobs.submit(kind="table_replan", event_id=_id(event), organiser_id=organiser.id, work=work)
    return redirect(request, f"/dashboard/jobs/{job.id}")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, db: SessionDep, organiser: DashboardOrganiser, job_id: IdPath) -> HTMLResponse:
    job = job_flows.get_job(
        session=db, organiser=organiser, job_id=job_id, stale_after=request.app.state.jobs.stale_after
    )
    return render(
        request,
        "job.html",
        choose_language(request),
        organiser=organiser,
        job=job,
        done=views.job_next_page(job),
        summary=views.job_summary(job),
    )


@router.get("/jobs/{job_id}/status")
def job_status(db: SessionDep, organiser: DashboardOrganiser, job_id: IdPath) -> JSONResponse:
    """The job's state for the progress bar's script (polled about once a second)."""
    job = job_flows.get_job(session=db, organiser=organiser, job_id=job_id)
    return JSONResponse(
        {
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "next": views.job_next_page(job),
        }
    )
