"""The right of access: everything stored about one person, as one JSON document.

The same document for the person (``GET /me/export`` with their page link) and for an
organiser (``GET /people/{id}/export``): their details and consents, their organisation, and
per event their registration (with its check-in and check-out marks), suggested partners
with the reasons (a partner's e-mail and role only where that partner consented, as on their
page), their seats and 1:1 meetings, the feedback they gave, the feedback about them
(ratings, not who gave them), how many people had them as a suggestion, and the e-mails
recorded for them (not the bodies, which carry their link tokens).

Example: ``export_person(session=s, person_id=17)["person"]["email"]``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.workflows import meeting_plans, suggestions, table_plans
from api.workflows.errors import NotFoundError
from models.entities import Event, Organisation, OrganisationPublic, Person, PersonPublic, Registration
from models.feedback import Feedback, FeedbackPublic
from models.outbox import OutboxMessage
from models.suggestions import StoredSuggestion

FORMAT = "kohtaamo-person-export/1"


def _registration(session: Session, registration: Registration) -> dict[str, Any]:
    return {
        "source": registration.source,
        "checked_in_at": registration.checked_in_at,
        "checked_out_at": registration.checked_out_at,
        "no_show": registration.no_show,
        "cancelled": registration.cancelled,
    }


def _feedback_about(session: Session, event_id: int, person_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Feedback).where(Feedback.event_id == event_id, Feedback.target_id == person_id)
    )
    return [
        {"met": r.met, "usefulness": r.usefulness, "cooperation_agreed": r.cooperation_agreed} for r in rows
    ]


def _messages(session: Session, event_id: int, person_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.event_id == event_id, OutboxMessage.person_id == person_id)
        .order_by(col(OutboxMessage.id))
    )
    return [
        {
            "kind": r.kind,
            "recipient": r.recipient,
            "subject": r.subject,
            "status": r.status,
            "created_at": r.created_at,
            "sent_at": r.sent_at,
        }
        for r in rows
    ]


def _event_part(session: Session, event: Event, registration: Registration, person_id: int) -> dict[str, Any]:
    assert event.id is not None
    event_id = event.id
    found = suggestions.participant_suggestions(
        session=session, event_id=event_id, person_id=person_id, language=None, active_only=False
    )
    suggested_to = session.execute(
        sa.select(sa.func.count())
        .select_from(StoredSuggestion)
        .where(col(StoredSuggestion.event_id) == event_id, col(StoredSuggestion.target_id) == person_id)
    ).scalar_one()
    given = session.exec(
        select(Feedback).where(Feedback.event_id == event_id, Feedback.person_id == person_id)
    )
    return {
        "event": {"id": event_id, "name": event.name, "date": event.date, "venue": event.venue},
        "registration": _registration(session, registration),
        "suggestions": found.model_dump(mode="json")["suggestions"] if found else [],
        "suggested_to_others": int(suggested_to),
        "tables": table_plans.my_tables(session=session, event_id=event_id, person_id=person_id).model_dump(
            mode="json"
        ),
        "meetings": meeting_plans.my_meetings(
            session=session, event_id=event_id, person_id=person_id
        ).model_dump(mode="json"),
        "feedback_given": [FeedbackPublic.model_validate(r).model_dump(mode="json") for r in given],
        "feedback_about_me": _feedback_about(session, event_id, person_id),
        "emails": _messages(session, event_id, person_id),
    }


def export_person(*, session: Session, person_id: int) -> dict[str, Any]:
    """Everything stored about ``person_id`` (see the module docstring), JSON-ready;
    :class:`NotFoundError` if there is no such person."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("person not found")
    organisation = session.get(Organisation, person.organisation_id) if person.organisation_id else None
    registrations = session.exec(
        select(Registration).where(Registration.person_id == person_id).order_by(col(Registration.event_id))
    ).all()
    events = []
    for registration in registrations:
        event = session.get(Event, registration.event_id)
        if event is not None:
            events.append(_event_part(session, event, registration, person_id))
    return {
        "format": FORMAT,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "person": PersonPublic.model_validate(person).model_dump(mode="json"),
        "organisation": OrganisationPublic.model_validate(organisation).model_dump(mode="json")
        if organisation
        else None,
        "events": [_jsonable(e) for e in events],
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value
