"""An event's seating rules for the workshop tables: hosts pinned to a table for every round,
facilitators spread one per table, pairs who must never share a table. The sector rules
(``max_sector_share``, ``min_sectors``) belong to each table-plan request."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from api.deps import EventDep, SessionDep
from api.routes.common import SCOPED, IdPath
from api.schemas import ApartPairView, PinSet, RegistrationView, SeatingRules
from api.workflows import seating_rules as wf
from models.seating import ApartPairCreate

router = APIRouter(prefix="/events/{event_id}/seating", tags=["seating rules"], responses=SCOPED)


def _event_id(event: EventDep) -> int:
    assert event.id is not None
    return event.id


@router.get("", response_model=SeatingRules, summary="Pinned hosts, facilitators and pairs kept apart")
def read_rules(session: SessionDep, event: EventDep) -> SeatingRules:
    return wf.seating_rules(session=session, event_id=_event_id(event))


@router.put(
    "/pins/{person_id}", response_model=RegistrationView, summary="Pin a host to a table for every round"
)
def pin(session: SessionDep, event: EventDep, person_id: IdPath, body: PinSet) -> RegistrationView:
    return wf.set_pin(session=session, event_id=_event_id(event), person_id=person_id, table=body.table)


@router.delete("/pins/{person_id}", response_model=RegistrationView, summary="Unpin a host")
def unpin(session: SessionDep, event: EventDep, person_id: IdPath) -> RegistrationView:
    return wf.set_pin(session=session, event_id=_event_id(event), person_id=person_id, table=None)


@router.put(
    "/facilitators/{person_id}", response_model=RegistrationView, summary="Mark a facilitator (one per table)"
)
def facilitator(session: SessionDep, event: EventDep, person_id: IdPath) -> RegistrationView:
    return wf.set_facilitator(session=session, event_id=_event_id(event), person_id=person_id, on=True)


@router.delete("/facilitators/{person_id}", response_model=RegistrationView, summary="Unmark a facilitator")
def not_facilitator(session: SessionDep, event: EventDep, person_id: IdPath) -> RegistrationView:
    return wf.set_facilitator(session=session, event_id=_event_id(event), person_id=person_id, on=False)


@router.post(
    "/apart",
    response_model=ApartPairView,
    status_code=status.HTTP_201_CREATED,
    summary="Never seat two people at one table (again: 200, unchanged)",
)
def keep_apart(session: SessionDep, event: EventDep, body: ApartPairCreate) -> JSONResponse:
    view, is_new = wf.add_apart(session=session, event_id=_event_id(event), pair=body)
    code = status.HTTP_201_CREATED if is_new else status.HTTP_200_OK
    return JSONResponse(view.model_dump(mode="json"), status_code=code)


@router.delete("/apart/{pair_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove an apart pair")
def remove_apart(session: SessionDep, event: EventDep, pair_id: IdPath) -> Response:
    wf.remove_apart(session=session, event_id=_event_id(event), pair_id=pair_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
