"""Workshop table plans of an event: plan and store (a background job), re-plan the rounds not
yet played after walk-ins (through :func:`matcher.replan_tables`), read as printable seats,
and a participant's own seats.

Stored as :class:`models.plans.StoredTablePlan` with ``kind`` tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlmodel import Session

from api.schemas import MySeat, MyTables, Seat, TablePlanCreate, TablePlanPublic, TablePlanReplan
from api.workflows.common import Progress, no_progress, now
from api.workflows.errors import NotFoundError
from api.workflows.plan_rows import table_layout
from api.workflows.planning import (
    check_table_plan,
    engine_rules,
    person_labels,
    plan_event_tables,
    precheck_tables,
)
from api.workflows.plans import check_unlocked, newest_plan, people_of
from api.workflows.scoring import plan_inputs, seatable_profiles
from api.workflows.seating_rules import TableRules, seat_marks, table_rules
from matcher import Profile, TablePlan, TextEncoder, locked_from, replan_tables
from matcher.replan import old_index
from models.plans import PlanKind, StoredTablePlan
from models.profiles import event_profiles


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def plan_rules(
    session: Session,
    event_id: int,
    profiles: Sequence[Profile],
    layout: Sequence[tuple[int, int]],
    params: dict[str, Any],
) -> TableRules:
    """The event's seating rules for a plan of ``profiles`` at ``layout``, with the sector rules
    of ``params`` (a request's or a stored plan's parameters; older plans have none)."""
    return table_rules(
        session=session,
        event_id=event_id,
        profiles=profiles,
        n_tables=len(layout),
        max_sector_share=params.get("max_sector_share"),
        min_sectors=params.get("min_sectors"),
    )


def checked_rules(
    session: Session, event_id: int, profiles: Sequence[Profile], params: TablePlanCreate
) -> tuple[list[tuple[int, int]], TableRules]:
    """The table layout for ``profiles`` and the plan's rules, once the engine's precheck says
    some seating can keep them (else a :class:`FieldError` naming the rule and the reason)."""
    layout = table_layout(
        len(profiles), tables=params.tables, min_size=params.min_size, max_size=params.max_size
    )
    rules = plan_rules(session, event_id, profiles, layout, params.model_dump())
    separate = [p.organisation for p in profiles] if params.separate_organisations else None
    names = labels_of(session, profiles)
    precheck_tables(profiles, layout, params.rounds, separate=separate, rules=rules, names=names)
    return layout, rules


def labels_of(session: Session, profiles: Sequence[Profile]) -> list[str]:
    """How an error names each of ``profiles``: id and name, e.g. ``'person 12 (Maija Virtanen)'``
    (:func:`~api.workflows.planning.person_labels`)."""
    people = people_of(session, [int(p.id) for p in profiles])
    return person_labels(profiles, {pid: person.name for pid, (person, _) in people.items()})


def check_plan_request(session: Session, *, event_id: int, params: TablePlanCreate) -> None:
    """Refuse at once (422) a layout the event's attendance cannot fill, or seating rules it
    cannot keep (naming the rule and the engine's reason), before anything is scored."""
    checked_rules(
        session, event_id, event_profiles(session, event_id, present_only=params.present_only), params
    )


def plan_event(
    *,
    session: Session,
    event_id: int,
    params: TablePlanCreate,
    encoder: TextEncoder,
    progress: Progress = no_progress,
    on_tick: Callable[[float], None] | None = None,
) -> tuple[list[Profile], list[tuple[int, int]], TablePlan]:
    """Seat the event's participants: the people (in plan column order), the table layout and
    the checked plan. ``on_tick(elapsed)`` follows the search (for a progress bar)."""
    progress(0.05, "scoring participants")
    profiles, scores = plan_inputs(session, event_id, present_only=params.present_only, encoder=encoder)
    layout, rules = checked_rules(session, event_id, profiles, params)
    progress(0.3, f"seating {len(profiles)} people at {len(layout)} tables")
    plan = plan_event_tables(
        profiles,
        scores,
        layout,
        params.rounds,
        seconds=params.seconds,
        seed=params.seed,
        separate_organisations=params.separate_organisations,
        rules=rules,
        on_tick=on_tick,
    )
    return profiles, layout, plan


def store_plan(
    *,
    session: Session,
    event_id: int,
    params: TablePlanCreate,
    profiles: Sequence[Profile],
    layout: Sequence[tuple[int, int]],
    plan: TablePlan,
) -> StoredTablePlan:
    """Store a plan of :func:`plan_event` (its rounds unlocked)."""
    stored = StoredTablePlan(
        event_id=event_id,
        kind=PlanKind.TABLES,
        params={**params.model_dump(), "tables": len(layout)},
        person_ids=[int(p.id) for p in profiles],
        assignment=plan.assignment.tolist(),
        locked_rounds=0,
        score=_finite(plan.score),
        violations=list(plan.violations),
    )
    session.add(stored)
    session.commit()
    session.refresh(stored)
    return stored


def create_table_plan(
    *,
    session: Session,
    event_id: int,
    params: TablePlanCreate,
    encoder: TextEncoder,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Plan the workshop tables for the event and store the plan (the API's background job)."""
    profiles, layout, plan = plan_event(
        session=session, event_id=event_id, params=params, encoder=encoder, progress=progress
    )
    stored = store_plan(
        session=session, event_id=event_id, params=params, profiles=profiles, layout=layout, plan=plan
    )
    return {"plan_id": stored.id, "people": len(profiles), "tables": len(layout), "rounds": params.rounds}


def _with_gone(
    stored: StoredTablePlan, plan: TablePlan, new_ids: list[int]
) -> tuple[list[int], list[list[int]]]:
    """The re-planned columns, then the people who left: their locked seats kept for the
    record and no seat (-1) afterwards."""
    assignment = plan.assignment.tolist()
    gone = [k for k, pid in enumerate(stored.person_ids) if pid not in set(new_ids)]
    for r, row in enumerate(assignment):
        row += [stored.assignment[r][k] if r < stored.locked_rounds else -1 for k in gone]
    return new_ids + [stored.person_ids[k] for k in gone], assignment


def _replannable(session: Session, plan_id: int) -> StoredTablePlan:
    stored = session.get(StoredTablePlan, plan_id)
    if stored is None or stored.kind != PlanKind.TABLES:
        raise NotFoundError("table plan not found")
    check_unlocked(stored)
    return stored


def replan_rules(
    session: Session, stored: StoredTablePlan, profiles: Sequence[Profile]
) -> tuple[list[tuple[int, int]], list[str] | None, TableRules, list[str]]:
    """A re-plan of ``stored`` for ``profiles``: the table layout, colleagues to keep apart, the
    seating rules and how errors name each person, once the engine's precheck says the rounds
    after the locked ones can keep the rules (else a :class:`FieldError` naming the rule, the
    people by id and name, and the reason)."""
    p = stored.params
    layout = table_layout(
        len(profiles), tables=None, min_size=int(p["min_size"]), max_size=int(p["max_size"])
    )
    separate = [prof.organisation for prof in profiles] if p["separate_organisations"] else None
    rules = plan_rules(session, stored.event_id, profiles, layout, p)
    names = labels_of(session, profiles)
    rounds, played = len(stored.assignment), stored.locked_rounds
    precheck_tables(
        profiles, layout, rounds, separate=separate, rules=rules, names=names, locked_rounds=played
    )
    return layout, separate, rules, names


def check_replan_request(session: Session, *, plan_id: int, params: TablePlanReplan) -> None:
    """Refuse at once (422) a re-plan whose seating rules the people there now cannot keep in
    the rounds not yet played, naming the rule, the people and the engine's reason."""
    stored = _replannable(session, plan_id)
    profiles = seatable_profiles(session, stored.event_id, present_only=params.present_only)
    replan_rules(session, stored, profiles)


def replan_stored_tables(
    *,
    session: Session,
    plan_id: int,
    params: TablePlanReplan,
    encoder: TextEncoder,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Re-plan the rounds after the locked ones for the people there now; locked rounds stay.

    Walk-ins join the future rounds; people who left keep their seats in the locked rounds
    and have none (table -1) afterwards. Rules that cannot be kept are an error naming the
    people by id and name (:func:`replan_rules`).
    """
    stored = _replannable(session, plan_id)
    progress(0.05, "scoring participants")
    profiles, scores = plan_inputs(
        session, stored.event_id, present_only=params.present_only, encoder=encoder
    )
    layout, separate, rules, names = replan_rules(session, stored, profiles)
    new_ids = [int(prof.id) for prof in profiles]
    p = stored.params
    progress(0.3, f"re-seating {len(profiles)} people from round {stored.locked_rounds + 1}")
    plan = replan_tables(
        np.asarray(stored.assignment),
        stored.person_ids,
        new_ids,
        scores,
        layout,
        played=stored.locked_rounds,
        sectors=[prof.sector for prof in profiles],
        separate=separate,
        seconds=params.seconds,
        seed=params.seed,
        names=names,
        **engine_rules(rules),
    )
    played = locked_from(stored.assignment, stored.locked_rounds, old_index(stored.person_ids, new_ids))
    check_table_plan(
        plan, layout, separate, sectors=[prof.sector for prof in profiles], rules=rules, locked=played
    )
    stored.person_ids, stored.assignment = _with_gone(stored, plan, new_ids)
    stored.params = {**p, "tables": len(layout), "replanned_at": now().isoformat()}
    stored.score = _finite(plan.score)
    stored.violations = list(plan.violations)
    stored.updated_at = now()
    session.add(stored)
    session.commit()
    left = len(stored.person_ids) - len(new_ids)
    return {"plan_id": stored.id, "people": len(new_ids), "left": left, "tables": len(layout)}


def table_plan_view(*, session: Session, stored: StoredTablePlan) -> TablePlanPublic:
    """A stored plan as printable seats (round and table numbered from 1)."""
    people = people_of(session, stored.person_ids)
    rules = seat_marks(session=session, event_id=stored.event_id)
    seats = []
    for r, row in enumerate(stored.assignment):
        for column, table in enumerate(row):
            found = people.get(stored.person_ids[column])
            if table < 0 or found is None:
                continue
            person, organisation = found
            pinned, facilitator = rules.get(stored.person_ids[column], (None, False))
            seats.append(
                Seat(
                    round=r + 1,
                    table=table + 1,
                    person_id=stored.person_ids[column],
                    name=person.name,
                    organisation=organisation.name if organisation else None,
                    sector=organisation.sector if organisation else None,
                    host=pinned == table + 1,
                    facilitator=facilitator,
                )
            )
    seats.sort(key=lambda s: (s.round, s.table, s.name))
    assert stored.id is not None
    return TablePlanPublic(
        id=stored.id,
        event_id=stored.event_id,
        params=stored.params,
        rounds=len(stored.assignment),
        locked_rounds=stored.locked_rounds,
        score=stored.score,
        violations=stored.violations,
        seats=seats,
    )


def seats_in(stored: StoredTablePlan, column: int | None) -> list[MySeat]:
    """The seats of the person in plan column ``column`` (``None``: not in the plan, no seats)."""
    if column is None:
        return []
    return [
        MySeat(round=r + 1, table=row[column] + 1, locked=r < stored.locked_rounds)
        for r, row in enumerate(stored.assignment)
        if row[column] >= 0
    ]


def my_tables(*, session: Session, event_id: int, person_id: int) -> MyTables:
    """A participant's seats in the event's newest table plan (no other names)."""
    stored = newest_plan(session=session, event_id=event_id, kind=PlanKind.TABLES)
    if stored is None or person_id not in stored.person_ids:
        return MyTables(event_id=event_id, plan_id=stored.id if stored else None, seats=[])
    seats = seats_in(stored, stored.person_ids.index(person_id))
    return MyTables(event_id=event_id, plan_id=stored.id, seats=seats)
