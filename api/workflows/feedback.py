"""Participants' feedback on their partners, the follow-up months later, the themes they want
next, and the event's aggregate.

A participant answers about their *partners*: the people suggested to them and the people
the newest 1:1 meeting plan sat them with. Every answer is keyed by (event, person, partner)
and updated in place, so sending a form twice stores it once and answers can be corrected.

Example:
    >>> import datetime as dt
    >>> followup_due(dt.date(2027, 1, 31), 4)
    datetime.date(2027, 5, 31)
"""

from __future__ import annotations

import calendar
import datetime as dt

from sqlmodel import Session, col, func, select

from api.schemas import FeedbackSummary
from api.workflows.common import now, retrying
from api.workflows.errors import NotFoundError
from api.workflows.plans import newest_plan
from models.feedback import Feedback, FeedbackCreate, FollowupCreate, ThemeWish, ThemeWishCreate
from models.plans import PlanKind
from models.suggestions import StoredSuggestion


def followup_due(event_date: dt.date, months: int) -> dt.date:
    """The day ``months`` after ``event_date`` (the month's last day where it is shorter)."""
    month = event_date.month - 1 + months
    year, month = event_date.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(event_date.day, calendar.monthrange(year, month)[1]))


def feedback_partners(*, session: Session, event_id: int, person_id: int) -> list[int]:
    """Whom a participant may give feedback on: suggested partners (best first), then the
    partners of their 1:1 meetings who were not suggested."""
    suggested = session.exec(
        select(StoredSuggestion.target_id)
        .where(StoredSuggestion.event_id == event_id, StoredSuggestion.person_id == person_id)
        .order_by(col(StoredSuggestion.rank))
    ).all()
    return list(dict.fromkeys([*suggested, *_meeting_partners(session, event_id, person_id)]))


def _meeting_partners(session: Session, event_id: int, person_id: int) -> list[int]:
    stored = newest_plan(session=session, event_id=event_id, kind=PlanKind.MEETINGS)
    if stored is None or person_id not in stored.person_ids:
        return []
    me = stored.person_ids.index(person_id)
    return [
        stored.person_ids[column]
        for row in stored.assignment
        if row[me] >= 0
        for column, table in enumerate(row)
        if table == row[me] and column != me
    ]


def _pair(session: Session, event_id: int, person_id: int, target_id: int) -> Feedback | None:
    return session.exec(
        select(Feedback).where(
            Feedback.event_id == event_id, Feedback.person_id == person_id, Feedback.target_id == target_id
        )
    ).first()


def save_feedback(
    *, session: Session, event_id: int, person_id: int, feedback_in: FeedbackCreate
) -> Feedback:
    """Record (or update) a participant's feedback on one of their partners; a follow-up
    answer already given stays."""
    if feedback_in.target_id not in feedback_partners(
        session=session, event_id=event_id, person_id=person_id
    ):
        raise NotFoundError("target_id: not one of your suggested or met partners")
    data = feedback_in.model_dump()

    def work() -> Feedback:
        row = _pair(session, event_id, person_id, feedback_in.target_id)
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


def save_followup(
    *, session: Session, event_id: int, person_id: int, followup_in: FollowupCreate
) -> Feedback:
    """Record (or update) the follow-up on a partner the participant said they met."""
    row = _pair(session, event_id, person_id, followup_in.target_id)
    if row is None or not row.met:
        raise NotFoundError("target_id: not a partner you told us you met (answer the feedback first)")
    row.sqlmodel_update(followup_in.model_dump(exclude={"target_id"}))
    row.followed_up_at = row.updated_at = now()
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def own_feedback(*, session: Session, event_id: int, person_id: int) -> list[Feedback]:
    """A participant's own feedback rows at the event."""
    statement = (
        select(Feedback)
        .where(Feedback.event_id == event_id, Feedback.person_id == person_id)
        .order_by(col(Feedback.id))
    )
    return list(session.exec(statement).all())


def save_theme_wish(
    *, session: Session, event_id: int, person_id: int, wish_in: ThemeWishCreate
) -> ThemeWish:
    """Record (or replace) the themes a participant wants at the next event."""

    def work() -> ThemeWish:
        row = session.get(ThemeWish, (event_id, person_id))
        if row is None:
            row = ThemeWish(event_id=event_id, person_id=person_id, themes=wish_in.themes)
        else:
            row.themes = wish_in.themes
        row.updated_at = now()
        session.add(row)
        session.commit()
        session.refresh(row)
        return row

    return retrying(session, work)


def own_theme_wish(*, session: Session, event_id: int, person_id: int) -> list[str]:
    """The themes a participant asked for (none yet: empty)."""
    row = session.get(ThemeWish, (event_id, person_id))
    return list(row.themes) if row is not None else []


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
