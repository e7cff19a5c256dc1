"""The Kohtaamo HTTP API: :func:`create_app` builds it (``uvicorn --factory api.app:create_app``,
as ``kohtaamo serve`` runs it; tests pass their own settings).

Organisers call it with ``Authorization: Bearer kht_...``; participants with the signed link
token their e-mail carries. Everything an organiser sees is scoped to the events they run.

Example:
    >>> from api.settings import Settings
    >>> create_app(Settings(database_url="sqlite://")).title
    'Kohtaamo'
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from api.body_limit import BodyLimit
from api.db_outage import add_outage_handlers
from api.jobs import JobRunner
from api.keys import link_signer, secret_key
from api.pages import mount_pages
from api.ratelimit import BadTokenGuard, BadTokenLimiter
from api.routes import ROUTERS
from api.settings import Settings, get_settings
from api.workflows.errors import ConflictError, FieldError, NotFoundError, ProblemsError
from matcher import TextEncoder
from models.db import make_engine

DESCRIPTION = """
Matchmaking for cross-sector networking events in Finnish social and health care.

**Organisers** authenticate with an API token: `Authorization: Bearer kht_...`
(the first one comes from `kohtaamo organiser create --admin`). They see and change only the
events they run, and the people registered at them. Admins manage organisers.

**Participants** use the personal link token their e-mail carries, as a bearer token or as
`?token=`: it opens their own suggestions, table seats and feedback form, nothing else.

Long work (computing suggestions, table plans) runs as a background job: the call answers
`202` with a job; poll `GET /jobs/{id}` for status and progress.

The same app serves web pages (not listed here): the organisers' dashboard at `/dashboard`
(log in with the API token) and each participant's page at `/p/{token}`.
"""

TAGS = [
    {"name": "health", "description": "Liveness."},
    {"name": "organisers", "description": "Organiser accounts and API tokens (admin)."},
    {"name": "events", "description": "Events and who organises them."},
    {"name": "organisations", "description": "Organisations taking part."},
    {"name": "people", "description": "Participants (personal data: scoped to your events)."},
    {"name": "registrations", "description": "Registrations, import, and the event day: walk-ins, check-in."},
    {"name": "suggestions", "description": "Suggested partners with reasons."},
    {"name": "feedback", "description": "Did people meet, was it useful, did they agree on cooperation."},
    {"name": "table plans", "description": "Workshop seating over several rounds."},
    {"name": "mailings", "description": "E-mails to participants: send (job), preview, outbox, round times."},
    {"name": "printouts", "description": "The table plan on paper (PDF) and as CSV or XLSX."},
    {"name": "jobs", "description": "Background jobs: status and progress."},
    {"name": "participant", "description": "A participant's own view, through their link token."},
    {"name": "tours", "description": "Tours of several events, read together in the impact report."},
    {"name": "reports", "description": "Impact reports per event and per tour: HTML, PDF, CSV."},
]


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        field = _field(tuple(error.get("loc", ())))
        errors.append(
            {
                "loc": list(error.get("loc", ())),
                "field": field,
                "msg": f"{field}: {message}",
                "type": error["type"],
            }
        )
    return JSONResponse(status_code=422, content=jsonable_encoder({"detail": errors}))


async def _field_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FieldError)
    detail = [{"loc": ["body", exc.field], "field": exc.field, "msg": str(exc), "type": "value_error"}]
    return JSONResponse(status_code=422, content={"detail": detail})


async def _problems(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemsError)
    return JSONResponse(status_code=422, content=jsonable_encoder({"detail": exc.problems}))


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(exc)})


async def _conflict(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(exc)})


async def _integrity(_request: Request, _exc: Exception) -> JSONResponse:
    detail = "the change conflicts with existing data (a duplicate key or a missing reference)"
    return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": detail})


async def _data_error(_request: Request, _exc: Exception) -> JSONResponse:
    detail = [
        {
            "loc": [],
            "field": "",
            "msg": "a value cannot be stored (out of range or invalid characters)",
            "type": "value_error",
        }
    ]
    return JSONResponse(status_code=422, content={"detail": detail})


async def _overflow(_request: Request, _exc: Exception) -> JSONResponse:
    detail = [
        {
            "loc": [],
            "field": "",
            "msg": "a number is too large (ids are at most 2147483647)",
            "type": "value_error",
        }
    ]
    return JSONResponse(status_code=422, content={"detail": detail})


def create_app(
    settings: Settings | None = None, *, job_workers: int = 2, encoder: TextEncoder | None = None
) -> FastAPI:
    """Build the app; the engine is made at start-up from ``settings.database_url``.

    The database must already be at the newest migration (``kohtaamo db upgrade``, or
    ``kohtaamo serve``, which upgrades first). ``encoder`` replaces the embedding model
    (tests pass ``matcher.HashingEmbedder()``); by default ``settings.model`` is loaded the
    first time a job needs it.
    """
    config = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(config.database_url, pool_recycle=1800, pool_pre_ping=True)
        key = secret_key(config)  # the explicit one, or the generated one kept in cache_dir
        app.state.engine = engine
        app.state.settings = config.model_copy(update={"secret_key": SecretStr(key)})
        app.state.encoder = encoder
        app.state.encoder_lock = threading.Lock()
        app.state.jobs = JobRunner(
            engine,
            max_workers=job_workers,
            heartbeat_seconds=config.job_heartbeat_seconds,
            stale_after=timedelta(seconds=config.job_stale_seconds),
        )
        app.state.jobs.recover()
        app.state.link_signer = link_signer(config, key)
        try:
            yield
        finally:
            app.state.jobs.shutdown()
            engine.dispose()

    app = FastAPI(
        title="Kohtaamo",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(FieldError, _field_error)
    app.add_exception_handler(ProblemsError, _problems)
    app.add_exception_handler(ConflictError, _conflict)
    app.add_exception_handler(sa.exc.IntegrityError, _integrity)
    app.add_exception_handler(sa.exc.DataError, _data_error)
    app.add_exception_handler(OverflowError, _overflow)
    add_outage_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    mount_pages(app)
    app.add_middleware(BodyLimit, max_bytes=config.body_max_bytes())
    app.state.bad_token_limiter = BadTokenLimiter(config.bad_token_limit_per_minute)
    app.add_middleware(BadTokenGuard, limiter=app.state.bad_token_limiter)
    return app
