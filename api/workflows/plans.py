"""What table plans and meeting plans share once stored: find one of an event's plans of a
kind, list them, the newest, lock played rounds, and the people a plan names.

Example:
    >>> from models.plans import StoredTablePlan, PlanKind
    >>> stored = StoredTablePlan(event_id=1, kind=PlanKind.TABLES, assignment=[[0, 1], [1, 0]])
    >>> stored.kind == PlanKind.TABLES, len(stored.assignment)
    (True, 2)
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from api.workflows.common import now
from api.workflows.errors import ConflictError, FieldError, NotFoundError
from api.workflows.plan_rows import PlanPerson, plan_people
from matcher import Profile
from models.entities import Organisation, Person
from models.plans import PlanKind, StoredTablePlan

NAMES = {PlanKind.TABLES: "table plan", PlanKind.MEETINGS: "meeting plan"}


def get_plan(*, session: Session, event_id: int, plan_id: int, kind: PlanKind) -> StoredTablePlan:
    """A stored plan of this kind and event, or :class:`NotFoundError`."""
    stored = session.get(StoredTablePlan, plan_id)
    if stored is None or stored.event_id != event_id or stored.kind != kind:
        raise NotFoundError(f"{NAMES[kind]} not found")
    return stored


def list_plans(*, session: Session, event_id: int, kind: PlanKind) -> list[int]:
    """Ids of the event's plans of this kind, newest first."""
    statement = (
        select(StoredTablePlan.id)
        .where(StoredTablePlan.event_id == event_id, StoredTablePlan.kind == kind)
        .order_by(col(StoredTablePlan.id).desc())
    )
    return [int(i) for i in session.exec(statement).all() if i is not None]


def newest_plan(*, session: Session, event_id: int, kind: PlanKind) -> StoredTablePlan | None:
    """The event's newest plan of this kind, if any."""
    statement = (
        select(StoredTablePlan)
        .where(StoredTablePlan.event_id == event_id, StoredTablePlan.kind == kind)
        .order_by(col(StoredTablePlan.id).desc())
    )
    return session.exec(statement).first()


def lock_rounds(*, session: Session, stored: StoredTablePlan, rounds: int) -> StoredTablePlan:
    """Lock the first ``rounds`` rounds (printed or played); locking never goes backwards."""
    if rounds > len(stored.assignment):
        raise FieldError("rounds", f"the plan has {len(stored.assignment)} rounds, cannot lock {rounds}")
    if rounds < stored.locked_rounds:
        raise ConflictError(
            f"rounds: {stored.locked_rounds} rounds are already locked; locks are never undone"
        )
    stored.locked_rounds = rounds
    stored.updated_at = now()
    session.add(stored)
    session.commit()
    session.refresh(stored)
    return stored


def check_unlocked(stored: StoredTablePlan) -> None:
    """Refuse to re-plan a plan whose every round is locked."""
    rounds = len(stored.assignment)
    if stored.locked_rounds >= rounds:
        raise FieldError("locked_rounds", f"all {rounds} rounds are locked; nothing to re-plan")


def people_of(session: Session, ids: Sequence[int]) -> dict[int, tuple[Person, Organisation | None]]:
    """The people with these ids and their organisations (people deleted since are missing)."""
    rows = session.exec(
        select(Person, Organisation)
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .where(col(Person.id).in_(list(ids)))
    ).all()
    return {int(person.id): (person, org) for person, org in rows if person.id is not None}


def printable_people(session: Session, profiles: Sequence[Profile]) -> list[PlanPerson]:
    """What a printed plan shows of each of ``profiles`` (name, organisation, sector), in order."""
    found = people_of(session, [int(p.id) for p in profiles])
    names = {str(pid): (person.name, org.name if org else "") for pid, (person, org) in found.items()}
    return plan_people(profiles, names)
