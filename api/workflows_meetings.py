"""1:1 meeting rounds behind the HTTP routes: plan (background job), read, lock, re-plan.

A meeting plan is stored in the ``stored_table_plan`` table with ``params["kind"] ==
"meetings"`` (no schema change): ``assignment[r][i]`` is the table (from 0) of
``person_ids[i]`` in round ``r``, :data:`BYE` when they are there without a meeting, and
:data:`ABSENT` when they are not there. People at the same table in a round meet. The
engine's per-round scores and optimality flags live in ``params`` so the stored plan can be
rebuilt as a :class:`matcher.MeetingPlan` for :func:`matcher.replan_meetings`.

Loading and scoring reuse the table-plan helpers (``workflows_api._table_inputs``) and the
planning call reuses :func:`api.workflows_tables.plan_event_meetings` (colleagues never meet,
plan checked).

Example:
    >>> from matcher import plan_meetings
    >>> import numpy as np
    >>> plan = plan_meetings(np.ones((3, 3)), rounds=1)
    >>> grid = to_assignment(plan)
    >>> sorted(grid[0]), from_stored(grid, [0.0], [True], "bye").meetings == plan.meetings
    ([-1, 0, 0], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from api import workflows_api as wf
from api.jobs import Report
from api.schemas import (
    ContactDetails,
    MeetingBye,
    MeetingPartner,
    MeetingPerson,
    MeetingPlanCreate,
    MeetingPlanPublic,
    MeetingPlanReplan,
    MeetingTable,
    MyMeeting,
    MyMeetings,
)
from api.workflows_tables import plan_event_meetings
from matcher.meetings import Meeting, MeetingPlan, OddMode, is_valid_meeting_plan
from matcher.replan import replan_meetings
from models.results import StoredTablePlan
from models.tables import Event, Organisation, Person

KIND = "meetings"
BYE = -1
ABSENT = -2


def is_meeting_plan(stored: StoredTablePlan) -> bool:
    """True for a stored 1:1 meeting plan (the table also holds workshop table plans)."""
    return stored.params.get("kind") == KIND


def to_assignment(plan: MeetingPlan) -> list[list[int]]:
    """``grid[r][i]``: the table of person ``i`` in round ``r``, :data:`BYE` or :data:`ABSENT`."""
    grid = [[ABSENT] * plan.n for _ in range(plan.rounds)]
    for r in range(plan.rounds):
        for p in plan.present[r]:
            grid[r][p] = BYE
    for m in plan.meetings:
        for p in m.people:
            grid[m.round][p] = m.table
    return grid


def from_stored(
    assignment: Sequence[Sequence[int]],
    round_scores: Sequence[float],
    optimal: Sequence[bool],
    odd: OddMode,
) -> MeetingPlan:
    """Rebuild the engine's :class:`MeetingPlan` from :func:`to_assignment`'s grid."""
    n = len(assignment[0]) if assignment else 0
    meetings: list[Meeting] = []
    for r, row in enumerate(assignment):
        tables: dict[int, list[int]] = {}
        for i, table in enumerate(row):
            if table >= 0:
                tables.setdefault(table, []).append(i)
        meetings += [Meeting(r, t, tuple(sorted(people))) for t, people in sorted(tables.items())]
    return MeetingPlan(
        n=n,
        rounds=len(assignment),
        meetings=tuple(meetings),
        byes=tuple(tuple(i for i, t in enumerate(row) if t == BYE) for row in assignment),
        present=tuple(tuple(i for i, t in enumerate(row) if t != ABSENT) for row in assignment),
        score=float(sum(round_scores)),
        round_scores=tuple(float(s) for s in round_scores),
        optimal=tuple(bool(o) for o in optimal),
        odd=odd,
    )


def _plan_params(plan: MeetingPlan) -> dict[str, Any]:
    return {"round_scores": list(plan.round_scores), "optimal": list(plan.optimal)}


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def present_only(event: Event, mode: str) -> bool:
    """Who takes part: checked-in people when ``mode`` is present, or auto and the event is live."""
    return mode == "present" or (mode == "auto" and event.status == "live")


def check_meeting_request(session: Session, *, event: Event, params: MeetingPlanCreate) -> None:
    """Refuse at once (422) a plan for fewer than two people."""
    assert event.id is not None
    only_present = present_only(event, params.mode)
    n = len(wf.event_population(session, event.id, present_only=only_present))
    if n < 2:
        who = "checked-in" if only_present else "registered"
        raise ValueError(f"mode: {n} {who} participant(s); a meeting plan needs at least 2")


def create_meeting_plan(
    session: Session, report: Report, *, event_id: int, params: MeetingPlanCreate, encoder: Any
) -> dict[str, Any]:
    """Plan the 1:1 meeting rounds for the event and store them (a background job)."""
    event = session.get(Event, event_id)
    if event is None:
        raise wf.NotFoundError("event not found")
    only_present = present_only(event, params.mode)
    report(0.05, "scoring participants")
    profiles, scores = wf._table_inputs(session, event_id, only_present, encoder)
    report(0.3, f"planning {params.rounds} meeting rounds for {len(profiles)} people")
    plan = plan_event_meetings(
        profiles, scores, params.rounds, odd=params.odd, seconds=params.seconds, seed=params.seed
    )
    stored = StoredTablePlan(
        event_id=event_id,
        params={"kind": KIND, **params.model_dump(), "present_only": only_present, **_plan_params(plan)},
        person_ids=[int(p.id) for p in profiles],
        assignment=to_assignment(plan),
        locked_rounds=0,
        score=_finite(plan.score),
        violations=list(plan.violations),
    )
    session.add(stored)
    session.commit()
    return {"plan_id": stored.id, "people": len(profiles), "rounds": params.rounds}


def replan_meeting_rounds(
    session: Session, report: Report, *, plan_id: int, params: MeetingPlanReplan, encoder: Any
) -> dict[str, Any]:
    """Re-plan the rounds after the locked ones for the people there now; locked rounds stay.

    Walk-ins join the future rounds; people who left keep their locked meetings and are
    absent afterwards. Pairs who met in a locked round never meet again.
    """
    stored = session.get(StoredTablePlan, plan_id)
    if stored is None or not is_meeting_plan(stored):
        raise wf.NotFoundError("meeting plan not found")
    rounds = len(stored.assignment)
    if stored.locked_rounds >= rounds:
        raise ValueError(f"locked_rounds: all {rounds} rounds are locked; nothing to re-plan")
    p = stored.params
    odd: OddMode = "trio" if p.get("odd") == "trio" else "bye"
    before = from_stored(stored.assignment, p["round_scores"], p["optimal"], odd)
    report(0.05, "scoring participants")
    profiles, scores = wf._table_inputs(session, stored.event_id, params.present_only, encoder)
    new_ids = [int(prof.id) for prof in profiles]
    report(0.3, f"re-planning {len(profiles)} people from round {stored.locked_rounds + 1}")
    after = replan_meetings(
        before,
        list(stored.person_ids),
        new_ids,
        scores,
        played=stored.locked_rounds,
        seconds=params.seconds,
        seed=params.seed,
    )
    if not is_valid_meeting_plan(after.plan):
        raise RuntimeError(f"meeting plan: breaks a hard rule: {after.plan.violations[:1]}")
    old = set(stored.person_ids)
    gone = [pid for pid in stored.person_ids if pid not in set(new_ids)]
    ids = [*stored.person_ids, *(pid for pid in new_ids if pid not in old)]
    assert tuple(ids) == after.ids
    stored.person_ids = ids
    stored.assignment = to_assignment(after.plan)
    stored.params = {**p, **_plan_params(after.plan), "replanned_at": wf.now().isoformat()}
    stored.score = _finite(after.plan.score)
    stored.violations = list(after.plan.violations)
    stored.updated_at = wf.now()
    session.add(stored)
    session.commit()
    return {"plan_id": stored.id, "people": len(new_ids), "left": len(gone), "rounds": rounds}


def get_meeting_plan(*, session: Session, event_id: int, plan_id: int) -> StoredTablePlan:
    """A stored meeting plan of this event, or :class:`api.workflows_api.NotFoundError`."""
    stored = session.get(StoredTablePlan, plan_id)
    if stored is None or stored.event_id != event_id or not is_meeting_plan(stored):
        raise wf.NotFoundError("meeting plan not found")
    return stored


def list_meeting_plans(*, session: Session, event_id: int) -> list[int]:
    """Ids of the event's meeting plans, newest first."""
    statement = (
        select(StoredTablePlan)
        .where(StoredTablePlan.event_id == event_id)
        .order_by(col(StoredTablePlan.id).desc())
    )
    return [s.id for s in session.exec(statement).all() if s.id is not None and is_meeting_plan(s)]


def _people(session: Session, ids: Sequence[int]) -> dict[int, tuple[Person, Organisation | None]]:
    rows = session.exec(
        select(Person, Organisation)
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .where(col(Person.id).in_(list(ids)))
    ).all()
    return {int(person.id): (person, org) for person, org in rows if person.id is not None}


def meeting_plan_view(*, session: Session, stored: StoredTablePlan) -> MeetingPlanPublic:
    """A stored meeting plan as printable rows (round and table numbered from 1)."""
    people = _people(session, stored.person_ids)

    def person(column: int) -> MeetingPerson:
        pid = stored.person_ids[column]
        found, org = people[pid]
        return MeetingPerson(
            person_id=pid,
            name=found.name,
            organisation=org.name if org else None,
            sector=org.sector if org else None,
        )

    meetings: list[MeetingTable] = []
    byes: list[MeetingBye] = []
    for r, row in enumerate(stored.assignment):
        tables: dict[int, list[int]] = {}
        for column, table in enumerate(row):
            if stored.person_ids[column] not in people:  # deleted since
                continue
            if table == BYE:
                byes.append(MeetingBye(round=r + 1, person=person(column)))
            elif table >= 0:
                tables.setdefault(table, []).append(column)
        meetings += [
            MeetingTable(round=r + 1, table=t + 1, people=[person(c) for c in columns])
            for t, columns in sorted(tables.items())
        ]
    assert stored.id is not None
    return MeetingPlanPublic(
        id=stored.id,
        event_id=stored.event_id,
        params=stored.params,
        rounds=len(stored.assignment),
        locked_rounds=stored.locked_rounds,
        score=stored.score,
        violations=stored.violations,
        meetings=meetings,
        byes=byes,
    )


def my_meetings(*, session: Session, event_id: int, person_id: int) -> MyMeetings:
    """A participant's meetings in the event's newest meeting plan: partners' names and
    organisations; a partner's e-mail and role only where that partner consented."""
    plans = session.exec(
        select(StoredTablePlan)
        .where(StoredTablePlan.event_id == event_id)
        .order_by(col(StoredTablePlan.id).desc())
    ).all()
    stored = next((plan for plan in plans if is_meeting_plan(plan)), None)
    if stored is None or person_id not in stored.person_ids:
        return MyMeetings(event_id=event_id, plan_id=stored.id if stored else None, meetings=[], byes=[])
    me = stored.person_ids.index(person_id)
    rounds = [(r, row, row[me]) for r, row in enumerate(stored.assignment)]
    partner_columns = {
        r: [c for c, t in enumerate(row) if t == table and c != me] for r, row, table in rounds if table >= 0
    }
    people = _people(session, [stored.person_ids[c] for cs in partner_columns.values() for c in cs])

    def partner(column: int) -> MeetingPartner | None:
        found = people.get(stored.person_ids[column])
        if found is None:
            return None
        person, org = found
        contact = (
            ContactDetails(email=person.email, role=person.role) if person.consent_share_contact else None
        )
        return MeetingPartner(
            person_id=stored.person_ids[column],
            name=person.name,
            organisation=org.name if org else None,
            contact=contact,
        )

    meetings = [
        MyMeeting(
            round=r + 1,
            table=row[me] + 1,
            locked=r < stored.locked_rounds,
            partners=[p for p in map(partner, partner_columns[r]) if p is not None],
        )
        for r, row, _ in rounds
        if r in partner_columns
    ]
    byes = [r + 1 for r, _, table in rounds if table == BYE]
    return MyMeetings(event_id=event_id, plan_id=stored.id, meetings=meetings, byes=byes)
