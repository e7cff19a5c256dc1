"""Registrations and the event day: pre-registration, walk-ins, check-in and -out, no-shows,
participants' personal links."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status

from api.deps import EventDep, OrganiserDep, SessionDep, link_signer
from api.routes.common import SCOPED, FilterDep, IdPath, PageDep
from api.schemas import (
    LinkToken,
    Page,
    PersonAtEvent,
    RegistrationAdd,
    RegistrationChange,
    RegistrationView,
    WalkIn,
)
from api.security import LinkSigner
from api.workflows import links, people
from api.workflows import registrations as wf
from models.entities import Person, PersonPublic

router = APIRouter(prefix="/events/{event_id}", tags=["registrations"], responses=SCOPED)


def _event_id(event: EventDep) -> int:
    assert event.id is not None
    return event.id


@router.get("/registrations", response_model=Page[RegistrationView], summary="The event's registrations")
def list_registrations(
    session: SessionDep,
    event: EventDep,
    page: PageDep,
    filters: FilterDep,
    present: Annotated[bool | None, Query(description="Only people present (true) or not (false).")] = None,
    source: Annotated[Literal["pre_registered", "walk_in"] | None, Query()] = None,
    include_cancelled: bool = False,
) -> Page[RegistrationView]:
    items, total = wf.list_registrations(
        session=session,
        event_id=_event_id(event),
        present=present,
        source=source,
        include_cancelled=include_cancelled,
        sector=filters.sector,
        region=filters.region,
        theme=filters.theme,
        offset=page.offset,
        limit=page.limit,
    )
    return Page[RegistrationView](items=items, total=total, offset=page.offset, limit=page.limit)


@router.post(
    "/registrations",
    response_model=RegistrationView,
    status_code=status.HTTP_201_CREATED,
    summary="Register an existing participant of your events",
)
def register(
    session: SessionDep, organiser: OrganiserDep, event: EventDep, body: RegistrationAdd
) -> RegistrationView:
    return wf.register_person(
        session=session, organiser=organiser, event=event, person_id=body.person_id, source=body.source
    )


@router.post(
    "/people",
    response_model=PersonPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a participant and pre-register them",
)
def create_person(
    session: SessionDep, organiser: OrganiserDep, event: EventDep, person_in: PersonAtEvent
) -> Person:
    return people.create_person_at_event(
        session=session, organiser=organiser, event=event, person_in=person_in
    )


@router.post(
    "/walk-ins",
    response_model=RegistrationView,
    status_code=status.HTTP_201_CREATED,
    summary="Add a walk-in: organisation if new, person, registration, check-in: one call",
)
def walk_in(session: SessionDep, organiser: OrganiserDep, event: EventDep, body: WalkIn) -> RegistrationView:
    return wf.walk_in(session=session, organiser=organiser, event=event, walk_in=body)


@router.get("/registrations/{person_id}", response_model=RegistrationView, summary="One registration")
def read_registration(session: SessionDep, event: EventDep, person_id: IdPath) -> RegistrationView:
    return wf.registration_view(session=session, event_id=_event_id(event), person_id=person_id)


@router.patch("/registrations/{person_id}", response_model=RegistrationView, summary="Cancel or restore")
def change_registration(
    session: SessionDep, event: EventDep, person_id: IdPath, body: RegistrationChange
) -> RegistrationView:
    action = "cancel" if body.cancelled else "restore"
    return wf.mark(session=session, event_id=_event_id(event), person_id=person_id, action=action)


@router.post("/registrations/{person_id}/check-in", response_model=RegistrationView, summary="Check in")
def check_in(session: SessionDep, event: EventDep, person_id: IdPath) -> RegistrationView:
    return wf.mark(session=session, event_id=_event_id(event), person_id=person_id, action="check-in")


@router.post("/registrations/{person_id}/check-out", response_model=RegistrationView, summary="Check out")
def check_out(session: SessionDep, event: EventDep, person_id: IdPath) -> RegistrationView:
    return wf.mark(session=session, event_id=_event_id(event), person_id=person_id, action="check-out")


@router.post("/registrations/{person_id}/no-show", response_model=RegistrationView, summary="Mark a no-show")
def no_show(session: SessionDep, event: EventDep, person_id: IdPath) -> RegistrationView:
    return wf.mark(session=session, event_id=_event_id(event), person_id=person_id, action="no-show")


@router.post(
    "/registrations/{person_id}/link",
    response_model=LinkToken,
    summary="A participant's personal link token (for their e-mail)",
)
def participant_link(
    request: Request,
    session: SessionDep,
    event: EventDep,
    person_id: IdPath,
    signer: Annotated[LinkSigner, Depends(link_signer)],
) -> LinkToken:
    settings = request.app.state.settings
    data = links.link_token(
        session=session,
        signer=signer,
        event_id=_event_id(event),
        person_id=person_id,
        base_url=settings.public_base_url,
        days=settings.link_token_days,
    )
    return LinkToken(**data)


@router.post(
    "/registrations/{person_id}/link/revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a participant's personal links (every link made so far stops working)",
)
def revoke_participant_link(session: SessionDep, event: EventDep, person_id: IdPath) -> None:
    links.revoke_link(session=session, event_id=_event_id(event), person_id=person_id)


@router.post(
    "/registrations/{person_id}/link/reissue",
    response_model=LinkToken,
    summary="Revoke a participant's personal links and make a new one",
)
def reissue_participant_link(
    request: Request,
    session: SessionDep,
    event: EventDep,
    person_id: IdPath,
    signer: Annotated[LinkSigner, Depends(link_signer)],
) -> LinkToken:
    settings = request.app.state.settings
    data = links.reissue_link(
        session=session,
        signer=signer,
        event_id=_event_id(event),
        person_id=person_id,
        base_url=settings.public_base_url,
        days=settings.link_token_days,
    )
    return LinkToken(**data)
