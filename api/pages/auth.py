"""Who is using the dashboard: the organiser of the session cookie, and the events they may
open (the same scope as the API: :mod:`api.workflows.scope`).

A request without a valid log-in is sent to the log-in page (:class:`LoginRequiredError`), which
returns to where it came from afterwards, but only to a dashboard address on this site.

Example:
    >>> safe_next("/dashboard/events/3"), safe_next("https://evil.example/"), safe_next("//evil")
    ('/dashboard/events/3', '/dashboard', '/dashboard')
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from api.deps import MAX_ID, SessionDep
from api.pages import session as cookies
from api.workflows.errors import NotFoundError
from api.workflows.scope import organises
from models.access import Organiser
from models.entities import Event

HOME = "/dashboard"


class LoginRequiredError(Exception):
    """No organiser is logged in (or the log-in has ended); ``next`` is where they were going."""

    def __init__(self, next_path: str) -> None:
        super().__init__("log-in required")
        self.next_path = next_path


def safe_next(target: str | None) -> str:
    """``target`` if it is a dashboard path on this site, else the dashboard's home."""
    if target and target.startswith(HOME) and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def dashboard_organiser(request: Request, session: SessionDep) -> Organiser:
    """The logged-in organiser; :class:`LoginRequiredError` when nobody is, or the account was
    deactivated, or its token rotated since the log-in."""
    state = cookies.current(request)
    organiser = session.get(Organiser, state.organiser_id) if state.organiser_id is not None else None
    if (
        organiser is None
        or not organiser.active
        or state.fingerprint != cookies.fingerprint(organiser.token_hash)
    ):
        target = request.url.path if request.method == "GET" else HOME
        raise LoginRequiredError(target)
    return organiser


DashboardOrganiser = Annotated[Organiser, Depends(dashboard_organiser)]


def dashboard_event(
    session: SessionDep,
    organiser: DashboardOrganiser,
    event_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> Event:
    """The event in the path, if this organiser runs it (admins: any); else not found, the
    same page as for an event that does not exist."""
    event = session.get(Event, event_id)
    if event is None or not organises(session, organiser, event_id):
        raise NotFoundError("event not found")
    return event


DashboardEvent = Annotated[Event, Depends(dashboard_event)]
