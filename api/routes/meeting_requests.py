"""Meeting requests (who asked to meet whom in the 1:1 rounds), as organisers set them:
list, add (one-way or mutual), remove. Participants add their own under ``/me``."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.deps import EventDep, SessionDep
from api.routes.common import SCOPED, IdPath
from api.schemas import MeetingRequestView
from api.workflows import meeting_requests as wf
from models.seating import MeetingRequestCreate, RequestSource

router = APIRouter(prefix="/events/{event_id}/meeting-requests", tags=["meeting requests"], responses=SCOPED)


def _event_id(event: EventDep) -> int:
    assert event.id is not None
    return event.id


@router.get("", response_model=list[MeetingRequestView], summary="The event's meeting requests")
def list_requests(session: SessionDep, event: EventDep) -> list[MeetingRequestView]:
    return wf.list_requests(session=session, event_id=_event_id(event))


@router.post(
    "",
    response_model=list[MeetingRequestView],
    status_code=status.HTTP_201_CREATED,
    summary="Add a request on someone's behalf (mutual: both directions); asking again changes nothing",
)
def add_request(session: SessionDep, event: EventDep, body: MeetingRequestCreate) -> list[MeetingRequestView]:
    return wf.add_requests(
        session=session, event_id=_event_id(event), request_in=body, source=RequestSource.ORGANISER
    )


@router.delete(
    "/{request_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a request (one direction)"
)
def remove_request(session: SessionDep, event: EventDep, request_id: IdPath) -> Response:
    wf.remove_request(session=session, event_id=_event_id(event), request_id=request_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
