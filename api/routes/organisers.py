"""Organiser accounts (admin) and the caller's own account."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import AdminDep, OrganiserDep, SessionDep
from api.routes.common import ADMIN_ONLY, IdPath, PageDep
from api.schemas import Page
from api.workflows import organisers as wf
from models.access import Organiser, OrganiserCreate, OrganiserPublic, OrganiserUpdate, OrganiserWithToken

router = APIRouter(prefix="/organisers", tags=["organisers"], responses=ADMIN_ONLY)


@router.get("/me", response_model=OrganiserPublic, summary="The calling organiser")
def read_me(organiser: OrganiserDep) -> Organiser:
    return organiser


@router.get("", response_model=Page[OrganiserPublic], summary="List organisers (admin)")
def list_organisers(session: SessionDep, _admin: AdminDep, page: PageDep) -> Page[OrganiserPublic]:
    items, total = wf.list_organisers(session=session, offset=page.offset, limit=page.limit)
    return Page[OrganiserPublic](
        items=[OrganiserPublic.model_validate(o) for o in items],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@router.post(
    "",
    response_model=OrganiserWithToken,
    status_code=status.HTTP_201_CREATED,
    summary="Create an organiser (admin); the token is shown once",
)
def create_organiser(
    session: SessionDep, _admin: AdminDep, organiser_in: OrganiserCreate
) -> OrganiserWithToken:
    return wf.create_organiser(session=session, organiser_in=organiser_in)


@router.get("/{organiser_id}", response_model=OrganiserPublic, summary="Read an organiser (admin)")
def read_organiser(session: SessionDep, _admin: AdminDep, organiser_id: IdPath) -> Organiser:
    return wf.get_organiser(session=session, organiser_id=organiser_id)


@router.patch("/{organiser_id}", response_model=OrganiserPublic, summary="Change an organiser (admin)")
def update_organiser(
    session: SessionDep, _admin: AdminDep, organiser_id: IdPath, organiser_in: OrganiserUpdate
) -> Organiser:
    organiser = wf.get_organiser(session=session, organiser_id=organiser_id)
    return wf.update_organiser(session=session, organiser=organiser, organiser_in=organiser_in)


@router.post(
    "/{organiser_id}/token",
    response_model=OrganiserWithToken,
    summary="Issue a new token (admin); the old one stops working",
)
def rotate_token(session: SessionDep, _admin: AdminDep, organiser_id: IdPath) -> OrganiserWithToken:
    organiser = wf.get_organiser(session=session, organiser_id=organiser_id)
    return wf.rotate_token(session=session, organiser=organiser)
