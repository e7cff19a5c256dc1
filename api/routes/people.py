"""People: participants of your events (personal data, never shown outside that scope)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import OrganiserDep, SessionDep
from api.routes.common import MAX_ID, SCOPED, FilterDep, IdPath, PageDep
from api.schemas import Page
from api.workflows import erasure, person_data
from api.workflows import people as wf
from models.entities import Person, PersonPublic, PersonUpdate

router = APIRouter(prefix="/people", tags=["people"], responses=SCOPED)


@router.get("", response_model=Page[PersonPublic], summary="List participants of your events")
def list_people(
    session: SessionDep,
    organiser: OrganiserDep,
    page: PageDep,
    filters: FilterDep,
    event_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Registered at this event.")] = None,
    organisation_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Page[PersonPublic]:
    items, total = wf.list_people(
        session=session,
        organiser=organiser,
        event_id=event_id,
        organisation_id=organisation_id,
        sector=filters.sector,
        region=filters.region,
        theme=filters.theme,
        offset=page.offset,
        limit=page.limit,
    )
    return Page[PersonPublic](
        items=[PersonPublic.model_validate(p) for p in items],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get("/{person_id}", response_model=PersonPublic, summary="Read a participant")
def read_person(session: SessionDep, organiser: OrganiserDep, person_id: IdPath) -> Person:
    return wf.get_person(session=session, organiser=organiser, person_id=person_id)


@router.patch(
    "/{person_id}",
    response_model=PersonPublic,
    summary="Change a participant",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {"role": "kehittämispäällikkö", "consent_share_contact": True}
                }
            }
        }
    },
)
def update_person(
    session: SessionDep, organiser: OrganiserDep, person_id: IdPath, person_in: PersonUpdate
) -> Person:
    return wf.update_person(session=session, organiser=organiser, person_id=person_id, person_in=person_in)


@router.delete(
    "/{person_id}",
    summary="Erase a participant and every trace of them (GDPR art. 17): one transaction",
)
def erase_person(
    request: Request, session: SessionDep, organiser: OrganiserDep, person_id: IdPath
) -> dict[str, Any]:
    """Registrations, suggestions (theirs and those naming them), feedback, outbox messages,
    seats in plans (the plans are marked for re-planning), job results and, if nobody else
    belongs to it, their organisation with its cached embeddings. The answer says what went."""
    report = erasure.erase_person(
        session=session,
        organiser=organiser,
        person_id=person_id,
        cache_dir=request.app.state.settings.cache_dir,
    )
    return report.as_dict()


@router.get("/{person_id}/export", summary="Everything stored about a participant, as JSON (access request)")
def export_person(session: SessionDep, organiser: OrganiserDep, person_id: IdPath) -> dict[str, Any]:
    wf.get_person(session=session, organiser=organiser, person_id=person_id)  # 404 outside your events
    return person_data.export_person(session=session, person_id=person_id)
