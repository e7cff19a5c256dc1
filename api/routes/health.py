"""``GET /healthz``: the process answers and the database is reachable."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException

from api.deps import SessionDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness and database check")
def healthz(session: SessionDep) -> Health:
    """`{"status": "ok", "database": "ok"}`, or 503 if the database does not answer."""
    try:
        session.exec(sa.select(1))  # type: ignore[call-overload]
    except sa.exc.SQLAlchemyError:
        raise HTTPException(503, detail="database unavailable") from None
    return Health()
