"""E-mails to an event's participants: send a kind to everyone (background job), preview one
person's message, and read the outbox (what was recorded and what became of it)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from sqlmodel import Session

from api.deps import EventDep, JobsDep, OrganiserDep, SessionDep
from api.routes.common import SCOPED, PageDep
from api.schemas import Page
from api.schemas.mailings import MailingCreate, MailKindName, MailPreview, OutboxEntry
from api.security import LinkSigner
from api.settings import Settings
from api.workflows import mailing as wf
from api.workflows.common import Progress
from models.jobs import Job, JobPublic

router = APIRouter(prefix="/events/{event_id}/mailings", tags=["mailings"], responses=SCOPED)

REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"description": "Nothing to send yet (no suggestions or table plan), or no SMTP server answers."},
    422: {"description": "A setting is missing (smtp_host, mail_from) or a value is refused."},
}


def _state(request: Request) -> tuple[Settings, LinkSigner]:
    return request.app.state.settings, request.app.state.link_signer


@router.post(
    "",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send one kind of e-mail to the event's participants (background job)",
    responses=REFUSED,
)
def send(
    request: Request,
    session: SessionDep,
    organiser: OrganiserDep,
    event: EventDep,
    jobs: JobsDep,
    body: MailingCreate,
) -> Job:
    """Checks the settings, the event and the SMTP server at once (4xx with the reason);
    then every message is recorded in the outbox before it is sent. Re-sending the same
    kind sends only what is new or changed. The job's ``result`` is the summary: sent,
    skipped and why, failed and why."""
    assert event.id is not None
    event_id = event.id
    settings, signer = _state(request)
    wf.check_mailing(session, event_id=event_id, kind=body.kind, settings=settings, dry_run=body.dry_run)
    if not body.dry_run:
        wf.check_server(wf.default_connect(settings)())

    def work(job_session: Session, progress: Progress) -> dict[str, object]:
        summary = wf.send_mailing(
            job_session,
            event_id=event_id,
            kind=body.kind,
            signer=signer,
            settings=settings,
            dry_run=body.dry_run,
            retry_interrupted=body.retry_interrupted,
            progress=progress,
        )
        return summary.as_dict()

    return jobs.submit(kind="mailing", event_id=event_id, organiser_id=organiser.id, work=work)


@router.get("/preview", response_model=MailPreview, summary="One person's message, as it would go out now")
def preview(
    request: Request,
    session: SessionDep,
    event: EventDep,
    person_id: Annotated[int, Query(ge=1, le=2**31 - 1, description="The participant.")],
    kind: Annotated[MailKindName, Query(description="before, live, feedback or followup.")],
    language: Annotated[Literal["fi", "sv", "en"] | None, Query(description="Default: theirs.")] = None,
) -> MailPreview:
    """Subject, plain text and HTML of the message; nothing is recorded or sent."""
    assert event.id is not None
    settings, signer = _state(request)
    found = wf.preview_message(
        session,
        event_id=event.id,
        person_id=person_id,
        kind=kind,
        signer=signer,
        settings=settings,
        language=language,
    )
    return MailPreview(
        person_id=found.person_id,
        to=found.to,
        subject=found.subject,
        text=found.text,
        html=found.html,
        attachments=list(found.attachments),
        skip=found.skip,
    )


@router.get("/outbox", response_model=Page[OutboxEntry], summary="Recorded messages and their status")
def outbox(
    session: SessionDep,
    event: EventDep,
    page: PageDep,
    kind: Annotated[MailKindName | None, Query(description="Only this kind.")] = None,
    person_id: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Only this person.")] = None,
) -> Page[OutboxEntry]:
    """Newest first; ``smtp_reply`` is the server's last word on the message."""
    assert event.id is not None
    rows, total = wf.outbox_page(
        session, event_id=event.id, kind=kind, person_id=person_id, offset=page.offset, limit=page.limit
    )
    items = [OutboxEntry.model_validate(row, from_attributes=True) for row in rows]
    return Page[OutboxEntry](items=items, total=total, offset=page.offset, limit=page.limit)
