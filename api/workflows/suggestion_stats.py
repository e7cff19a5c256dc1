"""How good an event's stored suggestions are as a whole: coverage (who got a full list),
cross-sector share (the point of the event) and exposure (how evenly people are suggested).

Exposure counts how often each participant appears in others' lists; its Gini coefficient is
0 when everyone is suggested equally often and approaches 1 when a few people take every
slot (they would spend the event in queues while others wait alone).

Example:
    >>> gini([2, 2, 2, 2]), gini([0, 0, 0, 8])
    (0.0, 0.75)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from api.workflows.events import require_event
from models.entities import Organisation, Person
from models.participation import participant_ids
from models.suggestions import StoredSuggestion


def gini(values: Sequence[float]) -> float:
    """The Gini coefficient of non-negative ``values`` (0: all equal; empty or all zero: 0).

    Example:
        >>> round(gini([1, 2, 3, 4]), 3)
        0.25
    """
    if any(v < 0 for v in values):
        raise ValueError("values: the Gini coefficient needs non-negative values")
    n, total = len(values), float(sum(values))
    if n == 0 or total == 0:
        return 0.0
    ranked = sorted(values)
    weighted = sum((2 * (i + 1) - n - 1) * v for i, v in enumerate(ranked))
    return weighted / (n * total)


@dataclass(frozen=True)
class Exposed:
    """A participant and how many lists they appear in."""

    person_id: int
    name: str
    times: int


@dataclass(frozen=True)
class SuggestionOverview:
    """An event's stored suggestions in aggregate (see the module docstring)."""

    participants: int
    k: int
    full_lists: int
    suggestions: int
    cross_sector: int
    exposure: tuple[int, ...]
    most_suggested: tuple[Exposed, ...]
    computed_at: dt.datetime | None

    @property
    def coverage(self) -> float | None:
        """Share of participants with a full list of ``k`` suggestions."""
        return self.full_lists / self.participants if self.participants else None

    @property
    def cross_sector_share(self) -> float | None:
        """Share of suggestions whose partner works in another sector."""
        return self.cross_sector / self.suggestions if self.suggestions else None

    @property
    def max_exposure(self) -> int:
        return max(self.exposure, default=0)

    @property
    def mean_exposure(self) -> float | None:
        return sum(self.exposure) / len(self.exposure) if self.exposure else None

    @property
    def never_suggested(self) -> int:
        return sum(1 for times in self.exposure if times == 0)

    @property
    def exposure_gini(self) -> float:
        return gini(self.exposure)


def _rows(session: Session, event_id: int) -> list[tuple[int, int, str | None, str | None, dt.datetime]]:
    source, target = sa.orm.aliased(Person), sa.orm.aliased(Person)
    source_org, target_org = sa.orm.aliased(Organisation), sa.orm.aliased(Organisation)
    statement = (
        sa.select(  # type: ignore[call-overload]
            StoredSuggestion.person_id,
            StoredSuggestion.target_id,
            source_org.sector,
            target_org.sector,
            StoredSuggestion.computed_at,
        )
        .join(source, source.id == StoredSuggestion.person_id)
        .join(target, target.id == StoredSuggestion.target_id)
        .outerjoin(source_org, source_org.id == source.organisation_id)
        .outerjoin(target_org, target_org.id == target.organisation_id)
        .where(col(StoredSuggestion.event_id) == event_id)
    )
    return [tuple(row) for row in session.execute(statement).all()]


def suggestion_overview(*, session: Session, event_id: int, top: int = 5) -> SuggestionOverview:
    """The event's stored suggestions in aggregate, over the people taking part now (everyone
    registered; at a live event, the people present), with the ``top`` most suggested."""
    event = require_event(session=session, event_id=event_id)
    ids = participant_ids(session, event_id, present_only=event.status == "live")
    rows = _rows(session, event_id)
    lengths = Counter(person for person, *_ in rows)
    k = max(lengths.values(), default=0)
    times = Counter(target for _, target, *_ in rows)
    exposure = tuple(times.get(pid, 0) for pid in ids)
    busiest = [pid for pid, _ in sorted(times.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    found = session.execute(sa.select(col(Person.id), col(Person.name)).where(col(Person.id).in_(busiest)))
    names: dict[int | None, str] = {pid: name for pid, name in found.all()}
    return SuggestionOverview(
        participants=len(ids),
        k=k,
        full_lists=sum(1 for pid in ids if k and lengths.get(pid, 0) == k),
        suggestions=len(rows),
        cross_sector=sum(1 for _, _, mine, theirs, _ in rows if mine != theirs),
        exposure=exposure,
        most_suggested=tuple(Exposed(pid, str(names.get(pid, "")), times[pid]) for pid in busiest),
        computed_at=max((row[4] for row in rows), default=None),
    )
