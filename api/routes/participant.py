"""A participant's own view, opened by the signed link token their e-mail carries:
their suggestions, their table seats, their feedback. Nothing else."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.deps import (
    FeedbackGiverDep,
    Participant,
    ParticipantDep,
    SessionDep,
    participant_token,
    token_claims,
    unauthorised,
)
from api.routes.common import UNAUTHORISED, IdPath
from api.schemas import MyMeetingRequest, MyMeetingRequestCreate, MyMeetings, MyTables, SuggestionList
from api.security import LinkSigner
from api.workflows import feedback, meeting_plans, meeting_requests, person_data, suggestions, table_plans
from models.feedback import Feedback, FeedbackCreate, FeedbackPublic, FollowupCreate, ThemeWishCreate

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
    summary="Tell us about a suggested or met partner: met, useful 1-4, cooperation agreed, a comment",
)
def give_feedback(
    session: SessionDep, participant: FeedbackGiverDep, feedback_in: FeedbackCreate
) -> Feedback:
    event_id, person_id = _ids(participant)
    return feedback.save_feedback(
        session=session, event_id=event_id, person_id=person_id, feedback_in=feedback_in
    )


@router.post(
    "/followup",
    response_model=FeedbackPublic,
    summary="Months later: did the cooperation with a partner you met happen, and what",
)
def give_followup(
    session: SessionDep, participant: FeedbackGiverDep, followup_in: FollowupCreate
) -> Feedback:
    event_id, person_id = _ids(participant)
    return feedback.save_followup(
        session=session, event_id=event_id, person_id=person_id, followup_in=followup_in
    )


@router.get("/theme-wishes", response_model=ThemeWishCreate, summary="Themes I want at the next event")
def my_theme_wishes(session: SessionDep, participant: FeedbackGiverDep) -> ThemeWishCreate:
    event_id, person_id = _ids(participant)
    return ThemeWishCreate(
        themes=feedback.own_theme_wish(session=session, event_id=event_id, person_id=person_id)
    )


@router.put(
    "/theme-wishes", response_model=ThemeWishCreate, summary="Say which themes I want at the next event"
)
def set_theme_wishes(
    session: SessionDep, participant: FeedbackGiverDep, wish_in: ThemeWishCreate
) -> ThemeWishCreate:
    event_id, person_id = _ids(participant)
    row = feedback.save_theme_wish(session=session, event_id=event_id, person_id=person_id, wish_in=wish_in)
    return ThemeWishCreate(themes=row.themes)


@router.get("/export", summary="Everything stored about me, as JSON (my right of access)")
def my_data(session: SessionDep, participant: ParticipantDep) -> dict[str, Any]:
    """My details, organisation, registrations, suggestions, seats, meetings, feedback and
    e-mails, at every event (a page link: feedback and unsubscribe links export nothing)."""
    return person_data.export_person(session=session, person_id=participant.person_id)


@router.get("/meeting-requests", response_model=list[MyMeetingRequest], summary="Whom I asked to meet")
def my_meeting_requests(session: SessionDep, participant: ParticipantDep) -> list[MyMeetingRequest]:
    event_id, person_id = _ids(participant)
    return meeting_requests.my_requests(session=session, event_id=event_id, person_id=person_id)


@router.post(
    "/meeting-requests",
    response_model=MyMeetingRequest,
    status_code=status.HTTP_201_CREATED,
    summary="Ask to meet one of my suggested partners in the 1:1 rounds (again: 200, unchanged)",
)
def ask_to_meet(
    session: SessionDep, participant: ParticipantDep, body: MyMeetingRequestCreate
) -> JSONResponse:
    event_id, person_id = _ids(participant)
    made, is_new = meeting_requests.ask_to_meet(
        session=session, event_id=event_id, person_id=person_id, target_id=body.person_id
    )
    code = status.HTTP_201_CREATED if is_new else status.HTTP_200_OK
    return JSONResponse(made.model_dump(mode="json"), status_code=code)


@router.delete(
    "/meeting-requests/{request_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Withdraw one of my requests (the organiser's stay)",
)
def withdraw_meeting_request(
    session: SessionDep, participant: ParticipantDep, request_id: IdPath
) -> Response:
    event_id, person_id = _ids(participant)
    meeting_requests.withdraw(session=session, event_id=event_id, person_id=person_id, request_id=request_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
