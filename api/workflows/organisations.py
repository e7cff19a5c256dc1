"""Organisations an organiser may see (see :mod:`api.workflows.scope`): list, read, create, change."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.workflows.common import check_no_nulls
from api.workflows.errors import ConflictError, NotFoundError
from api.workflows.scope import sees_everything, visible_organisation
from models import crud
from models.access import Organiser
from models.entities import Organisation, OrganisationCreate, OrganisationUpdate


def list_organisations(
    *,
    session: Session,
    organiser: Organiser | None,
    sector: str | None = None,
    region: str | None = None,
    theme: str | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Organisation], int]:
    """Organisations the organiser may see, by name, filtered by sector, region, theme, name."""
    conditions = crud.organisation_filters(sector=sector, region=region, theme=theme, q=q)
    if not sees_everything(organiser):
        assert organiser is not None
        conditions.append(visible_organisation(organiser))
    statement = select(Organisation).where(*conditions).order_by(Organisation.name, col(Organisation.id))
    return crud.page(session, statement, offset=offset, limit=limit)


def get_organisation(*, session: Session, organiser: Organiser | None, organisation_id: int) -> Organisation:
    """One organisation in the organiser's scope, else :class:`NotFoundError`."""
    statement = select(Organisation).where(Organisation.id == organisation_id)
    if not sees_everything(organiser):
        assert organiser is not None
        statement = statement.where(visible_organisation(organiser))
    found = session.exec(statement).first()
    if found is None:
        raise NotFoundError("organisation not found")
    return found


def create_organisation(*, session: Session, organisation_in: OrganisationCreate) -> Organisation:
    """Create an organisation; a clash with an existing name or business ID is a conflict."""
    same_id = crud.find_organisation(session=session, business_id=organisation_in.business_id)
    if same_id is not None or crud.find_organisation(session=session, name=organisation_in.name) is not None:
        raise ConflictError("name: an organisation with this name or business ID already exists")
    return crud.create_organisation(session=session, organisation_in=organisation_in)


def update_organisation(
    *,
    session: Session,
    organiser: Organiser | None,
    organisation_id: int,
    organisation_in: OrganisationUpdate,
) -> Organisation:
    """Change an organisation in the organiser's scope (``null`` only where a field may be empty)."""
    found = get_organisation(session=session, organiser=organiser, organisation_id=organisation_id)
    check_no_nulls(organisation_in, Organisation)
    return crud.update_organisation(session=session, db_organisation=found, organisation_in=organisation_in)
