"""Seating rules of an event, set by organisers: hosts pinned to a table for every round,
facilitators spread one per table, and pairs who must never share a table; and the same rules
as the table planner takes them (positions in the plan, tables from 0).

Pins and the facilitator mark are columns of the registration; apart pairs are rows of
:class:`models.seating.ApartPair`. Only registered (not cancelled) people can be given a
rule. People not taking part in a plan (absent, cancelled) are left out of it with their
rules; a pin to a table the plan does not have is an error naming the person.

Example:
    >>> rules = TableRules(pinned={0: 2}, facilitators=[1, 3], apart=[(0, 4)])
    >>> sorted(rules.engine_kwargs())
    ['apart', 'facilitators', 'max_sector_share', 'min_sectors', 'pinned']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from api.schemas import ApartPairView, RegistrationView, SeatHolder, SeatingRules
from api.workflows.common import retrying
from api.workflows.errors import FieldError, NotFoundError
from api.workflows.meeting_requests import person_ref
from api.workflows.plans import people_of
from api.workflows.registrations import registration_view
from matcher import Profile
from matcher.ids import positions
from models import crud
from models.entities import Registration
from models.seating import ApartPair, ApartPairCreate, add_apart_pair, event_apart_pairs, find_apart_pair


@dataclass(frozen=True)
class TableRules:
    """The hard rules of one table plan, by position in the plan (tables from 0)."""

    pinned: dict[int, int] = field(default_factory=dict)
    facilitators: list[int] = field(default_factory=list)
    apart: list[tuple[int, int]] = field(default_factory=list)
    max_sector_share: float | None = None
    min_sectors: int | None = None

    def engine_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :func:`matcher.plan_tables` and its checker (``None`` for
        a rule not in use)."""
        return {
            "pinned": self.pinned or None,
            "facilitators": self.facilitators or None,
            "apart": self.apart or None,
            "max_sector_share": self.max_sector_share,
            "min_sectors": self.min_sectors,
        }


def _registration(session: Session, event_id: int, person_id: int) -> Registration:
    found = crud.find_registration(session=session, event_id=event_id, person_id=person_id)
    if found is None or found.cancelled:
        raise NotFoundError(f"person {person_id} is not registered at this event")
    return found


def set_pin(*, session: Session, event_id: int, person_id: int, table: int | None) -> RegistrationView:
    """Pin the person to ``table`` (from 1) in every round, or unpin them (``None``)."""
    if table is not None and table < 1:
        raise FieldError("table", f"tables are numbered from 1, got {table}")
    registration = _registration(session, event_id, person_id)
    registration.pinned_table = table
    session.add(registration)
    session.commit()
    return registration_view(session=session, event_id=event_id, person_id=person_id)


def set_facilitator(*, session: Session, event_id: int, person_id: int, on: bool) -> RegistrationView:
    """Mark the person as a facilitator (spread one per table), or unmark them."""
    registration = _registration(session, event_id, person_id)
    registration.facilitator = on
    session.add(registration)
    session.commit()
    return registration_view(session=session, event_id=event_id, person_id=person_id)


def _pair_view(session: Session, pair: ApartPair) -> ApartPairView:
    people = people_of(session, [pair.person_a_id, pair.person_b_id])
    assert pair.id is not None
    return ApartPairView(
        id=pair.id, people=[person_ref(people, pair.person_a_id), person_ref(people, pair.person_b_id)]
    )


def add_apart(*, session: Session, event_id: int, pair: ApartPairCreate) -> tuple[ApartPairView, bool]:
    """Keep two registered people apart at every table: the pair, and whether it is new."""
    for name, person_id in (("person_a_id", pair.person_a_id), ("person_b_id", pair.person_b_id)):
        found = crud.find_registration(session=session, event_id=event_id, person_id=person_id)
        if found is None or found.cancelled:
            raise FieldError(name, f"person {person_id} is not registered at this event")

    def work() -> tuple[ApartPair, bool]:
        row, is_new = add_apart_pair(session=session, event_id=event_id, pair=pair)
        session.commit()
        return row, is_new

    row, is_new = retrying(session, work)
    return _pair_view(session, row), is_new


def remove_apart(*, session: Session, event_id: int, pair_id: int) -> None:
    """Delete one of the event's apart pairs, or :class:`NotFoundError`."""
    row = session.get(ApartPair, pair_id)
    if row is None or row.event_id != event_id:
        raise NotFoundError("apart pair not found")
    session.delete(row)
    session.commit()


def remove_apart_people(*, session: Session, event_id: int, pair: ApartPairCreate) -> None:
    """Delete the apart pair of these two people, or :class:`NotFoundError`."""
    row = find_apart_pair(session=session, event_id=event_id, pair=pair)
    if row is None:
        raise NotFoundError(f"persons {pair.person_a_id} and {pair.person_b_id} are not kept apart")
    session.delete(row)
    session.commit()


def _rule_holders(session: Session, event_id: int) -> list[Registration]:
    statement = (
        select(Registration)
        .where(
            Registration.event_id == event_id,
            col(Registration.cancelled).is_(False),
            col(Registration.pinned_table).is_not(None) | col(Registration.facilitator).is_(True),
        )
        .order_by(col(Registration.id))
    )
    return list(session.exec(statement).all())


def seat_marks(*, session: Session, event_id: int) -> dict[int, tuple[int | None, bool]]:
    """Per person with a rule: their pinned table (from 1, or None) and whether they facilitate."""
    return {r.person_id: (r.pinned_table, r.facilitator) for r in _rule_holders(session, event_id)}


def seating_rules(*, session: Session, event_id: int) -> SeatingRules:
    """The event's seating rules: who is pinned where, the facilitators, the pairs kept apart."""
    holders = _rule_holders(session, event_id)
    people = people_of(session, [r.person_id for r in holders])
    seats = [
        SeatHolder(
            **person_ref(people, r.person_id).model_dump(),
            pinned_table=r.pinned_table,
            facilitator=r.facilitator,
        )
        for r in holders
        if r.person_id in people
    ]
    apart = [_pair_view(session, p) for p in event_apart_pairs(session=session, event_id=event_id)]
    return SeatingRules(event_id=event_id, seats=seats, apart=apart)


def table_rules(
    *,
    session: Session,
    event_id: int,
    profiles: Sequence[Profile],
    n_tables: int,
    max_sector_share: float | None = None,
    min_sectors: int | None = None,
) -> TableRules:
    """The event's rules for a plan of ``profiles`` at ``n_tables`` tables, by position; rules
    of people not among ``profiles`` are left out."""
    pos = positions([int(p.id) for p in profiles], "profiles")
    pinned: dict[int, int] = {}
    facilitators: list[int] = []
    for r in _rule_holders(session, event_id):
        if r.person_id not in pos:
            continue
        if r.pinned_table is not None:
            if r.pinned_table > n_tables:
                raise FieldError(
                    "pinned_table",
                    f"person {r.person_id} is pinned to table {r.pinned_table}"
                    f" but the plan has {n_tables} tables",
                )
            pinned[pos[r.person_id]] = r.pinned_table - 1
        if r.facilitator:
            facilitators.append(pos[r.person_id])
    apart = [
        (pos[p.person_a_id], pos[p.person_b_id])
        for p in event_apart_pairs(session=session, event_id=event_id)
        if p.person_a_id in pos and p.person_b_id in pos
    ]
    return TableRules(
        pinned=pinned,
        facilitators=sorted(facilitators),
        apart=apart,
        max_sector_share=max_sector_share,
        min_sectors=min_sectors,
    )
