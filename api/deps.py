"""FastAPI dependencies: the database session and who is calling.

- :data:`SessionDep`: one SQLModel session per request on the app's engine.
- :data:`OrganiserDep`: the organiser whose ``Authorization: Bearer kht_...`` token checks out
  (401 otherwise); :data:`AdminDep` additionally requires the admin role (403).
- :data:`EventDep`: the event in the path, if the caller organises it (admins: any event);
  otherwise 404, the same answer as for an event that does not exist.
- :data:`ParticipantDep`: the person and event named by a participant's signed link token,
  sent as ``Authorization: Bearer <token>`` or ``?token=`` (the link in their e-mail).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, col

from api.jobs import JobRunner
from api.security import SCOPE_FEEDBACK, SCOPE_PAGE, InvalidTokenError, LinkClaims, LinkSigner
from api.workflows.organisers import authenticate
from api.workflows.scope import organises
from api.workflows.scoring import settings_encoder
from matcher import TextEncoder
from models.access import Organiser
from models.entities import Event, Person, Registration

MAX_ID = 2**31 - 1

_organiser_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="OrganiserToken",
    description="An organiser's API token (`kht_...`), from `kohtaamo organiser create` or an admin.",
)
_link_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ParticipantLink",
    description="A participant's personal link token (the one their e-mail carries).",
)
_link_query = APIKeyQuery(
    name="token",
    auto_error=False,
    scheme_name="ParticipantLinkQuery",
    description="The participant link token as a query parameter, as e-mailed links carry it.",
)


def get_engine(request: Request) -> sa.Engine:
    """The app's engine (created at start-up from the settings)."""
    engine: sa.Engine = request.app.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; handlers commit what they change."""
    with Session(get_engine(request)) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def unauthorised(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def current_organiser(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_organiser_bearer)],
) -> Organiser:
    """The organiser behind the bearer token; 401 for a missing, unknown or revoked token."""
    if credentials is None:
        raise unauthorised("an organiser token is required (Authorization: Bearer kht_...)")
    organiser = authenticate(session=session, token=credentials.credentials)
    if organiser is None:
        raise unauthorised("the organiser token is not valid")
    return organiser


OrganiserDep = Annotated[Organiser, Depends(current_organiser)]


def current_admin(organiser: OrganiserDep) -> Organiser:
    """The calling organiser, if an admin; 403 otherwise."""
    if not organiser.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only an admin may do this")
    return organiser


AdminDep = Annotated[Organiser, Depends(current_admin)]


def event_for_organiser(
    session: SessionDep,
    organiser: OrganiserDep,
    event_id: Annotated[int, Path(ge=1, le=MAX_ID, description="Event id.")],
) -> Event:
    """The event in the path, or 404 if it does not exist *or* the caller does not run it."""
    event = session.get(Event, event_id)
    if event is None or not organises(session, organiser, event_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="event not found")
    return event


EventDep = Annotated[Event, Depends(event_for_organiser)]


@dataclass(frozen=True)
class Participant:
    """A participant's view: one person at one event, through their link token."""

    person_id: int
    event_id: int
    language: str


async def link_signer(request: Request) -> LinkSigner:
    """The app's link-token signer (secret and lifetime from the settings)."""
    signer: LinkSigner = request.app.state.link_signer
    return signer


async def participant_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_link_bearer)],
    query_token: Annotated[str | None, Depends(_link_query)],
) -> str:
    """The link token from ``Authorization: Bearer`` or ``?token=``; 401 if neither."""
    token = credentials.credentials if credentials is not None else query_token
    if not token:
        raise unauthorised("a participant link token is required")
    return token


def token_claims(signer: LinkSigner, token: str, scopes: tuple[str, ...] = (SCOPE_PAGE,)) -> LinkClaims:
    """The person, event and nonce a link token names, if its signature and age check out and
    its scope is one of ``scopes``; 401 otherwise. (The registration and its nonce are checked
    by the caller's query.)"""
    try:
        claims = signer.load(token)
    except InvalidTokenError as exc:
        raise unauthorised(str(exc)) from None
    if not (claims.person_id <= MAX_ID and claims.event_id <= MAX_ID):
        raise unauthorised("this link is no longer valid")
    if claims.scope not in scopes:
        raise unauthorised(f"this is a {claims.scope} link: it does not open this")
    return claims


def resolve_participant(
    session: Session, signer: LinkSigner, token: str, scopes: tuple[str, ...] = (SCOPE_PAGE,)
) -> Participant:
    """The person and event of a valid link token of one of ``scopes``; 401 if tampered,
    expired, revoked (another nonce), or the registration is gone or cancelled. One small
    query (this is the hot path of the service)."""
    claims = token_claims(signer, token, scopes)
    row = session.execute(
        sa.select(Person.language)  # type: ignore[call-overload]
        .join(Registration, col(Registration.person_id) == col(Person.id))
        .where(
            Person.id == claims.person_id,
            Registration.event_id == claims.event_id,
            Registration.link_nonce == claims.nonce,
            col(Registration.cancelled).is_(False),
        )
    ).first()
    if row is None:
        raise unauthorised("this link is no longer valid")
    return Participant(person_id=claims.person_id, event_id=claims.event_id, language=row[0])


def current_participant(
    session: SessionDep,
    signer: Annotated[LinkSigner, Depends(link_signer)],
    token: Annotated[str, Depends(participant_token)],
) -> Participant:
    """The participant behind the request's link token (see :func:`resolve_participant`)."""
    return resolve_participant(session, signer, token)


ParticipantDep = Annotated[Participant, Depends(current_participant)]


def current_feedback_giver(
    session: SessionDep,
    signer: Annotated[LinkSigner, Depends(link_signer)],
    token: Annotated[str, Depends(participant_token)],
) -> Participant:
    """The participant behind a page or feedback link (the feedback routes accept either)."""
    return resolve_participant(session, signer, token, (SCOPE_PAGE, SCOPE_FEEDBACK))


FeedbackGiverDep = Annotated[Participant, Depends(current_feedback_giver)]


def encoder_loader(request: Request) -> Callable[[], TextEncoder]:
    """A function giving the process's text encoder, loaded on first use.

    A model load takes seconds, so jobs call it in the background, never the request.
    """
    state = request.app.state

    def load() -> TextEncoder:
        with state.encoder_lock:
            if state.encoder is None:
                settings = state.settings
                state.encoder = settings_encoder(settings)
            encoder: TextEncoder = state.encoder
        return encoder

    return load


def get_jobs(request: Request) -> JobRunner:
    """The process's background job runner."""
    runner: JobRunner = request.app.state.jobs
    return runner


EncoderDep = Annotated[Callable[[], TextEncoder], Depends(encoder_loader)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
