"""A participant's own view, opened by the signed link token their e-mail carries:
their suggestions, their table seats, their feedback. Nothing else."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from api.deps import (
    FeedbackGiverDep,
    Participant,
    ParticipantDep,
    SessionDep,
    participant_token,
    token_claims,
    unauthorised,
)
from api.routes.common import UNAUTHORISED
from api.schemas import MyMeetings, MyTables, SuggestionList
from api.security import LinkSigner
from api.workflows import feedback, meeting_plans, person_data, suggestions, table_plans
from models.feedback import Feedback, FeedbackCreate, FeedbackPublic

router = APIRouter(prefix="/me", tags=["participant"], responses=UNAUTHORISED)


def _ids(participant: Participant) -> tuple[int, int]:
    return participant.event_id, participant.person_id


def _suggestions_json(engine: sa.Engine, signer: LinkSigner, token: str, language: str | None) -> bytes:
    claims = token_claims(signer, token)  # a page link: feedback and unsubscribe links read nothing
    # One autocommit read: no BEGIN/ROLLBACK round trips around the single query.
    with engine.connect() as connection:
        found = suggestions.participant_suggestions(
            session=connection.execution_options(isolation_level="AUTOCOMMIT"),
            event_id=claims.event_id,
            person_id=claims.person_id,
            language=language,
            link_nonce=claims.nonce,
        )
    if found is None:
        raise unauthorised("this link is no longer valid")
    return found.model_dump_json().encode()


@router.get("/suggestions", response_model=SuggestionList, summary="My suggested partners")
async def my_suggestions(
    request: Request,
    token: Annotated[str, Depends(participant_token)],
    language: Annotated[Literal["fi", "sv", "en"] | None, Query(description="Default: my language.")] = None,
) -> Response:
    """The busiest route of the service (every e-mailed link lands here): the token check,
    the query and the JSON run in one worker-thread hop."""
    body = await run_in_threadpool(
        _suggestions_json, request.app.state.engine, request.app.state.link_signer, token, language
    )
    return Response(content=body, media_type="application/json")


@router.get("/tables", response_model=MyTables, summary="My table in each workshop round")
def my_tables(session: SessionDep, participant: ParticipantDep) -> MyTables:
    event_id, person_id = _ids(participant)
    return table_plans.my_tables(session=session, event_id=event_id, person_id=person_id)


@router.get(
    "/meetings",
    response_model=MyMeetings,
    summary="My 1:1 meetings: round, table, partner names (contact only if they agreed)",
)
def my_meetings(session: SessionDep, participant: ParticipantDep) -> MyMeetings:
    event_id, person_id = _ids(participant)
    return meeting_plans.my_meetings(session=session, event_id=event_id, person_id=person_id)


@router.get("/feedback", response_model=list[FeedbackPublic], summary="My feedback so far")
def my_feedback(session: SessionDep, participant: FeedbackGiverDep) -> list[Feedback]:
    event_id, person_id = _ids(participant)
    return feedback.own_feedback(session=session, event_id=event_id, person_id=person_id)


@router.post(
    "/feedback",
    response_model=FeedbackPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Tell us about a suggested partner: met, useful 1-4, cooperation agreed",
)
def give_feedback(
    session: SessionDep, participant: FeedbackGiverDep, feedback_in: FeedbackCreate
) -> Feedback:
    event_id, person_id = _ids(participant)
    return feedback.save_feedback(
        session=session, event_id=event_id, person_id=person_id, feedback_in=feedback_in
    )


@router.get("/export", summary="Everything stored about me, as JSON (my right of access)")
def my_data(session: SessionDep, participant: ParticipantDep) -> dict[str, Any]:
    """My details, organisation, registrations, suggestions, seats, meetings, feedback and
    e-mails, at every event (a page link: feedback and unsubscribe links export nothing)."""
    return person_data.export_person(session=session, person_id=participant.person_id)
