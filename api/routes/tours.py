"""Tours of several events: the organiser's own (admins: all)."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import OrganiserDep, SessionDep
from api.routes.common import SCOPED, IdPath, PageDep
from api.schemas import Page
from api.workflows import tours as wf
from models.tours import TourCreate, TourPublic

router = APIRouter(prefix="/tours", tags=["tours"], responses=SCOPED)


@router.get("", response_model=Page[TourPublic], summary="List your tours")
def list_tours(session: SessionDep, organiser: OrganiserDep, page: PageDep) -> Page[TourPublic]:
    items, total = wf.list_tours(session=session, organiser=organiser, offset=page.offset, limit=page.limit)
    return Page[TourPublic](
        items=[wf.tour_public(session, t) for t in items], total=total, offset=page.offset, limit=page.limit
    )


@router.post("", response_model=TourPublic, status_code=status.HTTP_201_CREATED, summary="Create a tour")
def create_tour(session: SessionDep, organiser: OrganiserDep, tour_in: TourCreate) -> TourPublic:
    return wf.tour_public(session, wf.create_tour(session=session, organiser=organiser, tour_in=tour_in))


@router.get("/{tour_id}", response_model=TourPublic, summary="One tour with its events in order")
def get_tour(session: SessionDep, organiser: OrganiserDep, tour_id: IdPath) -> TourPublic:
    return wf.tour_public(session, wf.require_tour(session=session, organiser=organiser, tour_id=tour_id))


@router.put(
    "/{tour_id}/events/{event_id}",
    response_model=TourPublic,
    summary="Put one of your events on the tour (again: no change; on another tour: 409)",
)
def add_event(session: SessionDep, organiser: OrganiserDep, tour_id: IdPath, event_id: IdPath) -> TourPublic:
    tour = wf.add_tour_event(session=session, organiser=organiser, tour_id=tour_id, event_id=event_id)
    return wf.tour_public(session, tour)


@router.delete(
    "/{tour_id}/events/{event_id}", response_model=TourPublic, summary="Take an event off the tour"
)
def remove_event(
    session: SessionDep, organiser: OrganiserDep, tour_id: IdPath, event_id: IdPath
) -> TourPublic:
    tour = wf.remove_tour_event(session=session, organiser=organiser, tour_id=tour_id, event_id=event_id)
    return wf.tour_public(session, tour)
