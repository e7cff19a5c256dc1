"""A participant's own pages from their personal link (paths of :mod:`api.workflows.links`):
their page, the feedback form, and unsubscribe (a confirm page, and RFC 8058 one-click)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from api.deps import SessionDep
from api.pages import forms
from api.pages import session as cookies
from api.pages.participant import (
    LinkError,
    Visitor,
    authentic_claims,
    page_language,
    participant_page,
    visitor,
)
from api.pages.templating import choose_language, redirect, render
from api.security import SCOPE_FEEDBACK, SCOPE_PAGE, SCOPE_UNSUBSCRIBE, LinkSigner
from api.workflows import consent, feedback, meeting_requests
from api.workflows.errors import ConflictError, FieldError, NotFoundError
from api.workflows.links import FEEDBACK_PATH, FOLLOWUP_PATH, PAGE_PATH, UNSUBSCRIBE_PATH, participant_links
from matcher.taxonomy import THEMES
from models.entities import Person

router = APIRouter(include_in_schema=False)
FEEDBACK_SCOPES = (SCOPE_PAGE, SCOPE_FEEDBACK)

REQUESTS_PATH = "/p/{token}/meeting-requests"
"""Where a participant's page posts "ask to meet" and "withdraw" (form field ``action``)."""


def _signer(request: Request) -> LinkSigner:
    signer: LinkSigner = request.app.state.link_signer
    return signer


def _check_csrf(request: Request, form: FormData) -> None:
    csrf = form.get(cookies.CSRF_FIELD)
    cookies.check_csrf(request, csrf if isinstance(csrf, str) else None)


async def _posted(
    request: Request, db: Session, token: str, scopes: tuple[str, ...] = (SCOPE_PAGE,)
) -> tuple[Visitor, FormData]:
    """Who posts a participant form, and the form, CSRF-checked; :class:`LinkError` for a bad link."""
    guest = visitor(db, _signer(request), token, scopes)
    form = await request.form()
    _check_csrf(request, form)
    return guest, form


def _form_page(request: Request, db: Session, token: str, template: str) -> HTMLResponse:
    """A feedback-kind form page (feedback, follow-up), with "saved" after a successful post."""
    try:
        guest = visitor(db, _signer(request), token, FEEDBACK_SCOPES)
        saved = request.query_params.get("saved") == "1"
        return _page(request, db, token, guest, template, saved=saved)
    except LinkError as problem:
        return link_error_page(request, problem)


def link_error_page(request: Request, problem: LinkError) -> HTMLResponse:
    """The page for a link that opens nothing, in the person's language (or Finnish)."""
    language = choose_language(request, problem.language)
    return render(request, "link_error.html", language, status=problem.status, key=problem.key)


def _page(
    request: Request,
    db: Session,
    token: str,
    guest: Visitor,
    template: str,
    *,
    status: int = 200,
    **extra: object,
) -> HTMLResponse:
    language = choose_language(request, page_language(guest.person))
    content = participant_page(db, guest, language)
    event_id, person_id = guest.ids
    own = participant_links(_signer(request), "", event_id=event_id, person_id=person_id, nonce=guest.nonce)
    # A feedback link leads to the feedback form and unsubscribe, never to the whole page.
    page_scope = guest.scope == SCOPE_PAGE
    return render(
        request,
        template,
        language,
        status=status,
        person=guest.person,
        event=guest.event,
        page=content,
        links={
            "page": own.page if page_scope else None,
            "feedback": own.feedback if page_scope else FEEDBACK_PATH.format(token=token),
            "followup": own.followup if page_scope else FOLLOWUP_PATH.format(token=token),
            "unsubscribe": own.unsubscribe,
            "requests": REQUESTS_PATH.format(token=token) if page_scope else None,
        },
        themes={code: label.label(language) for code, label in THEMES.items()},
        **{"errors": {}, "saved": False, "notice": None, **extra},
    )


@router.get(PAGE_PATH, response_class=HTMLResponse)
def own_page(request: Request, db: SessionDep, token: str) -> HTMLResponse:
    notice = request.query_params.get("request")
    try:
        guest = visitor(db, _signer(request), token)
        return _page(
            request,
            db,
            token,
            guest,
            "participant.html",
            notice=notice if notice in REQUEST_NOTICES else None,
        )
    except LinkError as problem:
        return link_error_page(request, problem)


REQUEST_NOTICES = ("sent", "withdrawn", "full", "refused")
"""What the page says after a request form (``?request=...``); each is a catalogue key ``requests.<x>``."""


def _int_field(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) <= 10 else None


@router.post(REQUESTS_PATH, response_class=HTMLResponse)
async def change_request(request: Request, db: SessionDep, token: str) -> Response:
    """Ask to meet a suggested partner (``action=ask``, ``person_id``) or withdraw one of my
    requests (``action=withdraw``, ``request_id``); back to the page, which says how it went."""
    try:
        guest, form = await _posted(request, db, token)
    except LinkError as problem:
        return link_error_page(request, problem)
    event_id, person_id = guest.ids
    action = form.get("action")
    try:
        if action == "ask" and (target := _int_field(form.get("person_id"))) is not None:
            meeting_requests.ask_to_meet(session=db, event_id=event_id, person_id=person_id, target_id=target)
            outcome = "sent"
        elif action == "withdraw" and (request_id := _int_field(form.get("request_id"))) is not None:
            meeting_requests.withdraw(
                session=db, event_id=event_id, person_id=person_id, request_id=request_id
            )
            outcome = "withdrawn"
        else:
            outcome = "refused"
    except ConflictError:
        outcome = "full" if action == "ask" else "refused"
    except (FieldError, NotFoundError):
        outcome = "refused"
    return redirect(request, PAGE_PATH.format(token=token) + f"?request={outcome}#h-requests")


@router.get(FEEDBACK_PATH, response_class=HTMLResponse)
def feedback_form(request: Request, db: SessionDep, token: str) -> HTMLResponse:
    return _form_page(request, db, token, "feedback.html")


@router.post(FEEDBACK_PATH, response_class=HTMLResponse)
async def send_feedback(request: Request, db: SessionDep, token: str) -> Response:
    try:
        guest, form = await _posted(request, db, token, FEEDBACK_SCOPES)
    except LinkError as problem:
        return link_error_page(request, problem)
    event_id, person_id = guest.ids
    partners = feedback.feedback_partners(session=db, event_id=event_id, person_id=person_id)
    answers, errors = forms.feedback_answers(form, partners)
    if errors:
        return _page(request, db, token, guest, "feedback.html", status=422, errors=errors)
    for answer in answers:
        feedback.save_feedback(session=db, event_id=event_id, person_id=person_id, feedback_in=answer)
    wish = forms.theme_wish(form)
    if wish is not None:
        feedback.save_theme_wish(session=db, event_id=event_id, person_id=person_id, wish_in=wish)
    return redirect(request, FEEDBACK_PATH.format(token=token) + "?saved=1")


@router.get(FOLLOWUP_PATH, response_class=HTMLResponse)
def followup_form(request: Request, db: SessionDep, token: str) -> HTMLResponse:
    return _form_page(request, db, token, "followup.html")


@router.post(FOLLOWUP_PATH, response_class=HTMLResponse)
async def send_followup(request: Request, db: SessionDep, token: str) -> Response:
    try:
        guest, form = await _posted(request, db, token, FEEDBACK_SCOPES)
    except LinkError as problem:
        return link_error_page(request, problem)
    event_id, person_id = guest.ids
    rows = feedback.own_feedback(session=db, event_id=event_id, person_id=person_id)
    answers, errors = forms.followup_answers(form, [row.target_id for row in rows if row.met])
    if errors:
        return _page(request, db, token, guest, "followup.html", status=422, errors=errors)
    for answer in answers:
        feedback.save_followup(session=db, event_id=event_id, person_id=person_id, followup_in=answer)
    return redirect(request, FOLLOWUP_PATH.format(token=token) + "?saved=1")


def _unsubscribe_target(request: Request, db: Session, token: str) -> Person:
    """Whom an unsubscribe link names. It keeps working after the link expires or is revoked
    (it can only stop e-mail, and stopping e-mail must stay easy); other links do not unsubscribe."""
    claims = authentic_claims(db, _signer(request), token, allow_expired=True)
    if claims.scope != SCOPE_UNSUBSCRIBE:
        raise LinkError(401, "link.wrong_kind", page_language(db.get(Person, claims.person_id)))
    person = db.get(Person, claims.person_id)
    if person is None:
        raise LinkError(404, "link.gone", None)
    return person


@router.get(UNSUBSCRIBE_PATH, response_class=HTMLResponse)
def unsubscribe_page(request: Request, db: SessionDep, token: str) -> HTMLResponse:
    try:
        person = _unsubscribe_target(request, db, token)
    except LinkError as problem:
        return link_error_page(request, problem)
    language = choose_language(request, page_language(person))
    return render(request, "unsubscribe.html", language, person=person, done=False, action=request.url.path)


@router.post(UNSUBSCRIBE_PATH, response_class=HTMLResponse)
async def unsubscribe(request: Request, db: SessionDep, token: str) -> Response:
    """Unsubscribe: from the confirm page's form (CSRF-checked), or a mail client's RFC 8058
    one-click POST (``List-Unsubscribe=One-Click``), which the link token alone authorises."""
    try:
        person = _unsubscribe_target(request, db, token)
    except LinkError as problem:
        return link_error_page(request, problem)
    form = await request.form()
    if form.get("List-Unsubscribe") != "One-Click":
        _check_csrf(request, form)
    assert person.id is not None
    try:
        consent.unsubscribe(session=db, person_id=person.id)
    except NotFoundError:
        return link_error_page(request, LinkError(404, "link.gone", None))
    language = choose_language(request, page_language(person))
    return render(request, "unsubscribe.html", language, person=person, done=True, action=request.url.path)
