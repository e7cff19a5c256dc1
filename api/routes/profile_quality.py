"""Thin profiles for the event's organisers to chase before the day (issue 11)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import EventDep, SessionDep
from api.routes.common import SCOPED
from api.workflows import profile_quality as wf

router = APIRouter(tags=["profiles"], responses=SCOPED)

Everyone = Annotated[bool, Query(description="List every participant, flagged or not.")]


@router.get(
    "/events/{event_id}/profile-flags",
    response_model=list[wf.FlaggedProfile],
    summary="Participants whose profiles are too thin to match well",
)
def profile_flags(
    session: SessionDep, event: EventDep, everyone: Everyone = False
) -> list[wf.FlaggedProfile]:
    assert event.id is not None
    return wf.flagged_profiles(session=session, event_id=event.id, everyone=everyone)
