"""What each participant's e-mail of a kind says, read from the database into the plain
content of :mod:`api.mail.content`, and who gets nothing and why.

The same rules as their personal page: stored suggestions with reasons in their language,
a partner's contact details only where that partner consented
(:func:`api.workflows.suggestions.participant_suggestions`), seats and 1:1 meetings from the
event's newest plans (:func:`api.workflows.table_plans.seats_in`,
:func:`api.workflows.meeting_plans.meetings_in`), times from the event's round schedules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from api.mail.content import Contact, EventInfo, MailContent, Meeting, MeetingPerson, Partner, Seat, Slot
from api.schemas import SuggestionList
from api.workflows.consent import skip_reason
from api.workflows.errors import ConflictError
from api.workflows.meeting_plans import meeting_tables, meetings_in
from api.workflows.plans import newest_plan, people_of
from api.workflows.suggestions import participant_suggestions
from api.workflows.table_plans import seats_in
from models.entities import Event, Person, Registration
from models.feedback import Feedback
from models.participation import participants
from models.plans import PlanKind, StoredTablePlan
from models.schedule import RoundSchedule, round_times
from models.suggestions import StoredSuggestion
from models.validation import check_email


@dataclass(frozen=True)
class PersonMail:
    """One participant's message content, and why they get none (``skip``), if so."""

    person_id: int
    content: MailContent
    skip: str | None
    link_nonce: str = ""  # the registration's: the message's links carry it


@dataclass(frozen=True)
class Material:
    """What the messages of one kind draw on: the newest plans and the round schedules."""

    tables: StoredTablePlan | None = None
    meetings: StoredTablePlan | None = None
    table_times: RoundSchedule | None = None
    meeting_times: RoundSchedule | None = None


def event_info(event: Event) -> EventInfo:
    """The event as messages name it."""
    assert event.id is not None
    return EventInfo(event_id=event.id, name=event.name, date=event.date, venue=event.venue)


def material(session: Session, event: Event, kind: str) -> Material:
    """What ``kind`` messages need; :class:`ConflictError` with the fix when it is missing
    (``before``: stored suggestions; ``live``: a table plan)."""
    assert event.id is not None
    if kind == "before":
        found = session.exec(select(StoredSuggestion.id).where(StoredSuggestion.event_id == event.id)).first()
        if found is None:
            raise ConflictError(
                f"event {event.id} has no suggestions yet: "
                f"compute them first (kohtaamo suggest --event {event.id})"
            )
        return Material()
    if kind != "live":
        return Material()
    tables = newest_plan(session=session, event_id=event.id, kind=PlanKind.TABLES)
    if tables is None:
        raise ConflictError(
            f"event {event.id} has no table plan: plan the tables first (kohtaamo tables --event {event.id})"
        )
    return Material(
        tables=tables,
        meetings=newest_plan(session=session, event_id=event.id, kind=PlanKind.MEETINGS),
        table_times=session.get(RoundSchedule, (event.id, PlanKind.TABLES)),
        meeting_times=session.get(RoundSchedule, (event.id, PlanKind.MEETINGS)),
    )


def slot(schedule: RoundSchedule | None, round_number: int) -> Slot:
    """Round ``round_number`` with its local times where the event has a schedule."""
    if schedule is None:
        return Slot(round_number)
    starts, ends = round_times(schedule, round_number)
    zone = ZoneInfo(schedule.timezone)
    return Slot(round_number, starts.astimezone(zone), ends.astimezone(zone))


class _Reader:
    """Reads the parts of many people's messages with one load of each plan."""

    def __init__(self, session: Session, event: Event, kind: str, found: Material) -> None:
        self.session, self.event, self.kind, self.found = session, event, kind, found
        tables, meetings = found.tables, found.meetings
        self.table_column = {pid: c for c, pid in enumerate(tables.person_ids)} if tables else {}
        self.meeting_column = {pid: c for c, pid in enumerate(meetings.person_ids)} if meetings else {}
        self.meeting_grid = meeting_tables(meetings) if meetings else []
        self.meeting_people = people_of(session, meetings.person_ids) if meetings else {}

    def seats(self, person_id: int) -> tuple[Seat, ...]:
        if self.found.tables is None:
            return ()
        mine = seats_in(self.found.tables, self.table_column.get(person_id))
        return tuple(Seat(slot(self.found.table_times, s.round), s.table) for s in mine)

    def meetings(self, person_id: int) -> tuple[tuple[Meeting, ...], tuple[Slot, ...]]:
        stored, me = self.found.meetings, self.meeting_column.get(person_id)
        if stored is None or me is None:
            return (), ()
        mine, _ = meetings_in(stored, me, self.meeting_grid, self.meeting_people)
        times = self.found.meeting_times
        meetings = tuple(
            Meeting(
                slot(times, m.round),
                m.table,
                tuple(
                    MeetingPerson(
                        p.name,
                        p.organisation,
                        Contact(p.contact.email, p.contact.role) if p.contact else None,
                    )
                    for p in m.partners
                ),
            )
            for m in mine
        )
        busy = {m.round for m in mine}
        free = tuple(slot(times, r) for r in range(1, len(stored.assignment) + 1) if r not in busy)
        return meetings, free

    def partners(self, found: SuggestionList | None, person_id: int) -> tuple[Partner, ...]:
        if self.kind == "followup":  # the people they told us they met
            return self.met_partners(person_id)
        if found is None:
            return ()
        if self.kind == "feedback":  # names only: the message asks whether they met
            return tuple(Partner(s.name, s.organisation, s.sector) for s in found.suggestions)
        return tuple(
            Partner(
                name=s.name,
                organisation=s.organisation,
                sector=s.sector,
                reasons=tuple(s.reasons),
                contact=Contact(s.contact.email, s.contact.role) if s.contact else None,
                seats=self.seats(s.person_id) if self.kind == "live" else (),
            )
            for s in found.suggestions
        )

    def met_partners(self, person_id: int) -> tuple[Partner, ...]:
        assert self.event.id is not None
        rows = self.session.exec(
            select(Feedback.target_id)
            .where(Feedback.event_id == self.event.id, Feedback.person_id == person_id, col(Feedback.met))
            .order_by(col(Feedback.id))
        ).all()
        people = people_of(self.session, list(rows))
        out = []
        for target in rows:
            if target in people:
                person, org = people[target]
                out.append(Partner(person.name, org.name if org else None, org.sector if org else None))
        return tuple(out)

    def content(self, person: Person, language: str | None) -> MailContent:
        assert person.id is not None and self.event.id is not None
        found = participant_suggestions(
            session=self.session, event_id=self.event.id, person_id=person.id, language=language
        )
        meetings, free = self.meetings(person.id) if self.kind == "live" else ((), ())
        return MailContent(
            kind=self.kind,
            language=language or person.language,
            event=event_info(self.event),
            person_id=person.id,
            name=person.name,
            email=person.email,
            partners=self.partners(found, person.id),
            seats=self.seats(person.id) if self.kind == "live" else (),
            meetings=meetings,
            no_meeting=free,
        )


def address_problem(email: str) -> str | None:
    """Why ``email`` cannot be written to (``None``: it can)."""
    if not email or not email.strip():
        return "no e-mail address"
    try:
        check_email(email)
    except ValueError:
        return f"no valid e-mail address ({email!r})"
    if not email.rpartition("@")[0].isascii():
        return f"the address {email!r} needs SMTPUTF8, which these messages do not use"
    return None


def _skip(kind: str, person: Person, registration: Registration, content: MailContent) -> str | None:
    reason = skip_reason(person) or address_problem(person.email)
    if reason is not None:
        return reason
    if kind == "before" and not content.partners:
        return "no suggestions for them"
    if kind == "live" and not content.seats:
        return "not seated in the table plan"
    if kind in ("feedback", "followup") and registration.checked_in_at is None:
        return "did not check in"
    if kind == "followup" and not content.partners:
        return "told us of no one they met"
    return None


def gather(
    session: Session,
    event: Event,
    kind: str,
    found: Material,
    *,
    person_ids: Sequence[int] | None = None,
    language: str | None = None,
) -> list[PersonMail]:
    """Every participant's ``kind`` message (or only ``person_ids``'), in registration
    order, each with the reason it is not sent, if any. ``language`` overrides theirs."""
    assert event.id is not None
    registrations = list(session.exec(participants(event.id, present_only=False)).all())
    if person_ids is not None:
        wanted = set(person_ids)
        registrations = [r for r in registrations if r.person_id in wanted]
    people = people_of(session, [r.person_id for r in registrations])
    reader = _Reader(session, event, kind, found)
    out = []
    for registration in registrations:
        person, _ = people[registration.person_id]
        content = reader.content(person, language)
        skip = _skip(kind, person, registration, content)
        out.append(PersonMail(registration.person_id, content, skip, registration.link_nonce))
    return out
