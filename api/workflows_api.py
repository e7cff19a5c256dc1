"""Thin workflows behind the HTTP routes: load from ``models``, call ``matcher``, store.

Route handlers stay one call deep; everything here takes keyword arguments and a session.
Access scoping lives here too: an organiser sees the events they run, the people
registered at those events, and the organisations of those people (plus organisations no
one belongs to yet); admins see everything. Anything out of scope is "not found", the same
answer as for something that does not exist.

Example:
    >>> NotFoundError("event not found").args[0]
    'event not found'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from api.jobs import Report
from api.schemas import (
    ContactDetails,
    FeedbackSummary,
    MySeat,
    MyTables,
    RegistrationView,
    Seat,
    SuggestedPartner,
    SuggestionList,
    TablePlanCreate,
    TablePlanPublic,
    TablePlanReplan,
    WalkIn,
)
from api.security import LinkSigner, new_organiser_token
from api.workflows_tables import table_layout
from matcher.affinity import affinity as compute_affinity
from matcher.profile import Profile
from matcher.suggest import suggest
from matcher.tables import locked_from, plan_tables
from matcher.taxonomy import LANGUAGES
from models.access import EventOrganiser, Organiser, OrganiserCreate, OrganiserUpdate, OrganiserWithToken
from models.crud import find_organisation, get_person_by_email, json_list_contains
from models.mapping import event_profiles
from models.results import Attendance, Feedback, FeedbackCreate, Job, StoredSuggestion, StoredTablePlan
from models.tables import (
    Event,
    EventCreate,
    Organisation,
    OrganisationCreate,
    Person,
    PersonCreate,
    Registration,
)
from models.validation import check_email, normalise_name

T = TypeVar("T")


class NotFoundError(LookupError):
    """The resource does not exist, or the caller may not know that it does (HTTP 404)."""


class ConflictError(Exception):
    """The request clashes with the current state (HTTP 409), e.g. a duplicate e-mail."""


class FieldError(ValueError):
    """A request field has a value the API refuses (HTTP 422 naming the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def check_no_nulls(update: Any, table: Any) -> None:
    """Refuse an explicit ``null`` for a column that cannot be empty (e.g. ``"themes": null``):
    a partial update may leave a field out, not blank it."""
    columns = table.__table__.columns
    for name in update.model_fields_set:
        if getattr(update, name) is None and name in columns and not columns[name].nullable:
            raise FieldError(name, "may not be null (leave it out to keep the current value)")


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def retrying(session: Session, work: Callable[[], T], *, attempts: int = 5) -> T:
    """Run ``work`` (which commits) again after a lost race: a unique-key clash between two
    concurrent inserts, or SQLite's "database is locked". The session is rolled back between
    tries so the next try sees the winner's row."""
    for attempt in range(attempts):
        try:
            return work()
        except (sa.exc.IntegrityError, sa.exc.OperationalError) as exc:
            session.rollback()
            locked = isinstance(exc, sa.exc.OperationalError) and "locked" in str(exc).lower()
            if attempt == attempts - 1 or not (locked or isinstance(exc, sa.exc.IntegrityError)):
                raise
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- scope


def own_event_ids(organiser: Organiser) -> Any:
    """Subquery: ids of the events ``organiser`` runs."""
    return select(EventOrganiser.event_id).where(EventOrganiser.organiser_id == organiser.id)


def visible_person_ids(organiser: Organiser) -> Any:
    """Subquery: ids of people registered (even if cancelled) at the organiser's events."""
    return select(Registration.person_id).where(col(Registration.event_id).in_(own_event_ids(organiser)))


def _visible_organisation(organiser: Organiser) -> Any:
    with_people = select(Person.organisation_id).where(col(Person.organisation_id).is_not(None))
    mine = select(Person.organisation_id).where(col(Person.id).in_(visible_person_ids(organiser)))
    return sa.or_(col(Organisation.id).in_(mine), col(Organisation.id).not_in(with_people))


def _page(session: Session, statement: Any, count: Any, offset: int, limit: int) -> tuple[list[Any], int]:
    items = list(session.exec(statement.offset(offset).limit(limit)).all())
    return items, int(session.exec(count).one())


# --------------------------------------------------------------------------- organisers


def create_organiser(*, session: Session, organiser_in: OrganiserCreate) -> OrganiserWithToken:
    """Create an organiser account with a fresh API token (returned once, stored hashed)."""
    if session.exec(select(Organiser).where(Organiser.email == organiser_in.email)).first():
        raise ConflictError(f"email: an organiser with {organiser_in.email!r} already exists")
    organiser = Organiser.model_validate(organiser_in, update={"token_hash": "!"})
    session.add(organiser)
    session.flush()
    assert organiser.id is not None
    token, token_hash = new_organiser_token(organiser.id)
    organiser.token_hash = token_hash
    session.commit()
    session.refresh(organiser)
    return OrganiserWithToken.model_validate(organiser, update={"token": token})


def rotate_token(*, session: Session, organiser: Organiser) -> OrganiserWithToken:
    """Give ``organiser`` a new token; the old one stops working at once."""
    assert organiser.id is not None
    token, organiser.token_hash = new_organiser_token(organiser.id)
    session.add(organiser)
    session.commit()
    session.refresh(organiser)
    return OrganiserWithToken.model_validate(organiser, update={"token": token})


def get_organiser(*, session: Session, organiser_id: int) -> Organiser:
    """The organiser with this id, or :class:`NotFoundError`."""
    organiser = session.get(Organiser, organiser_id)
    if organiser is None:
        raise NotFoundError("organiser not found")
    return organiser


def update_organiser(*, session: Session, organiser: Organiser, organiser_in: OrganiserUpdate) -> Organiser:
    """Change name, admin role or active flag (an inactive organiser's token is refused)."""
    check_no_nulls(organiser_in, Organiser)
    organiser.sqlmodel_update(organiser_in.model_dump(exclude_unset=True))
    session.add(organiser)
    session.commit()
    session.refresh(organiser)
    return organiser


def list_organisers(*, session: Session, offset: int, limit: int) -> tuple[list[Organiser], int]:
    """Every organiser account, by id."""
    statement = select(Organiser).order_by(col(Organiser.id))
    return _page(session, statement, select(func.count()).select_from(Organiser), offset, limit)


# --------------------------------------------------------------------------- events


def create_event(*, session: Session, organiser: Organiser, event_in: EventCreate) -> Event:
    """Create an event run by ``organiser`` (in one transaction with the link)."""
    event = Event.model_validate(event_in)
    session.add(event)
    session.flush()
    assert event.id is not None and organiser.id is not None
    session.add(EventOrganiser(event_id=event.id, organiser_id=organiser.id))
    session.commit()
    session.refresh(event)
    return event


def list_events(
    *,
    session: Session,
    organiser: Organiser,
    status: str | None,
    region: str | None,
    theme: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Event], int]:
    """The events the organiser runs (admins: all), newest first, filtered."""
    conditions: list[Any] = []
    if not organiser.is_admin:
        conditions.append(col(Event.id).in_(own_event_ids(organiser)))
    if status is not None:
        conditions.append(Event.status == status)
    if region is not None:
        conditions.append(Event.region == region)
    if theme is not None:
        conditions.append(json_list_contains(Event.themes, theme))
    order = (col(Event.date).is_(None), col(Event.date).desc(), col(Event.id))
    statement = select(Event).where(*conditions).order_by(*order)
    count = select(func.count()).select_from(Event).where(*conditions)
    return _page(session, statement, count, offset, limit)


def add_event_organiser(*, session: Session, event: Event, email: str) -> list[Organiser]:
    """Let the organiser with ``email`` run ``event`` too; returns the event's organisers."""
    organiser = session.exec(select(Organiser).where(Organiser.email == check_email(email))).first()
    if organiser is None or not organiser.active:
        raise NotFoundError(f"email: no active organiser with {email!r}")
    assert event.id is not None and organiser.id is not None
    if session.get(EventOrganiser, (event.id, organiser.id)) is None:
        session.add(EventOrganiser(event_id=event.id, organiser_id=organiser.id))
        session.commit()
    return event_organisers(session=session, event_id=event.id)


def event_organisers(*, session: Session, event_id: int) -> list[Organiser]:
    """The organisers who run the event."""
    statement = (
        select(Organiser)
        .join(EventOrganiser, col(EventOrganiser.organiser_id) == col(Organiser.id))
        .where(EventOrganiser.event_id == event_id)
        .order_by(col(Organiser.id))
    )
    return list(session.exec(statement).all())


# --------------------------------------------------------------------------- organisations


def _organisation_conditions(
    organiser: Organiser | None, sector: str | None, region: str | None, theme: str | None, q: str | None
) -> list[Any]:
    conditions: list[Any] = []
    if organiser is not None and not organiser.is_admin:
        conditions.append(_visible_organisation(organiser))
    if sector is not None:
        conditions.append(Organisation.sector == sector)
    if region is not None:
        conditions.append(Organisation.region == region)
    if theme is not None:
        conditions.append(json_list_contains(Organisation.themes, theme))
    if q:
        conditions.append(col(Organisation.normalised_name).contains(normalise_name(q), autoescape=True))
    return conditions


def list_organisations(
    *,
    session: Session,
    organiser: Organiser,
    sector: str | None,
    region: str | None,
    theme: str | None,
    q: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Organisation], int]:
    """Organisations the organiser may see, by name, filtered by sector, region, theme, name."""
    conditions = _organisation_conditions(organiser, sector, region, theme, q)
    statement = select(Organisation).where(*conditions).order_by(Organisation.name, col(Organisation.id))
    count = select(func.count()).select_from(Organisation).where(*conditions)
    return _page(session, statement, count, offset, limit)


def get_organisation(*, session: Session, organiser: Organiser, organisation_id: int) -> Organisation:
    """One organisation in the organiser's scope, else :class:`NotFoundError`."""
    conditions = [Organisation.id == organisation_id]
    if not organiser.is_admin:
        conditions.append(_visible_organisation(organiser))
    found = session.exec(select(Organisation).where(*conditions)).first()
    if found is None:
        raise NotFoundError("organisation not found")
    return found


def create_organisation(*, session: Session, organisation_in: OrganisationCreate) -> Organisation:
    """Create an organisation; a clash with an existing name or business ID is a conflict."""
    existing = find_organisation(session=session, business_id=organisation_in.business_id)
    if existing is not None or find_organisation(session=session, name=organisation_in.name) is not None:
        raise ConflictError("name: an organisation with this name or business ID already exists")
    row = Organisation.model_validate(
        organisation_in, update={"normalised_name": normalise_name(organisation_in.name)}
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


# --------------------------------------------------------------------------- people


def _person_conditions(
    organiser: Organiser,
    event_id: int | None,
    organisation_id: int | None,
    sector: str | None,
    region: str | None,
    theme: str | None,
) -> list[Any]:
    conditions: list[Any] = []
    if not organiser.is_admin:
        conditions.append(col(Person.id).in_(visible_person_ids(organiser)))
    if event_id is not None:
        at_event = select(Registration.person_id).where(
            Registration.event_id == event_id, col(Registration.cancelled).is_(False)
        )
        conditions.append(col(Person.id).in_(at_event))
    if organisation_id is not None:
        conditions.append(Person.organisation_id == organisation_id)
    org_conditions = _organisation_conditions(None, sector, region, theme, None)
    if org_conditions:
        conditions.append(col(Person.organisation_id).in_(select(Organisation.id).where(*org_conditions)))
    return conditions


def list_people(
    *,
    session: Session,
    organiser: Organiser,
    event_id: int | None,
    organisation_id: int | None,
    sector: str | None,
    region: str | None,
    theme: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Person], int]:
    """People registered at the organiser's events (admins: everyone), by name, filtered."""
    conditions = _person_conditions(organiser, event_id, organisation_id, sector, region, theme)
    statement = select(Person).where(*conditions).order_by(Person.name, col(Person.id))
    count = select(func.count()).select_from(Person).where(*conditions)
    return _page(session, statement, count, offset, limit)


def get_person(*, session: Session, organiser: Organiser, person_id: int) -> Person:
    """One person in the organiser's scope, else :class:`NotFoundError`."""
    conditions: list[Any] = [Person.id == person_id]
    if not organiser.is_admin:
        conditions.append(col(Person.id).in_(visible_person_ids(organiser)))
    found = session.exec(select(Person).where(*conditions)).first()
    if found is None:
        raise NotFoundError("person not found")
    return found


def check_organisation_reference(
    *, session: Session, organiser: Organiser, organisation_id: int | None
) -> None:
    """A person may only be attached to an organisation the organiser can see."""
    if organisation_id is not None:
        get_organisation(session=session, organiser=organiser, organisation_id=organisation_id)


def create_person_at_event(
    *, session: Session, organiser: Organiser, event: Event, person_in: PersonCreate
) -> Person:
    """Create a person and pre-register them at ``event`` in one transaction."""
    check_organisation_reference(
        session=session, organiser=organiser, organisation_id=person_in.organisation_id
    )
    if get_person_by_email(session=session, email=person_in.email) is not None:
        raise ConflictError(f"email: a person with {person_in.email!r} already exists; register them by id")
    person = Person.model_validate(person_in)
    session.add(person)
    session.flush()
    assert person.id is not None and event.id is not None
    session.add(Registration(person_id=person.id, event_id=event.id, source="pre_registered"))
    session.commit()
    session.refresh(person)
    return person


# --------------------------------------------------------------------------- registrations


def _registration_statement() -> Any:
    return (
        select(Registration, Person, Organisation, Attendance)
        .join(Person, col(Person.id) == col(Registration.person_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .outerjoin(Attendance, col(Attendance.registration_id) == col(Registration.id))
    )


def _view(row: tuple[Registration, Person, Organisation | None, Attendance | None]) -> RegistrationView:
    registration, person, organisation, attendance = row
    checked_out = attendance.checked_out_at if attendance else None
    assert registration.id is not None and person.id is not None
    return RegistrationView(
        id=registration.id,
        event_id=registration.event_id,
        person_id=person.id,
        person_name=person.name,
        organisation_id=organisation.id if organisation else None,
        organisation_name=organisation.name if organisation else None,
        sector=organisation.sector if organisation else None,
        source=registration.source,
        cancelled=registration.cancelled,
        checked_in_at=registration.checked_in_at,
        checked_out_at=checked_out,
        no_show=bool(attendance and attendance.no_show),
        present=registration.checked_in_at is not None and checked_out is None and not registration.cancelled,
    )


def list_registrations(
    *,
    session: Session,
    event_id: int,
    present: bool | None,
    source: str | None,
    include_cancelled: bool,
    sector: str | None,
    region: str | None,
    theme: str | None,
    offset: int,
    limit: int,
) -> tuple[list[RegistrationView], int]:
    """The event's registrations as event-day rows, in registration order, filtered."""
    conditions: list[Any] = [Registration.event_id == event_id]
    if not include_cancelled:
        conditions.append(col(Registration.cancelled).is_(False))
    if source is not None:
        conditions.append(Registration.source == source)
    if present is not None:
        is_present = sa.and_(
            col(Registration.checked_in_at).is_not(None),
            col(Registration.id).not_in(
                select(Attendance.registration_id).where(col(Attendance.checked_out_at).is_not(None))
            ),
        )
        conditions.append(is_present if present else ~is_present)
    org_conditions = _organisation_conditions(None, sector, region, theme, None)
    if org_conditions:
        in_orgs = select(Person.id).where(
            col(Person.organisation_id).in_(select(Organisation.id).where(*org_conditions))
        )
        conditions.append(col(Registration.person_id).in_(in_orgs))
    statement = _registration_statement().where(*conditions).order_by(col(Registration.id))
    count = select(func.count()).select_from(Registration).where(*conditions)
    rows, total = _page(session, statement, count, offset, limit)
    return [_view(row) for row in rows], total


def registration_view(*, session: Session, event_id: int, person_id: int) -> RegistrationView:
    """One registration as an event-day row, or :class:`NotFoundError`."""
    row = session.exec(
        _registration_statement().where(
            Registration.event_id == event_id, Registration.person_id == person_id
        )
    ).first()
    if row is None:
        raise NotFoundError("registration not found")
    return _view(row)


def register_person(
    *, session: Session, organiser: Organiser, event: Event, person_id: int, source: str
) -> RegistrationView:
    """Register a person the organiser can see; registering again restores a cancelled one."""
    person = get_person(session=session, organiser=organiser, person_id=person_id)
    assert event.id is not None and person.id is not None
    event_id, pid = event.id, person.id

    def work() -> None:
        found = session.exec(
            select(Registration).where(Registration.event_id == event_id, Registration.person_id == pid)
        ).first()
        if found is None:
            session.add(Registration(person_id=pid, event_id=event_id, source=source))
        else:
            found.cancelled = False
            session.add(found)
        session.commit()

    retrying(session, work)
    return registration_view(session=session, event_id=event_id, person_id=pid)


MARKS: tuple[str, ...] = ("check-in", "check-out", "no-show", "cancel", "restore")


def mark(*, session: Session, event_id: int, person_id: int, action: str) -> RegistrationView:
    """Event-day marks on a registration, each one short transaction.

    ``check-in`` keeps the first check-in time and clears check-out and no-show;
    ``check-out`` records when someone left; ``no-show`` marks a registered person who
    never came; ``cancel``/``restore`` flip the cancellation.
    """
    if action not in MARKS:
        raise ValueError(f"action: {action!r} is not one of {', '.join(MARKS)}")

    def work() -> None:
        registration = session.exec(
            select(Registration).where(Registration.event_id == event_id, Registration.person_id == person_id)
        ).first()
        if registration is None:
            raise NotFoundError("registration not found")
        assert registration.id is not None
        attendance = session.get(Attendance, registration.id) or Attendance(registration_id=registration.id)
        if action == "check-in":
            if registration.checked_in_at is None:
                registration.checked_in_at = now()
            registration.cancelled = False
            attendance.checked_out_at, attendance.no_show = None, False
        elif action == "check-out":
            if registration.checked_in_at is None:
                raise ConflictError("check-out: this person has not checked in")
            attendance.checked_out_at = attendance.checked_out_at or now()
        elif action == "no-show":
            if registration.checked_in_at is not None:
                raise ConflictError("no-show: this person has checked in")
            attendance.no_show = True
        else:
            registration.cancelled = action == "cancel"
        attendance.updated_at = now()
        session.add(registration)
        session.add(attendance)
        session.commit()

    retrying(session, work)
    return registration_view(session=session, event_id=event_id, person_id=person_id)


def _walk_in_organisation(session: Session, organiser: Organiser, walk_in: WalkIn) -> int:
    if walk_in.organisation_id is not None:
        get_organisation(session=session, organiser=organiser, organisation_id=walk_in.organisation_id)
        return walk_in.organisation_id
    details = walk_in.organisation
    assert details is not None
    found = find_organisation(session=session, business_id=details.business_id, name=details.name)
    if found is None:
        found = Organisation.model_validate(details, update={"normalised_name": normalise_name(details.name)})
        session.add(found)
        session.flush()
    assert found.id is not None
    return found.id


def walk_in(*, session: Session, organiser: Organiser, event: Event, walk_in: WalkIn) -> RegistrationView:
    """Add a walk-in in one transaction: the organisation if new, the person if new, the
    registration (source ``walk_in``), and the check-in. An existing person (same e-mail)
    keeps their record; an existing registration is restored and checked in.

    Two organisers adding people of one new organisation at the same moment both succeed:
    the loser of the insert race retries and finds the winner's row.
    """
    assert event.id is not None
    event_id = event.id
    details = walk_in.person

    def work() -> int:
        organisation_id = _walk_in_organisation(session, organiser, walk_in)
        person = get_person_by_email(session=session, email=details.email)
        if person is None:
            person = Person.model_validate(
                PersonCreate(organisation_id=organisation_id, **details.model_dump())
            )
            session.add(person)
            session.flush()
        elif person.organisation_id is None:
            person.organisation_id = organisation_id
        assert person.id is not None
        registration = session.exec(
            select(Registration).where(Registration.event_id == event_id, Registration.person_id == person.id)
        ).first()
        if registration is None:
            registration = Registration(person_id=person.id, event_id=event_id, source="walk_in")
        registration.cancelled = False
        if walk_in.check_in and registration.checked_in_at is None:
            registration.checked_in_at = now()
        session.add(registration)
        session.commit()
        return person.id

    person_id = retrying(session, work)
    return registration_view(session=session, event_id=event_id, person_id=person_id)


def link_token(
    *, session: Session, signer: LinkSigner, event_id: int, person_id: int, base_url: str, days: int
) -> dict[str, Any]:
    """A participant's personal link token for this event (the registration must exist)."""
    registration_view(session=session, event_id=event_id, person_id=person_id)
    token = signer.dump(person_id=person_id, event_id=event_id)
    return {
        "token": token,
        "url": f"{base_url.rstrip('/')}/me/suggestions?token={token}",
        "expires_in_days": days,
    }


def present_person_ids(session: Session, event_id: int) -> set[int]:
    """People checked in at the event and not checked out (cancelled ones excluded)."""
    statement = (
        select(Registration.person_id)
        .outerjoin(Attendance, col(Attendance.registration_id) == col(Registration.id))
        .where(
            Registration.event_id == event_id,
            col(Registration.cancelled).is_(False),
            col(Registration.checked_in_at).is_not(None),
            col(Attendance.checked_out_at).is_(None),
        )
    )
    return set(session.exec(statement).all())


# --------------------------------------------------------------------------- suggestions


def met_pairs(session: Session, event_id: int) -> list[tuple[str, str]]:
    """Pairs who told us they met at this event (either side's feedback), as profile ids."""
    statement = select(Feedback.person_id, Feedback.target_id).where(
        Feedback.event_id == event_id, col(Feedback.met).is_(True)
    )
    return [(str(a), str(b)) for a, b in session.exec(statement).all()]


def event_population(session: Session, event_id: int, *, present_only: bool) -> list[Profile]:
    """The event's profiles: everyone registered, or only those present (checked in, not out)."""
    profiles = event_profiles(session, event_id, present_only=present_only)
    if present_only:
        present = {str(i) for i in present_person_ids(session, event_id)}
        profiles = [p for p in profiles if p.id in present]
    return profiles


def render_reasons(reasons: Sequence[Any]) -> dict[str, list[str]]:
    """Each reason rendered in fi, sv and en (stored so reads never touch the engine)."""
    return {lang: [reason.render(lang) for reason in reasons] for lang in LANGUAGES}


def compute_suggestions(
    session: Session, report: Report, *, event_id: int, k: int, mode: str, encoder: Any
) -> dict[str, Any]:
    """Suggest partners for the event's participants and store them, replacing earlier ones.

    Before the event (``registered``) everyone registered takes part; live (``present``)
    only people checked in, and pairs who already met are never suggested again.
    """
    event = session.get(Event, event_id)
    if event is None:
        raise NotFoundError("event not found")
    live = mode == "present" or (mode == "auto" and event.status == "live")
    profiles = event_population(session, event_id, present_only=live)
    exclude = met_pairs(session, event_id) if live else []
    report(0.1, f"scoring {len(profiles)} participants")
    lists = suggest(profiles, k=k, exclude=exclude, embedder=encoder) if len(profiles) > 1 else []
    report(0.8, "storing suggestions")
    session.execute(sa.delete(StoredSuggestion).where(col(StoredSuggestion.event_id) == event_id))
    stamp = now()
    stored = 0
    for profile, suggestions in zip(profiles, lists, strict=True):
        for rank, suggestion in enumerate(suggestions, start=1):
            session.add(
                StoredSuggestion(
                    event_id=event_id,
                    person_id=int(profile.id),
                    target_id=int(suggestion.target_id),
                    rank=rank,
                    score=float(suggestion.score),
                    reasons=render_reasons(suggestion.reasons),
                    computed_at=stamp,
                )
            )
            stored += 1
    session.commit()
    return {
        "mode": "present" if live else "registered",
        "participants": len(profiles),
        "suggestions": stored,
        "excluded_pairs": len(exclude),
    }


def _partners(rows: Sequence[Any], language: str) -> list[SuggestedPartner]:
    """Suggested partners from rows of (rank, score, reasons, computed_at, target id, name,
    e-mail, role, consent to share contact, organisation, sector); rows without a rank (an
    outer join that found no suggestion) are skipped. Contact only where the partner consented."""
    return [
        SuggestedPartner(
            rank=rank,
            person_id=target_id,
            name=name,
            organisation=organisation,
            sector=sector,
            score=score,
            reasons=list(reasons.get(language, [])),
            contact=ContactDetails(email=email, role=role) if consent else None,
        )
        for rank, score, reasons, _, target_id, name, email, role, consent, organisation, sector in rows
        if rank is not None
    ]


def suggestion_list(*, session: Session, event_id: int, person_id: int, language: str) -> SuggestionList:
    """One participant's stored suggestions, reasons in ``language``; a partner's e-mail and
    role appear only where that partner agreed to share them. (Plain column rows, no ORM
    objects: this is the service's hot path.)"""
    statement = (
        sa.select(  # type: ignore[call-overload]
            StoredSuggestion.rank,
            StoredSuggestion.score,
            StoredSuggestion.reasons,
            StoredSuggestion.computed_at,
            Person.id,
            Person.name,
            Person.email,
            Person.role,
            Person.consent_share_contact,
            Organisation.name,
            Organisation.sector,
        )
        .join(Person, col(Person.id) == col(StoredSuggestion.target_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
        .where(StoredSuggestion.event_id == event_id, StoredSuggestion.person_id == person_id)
        .order_by(col(StoredSuggestion.rank))
    )
    rows = session.execute(statement).all()
    partners = _partners(rows, language)
    return SuggestionList(
        event_id=event_id,
        person_id=person_id,
        language=language,
        computed_at=rows[0][3] if rows else None,
        suggestions=partners,
    )


_TARGET = sa.orm.aliased(Person, name="target")  # module-level, so the compiled query is cached


def participant_suggestions(
    *, session: Session | sa.Connection, event_id: int, person_id: int, language: str | None
) -> SuggestionList | None:
    """:func:`suggestion_list` for the participant's own link, checking in the same single
    query that their registration is valid (None if not): one database round trip on the
    service's busiest path."""
    target = _TARGET
    statement = (
        sa.select(  # type: ignore[call-overload]
            Person.language,
            StoredSuggestion.rank,
            StoredSuggestion.score,
            StoredSuggestion.reasons,
            StoredSuggestion.computed_at,
            target.id,
            target.name,
            target.email,
            target.role,
            target.consent_share_contact,
            Organisation.name,
            Organisation.sector,
        )
        .select_from(Person)
        .join(
            Registration,
            sa.and_(
                col(Registration.person_id) == col(Person.id),
                col(Registration.event_id) == event_id,
                col(Registration.cancelled).is_(False),
            ),
        )
        .outerjoin(
            StoredSuggestion,
            sa.and_(
                col(StoredSuggestion.event_id) == event_id, col(StoredSuggestion.person_id) == col(Person.id)
            ),
        )
        .outerjoin(target, target.id == StoredSuggestion.target_id)
        .outerjoin(Organisation, col(Organisation.id) == target.organisation_id)
        .where(Person.id == person_id)
        .order_by(col(StoredSuggestion.rank))
    )
    rows = session.execute(statement).all()
    if not rows:
        return None
    lang = language or rows[0][0]
    partners = _partners([row[1:] for row in rows], lang)
    return SuggestionList(
        event_id=event_id,
        person_id=person_id,
        language=lang,
        computed_at=rows[0][4] if partners else None,
        suggestions=partners,
    )


# --------------------------------------------------------------------------- feedback


def save_feedback(
    *, session: Session, event_id: int, person_id: int, feedback_in: FeedbackCreate
) -> Feedback:
    """Record (or update) a participant's feedback on one of their suggested partners."""
    suggested = session.exec(
        select(StoredSuggestion.id).where(
            StoredSuggestion.event_id == event_id,
            StoredSuggestion.person_id == person_id,
            StoredSuggestion.target_id == feedback_in.target_id,
        )
    ).first()
    if suggested is None:
        raise NotFoundError("target_id: not one of your suggested partners")
    data = feedback_in.model_dump()

    def work() -> Feedback:
        row = session.exec(
            select(Feedback).where(
                Feedback.event_id == event_id,
                Feedback.person_id == person_id,
                Feedback.target_id == feedback_in.target_id,
            )
        ).first()
        if row is None:
            row = Feedback(event_id=event_id, person_id=person_id, **data)
        else:
            row.sqlmodel_update(data)
        row.updated_at = now()
        session.add(row)
        session.commit()
        session.refresh(row)
        return row

    return retrying(session, work)


def own_feedback(*, session: Session, event_id: int, person_id: int) -> list[Feedback]:
    """A participant's own feedback rows at the event."""
    statement = (
        select(Feedback)
        .where(Feedback.event_id == event_id, Feedback.person_id == person_id)
        .order_by(col(Feedback.id))
    )
    return list(session.exec(statement).all())


def feedback_summary(*, session: Session, event_id: int) -> FeedbackSummary:
    """The event's feedback in aggregate: meetings, usefulness, cooperation by type."""
    rows = session.exec(select(Feedback).where(Feedback.event_id == event_id)).all()
    rated = [r.usefulness for r in rows if r.usefulness is not None]
    types: dict[str, int] = {}
    for row in rows:
        for code in row.cooperation_types:
            types[code] = types.get(code, 0) + 1
    stored = session.exec(
        select(func.count()).select_from(StoredSuggestion).where(StoredSuggestion.event_id == event_id)
    ).one()
    met = sum(1 for r in rows if r.met)
    return FeedbackSummary(
        event_id=event_id,
        responses=len(rows),
        respondents=len({r.person_id for r in rows}),
        met=met,
        met_share=met / len(rows) if rows else None,
        mean_usefulness=sum(rated) / len(rated) if rated else None,
        cooperation_agreed=sum(1 for r in rows if r.cooperation_agreed),
        cooperation_types=dict(sorted(types.items())),
        suggestions_stored=int(stored),
    )


# --------------------------------------------------------------------------- table plans


def is_table_plan(stored: StoredTablePlan) -> bool:
    """True for a workshop table plan; the same table also stores 1:1 meeting plans
    (``params["kind"] == "meetings"``, see :mod:`api.workflows_meetings`)."""
    return bool(stored.params.get("kind", "tables") == "tables")


def _table_inputs(
    session: Session, event_id: int, present_only: bool, encoder: Any
) -> tuple[list[Profile], Any]:
    profiles = event_population(session, event_id, present_only=present_only)
    if len(profiles) < 2:
        raise ValueError(f"people: {len(profiles)} participant(s) to seat; at least 2 are needed")
    scores = compute_affinity(profiles, encoder).matrix
    return profiles, scores


def check_plan_request(session: Session, *, event_id: int, params: TablePlanCreate) -> None:
    """Refuse at once (422) a layout the event's attendance cannot fill."""
    n = len(event_population(session, event_id, present_only=params.present_only))
    table_layout(n, tables=params.tables, min_size=params.min_size, max_size=params.max_size)


def create_table_plan(
    session: Session, report: Report, *, event_id: int, params: TablePlanCreate, encoder: Any
) -> dict[str, Any]:
    """Plan the workshop tables for the event and store the plan (a background job)."""
    report(0.05, "scoring participants")
    profiles, scores = _table_inputs(session, event_id, params.present_only, encoder)
    layout = table_layout(
        len(profiles), tables=params.tables, min_size=params.min_size, max_size=params.max_size
    )
    report(0.3, f"seating {len(profiles)} people at {len(layout)} tables")
    plan = plan_tables(
        scores,
        layout,
        params.rounds,
        sectors=[p.sector for p in profiles],
        separate=[p.organisation for p in profiles] if params.separate_organisations else None,
        seconds=params.seconds,
        seed=params.seed,
    )
    stored = StoredTablePlan(
        event_id=event_id,
        params={**params.model_dump(), "tables": len(layout)},
        person_ids=[int(p.id) for p in profiles],
        assignment=plan.assignment.tolist(),
        locked_rounds=0,
        score=float(plan.score) if np.isfinite(plan.score) else None,
        violations=list(plan.violations),
    )
    session.add(stored)
    session.commit()
    return {"plan_id": stored.id, "people": len(profiles), "tables": len(layout), "rounds": params.rounds}


def replan_tables(
    session: Session, report: Report, *, plan_id: int, params: TablePlanReplan, encoder: Any
) -> dict[str, Any]:
    """Re-plan the rounds after the locked ones for the people there now; locked rounds stay.

    Walk-ins join the future rounds; people who left keep their seats in the locked rounds
    and have none (table -1) afterwards.
    """
    stored = session.get(StoredTablePlan, plan_id)
    if stored is None:
        raise NotFoundError("table plan not found")
    rounds = len(stored.assignment)
    if stored.locked_rounds >= rounds:
        raise ValueError(f"locked_rounds: all {rounds} rounds are locked; nothing to re-plan")
    report(0.05, "scoring participants")
    profiles, scores = _table_inputs(session, stored.event_id, params.present_only, encoder)
    p = stored.params
    layout = table_layout(
        len(profiles), tables=None, min_size=int(p["min_size"]), max_size=int(p["max_size"])
    )
    old_column = {pid: k for k, pid in enumerate(stored.person_ids)}
    new_ids = [int(prof.id) for prof in profiles]
    locked = locked_from(
        np.asarray(stored.assignment), stored.locked_rounds, [old_column.get(pid, -1) for pid in new_ids]
    )
    report(0.3, f"re-seating {len(profiles)} people from round {stored.locked_rounds + 1}")
    plan = plan_tables(
        scores,
        layout,
        rounds,
        sectors=[prof.sector for prof in profiles],
        separate=[prof.organisation for prof in profiles] if p.get("separate_organisations", True) else None,
        locked=locked,
        seconds=params.seconds,
        seed=params.seed,
    )
    assignment = plan.assignment.tolist()
    gone = [pid for pid in stored.person_ids if pid not in set(new_ids)]
    for pid in gone:  # keep their locked seats for the record
        seats = [stored.assignment[r][old_column[pid]] for r in range(stored.locked_rounds)]
        seats += [-1] * (rounds - stored.locked_rounds)
        for r in range(rounds):
            assignment[r].append(seats[r])
    stored.person_ids = new_ids + gone
    stored.assignment = assignment
    stored.params = {**p, "tables": len(layout), "replanned_at": now().isoformat()}
    stored.score = float(plan.score) if np.isfinite(plan.score) else None
    stored.violations = list(plan.violations)
    stored.updated_at = now()
    session.add(stored)
    session.commit()
    return {"plan_id": stored.id, "people": len(new_ids), "left": len(gone), "tables": len(layout)}


def get_table_plan(*, session: Session, event_id: int, plan_id: int) -> StoredTablePlan:
    """A stored plan of this event, or :class:`NotFoundError`."""
    stored = session.get(StoredTablePlan, plan_id)
    if stored is None or stored.event_id != event_id or not is_table_plan(stored):
        raise NotFoundError("table plan not found")
    return stored


def table_plan_view(*, session: Session, stored: StoredTablePlan) -> TablePlanPublic:
    """A stored plan as printable seats (round and table numbered from 1)."""
    people = {
        person.id: (person, organisation)
        for person, organisation in session.exec(
            select(Person, Organisation)
            .outerjoin(Organisation, col(Organisation.id) == col(Person.organisation_id))
            .where(col(Person.id).in_(stored.person_ids))
        ).all()
    }
    seats = []
    for r, row in enumerate(stored.assignment):
        for column, table in enumerate(row):
            found = people.get(stored.person_ids[column])
            if table < 0 or found is None:
                continue
            person, organisation = found
            seats.append(
                Seat(
                    round=r + 1,
                    table=table + 1,
                    person_id=stored.person_ids[column],
                    name=person.name,
                    organisation=organisation.name if organisation else None,
                    sector=organisation.sector if organisation else None,
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


def lock_rounds(*, session: Session, stored: StoredTablePlan, rounds: int) -> StoredTablePlan:
    """Lock the first ``rounds`` rounds; locking never goes backwards."""
    if rounds > len(stored.assignment):
        raise ValueError(f"rounds: the plan has {len(stored.assignment)} rounds, cannot lock {rounds}")
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


def my_tables(*, session: Session, event_id: int, person_id: int) -> MyTables:
    """A participant's seats in the event's newest table plan (no other names)."""
    plans = session.exec(
        select(StoredTablePlan)
        .where(StoredTablePlan.event_id == event_id)
        .order_by(col(StoredTablePlan.id).desc())
    ).all()
    stored = next((plan for plan in plans if is_table_plan(plan)), None)
    if stored is None or person_id not in stored.person_ids:
        return MyTables(event_id=event_id, plan_id=stored.id if stored else None, seats=[])
    column = stored.person_ids.index(person_id)
    seats = [
        MySeat(round=r + 1, table=row[column] + 1, locked=r < stored.locked_rounds)
        for r, row in enumerate(stored.assignment)
        if row[column] >= 0
    ]
    return MyTables(event_id=event_id, plan_id=stored.id, seats=seats)


# --------------------------------------------------------------------------- jobs


def get_job(*, session: Session, organiser: Organiser, job_id: int) -> Job:
    """A job of one of the organiser's events (or one they started), else not found."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("job not found")
    allowed = organiser.is_admin or job.organiser_id == organiser.id
    if not allowed and job.event_id is not None:
        allowed = session.get(EventOrganiser, (job.event_id, organiser.id)) is not None
    if not allowed:
        raise NotFoundError("job not found")
    return job


def get_person_unscoped(*, session: Session, person_id: int) -> Person:
    """A person by id (the caller has checked access), else not found."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("person not found")
    return person
