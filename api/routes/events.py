"""Events: the organiser's own (admins: all), and who organises each."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from api.deps import EventDep, OrganiserDep, SessionDep
from api.routes.common import SCOPED, FilterDep, PageDep
from api.schemas import EventOrganiserAdd, Page
from api.workflows import events as wf
from models.access import OrganiserPublic
from models.entities import Event, EventCreate, EventPublic, EventUpdate

router = APIRouter(prefix="/events", tags=["events"], responses=SCOPED)

EVENT_EXAMPLE = {
    "name": "Soteuttamo Pirkanmaa",
    "region": "pirkanmaa",
    "date": "2026-12-03",
    "venue": "Tampere-talo",
    "themes": ["digital_services", "productisation"],
    "status": "planning",
}


@router.get("", response_model=Page[EventPublic], summary="List your events")
def list_events(
    session: SessionDep,
    organiser: OrganiserDep,
    page: PageDep,
    filters: FilterDep,
    event_status: Annotated[Literal["planning", "live", "closed"] | None, Query(alias="status")] = None,
) -> Page[EventPublic]:
    items, total = wf.list_events(
        session=session,
        organiser=organiser,
        status=event_status,
        region=filters.region,
        theme=filters.theme,
        offset=page.offset,
        limit=page.limit,
    )
    return Page[EventPublic](
        items=[EventPublic.model_validate(e) for e in items],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@router.post(
    "",
    response_model=EventPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create an event (you become its organiser)",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": EVENT_EXAMPLE}}}},
)
def create_event(session: SessionDep, organiser: OrganiserDep, event_in: EventCreate) -> Event:
    return wf.create_event(session=session, organiser=organiser, event_in=event_in)


@router.get("/{event_id}", response_model=EventPublic, summary="Read one of your events")
def read_event(event: EventDep) -> Event:
    return event


@router.patch(
    "/{event_id}",
    response_model=EventPublic,
    summary="Change an event (e.g. status: live)",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": {"status": "live"}}}}},
)
def update_event(session: SessionDep, event: EventDep, event_in: EventUpdate) -> Event:
    return wf.update_event(session=session, event=event, event_in=event_in)


@router.get("/{event_id}/organisers", response_model=list[OrganiserPublic], summary="Who organises the event")
def list_event_organisers(session: SessionDep, event: EventDep) -> list[OrganiserPublic]:
    assert event.id is not None
    return [
        OrganiserPublic.model_validate(o) for o in wf.event_organisers(session=session, event_id=event.id)
    ]


@router.post(
    "/{event_id}/organisers",
    response_model=list[OrganiserPublic],
    summary="Add a co-organiser by e-mail",
)
def add_event_organiser(
    session: SessionDep, event: EventDep, body: EventOrganiserAdd
) -> list[OrganiserPublic]:
    organisers = wf.add_event_organiser(session=session, event=event, email=body.email)
    return [OrganiserPublic.model_validate(o) for o in organisers]
