"""From the database to a :class:`~api.printing.document.Printout`: the event's table plan
(the newest, or the one asked for) through the same views the API serves
(:func:`api.workflows.table_plans.table_plan_view`, :func:`api.workflows.meeting_plans.meeting_plan_view`),
conversation starters from the seated people's profiles, and each participant's personal
link (:func:`api.workflows.links.participant_links`) for the QR code on their slip.

Example: ``gather(session, event_id=1, what=PrintWhat.ALL, lang="fi", signer=signer,
base_url="https://kohtaamo.example")`` gives the printout of event 1's newest table plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session

from api.printing.document import Member, Printout, PrintTable, PrintWhat, Slip, SlipMeeting
from api.printing.qr import qr_svg
from api.printing.starters import ConversationStarters, StarterPerson
from api.printing.texts import check_language
from api.security import LinkSigner
from api.workflows.errors import NotFoundError
from api.workflows.events import require_event
from api.workflows.links import link_nonces, participant_links
from api.workflows.meeting_plans import meeting_plan_view
from api.workflows.plans import get_plan, newest_plan
from api.workflows.table_plans import table_plan_view
from models.plans import PlanKind, StoredTablePlan
from models.profiles import NO_ORGANISATION_SECTOR, profiles_by_id

Grid = dict[tuple[int, int], list[Member]]


def table_plan_for(session: Session, *, event_id: int, plan_id: int | None = None) -> StoredTablePlan:
    """The table plan ``plan_id`` of the event, or its newest; :class:`NotFoundError` if none."""
    if plan_id is not None:
        try:
            return get_plan(session=session, event_id=event_id, plan_id=plan_id, kind=PlanKind.TABLES)
        except NotFoundError:
            raise NotFoundError(f"plan_id: event {event_id} has no table plan {plan_id}") from None
    stored = newest_plan(session=session, event_id=event_id, kind=PlanKind.TABLES)
    if stored is None:
        raise NotFoundError(
            f"event {event_id} has no table plan yet: make one first "
            f"(kohtaamo tables --event {event_id}, or POST /events/{event_id}/table-plans)"
        )
    return stored


def _date(value: dt.date | None, lang: str) -> str:
    if value is None:
        return ""
    return value.isoformat() if lang == "en" else f"{value.day}.{value.month}.{value.year}"


def _grid(session: Session, stored: StoredTablePlan) -> tuple[int, Grid]:
    view = table_plan_view(session=session, stored=stored)
    grid: Grid = {}
    for s in view.seats:
        sector = s.sector or NO_ORGANISATION_SECTOR
        member = Member(s.person_id, s.name, s.organisation or "", sector, s.host, s.facilitator)
        grid.setdefault((s.round, s.table), []).append(member)
    return view.rounds, grid


def _starters(session: Session, grid: Grid, lang: str) -> dict[tuple[int, int], tuple[str, ...]]:
    """Each table's conversation starters, from the profiles of the people seated there."""
    ids = sorted({m.person_id for members in grid.values() for m in members})
    profiles = profiles_by_id(session, ids)
    names = {m.person_id: m.name for members in grid.values() for m in members}
    people = [
        StarterPerson(names[i], p.organisation, p.themes, p.needs, p.offers)
        for i in ids
        for p in [profiles[str(i)]]
    ]
    writer = ConversationStarters(lang=lang).fit(people)
    position = {pid: k for k, pid in enumerate(ids)}
    return {key: writer.for_table([position[m.person_id] for m in members]) for key, members in grid.items()}


def _meetings(session: Session, event_id: int) -> tuple[int | None, dict[int, list[SlipMeeting]]]:
    """Everyone's rounds in the event's newest meeting plan (none: an empty map)."""
    stored = newest_plan(session=session, event_id=event_id, kind=PlanKind.MEETINGS)
    if stored is None:
        return None, {}
    view = meeting_plan_view(session=session, stored=stored)
    found: dict[int, list[SlipMeeting]] = {}
    for m in view.meetings:
        for p in m.people:
            partners = tuple(
                f"{q.name}, {q.organisation}" if q.organisation else q.name
                for q in m.people
                if q.person_id != p.person_id
            )
            found.setdefault(p.person_id, []).append(SlipMeeting(m.round, m.table, partners))
    for bye in view.byes:
        found.setdefault(bye.person.person_id, []).append(SlipMeeting(bye.round, None))
    return view.id, {pid: sorted(ms, key=lambda s: s.round) for pid, ms in found.items()}


def _slips(
    grid: Grid,
    rounds: int,
    meetings: dict[int, list[SlipMeeting]],
    *,
    event_id: int,
    signer: LinkSigner,
    base_url: str,
    nonces: dict[int, str],
) -> tuple[Slip, ...]:
    """One slip per person seated in any round, by name."""
    seat = {(r, m.person_id): t for (r, t), members in grid.items() for m in members}
    people = {m.person_id: m for members in grid.values() for m in members}
    hosting = {m.person_id: t for (_, t), members in sorted(grid.items()) for m in members if m.host}
    slips = []
    for member in sorted(people.values(), key=lambda m: (m.name.casefold(), m.person_id)):
        nonce = nonces.get(member.person_id, "")
        link = participant_links(
            signer, base_url, event_id=event_id, person_id=member.person_id, nonce=nonce
        ).page
        slips.append(
            Slip(
                member=member,
                seats=tuple((r, seat.get((r, member.person_id))) for r in range(1, rounds + 1)),
                meetings=tuple(meetings.get(member.person_id, ())),
                link=link,
                qr_svg=qr_svg(link),
                host_table=hosting.get(member.person_id),
                facilitator=member.facilitator,
            )
        )
    return tuple(slips)


def _tables(
    grid: Grid, rounds: int, starters: dict[tuple[int, int], tuple[str, ...]]
) -> tuple[tuple[PrintTable, ...], ...]:
    def members(key: tuple[int, int]) -> tuple[Member, ...]:
        return tuple(sorted(grid[key], key=lambda m: (m.name.casefold(), m.person_id)))

    numbers: Sequence[tuple[int, int]] = sorted(grid)
    return tuple(
        tuple(PrintTable(r, t, members((r, t)), starters.get((r, t), ())) for rr, t in numbers if rr == r)
        for r in range(1, rounds + 1)
    )


def gather(
    session: Session,
    *,
    event_id: int,
    what: PrintWhat,
    lang: str,
    signer: LinkSigner,
    base_url: str,
    plan_id: int | None = None,
) -> Printout:
    """What ``what`` prints of the event's table plan (see the module docstring); starters
    and slips are only worked out when printed."""
    check_language(lang)
    event = require_event(session=session, event_id=event_id)
    stored = table_plan_for(session, event_id=event_id, plan_id=plan_id)
    rounds, grid = _grid(session, stored)
    parts = what.parts
    starters = _starters(session, grid, lang) if PrintWhat.CARDS in parts and grid else {}
    meeting_plan_id, meetings = _meetings(session, event_id) if PrintWhat.SLIPS in parts else (None, {})
    slips = (
        _slips(
            grid,
            rounds,
            meetings,
            event_id=event_id,
            signer=signer,
            base_url=base_url,
            nonces=link_nonces(session, event_id),
        )
        if PrintWhat.SLIPS in parts
        else ()
    )
    assert stored.id is not None
    return Printout(
        event_name=event.name,
        event_date=_date(event.date, lang),
        lang=lang,
        plan_id=stored.id,
        rounds=_tables(grid, rounds, starters),
        slips=slips,
        meeting_plan_id=meeting_plan_id,
    )
