"""E-mails on the dashboard: preview one person's message as it would go out now, then send
one kind to everyone (a background job), through :mod:`api.workflows.mailing`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api.deps import JobsDep, SessionDep
from api.pages import views
from api.pages.auth import DashboardEvent, DashboardOrganiser
from api.pages.routes_auth import Csrf
from api.pages.templating import choose_language, redirect, render
from api.security import LinkSigner
from api.settings import Settings
from api.workflows import mailing
from api.workflows.common import Progress
from models.entities import Event

router = APIRouter(prefix="/dashboard/events/{event_id}/mail", include_in_schema=False)
KINDS = ("before", "live", "feedback", "followup")
KindForm = Annotated[str, Form(pattern="^(before|live|feedback|followup)$")]
KindQuery = Annotated[str, Query(pattern="^(before|live|feedback|followup)$")]
# The message's own HTML, shown in a sandboxed frame of the mail page: its inline styles
# only, nothing that runs or loads.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def _state(request: Request) -> tuple[Settings, LinkSigner]:
    return request.app.state.settings, request.app.state.link_signer


def _id(event: Event) -> int:
    assert event.id is not None
    return event.id


def _preview(
    request: Request, db: Session, event: Event, person_id: int, kind: str, language: str | None
) -> mailing.RenderedMessage:
    settings, signer = _state(request)
    return mailing.preview_message(
        db,
        event_id=_id(event),
        person_id=person_id,
        kind=kind,
        signer=signer,
        settings=settings,
        language=language,
    )


@router.get("", response_class=HTMLResponse)
def mail_page(
    request: Request,
    db: SessionDep,
    organiser: DashboardOrganiser,
    event: DashboardEvent,
    kind: KindQuery = "before",
    person_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    language: Annotated[str, Query(pattern="^(|fi|sv|en)$")] = "",
) -> HTMLResponse:
    """The preview (when a person is chosen) and the send form."""
    message = _preview(request, db, event, person_id, kind, language or None) if person_id else None
    return render(
        request,
        "mail.html",
        choose_language(request),
        organiser=organiser,
        event=event,
        people=sorted(views.everyone(db, _id(event)), key=lambda r: r.person_name.casefold()),
        kinds=KINDS,
        kind=kind,
        person_id=person_id,
        message_language=language,
        message=message,
    )


@router.get("/preview.html")
def preview_html(
    request: Request,
    db: SessionDep,
    event: DashboardEvent,
    kind: KindQuery,
    person_id: Annotated[int, Query(ge=1, le=2**31 - 1)],
    language: Annotated[str, Query(pattern="^(|fi|sv|en)$")] = "",
) -> Response:
    """The message's HTML part as it is, for the mail page's sandboxed frame."""
    message = _preview(request, db, event, person_id, kind, language or None)
    headers = {
        "Content-Security-Policy": PREVIEW_POLICY,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }
    return HTMLResponse(message.html, headers=headers)


@router.post("")
def send(
    request: Request,
    db: SessionDep,
    organiser: DashboardOrganiser,
    event: DashboardEvent,
    jobs: JobsDep,
    _csrf: Csrf,
    kind: KindForm,
    dry_run: Annotated[bool, Form()] = False,
) -> RedirectResponse:
    """Check the settings, the event and the SMTP server at once (a page naming the problem),
    then send in the background and follow the job."""
    event_id = _id(event)
    settings, signer = _state(request)
    mailing.check_mailing(db, event_id=event_id, kind=kind, settings=settings, dry_run=dry_run)
    if not dry_run:
        mailing.check_server(mailing.default_connect(settings)())

    def work(session: Session, progress: Progress) -> dict[str, object]:
        summary = mailing.send_mailing(
            session,
            event_id=event_id,
            kind=kind,
            signer=signer,
            settings=settings,
            dry_run=dry_run,
            progress=progress,
        )
        return summary.as_dict()

    job = jobs.submit(kind="mailing", event_id=event_id, organiser_id=organiser.id, work=work)
    return redirect(request, f"/dashboard/jobs/{job.id}")
