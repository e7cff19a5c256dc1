"""Feedback in aggregate, for the event's organisers."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import EventDep, SessionDep
from api.routes.common import SCOPED
from api.schemas import FeedbackSummary
from api.workflows import feedback as wf

router = APIRouter(prefix="/events/{event_id}/feedback", tags=["feedback"], responses=SCOPED)


@router.get("/summary", response_model=FeedbackSummary, summary="The event's feedback in aggregate")
def summary(session: SessionDep, event: EventDep) -> FeedbackSummary:
    assert event.id is not None
    return wf.feedback_summary(session=session, event_id=event.id)
