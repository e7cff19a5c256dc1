"""When an event's rounds happen (workshop tables, 1:1 meetings): e-mails show the times and
carry calendar entries only where a schedule is set."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, status

from api.deps import EventDep, SessionDep
from api.routes.common import SCOPED
from api.schemas.mailings import RoundScheduleIn, RoundSchedulePublic
from api.workflows import schedules as wf

router = APIRouter(prefix="/events/{event_id}/schedules", tags=["mailings"], responses=SCOPED)
KindPath = Annotated[Literal["tables", "meetings"], Path(description="tables or meetings.")]


@router.put("/{kind}", response_model=RoundSchedulePublic, summary="Set the times of one kind of round")
def put_schedule(
    session: SessionDep, event: EventDep, kind: KindPath, body: RoundScheduleIn
) -> RoundSchedulePublic:
    """Round *n* starts ``(n - 1) * (round_minutes + gap_minutes)`` after ``starts_at``."""
    assert event.id is not None
    return wf.set_schedule(session=session, event_id=event.id, kind=kind, body=body)


@router.get("/{kind}", response_model=RoundSchedulePublic, summary="The times of one kind of round")
def get_schedule(session: SessionDep, event: EventDep, kind: KindPath) -> RoundSchedulePublic:
    assert event.id is not None
    return wf.get_schedule(session=session, event_id=event.id, kind=kind)


@router.delete(
    "/{kind}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove the times of one kind of round"
)
def delete_schedule(session: SessionDep, event: EventDep, kind: KindPath) -> None:
    assert event.id is not None
    wf.delete_schedule(session=session, event_id=event.id, kind=kind)
