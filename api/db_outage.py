"""The database away (PostgreSQL restarting, a network cut, SQLite busy past its timeout):
requests get a clear 503 with ``Retry-After`` instead of a 500, and the service recovers by
itself once the database answers again (the engine checks pooled connections before use,
and a connection that broke mid-request is dropped from the pool).

Example:
    >>> import asyncio
    >>> response = asyncio.run(database_unavailable(None, RuntimeError("x")))  # type: ignore[arg-type]
    >>> response.status_code, response.headers["retry-after"]
    (503, '5')
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)

DETAIL = "the database is not reachable right now; try again in a few seconds"


async def database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    """503: the request could not reach the database; nothing was changed by it."""
    log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return JSONResponse(status_code=503, content={"detail": DETAIL}, headers={"Retry-After": "5"})


def add_outage_handlers(app: FastAPI) -> None:
    """Answer lost or refused database connections with 503 (not 500)."""
    for kind in (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError):
        app.add_exception_handler(kind, database_unavailable)
