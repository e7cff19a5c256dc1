"""Organisations: those of people at your events, and ones nobody belongs to yet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import OrganiserDep, SessionDep
from api.routes.common import SCOPED, FilterDep, IdPath, PageDep
from api.schemas import Page
from api.workflows import organisations as wf
from models.entities import Organisation, OrganisationCreate, OrganisationPublic, OrganisationUpdate

router = APIRouter(prefix="/organisations", tags=["organisations"], responses=SCOPED)

ORGANISATION_EXAMPLE = {
    "name": "Hoivapalvelu Aurinko Oy",
    "business_id": "0112038-9",
    "sector": "private",
    "region": "pirkanmaa",
    "size_class": "small",
    "offers": "kotihoidon yöpartiointi\nomaishoitajien lomitus",
    "needs": "digitaalinen asiakaspalvelu\nyhteistyö kunnan kotihoidon kanssa",
    "themes": ["home_care", "digital_services"],
    "languages": ["fi"],
}


@router.get("", response_model=Page[OrganisationPublic], summary="List organisations")
def list_organisations(
    session: SessionDep,
    organiser: OrganiserDep,
    page: PageDep,
    filters: FilterDep,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name.")] = None,
) -> Page[OrganisationPublic]:
    items, total = wf.list_organisations(
        session=session,
        organiser=organiser,
        sector=filters.sector,
        region=filters.region,
        theme=filters.theme,
        q=q,
        offset=page.offset,
        limit=page.limit,
    )
    return Page[OrganisationPublic](
        items=[OrganisationPublic.model_validate(o) for o in items],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@router.post(
    "",
    response_model=OrganisationPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create an organisation",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": ORGANISATION_EXAMPLE}}}},
)
def create_organisation(
    session: SessionDep, _organiser: OrganiserDep, organisation_in: OrganisationCreate
) -> Organisation:
    return wf.create_organisation(session=session, organisation_in=organisation_in)


@router.get("/{organisation_id}", response_model=OrganisationPublic, summary="Read an organisation")
def read_organisation(session: SessionDep, organiser: OrganiserDep, organisation_id: IdPath) -> Organisation:
    return wf.get_organisation(session=session, organiser=organiser, organisation_id=organisation_id)


@router.patch(
    "/{organisation_id}",
    response_model=OrganisationPublic,
    summary="Change an organisation",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {
                        "needs": "rekrytointiyhteistyö\nyöpartioinnin alihankinta",
                        "themes": ["home_care", "recruitment"],
                    }
                }
            }
        }
    },
)
def update_organisation(
    session: SessionDep, organiser: OrganiserDep, organisation_id: IdPath, organisation_in: OrganisationUpdate
) -> Organisation:
    return wf.update_organisation(
        session=session, organiser=organiser, organisation_id=organisation_id, organisation_in=organisation_in
    )
