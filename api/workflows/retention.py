"""Retention: purge the personal data of events older than a number of months, in one
transaction.

An event is old when its date lies more than ``months`` before today; events without a date
are never purged (their age is unknown) and are listed so the organiser can date them. For
each old event its registrations (with check-in and -out), stored suggestions, feedback, outbox
messages, stored plans and job results go; the event itself (name, date, venue, region,
themes, round times) stays as a record that it took place. People left without a
registration at any event are then erased completely (:mod:`api.workflows.erasure`).

Example:
    >>> cutoff(dt.date(2027, 3, 31), 1), cutoff(dt.date(2027, 1, 15), 24)
    (datetime.date(2027, 2, 28), datetime.date(2025, 1, 15))
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.workflows.erasure import discard_cached, erase_uncommitted
from models.entities import Event, Person, Registration
from models.feedback import Feedback
from models.jobs import Job
from models.outbox import OutboxMessage
from models.plans import StoredTablePlan
from models.suggestions import StoredSuggestion

PER_EVENT = (StoredSuggestion, Feedback, OutboxMessage, StoredTablePlan, Job)


@dataclass
class Purge:
    """What a purge removed: the events purged, the undated ones left, the people erased."""

    cutoff: dt.date
    events: list[int] = field(default_factory=list)
    undated: list[int] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)
    people_erased: list[int] = field(default_factory=list)


def cutoff(today: dt.date, months: int) -> dt.date:
    """The day ``months`` calendar months before ``today`` (the last day of a shorter month)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def old_events(session: Session, before: dt.date) -> tuple[list[int], list[int]]:
    """Ids of the events dated before ``before``, and of the events without a date."""
    rows = session.execute(sa.select(col(Event.id), col(Event.date)).order_by(col(Event.id))).all()
    old = [int(i) for i, day in rows if i is not None and day is not None and day < before]
    undated = [int(i) for i, day in rows if i is not None and day is None]
    return old, undated


def _count(result: sa.Result[object]) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def purge_events(
    *,
    session: Session,
    months: int,
    today: dt.date | None = None,
    cache_dir: Path | None,
    dry_run: bool = False,
) -> Purge:
    """Purge the personal data of events older than ``months`` (see the module docstring);
    ``dry_run``: only say which events that would be."""
    report = Purge(cutoff=cutoff(today or dt.date.today(), months))
    report.events, report.undated = old_events(session, report.cutoff)
    if dry_run or not report.events:
        return report
    texts: list[str] = []
    try:
        for table in PER_EVENT:
            result = session.execute(sa.delete(table).where(col(table.event_id).in_(report.events)))
            report.removed[str(table.__tablename__)] = _count(result)
        people = session.exec(
            select(Registration.person_id).where(col(Registration.event_id).in_(report.events)).distinct()
        ).all()
        report.removed["registration"] = _count(
            session.execute(sa.delete(Registration).where(col(Registration.event_id).in_(report.events)))
        )
        for person_id in sorted(people):
            elsewhere = session.exec(
                select(Registration.id).where(Registration.person_id == person_id)
            ).first()
            person = session.get(Person, person_id)
            if elsewhere is None and person is not None:
                texts += erase_uncommitted(session, person)[1]
                report.people_erased.append(person_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if texts and cache_dir is not None:
        discard_cached(cache_dir, texts)
    return report
