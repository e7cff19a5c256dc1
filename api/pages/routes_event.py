"""One event on the dashboard: its overview, registrations and check-in with the walk-in
form, and the suggestion overview with the button that (re)computes suggestions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.deps import EncoderDep, JobsDep, SessionDep
from api.pages import forms, views
from api.pages.auth import DashboardEvent, DashboardOrganiser, safe_next
from api.pages.routes_auth import Csrf
from api.pages.templating import choose_language, redirect, render
from api.routes.common import IdPath
from api.workflows import links, meeting_requests, registrations, suggestion_stats, suggestions
from api.workflows.common import Progress
from api.workflows.plans import newest_plan
from models.entities import Event
from models.plans import PlanKind

router = APIRouter(prefix="/dashboard/events/{event_id}", include_in_schema=False)


def _id(event: Event) -> int:
    assert event.id is not None
    return event.id


@router.get("", response_class=HTMLResponse)
def overview(
    request: Request, db: SessionDep, organiser: DashboardOrganiser, event: DashboardEvent
) -> HTMLResponse:
    event_id = _id(event)
    return render(
        request,
        "event.html",
        choose_language(request),
        organiser=organiser,
        event=event,
        people=views.registration_page(db, event_id),
        stats=suggestion_stats.suggestion_overview(session=db, event_id=event_id),
        plan=newest_plan(session=db, event_id=event_id, kind=PlanKind.TABLES),
        requests=meeting_requests.list_requests(session=db, event_id=event_id),
    )


def _registrations(
    request: Request,
    db: Session,
    organiser: Any,
    event: Event,
    *,
    query: str,
    show: str,
    page: int,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    context: dict[str, Any] = {"added": None, "relinked": None, "form_errors": {}, "typed": {}, **extra}
    return render(
        request,
        "registrations.html",
        choose_language(request),
        status=status,
        organiser=organiser,
        event=event,
        people=views.registration_page(db, _id(event), query=query, show=show, page=page),
        query=query,
        show=show,
        **context,
    )


@router.get("/registrations", response_class=HTMLResponse)
def registration_list(
    request: Request,
    db: SessionDep,
    organiser: DashboardOrganiser,
    event: DashboardEvent,
    q: Annotated[str, Query(max_length=200)] = "",
    show: Annotated[str, Query(pattern="^(all|present|absent)$")] = "all",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    added: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    just_added = None
    if added is not None:
        just_added = registrations.registration_view(session=db, event_id=_id(event), person_id=added)
    return _registrations(request, db, organiser, event, query=q, show=show, page=page, added=just_added)


@router.post("/walk-ins", response_class=HTMLResponse)
async def add_walk_in(
    request: Request, db: SessionDep, organiser: DashboardOrganiser, event: DashboardEvent, _state: Csrf
) -> Response:
    walk_in, errors, typed = forms.walk_in(await request.form(), region=event.region)
    if walk_in is None:
        return _registrations(
            request, db, organiser, event, query="", show="all", page=1, status=422,
            form_errors=errors, typed=typed,
        )  # fmt: skip
    row = registrations.walk_in(session=db, organiser=organiser, event=event, walk_in=walk_in)
    return redirect(request, f"/dashboard/events/{row.event_id}/registrations?added={row.person_id}")


@router.post("/registrations/{person_id}")
def mark(
    request: Request,
    db: SessionDep,
    event: DashboardEvent,
    person_id: IdPath,
    _state: Csrf,
    action: Annotated[str, Form()],
    back: Annotated[str | None, Form()] = None,
) -> RedirectResponse:
    registrations.mark(session=db, event_id=_id(event), person_id=person_id, action=action)
    return redirect(request, safe_next(back))


@router.post("/registrations/{person_id}/link", response_class=HTMLResponse)
def new_link(
    request: Request,
    db: SessionDep,
    organiser: DashboardOrganiser,
    event: DashboardEvent,
    person_id: IdPath,
    _state: Csrf,
) -> HTMLResponse:
    """Revoke one person's links and show the new one, once (it is not kept anywhere)."""
    settings = request.app.state.settings
    data = links.reissue_link(
        session=db,
        signer=request.app.state.link_signer,
        event_id=_id(event),
        person_id=person_id,
        base_url=settings.public_base_url,
        days=settings.link_token_days,
    )
    row = registrations.registration_view(session=db, event_id=_id(event), person_id=person_id)
    relinked = {"person_name": row.person_name, "url": data["page_url"]}
    return _registrations(request, db, organiser, event, query="", show="all", page=1, relinked=relinked)


@router.get("/suggestions", response_class=HTMLResponse)
def suggestion_overview(
    request: Request, db: SessionDep, organiser: DashboardOrganiser, event: DashboardEvent
) -> HTMLResponse:
    stats = suggestion_stats.suggestion_overview(session=db, event_id=_id(event))
    return render(
        request, "suggestions.html", choose_language(request), organiser=organiser, event=event, stats=stats
    )


@router.post("/suggestions")
def compute_suggestions(
    request: Request,
    organiser: DashboardOrganiser,
    event: DashboardEvent,
    jobs: JobsDep,
    load_encoder: EncoderDep,
    _state: Csrf,
    k: Annotated[int, Form(ge=1, le=20)] = 5,
    mode: Annotated[str, Form(pattern="^(auto|registered|present)$")] = "auto",
) -> RedirectResponse:
    event_id = _id(event)

    def work(session: Session, progress: Progress) -> dict[str, object]:
        return suggestions.compute_suggestions(
            session=session, event_id=event_id, k=k, mode=mode, encoder=load_encoder(), progress=progress
        )

    job = jobs.submit(kind="suggestions", event_id=event_id, organiser_id=organiser.id, work=work)
    return redirect(request, f"/dashboard/jobs/{job.id}")
