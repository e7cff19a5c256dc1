"""The impact report's data, read from the database: one event's, or a tour's events', as
the plain records :mod:`api.workflows.impact` computes over; and the report itself.

Who took part: the people who checked in (not cancelled); where nobody checked in (an event
run without the check-in desk), everyone registered.

Example: ``report = event_report(session=s, event_id=1)``; ``report.impact.new_actor_share``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlmodel import Session, col, select

from api.workflows.errors import NotFoundError
from api.workflows.events import require_event
from api.workflows.impact import Actor, Answer, EventData, Impact, TourImpact, tour_impact
from api.workflows.plans import people_of
from api.workflows.tours import tour_event_ids, tour_of_event
from matcher.learning import Verdict, time_split_verdict
from models.entities import Event, Registration
from models.feedback import Feedback, ThemeWish
from models.suggestions import StoredSuggestion
from models.tours import Tour


def report_people(session: Session, event_id: int) -> list[int]:
    """Who took part (see the module docstring), in registration order."""
    rows = session.exec(
        select(Registration.person_id, Registration.checked_in_at)
        .where(Registration.event_id == event_id, col(Registration.cancelled).is_(False))
        .order_by(col(Registration.id))
    ).all()
    came = [pid for pid, checked_in in rows if checked_in is not None]
    return came if came else [pid for pid, _ in rows]


def event_data(*, session: Session, event: Event) -> EventData:
    """One event's people, suggestions, feedback and theme wishes."""
    assert event.id is not None
    ids = report_people(session, event.id)
    people = {
        pid: Actor(org.id if org else None, org.sector if org else None, org.region if org else None)
        for pid, (_, org) in people_of(session, ids).items()
    }
    suggested = session.exec(
        select(StoredSuggestion.person_id, StoredSuggestion.target_id).where(
            StoredSuggestion.event_id == event.id
        )
    ).all()
    answers = tuple(
        Answer(
            person_id=row.person_id,
            target_id=row.target_id,
            met=row.met,
            usefulness=row.usefulness,
            agreed=tuple(row.cooperation_types),
            realised=row.realised,
            realised_types=tuple(row.realised_types),
        )
        for row in session.exec(select(Feedback).where(Feedback.event_id == event.id)).all()
    )
    wishes = session.exec(select(ThemeWish).where(ThemeWish.event_id == event.id)).all()
    return EventData(
        event_id=event.id,
        name=event.name,
        date=event.date,
        people=people,
        suggestions=tuple((int(p), int(t)) for p, t in suggested),
        answers=answers,
        wishes={w.person_id: tuple(w.themes) for w in wishes},
    )


@dataclass(frozen=True)
class ImpactReport:
    """A report ready to render: its title, what it covers, and the figures."""

    title: str
    scope: str  # "event" | "tour"
    scope_id: int
    events: tuple[EventData, ...]
    figures: TourImpact
    learning: Verdict | None = field(default=None)

    @property
    def impact(self) -> Impact:
        """The figures of the whole report (one event's, or the tour's pooled)."""
        return self.figures.total if self.scope == "tour" else self.figures.events[-1]


def rated_pairs(session: Session, event_ids: list[int]) -> tuple[list[list[float]], list[bool], list[int]]:
    """Features of suggested pairs that were met and rated (:data:`matcher.learning.PAIR_FEATURES`:
    the stored hand-set score, whether the sectors differ, the same region, shared themes),
    "useful" (3-4), and the event's position in ``event_ids``.

    The rank is not a feature: it only restates the score within one list, and a re-scorer that
    ranks new suggestions cannot know it in advance."""
    features: list[list[float]] = []
    useful: list[bool] = []
    order: list[int] = []
    for position, event_id in enumerate(event_ids):
        rows = session.exec(
            select(Feedback, StoredSuggestion)
            .join(
                StoredSuggestion,
                (col(StoredSuggestion.event_id) == col(Feedback.event_id))
                & (col(StoredSuggestion.person_id) == col(Feedback.person_id))
                & (col(StoredSuggestion.target_id) == col(Feedback.target_id)),
            )
            .where(Feedback.event_id == event_id, col(Feedback.usefulness).is_not(None))
        ).all()
        people = people_of(session, sorted({r.person_id for r, _ in rows} | {r.target_id for r, _ in rows}))
        for answer, suggested in rows:
            mine, theirs = (
                people.get(answer.person_id, (None, None))[1],
                people.get(answer.target_id, (None, None))[1],
            )
            shared = len(set(mine.themes) & set(theirs.themes)) if mine and theirs else 0
            cross = float(bool(mine and theirs and mine.sector != theirs.sector))
            region = float(bool(mine and theirs and mine.region and mine.region == theirs.region))
            features.append([suggested.score, cross, region, float(shared)])
            useful.append((answer.usefulness or 0) >= 3)
            order.append(position)
    return features, useful, order


def learning_verdict(session: Session, event_ids: list[int]) -> Verdict:
    """Whether a re-scorer fitted on the earlier events' feedback ranks the latest event's rated
    pairs better than the stored (hand-set) scores (:func:`matcher.learning.time_split_verdict`)."""
    features, useful, order = rated_pairs(session, event_ids)
    if not features:
        return Verdict(False, "no rated meetings among the suggestions yet", 0, 0, None, None)
    x = np.array(features)
    return time_split_verdict(x, np.array(useful), x[:, 0], np.array(order))


def event_report(*, session: Session, event_id: int) -> ImpactReport:
    """The report of one event; on a tour, "new actor" means new since the tour's earlier events."""
    event = require_event(session=session, event_id=event_id)
    tour_id = tour_of_event(session=session, event_id=event_id)
    earlier: list[EventData] = []
    if tour_id is not None:
        ids = tour_event_ids(session=session, tour_id=tour_id)
        for other in ids[: ids.index(event_id)]:
            earlier.append(event_data(session=session, event=require_event(session=session, event_id=other)))
    data = event_data(session=session, event=event)
    figures = tour_impact([*earlier, data])
    mine = TourImpact(events=(figures.events[-1],), total=figures.events[-1])
    return ImpactReport(title=event.name, scope="event", scope_id=event_id, events=(data,), figures=mine)


def tour_report(*, session: Session, tour_id: int) -> ImpactReport:
    """The report of a tour: each event in order, and the tour pooled."""
    tour = session.get(Tour, tour_id)
    if tour is None:
        raise NotFoundError(f"tour: no tour with id {tour_id}")
    events = tuple(
        event_data(session=session, event=require_event(session=session, event_id=eid))
        for eid in tour_event_ids(session=session, tour_id=tour_id)
    )
    return ImpactReport(
        title=tour.name,
        scope="tour",
        scope_id=tour_id,
        events=events,
        figures=tour_impact(events),
        learning=learning_verdict(session, [e.event_id for e in events]),
    )
