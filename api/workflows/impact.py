"""The impact of an event or a tour, computed over plain data (no database): who met a new
actor, how many meetings crossed sector lines, how the suggestions were spread and taken up,
what cooperation was agreed and what happened, which themes people want next, and who met
whom by sector and region.

Definitions (the report prints them too):

- an *actor* is an organisation (a person without one is their own actor);
- a *meeting* is a pair of people of whom at least one answered "we met";
- someone *met a new actor* when they met a person of another organisation than their own
  that they had not met at an earlier event of the tour; the share is over *respondents*
  (people who answered about at least one partner), as the Soteuttamo report counted it;
- *acceptance* is the share of respondents' suggestions that became a meeting;
- *coverage* is the share of participants with a full list of suggestions, and the exposure
  Gini how unevenly people appear in others' lists (0: evenly);
- cooperation *agreed* and *realised* (at the follow-up) count pairs and types once, however
  many of the two sides reported them.

Example:
    >>> people = {1: Actor(10, "private", "uusimaa"), 2: Actor(20, "public", "uusimaa")}
    >>> answer = Answer(1, 2, met=True, usefulness=4, agreed=("training",))
    >>> data = EventData(1, "E", None, people, suggestions=((1, 2), (2, 1)), answers=(answer,))
    >>> impact = tour_impact([data]).total
    >>> impact.new_actor_share, impact.cross_sector_share, impact.acceptance, dict(impact.agreed)
    (1.0, 1.0, 1.0, {'training': 1})
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from api.workflows.suggestion_stats import gini

ActorKey = tuple[str, int]
Pair = frozenset[int]


@dataclass(frozen=True)
class Actor:
    """What the report knows of a participant: organisation id, sector and region codes."""

    organisation_id: int | None
    sector: str | None
    region: str | None


@dataclass(frozen=True)
class Answer:
    """One participant's feedback on one partner (``realised``: ``None`` before the follow-up)."""

    person_id: int
    target_id: int
    met: bool
    usefulness: int | None = None
    agreed: tuple[str, ...] = ()
    realised: bool | None = None
    realised_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventData:
    """One event as the report reads it: who took part, the stored suggestions (person,
    target), the feedback, and the themes each person wants next."""

    event_id: int
    name: str
    date: dt.date | None
    people: dict[int, Actor]
    suggestions: tuple[tuple[int, int], ...] = ()
    answers: tuple[Answer, ...] = ()
    wishes: dict[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Impact:
    """The figures of one event, or of a whole tour pooled (see the module docstring)."""

    label: str
    participants: int
    respondents: int
    met_new_actor: int
    meetings: int
    cross_sector_meetings: int
    meetings_with_sectors: int
    suggestions: int
    respondents_suggestions: int
    accepted: int
    full_lists: int
    exposure_gini: float
    usefulness: tuple[int, ...]
    agreed: tuple[tuple[str, int], ...]
    agreed_pairs: int
    followup_respondents: int
    realised: tuple[tuple[str, int], ...]
    realised_pairs: int
    wanted_themes: tuple[tuple[str, int], ...]
    sector_links: tuple[tuple[str, str, int], ...]
    region_links: tuple[tuple[str, str, int], ...]

    @property
    def new_actor_share(self) -> float | None:
        return _share(self.met_new_actor, self.respondents)

    @property
    def cross_sector_share(self) -> float | None:
        return _share(self.cross_sector_meetings, self.meetings_with_sectors)

    @property
    def acceptance(self) -> float | None:
        return _share(self.accepted, self.respondents_suggestions)

    @property
    def coverage(self) -> float | None:
        return _share(self.full_lists, self.participants)

    @property
    def response_rate(self) -> float | None:
        return _share(self.respondents, self.participants)

    @property
    def mean_usefulness(self) -> float | None:
        return sum(self.usefulness) / len(self.usefulness) if self.usefulness else None


@dataclass(frozen=True)
class TourImpact:
    """Each event's figures in tour order, and the tour's pooled."""

    events: tuple[Impact, ...]
    total: Impact


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def actor_of(person_id: int, actor: Actor | None) -> ActorKey:
    """The actor a person stands for: their organisation, else themselves."""
    if actor is not None and actor.organisation_id is not None:
        return ("organisation", actor.organisation_id)
    return ("person", person_id)


def met_pairs(answers: Iterable[Answer]) -> set[Pair]:
    """Pairs of whom at least one said they met."""
    return {frozenset((a.person_id, a.target_id)) for a in answers if a.met and a.person_id != a.target_id}


def _by_pair(answers: Iterable[Answer], attribute: str) -> tuple[Counter[str], int]:
    """Types per pair counted once (either side), and the number of pairs with any."""
    types: dict[Pair, set[str]] = {}
    for a in answers:
        codes = getattr(a, attribute)
        if codes:
            types.setdefault(frozenset((a.person_id, a.target_id)), set()).update(codes)
    return Counter(code for codes in types.values() for code in codes), len(types)


def _links(pairs: Iterable[Pair], people: dict[int, Actor], attribute: str) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for pair in pairs:
        a, b = sorted(pair)
        first, second = getattr(people.get(a), attribute, None), getattr(people.get(b), attribute, None)
        if first is not None and second is not None:
            out[(min(first, second), max(first, second))] += 1
    return out


@dataclass
class _Pool:
    """Counts summed over the events of a report (one event, or a tour)."""

    participants: int = 0
    respondents: int = 0
    met_new_actor: int = 0
    meetings: set[tuple[int, Pair]] = field(default_factory=set)
    cross: int = 0
    with_sectors: int = 0
    suggestions: int = 0
    respondents_suggestions: int = 0
    accepted: int = 0
    full_lists: int = 0
    exposure: list[int] = field(default_factory=list)
    usefulness: list[int] = field(default_factory=list)
    agreed: Counter[str] = field(default_factory=Counter)
    agreed_pairs: int = 0
    followup: int = 0
    realised: Counter[str] = field(default_factory=Counter)
    realised_pairs: int = 0
    wanted: Counter[str] = field(default_factory=Counter)
    sectors: Counter[tuple[str, str]] = field(default_factory=Counter)
    regions: Counter[tuple[str, str]] = field(default_factory=Counter)

    def impact(self, label: str) -> Impact:
        def ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
            return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

        return Impact(
            label=label,
            participants=self.participants,
            respondents=self.respondents,
            met_new_actor=self.met_new_actor,
            meetings=len(self.meetings),
            cross_sector_meetings=self.cross,
            meetings_with_sectors=self.with_sectors,
            suggestions=self.suggestions,
            respondents_suggestions=self.respondents_suggestions,
            accepted=self.accepted,
            full_lists=self.full_lists,
            exposure_gini=gini(self.exposure),
            usefulness=tuple(self.usefulness),
            agreed=ranked(self.agreed),
            agreed_pairs=self.agreed_pairs,
            followup_respondents=self.followup,
            realised=ranked(self.realised),
            realised_pairs=self.realised_pairs,
            wanted_themes=ranked(self.wanted),
            sector_links=tuple((a, b, n) for (a, b), n in sorted(self.sectors.items())),
            region_links=tuple((a, b, n) for (a, b), n in sorted(self.regions.items())),
        )


def _add_event(pool: _Pool, data: EventData, history: dict[int, set[ActorKey]]) -> None:
    """Add one event's counts; ``history`` (person: actors met before) grows by this event."""
    people = data.people
    answers = [a for a in data.answers if a.person_id in people]
    respondents = {a.person_id for a in answers}
    pairs = met_pairs(answers)
    partners: dict[int, set[int]] = {}
    for pair in pairs:
        a, b = tuple(pair)
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    for person in respondents:
        mine = actor_of(person, people.get(person))
        met = {actor_of(p, people.get(p)) for p in partners.get(person, set())} - {mine}
        pool.met_new_actor += bool(met - history.get(person, set()))
    for person, others in partners.items():
        history.setdefault(person, set()).update(actor_of(p, people.get(p)) for p in others)
    lengths = Counter(p for p, _ in data.suggestions if p in people)
    k = max(lengths.values(), default=0)
    times = Counter(t for p, t in data.suggestions if p in people)
    pool.participants += len(people)
    pool.respondents += len(respondents)
    pool.meetings |= {(data.event_id, pair) for pair in pairs}
    sector_links = _links(pairs, people, "sector")
    pool.with_sectors += sum(sector_links.values())
    pool.cross += sum(n for (a, b), n in sector_links.items() if a != b)
    pool.sectors += sector_links
    pool.regions += _links(pairs, people, "region")
    pool.suggestions += len(data.suggestions)
    mine_suggested = [(p, t) for p, t in data.suggestions if p in respondents]
    pool.respondents_suggestions += len(mine_suggested)
    pool.accepted += sum(1 for p, t in mine_suggested if frozenset((p, t)) in pairs)
    pool.full_lists += sum(1 for p in people if k and lengths.get(p, 0) == k)
    pool.exposure += [times.get(p, 0) for p in people]
    pool.usefulness += [a.usefulness for a in answers if a.usefulness is not None]
    agreed, agreed_pairs = _by_pair(answers, "agreed")
    realised, realised_pairs = _by_pair(answers, "realised_types")
    pool.agreed += agreed
    pool.agreed_pairs += agreed_pairs
    pool.realised += realised
    pool.realised_pairs += realised_pairs
    pool.followup += len({a.person_id for a in answers if a.realised is not None})
    pool.wanted += Counter(code for pid, codes in data.wishes.items() if pid in people for code in codes)


def tour_order(events: Sequence[EventData]) -> list[EventData]:
    """Events by date (undated last), then id: the order a tour happened in."""
    return sorted(events, key=lambda e: (e.date is None, e.date or dt.date.min, e.event_id))


def tour_impact(events: Sequence[EventData]) -> TourImpact:
    """Each event's impact (a new actor: not met at an earlier event of these) and the pooled
    total. One event is a tour of one."""
    history: dict[int, set[ActorKey]] = {}
    total = _Pool()
    per_event = []
    for data in tour_order(events):
        before = {person: set(actors) for person, actors in history.items()}
        one = _Pool()
        _add_event(one, data, before)
        _add_event(total, data, history)
        per_event.append(one.impact(data.name))
    return TourImpact(events=tuple(per_event), total=total.impact("total"))
