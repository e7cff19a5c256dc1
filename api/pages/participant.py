"""A participant's page from their personal link: whose link it is, and what their page shows.

The link token names one person at one event (:mod:`api.workflows.links`). A link that was
tampered with is refused (401, in Finnish: it names nobody); an expired, revoked (replaced)
one, or one of another kind (a feedback link at the page) too (401, in the person's
language); an authentic link for an event where the person has no valid
registration, e.g. another event's link or a cancelled registration, finds nothing there
(404, in their language). Each gets a page that says what happened and what to do.

Example:
    >>> LinkError(401, "link.invalid", None).status
    401
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlmodel import Session

from api.pages.catalogue import DEFAULT_LANGUAGE
from api.schemas import MyMeetingRequest, MyMeetings, MyTables, SuggestionList
from api.security import SCOPE_PAGE, ExpiredTokenError, InvalidTokenError, LinkClaims, LinkSigner
from api.workflows import feedback, meeting_plans, meeting_requests, suggestions, table_plans
from matcher.taxonomy import LANGUAGES
from models import crud
from models.entities import Event, Person
from models.feedback import Feedback

MAX_ID = 2**31 - 1


class LinkError(Exception):
    """Why a link opens no page: the HTTP status, the catalogue key of the explanation, and
    the language of the person it was for (``None``: unknown, so Finnish)."""

    def __init__(self, status: int, key: str, language: str | None) -> None:
        super().__init__(key)
        self.status, self.key, self.language = status, key, language


@dataclass(frozen=True)
class Visitor:
    """The participant a valid link speaks for."""

    person: Person
    event: Event
    nonce: str
    scope: str = SCOPE_PAGE

    @property
    def ids(self) -> tuple[int, int]:
        assert self.event.id is not None and self.person.id is not None
        return self.event.id, self.person.id


def _language(session: Session, claims: LinkClaims | None) -> str | None:
    if claims is None or claims.person_id > MAX_ID:
        return None
    person = session.get(Person, claims.person_id)
    return person.language if person is not None and person.language in LANGUAGES else None


def authentic_claims(
    session: Session, signer: LinkSigner, token: str, *, allow_expired: bool = False
) -> LinkClaims:
    """The claims of an authentic token; :class:`LinkError` if tampered with (or expired,
    unless ``allow_expired``: unsubscribing stays possible after a link expires)."""
    try:
        claims = signer.load(token)
    except ExpiredTokenError as exc:
        if allow_expired and exc.claims is not None:
            return exc.claims
        raise LinkError(401, "link.expired", _language(session, exc.claims)) from None
    except InvalidTokenError:
        raise LinkError(401, "link.invalid", None) from None
    if claims.person_id > MAX_ID or claims.event_id > MAX_ID:
        raise LinkError(401, "link.invalid", None)
    return claims


def visitor(
    session: Session, signer: LinkSigner, token: str, scopes: tuple[str, ...] = (SCOPE_PAGE,)
) -> Visitor:
    """The person and event of a valid link of one of ``scopes`` with a live registration
    whose links carry the token's nonce; :class:`LinkError` (with the person's language where
    the token is authentic) otherwise: 401 for a link of another kind or a revoked one."""
    claims = authentic_claims(session, signer, token)
    if claims.scope not in scopes:
        raise LinkError(401, "link.wrong_kind", _language(session, claims))
    person, event = session.get(Person, claims.person_id), session.get(Event, claims.event_id)
    if person is None:
        raise LinkError(404, "link.gone", None)
    registration = crud.find_registration(
        session=session, event_id=claims.event_id, person_id=claims.person_id
    )
    if event is None or registration is None or registration.cancelled:
        raise LinkError(404, "link.other_event", _language(session, claims))
    if not hmac.compare_digest(registration.link_nonce, claims.nonce):
        raise LinkError(401, "link.revoked", _language(session, claims))
    return Visitor(person=person, event=event, nonce=registration.link_nonce, scope=claims.scope)


def page_language(person: Person | None) -> str:
    """A participant page's default language: the person's, else Finnish."""
    return person.language if person is not None and person.language in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Partner:
    """Someone a participant may give feedback on: suggested to them, or met in a 1:1 round."""

    person_id: int
    name: str
    organisation: str | None


@dataclass(frozen=True)
class ParticipantPage:
    """Everything a participant's page shows, all of it their own."""

    suggestions: SuggestionList
    tables: MyTables
    meetings: MyMeetings
    feedback: dict[int, Feedback]
    requests: list[MyMeetingRequest]
    wishes: tuple[str, ...] = ()

    @property
    def partners(self) -> list[Partner]:
        """Suggested partners (best first), then 1:1 partners who were not suggested."""
        found = {
            s.person_id: Partner(s.person_id, s.name, s.organisation) for s in self.suggestions.suggestions
        }
        for meeting in self.meetings.meetings:
            for p in meeting.partners:
                found.setdefault(p.person_id, Partner(p.person_id, p.name, p.organisation))
        return list(found.values())

    @property
    def met(self) -> list[Partner]:
        """Partners they told us they met: the follow-up asks about these."""
        return [p for p in self.partners if (row := self.feedback.get(p.person_id)) is not None and row.met]

    @property
    def requested(self) -> dict[int, MyMeetingRequest]:
        """My requests by the person asked (to mark each suggestion I asked to meet)."""
        return {r.person_id: r for r in self.requests}


def participant_page(session: Session, guest: Visitor, language: str) -> ParticipantPage:
    """Their suggestions (reasons in ``language``), seats, meetings, feedback so far and
    meeting requests."""
    event_id, person_id = guest.ids
    found = suggestions.participant_suggestions(
        session=session, event_id=event_id, person_id=person_id, language=language
    )
    if found is None:  # registration cancelled between the check and now
        raise LinkError(404, "link.other_event", guest.person.language)
    given = feedback.own_feedback(session=session, event_id=event_id, person_id=person_id)
    return ParticipantPage(
        suggestions=found,
        tables=table_plans.my_tables(session=session, event_id=event_id, person_id=person_id),
        meetings=meeting_plans.my_meetings(session=session, event_id=event_id, person_id=person_id),
        feedback={row.target_id: row for row in given},
        requests=meeting_requests.my_requests(session=session, event_id=event_id, person_id=person_id),
        wishes=tuple(feedback.own_theme_wish(session=session, event_id=event_id, person_id=person_id)),
    )
