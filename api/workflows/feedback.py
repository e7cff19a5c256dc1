"""Participants' feedback on their suggested partners, and the event's aggregate."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from api.schemas import FeedbackSummary
from api.workflows.common import now, retrying
from api.workflows.errors import NotFoundError
from models.feedback import Feedback, FeedbackCreate
from models.suggestions import StoredSuggestion


def save_feedback(
    *, session: Session, event_id: int, person_id: int, feedback_in: FeedbackCreate
) -> Feedback:
    """Record (or update) a participant's feedback on one of their suggested partners."""
    suggested = session.exec(
        select(StoredSuggestion.id).where(
            StoredSuggestion.event_id == event_id,
            StoredSuggestion.person_id == person_id,
            StoredSuggestion.target_id == feedback_in.target_id,
        )
    ).first()
    if suggested is None:
        raise NotFoundError("target_id: not one of your suggested partners")
    data = feedback_in.model_dump()

    def work() -> Feedback:
        row = session.exec(
            select(Feedback).where(
                Feedback.event_id == event_id,
                Feedback.person_id == person_id,
                Feedback.target_id == feedback_in.target_id,
            )
        ).first()
        if row is None:
            row = Feedback(event_id=event_id, person_id=person_id, **data)
        else:
            row.sqlmodel_update(data)
        row.updated_at = now()
        session.add(row)
        session.commit()
        session.refresh(row)
        return row

    return retrying(session, work)


def own_feedback(*, session: Session, event_id: int, person_id: int) -> list[Feedback]:
    """A participant's own feedback rows at the event."""
    statement = (
        select(Feedback)
        .where(Feedback.event_id == event_id, Feedback.person_id == person_id)
        .order_by(col(Feedback.id))
    )
    return list(session.exec(statement).all())


def met_pairs(*, session: Session, event_id: int) -> list[tuple[str, str]]:
    """Pairs who told us they met at this event (either side's feedback), as profile ids."""
    statement = select(Feedback.person_id, Feedback.target_id).where(
        Feedback.event_id == event_id, col(Feedback.met).is_(True)
    )
    return [(str(a), str(b)) for a, b in session.exec(statement).all()]


def feedback_summary(*, session: Session, event_id: int) -> FeedbackSummary:
    """The event's feedback in aggregate: meetings, usefulness, cooperation by type."""
    rows = session.exec(select(Feedback).where(Feedback.event_id == event_id)).all()
    rated = [r.usefulness for r in rows if r.usefulness is not None]
    types: dict[str, int] = {}
    for row in rows:
        for code in row.cooperation_types:
            types[code] = types.get(code, 0) + 1
    stored = session.exec(
        select(func.count()).select_from(StoredSuggestion).where(StoredSuggestion.event_id == event_id)
    ).one()
    met = sum(1 for r in rows if r.met)
    return FeedbackSummary(
        event_id=event_id,
        responses=len(rows),
        respondents=len({r.person_id for r in rows}),
        met=met,
        met_share=met / len(rows) if rows else None,
        mean_usefulness=sum(rated) / len(rated) if rated else None,
        cooperation_agreed=sum(1 for r in rows if r.cooperation_agreed),
        cooperation_types=dict(sorted(types.items())),
        suggestions_stored=int(stored),
    )
