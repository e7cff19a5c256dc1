"""Organiser accounts: create with a fresh API token (shown once), rotate it, change, list."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.security import InvalidTokenError, new_organiser_token, parse_organiser_token, verify_secret
from api.workflows.common import check_no_nulls
from api.workflows.errors import ConflictError, NotFoundError
from models.access import Organiser, OrganiserCreate, OrganiserUpdate, OrganiserWithToken
from models.crud import page, save

MAX_ID = 2**31 - 1


def create_organiser(*, session: Session, organiser_in: OrganiserCreate) -> OrganiserWithToken:
    """Create an organiser account with a fresh API token (returned once, stored hashed)."""
    if session.exec(select(Organiser).where(Organiser.email == organiser_in.email)).first():
        raise ConflictError(f"email: an organiser with {organiser_in.email!r} already exists")
    organiser = Organiser.model_validate(organiser_in, update={"token_hash": "!"})
    session.add(organiser)
    session.flush()
    assert organiser.id is not None
    token, token_hash = new_organiser_token(organiser.id)
    organiser.token_hash = token_hash
    save(session, organiser)
    return OrganiserWithToken.model_validate(organiser, update={"token": token})


def rotate_token(*, session: Session, organiser: Organiser) -> OrganiserWithToken:
    """Give ``organiser`` a new token; the old one stops working at once."""
    assert organiser.id is not None
    token, organiser.token_hash = new_organiser_token(organiser.id)
    save(session, organiser)
    return OrganiserWithToken.model_validate(organiser, update={"token": token})


def get_organiser(*, session: Session, organiser_id: int) -> Organiser:
    """The organiser with this id, or :class:`NotFoundError`."""
    organiser = session.get(Organiser, organiser_id)
    if organiser is None:
        raise NotFoundError("organiser not found")
    return organiser


def update_organiser(*, session: Session, organiser: Organiser, organiser_in: OrganiserUpdate) -> Organiser:
    """Change name, admin role or active flag (an inactive organiser's token is refused)."""
    check_no_nulls(organiser_in, Organiser)
    organiser.sqlmodel_update(organiser_in.model_dump(exclude_unset=True))
    return save(session, organiser)


def list_organisers(*, session: Session, offset: int, limit: int) -> tuple[list[Organiser], int]:
    """Every organiser account, by id."""
    return page(session, select(Organiser).order_by(col(Organiser.id)), offset=offset, limit=limit)


def authenticate(*, session: Session, token: str) -> Organiser | None:
    """The active organiser whose API token this is, or ``None`` (malformed, unknown, revoked
    or wrong): the one check behind the API's bearer tokens and the dashboard's log-in."""
    try:
        organiser_id, token = parse_organiser_token(token.strip())
    except InvalidTokenError:
        return None
    organiser = session.get(Organiser, organiser_id) if organiser_id <= MAX_ID else None
    if organiser is None or not organiser.active or not verify_secret(token, organiser.token_hash):
        return None
    return organiser
