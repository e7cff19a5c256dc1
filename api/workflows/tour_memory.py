"""Memory across the events of a tour: whom not to suggest again, and whom to suggest again
on purpose.

A person who met someone at an earlier event of the tour is not suggested that person, nor
anyone else of that person's organisation, again; unless both rated that meeting useful (3 or
4 of 4): then the two are suggested to each other on purpose, first in their lists, with a
reason that says so. "Met" is what the feedback says (either side's answer).

Actors follow :func:`models.profiles` (a profile's ``organisation`` is the organisation's id,
or ``person:<id>`` for someone without one), so people are recognised across events by the
person and organisation records that re-imports update in place.

Example:
    >>> memory = TourMemory(exclude=(("1", "2"),), follow_ups={"3": (("4", "Häme"),)})
    >>> followup_reasons("Häme")["en"]
    'A follow-up meeting: you met at Häme and both found it useful.'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from api.workflows.plans import people_of
from api.workflows.tours import tour_event_ids, tour_of_event
from matcher import Profile, Suggestion
from models.entities import Event
from models.feedback import Feedback

USEFUL = 3
_TEXT = {
    "fi": "Jatkotapaaminen: tapasitte tapahtumassa {event} ja piditte tapaamista molemmat hyödyllisenä.",
    "sv": "Uppföljande möte: ni träffades på {event} och tyckte båda att mötet var nyttigt.",
    "en": "A follow-up meeting: you met at {event} and both found it useful.",
}


def followup_reasons(event_name: str) -> dict[str, str]:
    """The follow-up reason in fi, sv and en."""
    return {lang: text.format(event=event_name) for lang, text in _TEXT.items()}


@dataclass(frozen=True)
class TourMemory:
    """What earlier events of the tour say about this one: (id, id) pairs not to suggest, and
    per person the partners to suggest again on purpose, with the event where they met."""

    exclude: tuple[tuple[str, str], ...] = ()
    follow_ups: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def reason(self, person_id: str, target_id: str) -> dict[str, str] | None:
        """The follow-up reason of this pair, if it is a follow-up."""
        for target, event in self.follow_ups.get(person_id, ()):
            if target == target_id:
                return followup_reasons(event)
        return None


def _earlier_meetings(session: Session, event_id: int) -> list[tuple[int, int, bool, str]]:
    """(person, person, useful to both, event name) of every meeting at earlier tour events."""
    tour_id = tour_of_event(session=session, event_id=event_id)
    if tour_id is None:
        return []
    ids = tour_event_ids(session=session, tour_id=tour_id)
    earlier = ids[: ids.index(event_id)]
    if not earlier:
        return []
    names = dict(session.exec(select(Event.id, Event.name).where(col(Event.id).in_(earlier))).all())
    rows = session.exec(select(Feedback).where(col(Feedback.event_id).in_(earlier))).all()
    rating = {(r.event_id, r.person_id, r.target_id): r.usefulness for r in rows}
    out = []
    for r in rows:
        if not r.met or r.person_id == r.target_id:
            continue
        back = rating.get((r.event_id, r.target_id, r.person_id))
        useful = (r.usefulness or 0) >= USEFUL and (back or 0) >= USEFUL
        out.append((r.person_id, r.target_id, useful, str(names.get(r.event_id, ""))))
    return out


def _actors(session: Session, person_ids: set[int]) -> dict[int, str]:
    return {
        pid: str(org.id) if org is not None else f"person:{pid}"
        for pid, (_, org) in people_of(session, sorted(person_ids)).items()
    }


def tour_memory(*, session: Session, event_id: int, profiles: Sequence[Profile]) -> TourMemory:
    """The memory of the tour ``event_id`` is on (none: nothing to remember) for ``profiles``."""
    meetings = _earlier_meetings(session, event_id)
    if not meetings:
        return TourMemory()
    here = {p.id for p in profiles}
    by_actor: dict[str, list[str]] = {}
    for p in profiles:
        by_actor.setdefault(p.organisation, []).append(p.id)
    actors = _actors(session, {a for a, b, *_ in meetings} | {b for a, b, *_ in meetings})
    useful_actor: set[tuple[str, str]] = set()  # (person, actor) with a meeting useful to both
    met_actor: set[tuple[str, str]] = set()
    follow: dict[str, dict[str, str]] = {}
    for a, b, useful, event in meetings:
        for me, other in ((a, b), (b, a)):
            actor = actors.get(other, f"person:{other}")
            met_actor.add((str(me), actor))
            if useful:
                useful_actor.add((str(me), actor))
                if str(me) in here and str(other) in here:
                    follow.setdefault(str(me), {})[str(other)] = event
    exclude = {
        tuple(sorted((person, target)))
        for person, actor in met_actor - useful_actor
        if person in here
        for target in by_actor.get(actor, [])
        if target != person
    }
    pairs = tuple(sorted((a, b) for a, b in exclude))
    return TourMemory(exclude=pairs, follow_ups={p: tuple(sorted(t.items())) for p, t in follow.items()})


def place_follow_ups(
    lists: list[list[Suggestion]],
    profiles: Sequence[Profile],
    memory: TourMemory,
    scores: dict[tuple[str, str], float],
) -> list[list[Suggestion]]:
    """Each person's follow-ups first in their list, the list as long as before: a follow-up
    already suggested moves up; one that was not takes the place of a colleague of theirs in
    the list (one person per partner organisation), else of the last suggestion. ``scores``
    gives the affinity of a pair that was not suggested."""
    organisation = {p.id: p.organisation for p in profiles}
    out = []
    for profile, mine in zip(profiles, lists, strict=True):
        wanted = [target for target, _ in memory.follow_ups.get(profile.id, ())]
        if not wanted:
            out.append(mine)
            continue
        length = max(len(mine), len(wanted))
        kept = [s for s in mine if s.target_id not in wanted]
        for target in wanted:
            if not any(s.target_id == target for s in mine):
                kept = [s for s in kept if organisation.get(s.target_id) != organisation.get(target)]
        first = [
            next((s for s in mine if s.target_id == t), None)
            or Suggestion(t, scores.get((profile.id, t), 0.0), [])
            for t in wanted
        ]
        out.append([*first, *kept][:length])
    return out
