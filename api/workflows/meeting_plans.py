"""1:1 meeting rounds of an event: plan and store (a background job), re-plan after walk-ins,
read as printable rows, and a participant's own meetings.

Stored as :class:`models.plans.StoredTablePlan` with ``kind`` meetings, in the grid of
:mod:`api.workflows.meeting_grid`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from sqlmodel import Session

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
from api.workflows.common import Progress, no_progress, now
from api.workflows.errors import FieldError, NotFoundError
from api.workflows.events import require_event
from api.workflows.meeting_grid import BYE, from_stored, plan_params, to_assignment
from api.workflows.meeting_requests import mark_of, requested_pairs
from api.workflows.planning import by_position, odd_rule, plan_event_meetings
from api.workflows.plans import check_unlocked, newest_plan, people_of
from api.workflows.scoring import plan_inputs
from api.workflows.suggestions import live_mode
from matcher import MeetingPlan, Profile, TextEncoder, is_valid_meeting_plan, replan_meetings
from models.entities import Event
from models.participation import participant_ids
from models.plans import OddRule, PlanKind, StoredTablePlan


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def check_meeting_request(session: Session, *, event: Event, params: MeetingPlanCreate) -> None:
    """Refuse at once (422) a plan for fewer than two people."""
    assert event.id is not None
    only_present = live_mode(event.status, params.mode)
    n = len(participant_ids(session, event.id, present_only=only_present))
    if n < 2:
        who = "checked-in" if only_present else "registered"
        raise FieldError("mode", f"{n} {who} participant(s); a meeting plan needs at least 2")


def plan_event(
    *,
    session: Session,
    event_id: int,
    params: MeetingPlanCreate,
    encoder: TextEncoder,
    progress: Progress = no_progress,
) -> tuple[list[Profile], MeetingPlan]:
    """Plan the event's 1:1 meeting rounds: the people (in plan order) and the checked plan."""
    event = require_event(session=session, event_id=event_id)
    progress(0.05, "scoring participants")
    only_present = live_mode(event.status, params.mode)
    profiles, scores = plan_inputs(session, event_id, present_only=only_present, encoder=encoder)
    progress(0.3, f"planning {params.rounds} meeting rounds for {len(profiles)} people")
    requested = by_position(profiles, requested_pairs(session=session, event_id=event_id))
    plan = plan_event_meetings(
        profiles,
        scores,
        params.rounds,
        odd=params.odd,
        seconds=params.seconds,
        seed=params.seed,
        requested=requested,
    )
    return profiles, plan


def store_plan(
    *,
    session: Session,
    event: Event,
    params: MeetingPlanCreate,
    profiles: Sequence[Profile],
    plan: MeetingPlan,
) -> StoredTablePlan:
    """Store a plan of :func:`plan_event` (its rounds unlocked)."""
    assert event.id is not None
    only_present = live_mode(event.status, params.mode)
    stored = StoredTablePlan(
        event_id=event.id,
        kind=PlanKind.MEETINGS,
        odd=odd_rule(params.odd),
        params={**params.model_dump(exclude={"odd"}), "present_only": only_present, **plan_params(plan)},
        person_ids=[int(p.id) for p in profiles],
        assignment=to_assignment(plan),
        locked_rounds=0,
        score=_finite(plan.score),
        violations=list(plan.violations),
    )
    session.add(stored)
    session.commit()
    session.refresh(stored)
    return stored


def create_meeting_plan(
    *,
    session: Session,
    event_id: int,
    params: MeetingPlanCreate,
    encoder: TextEncoder,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Plan the 1:1 meeting rounds for the event and store them (the API's background job)."""
    profiles, plan = plan_event(
        session=session, event_id=event_id, params=params, encoder=encoder, progress=progress
    )
    event = require_event(session=session, event_id=event_id)
    stored = store_plan(session=session, event=event, params=params, profiles=profiles, plan=plan)
    return {"plan_id": stored.id, "people": len(profiles), "rounds": params.rounds}


def replan_meeting_rounds(
    *,
    session: Session,
    plan_id: int,
    params: MeetingPlanReplan,
    encoder: TextEncoder,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Re-plan the rounds after the locked ones for the people there now; locked rounds stay.

    Walk-ins join the future rounds; people who left keep their locked meetings and are
    absent afterwards. Pairs who met in a locked round never meet again.
    """
    stored = session.get(StoredTablePlan, plan_id)
    if stored is None or stored.kind != PlanKind.MEETINGS:
        raise NotFoundError("meeting plan not found")
    check_unlocked(stored)
    p = stored.params
    before = from_stored(stored.assignment, p["round_scores"], p["optimal"], _odd(stored))
    progress(0.05, "scoring participants")
    profiles, scores = plan_inputs(
        session, stored.event_id, present_only=params.present_only, encoder=encoder
    )
    new_ids = [int(prof.id) for prof in profiles]
    progress(0.3, f"re-planning {len(profiles)} people from round {stored.locked_rounds + 1}")
    after = replan_meetings(
        before,
        list(stored.person_ids),
        new_ids,
        scores,
        played=stored.locked_rounds,
        requested=requested_pairs(session=session, event_id=stored.event_id),
        seconds=params.seconds,
        seed=params.seed,
    )
    if not is_valid_meeting_plan(after.plan):
        raise RuntimeError(f"meeting plan: breaks a hard rule: {after.plan.violations[:1]}")
    gone = set(stored.person_ids) - set(new_ids)
    stored.person_ids = [cast(int, i) for i in after.ids]
    stored.assignment = to_assignment(after.plan)
    stored.params = {**p, **plan_params(after.plan), "replanned_at": now().isoformat()}
    stored.score = _finite(after.plan.score)
    stored.violations = list(after.plan.violations)
    stored.updated_at = now()
    session.add(stored)
    session.commit()
    return {"plan_id": stored.id, "people": len(new_ids), "left": len(gone), "rounds": len(stored.assignment)}


def _odd(stored: StoredTablePlan) -> Any:
    return "trio" if stored.odd == OddRule.TRIO else "bye"


def _person(stored: StoredTablePlan, people: dict[int, Any], column: int) -> MeetingPerson:
    pid = stored.person_ids[column]
    found, org = people[pid]
    return MeetingPerson(
        person_id=pid,
        name=found.name,
        organisation=org.name if org else None,
        sector=org.sector if org else None,
    )


def meeting_plan_view(*, session: Session, stored: StoredTablePlan) -> MeetingPlanPublic:
    """A stored meeting plan as printable rows (round and table numbered from 1)."""
    people = people_of(session, stored.person_ids)
    asked = set(requested_pairs(session=session, event_id=stored.event_id))
    meetings: list[MeetingTable] = []
    byes: list[MeetingBye] = []
    for r, row in enumerate(stored.assignment):
        tables: dict[int, list[int]] = {}
        for column, table in enumerate(row):
            if stored.person_ids[column] not in people:  # deleted since
                continue
            if table == BYE:
                byes.append(MeetingBye(round=r + 1, person=_person(stored, people, column)))
            elif table >= 0:
                tables.setdefault(table, []).append(column)
        meetings += [
            MeetingTable(
                round=r + 1,
                table=t + 1,
                people=[_person(stored, people, c) for c in columns],
                request=mark_of(asked, [stored.person_ids[c] for c in columns]),
            )
            for t, columns in sorted(tables.items())
        ]
    assert stored.id is not None
    return MeetingPlanPublic(
        id=stored.id,
        event_id=stored.event_id,
        params={**stored.params, "kind": stored.kind.value, "odd": _odd(stored)},
        rounds=len(stored.assignment),
        locked_rounds=stored.locked_rounds,
        score=stored.score,
        violations=stored.violations,
        meetings=meetings,
        byes=byes,
    )


def _partner(stored: StoredTablePlan, people: dict[int, Any], column: int) -> MeetingPartner | None:
    found = people.get(stored.person_ids[column])
    if found is None:
        return None
    person, org = found
    contact = ContactDetails(email=person.email, role=person.role) if person.consent_share_contact else None
    return MeetingPartner(
        person_id=stored.person_ids[column],
        name=person.name,
        organisation=org.name if org else None,
        contact=contact,
    )


def meeting_tables(stored: StoredTablePlan) -> list[dict[int, list[int]]]:
    """Per round, each meeting table's plan columns (the people who meet there)."""
    rounds: list[dict[int, list[int]]] = []
    for row in stored.assignment:
        tables: dict[int, list[int]] = {}
        for column, table in enumerate(row):
            if table >= 0:
                tables.setdefault(table, []).append(column)
        rounds.append(tables)
    return rounds


def meetings_in(
    stored: StoredTablePlan, me: int, tables: Sequence[dict[int, list[int]]], people: dict[int, Any]
) -> tuple[list[MyMeeting], list[int]]:
    """The meetings and bye rounds of the person in plan column ``me``, given the plan's
    :func:`meeting_tables` and the partners' rows (:func:`api.workflows.plans.people_of`)."""
    meetings = [
        MyMeeting(
            round=r + 1,
            table=row[me] + 1,
            locked=r < stored.locked_rounds,
            partners=[
                p
                for p in (_partner(stored, people, c) for c in tables[r][row[me]] if c != me)
                if p is not None
            ],
        )
        for r, row in enumerate(stored.assignment)
        if row[me] >= 0
    ]
    byes = [r + 1 for r, row in enumerate(stored.assignment) if row[me] == BYE]
    return meetings, byes


def my_meetings(*, session: Session, event_id: int, person_id: int) -> MyMeetings:
    """A participant's meetings in the event's newest meeting plan: partners' names and
    organisations; a partner's e-mail and role only where that partner consented."""
    stored = newest_plan(session=session, event_id=event_id, kind=PlanKind.MEETINGS)
    if stored is None or person_id not in stored.person_ids:
        return MyMeetings(event_id=event_id, plan_id=stored.id if stored else None, meetings=[], byes=[])
    me = stored.person_ids.index(person_id)
    tables = meeting_tables(stored)
    partner_ids = [
        stored.person_ids[c]
        for r, row in enumerate(stored.assignment)
        if row[me] >= 0
        for c in tables[r][row[me]]
        if c != me
    ]
    meetings, byes = meetings_in(stored, me, tables, people_of(session, partner_ids))
    return MyMeetings(event_id=event_id, plan_id=stored.id, meetings=meetings, byes=byes)
