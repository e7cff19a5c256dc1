"""Meeting requests: who asked to meet whom in the 1:1 rounds, set by organisers (API, CLI)
or by participants from their own link, and read back by the meeting planner and the plans.

Both people of a request must be registered at the event (a cancelled registration does
not count). Participants may ask to meet only people suggested to them (the ids they can
see), at most :data:`MAX_OWN_REQUESTS` at a time, and withdraw only their own requests; the
organiser's requests on their behalf stay until the organiser removes them.

Example:
    >>> mark_of({(1, 2), (2, 1), (3, 4)}, [1, 2]), mark_of({(3, 4)}, [4, 3]), mark_of(set(), [1, 2])
    ('mutual', 'requested', None)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlmodel import Session, col, select

from api.schemas import MeetingRequestView, MyMeetingRequest, PersonRef, RequestMark
from api.workflows.common import retrying
from api.workflows.errors import ConflictError, FieldError, NotFoundError
from api.workflows.plans import people_of
from models import crud
from models.entities import Organisation, Person
from models.seating import (
    MeetingRequest,
    MeetingRequestCreate,
    RequestSource,
    add_meeting_request,
    event_meeting_requests,
    find_meeting_request,
)
from models.suggestions import StoredSuggestion

MAX_OWN_REQUESTS = 10
"""How many meeting requests a participant may have at a time (the rounds are few)."""


def mark_of(requested: Collection[tuple[int, int]], people: Sequence[int]) -> RequestMark | None:
    """How a meeting of ``people`` (person ids) relates to the directed ``requested`` pairs:
    ``"mutual"`` when two of them asked each other, ``"requested"`` when one asked, else None."""
    pairs = [(a, b) for a in people for b in people if a != b]
    if any((a, b) in requested and (b, a) in requested for a, b in pairs):
        return "mutual"
    return "requested" if any(p in requested for p in pairs) else None


def requested_pairs(*, session: Session, event_id: int) -> list[tuple[int, int]]:
    """The event's requests as (requester, requested) person ids, in the order made."""
    return [
        (r.requester_id, r.requested_id) for r in event_meeting_requests(session=session, event_id=event_id)
    ]


def _check_registered(session: Session, event_id: int, person_id: int, field: str) -> None:
    found = crud.find_registration(session=session, event_id=event_id, person_id=person_id)
    if found is None or found.cancelled:
        raise FieldError(field, f"person {person_id} is not registered at this event")


def person_ref(people: dict[int, tuple[Person, Organisation | None]], person_id: int) -> PersonRef:
    """``person_id`` as lists show them, from :func:`api.workflows.plans.people_of`."""
    person, org = people[person_id]
    return PersonRef(person_id=person_id, name=person.name, organisation=org.name if org else None)


def _views(
    session: Session, rows: Sequence[MeetingRequest], all_pairs: set[tuple[int, int]]
) -> list[MeetingRequestView]:
    people = people_of(session, [i for r in rows for i in (r.requester_id, r.requested_id)])
    out = []
    for r in rows:
        assert r.id is not None
        out.append(
            MeetingRequestView(
                id=r.id,
                event_id=r.event_id,
                requester=person_ref(people, r.requester_id),
                requested=person_ref(people, r.requested_id),
                source=r.source,
                created_at=r.created_at,
                mutual=(r.requested_id, r.requester_id) in all_pairs,
            )
        )
    return out


def list_requests(*, session: Session, event_id: int) -> list[MeetingRequestView]:
    """The event's meeting requests, in the order made, each marked mutual or not."""
    rows = event_meeting_requests(session=session, event_id=event_id)
    return _views(session, rows, {(r.requester_id, r.requested_id) for r in rows})


def add_requests(
    *, session: Session, event_id: int, request_in: MeetingRequestCreate, source: RequestSource
) -> list[MeetingRequestView]:
    """Store the request (both directions when ``mutual``); asking again changes nothing.
    Returns the stored rows it names."""
    a, b = request_in.requester_id, request_in.requested_id
    _check_registered(session, event_id, a, "requester_id")
    _check_registered(session, event_id, b, "requested_id")
    directions = [(a, b), (b, a)] if request_in.mutual else [(a, b)]

    def work() -> list[int]:
        ids = []
        for x, y in directions:
            row, _ = add_meeting_request(
                session=session, event_id=event_id, requester_id=x, requested_id=y, source=source
            )
            assert row.id is not None
            ids.append(row.id)
        session.commit()
        return ids

    ids = retrying(session, work)
    rows = [r for r in event_meeting_requests(session=session, event_id=event_id) if r.id in ids]
    every = set(requested_pairs(session=session, event_id=event_id))
    return _views(session, rows, every)


def remove_request(*, session: Session, event_id: int, request_id: int) -> None:
    """Delete one of the event's requests, or :class:`NotFoundError`."""
    row = session.get(MeetingRequest, request_id)
    if row is None or row.event_id != event_id:
        raise NotFoundError("meeting request not found")
    session.delete(row)
    session.commit()


def remove_pair(*, session: Session, event_id: int, requester_id: int, requested_id: int, both: bool) -> int:
    """Delete the request of ``requester_id`` to meet ``requested_id`` (and the other
    direction too with ``both``); how many were deleted. None found is :class:`NotFoundError`."""
    directions = [(requester_id, requested_id)] + ([(requested_id, requester_id)] if both else [])
    rows = [
        found
        for x, y in directions
        if (found := find_meeting_request(session=session, event_id=event_id, requester_id=x, requested_id=y))
    ]
    if not rows:
        raise NotFoundError(f"no meeting request of person {requester_id} to meet person {requested_id}")
    for row in rows:
        session.delete(row)
    session.commit()
    return len(rows)


# --------------------------------------------------------------------------- participants


def _mine(session: Session, rows: Sequence[MeetingRequest]) -> list[MyMeetingRequest]:
    people = people_of(session, [r.requested_id for r in rows])
    out = []
    for r in rows:
        if r.requested_id not in people:
            continue
        ref = person_ref(people, r.requested_id)
        assert r.id is not None
        out.append(
            MyMeetingRequest(
                id=r.id,
                person_id=ref.person_id,
                name=ref.name,
                organisation=ref.organisation,
                source=r.source,
                created_at=r.created_at,
            )
        )
    return out


def my_requests(*, session: Session, event_id: int, person_id: int) -> list[MyMeetingRequest]:
    """A participant's own requests (whom they asked to meet), in the order made."""
    rows = event_meeting_requests(session=session, event_id=event_id, requester_id=person_id)
    return _mine(session, rows)


def _suggested(session: Session, event_id: int, person_id: int, target_id: int) -> bool:
    statement = select(col(StoredSuggestion.id)).where(
        StoredSuggestion.event_id == event_id,
        StoredSuggestion.person_id == person_id,
        StoredSuggestion.target_id == target_id,
    )
    return session.exec(statement).first() is not None


def ask_to_meet(
    *, session: Session, event_id: int, person_id: int, target_id: int
) -> tuple[MyMeetingRequest, bool]:
    """A participant asks to meet one of their suggested partners: the request, and whether
    it is new (asking again returns the first one)."""
    if not _suggested(session, event_id, person_id, target_id):
        raise FieldError("person_id", f"person {target_id} is not among your suggested partners")
    _check_registered(session, event_id, target_id, "person_id")
    own = event_meeting_requests(session=session, event_id=event_id, requester_id=person_id)
    is_new = all(r.requested_id != target_id for r in own)
    if is_new and sum(r.source is RequestSource.PARTICIPANT for r in own) >= MAX_OWN_REQUESTS:
        raise ConflictError(
            f"person_id: you already have {MAX_OWN_REQUESTS} meeting requests; withdraw one first"
        )

    def work() -> MeetingRequest:
        row, _ = add_meeting_request(
            session=session,
            event_id=event_id,
            requester_id=person_id,
            requested_id=target_id,
            source=RequestSource.PARTICIPANT,
        )
        session.commit()
        return row

    row = retrying(session, work)
    return _mine(session, [row])[0], is_new


def withdraw(*, session: Session, event_id: int, person_id: int, request_id: int) -> None:
    """A participant withdraws one of their own requests; the organiser's stay."""
    row = session.get(MeetingRequest, request_id)
    if row is None or row.event_id != event_id or row.requester_id != person_id:
        raise NotFoundError("meeting request not found")
    if row.source is not RequestSource.PARTICIPANT:
        raise ConflictError("the organiser added this request; ask them to remove it")
    session.delete(row)
    session.commit()
