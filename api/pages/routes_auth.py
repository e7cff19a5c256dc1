"""Dashboard log-in with the organiser's API token, log-out, and the list of their events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import session as cookies
from api.pages.auth import DashboardOrganiser, safe_next
from api.pages.templating import choose_language, redirect, render
from api.workflows.events import list_events
from api.workflows.organisers import authenticate

router = APIRouter(prefix="/dashboard", include_in_schema=False)


def csrf_checked(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> cookies.PageSession:
    """The session of a POST whose form carries this session's token (403 page otherwise)."""
    return cookies.check_csrf(request, csrf_token)


Csrf = Annotated[cookies.PageSession, Depends(csrf_checked)]


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str | None, Query()] = None) -> HTMLResponse:
    return render(request, "login.html", choose_language(request), next=safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    db: SessionDep,
    state: Csrf,
    token: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    organiser = authenticate(session=db, token=token)
    if organiser is None or organiser.id is None:
        language = choose_language(request)
        return render(request, "login.html", language, status=401, next=safe_next(next), error="login.error")
    cookies.replace_session(request, state.logged_in(organiser.id, organiser.token_hash))
    return redirect(request, safe_next(next))


@router.post("/logout")
def logout(request: Request, _state: Csrf) -> RedirectResponse:
    cookies.replace_session(request, cookies.PageSession.anonymous())
    return redirect(request, "/dashboard/login")


@router.get("", response_class=HTMLResponse)
def events(request: Request, db: SessionDep, organiser: DashboardOrganiser) -> HTMLResponse:
    found, total = list_events(session=db, organiser=organiser, limit=200)
    language = choose_language(request)
    return render(request, "events.html", language, organiser=organiser, events=found, total=total)
