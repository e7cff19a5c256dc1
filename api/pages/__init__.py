"""The web pages, served by the API's own app: the organisers' dashboard (``/dashboard``,
log-in with an organiser's API token into a session cookie) and each participant's page from
their personal link (``/p/{token}``, its feedback form, ``/unsubscribe/{token}``).

Server-rendered Jinja2 (``api/pages/templates/``) with a little plain JavaScript
(``api/pages/static/``, no build step); words from one catalogue per language
(:mod:`api.pages.catalogue`). Route handlers are thin: they call ``api.workflows``.

Example:
    >>> paths = {getattr(route, "path", "") for router in ROUTERS for route in router.routes}
    >>> sorted(paths & {"/dashboard", "/p/{token}", "/unsubscribe/{token}"})
    ['/dashboard', '/p/{token}', '/unsubscribe/{token}']
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.pages import (
    errors,
    routes_auth,
    routes_event,
    routes_mail,
    routes_participant,
    routes_plans,
    routes_report,
)

STATIC = Path(__file__).resolve().parent / "static"
ROUTERS = (
    routes_auth.router,
    routes_event.router,
    routes_plans.router,
    routes_mail.router,
    routes_participant.router,
    routes_report.router,
)


def mount_pages(app: FastAPI) -> None:
    """Add the pages, their static files (``/static``) and their error pages to ``app``."""
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
