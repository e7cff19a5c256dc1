"""``kohtaamo request`` and ``kohtaamo seat``: meeting requests for the 1:1 rounds, and the
seating rules of the workshop tables (pinned hosts, facilitators, pairs kept apart).

Examples::

    kohtaamo request add --event 1 --from maija@hoiva.fi --to 12 --mutual
    kohtaamo request remove --event 1 --from maija@hoiva.fi --to 12
    kohtaamo request list --event 1
    kohtaamo seat pin --event 1 --person 7 --table 3
    kohtaamo seat unpin --event 1 --person 7
    kohtaamo seat facilitator --event 1 --person 9          # --off to unmark
    kohtaamo seat apart --event 1 --person 4 --person 11    # --remove to undo
    kohtaamo seat list --event 1

People are given by id or by e-mail. The commands go through the same workflows as the HTTP
API (:mod:`api.workflows.meeting_requests`, :mod:`api.workflows.seating_rules`).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from api.cli.base import CliError, DatabaseOpt, session_for, validated
from api.workflows import meeting_requests, seating_rules
from api.workflows.errors import FieldError
from api.workflows.events import find_event
from models import crud
from models.entities import Person
from models.seating import ApartPairCreate, MeetingRequestCreate, RequestSource

EventOpt = Annotated[str, typer.Option("--event", help="Event id or exact name.")]
PersonOpt = Annotated[str, typer.Option("--person", help="Person id or e-mail.")]
FromOpt = Annotated[str, typer.Option("--from", help="Who asks to meet (person id or e-mail).")]
ToOpt = Annotated[str, typer.Option("--to", help="Whom they ask to meet (person id or e-mail).")]
OPTIONS = {
    "requester_id": "--from",
    "requested_id": "--to",
    "person_a_id": "--person",
    "person_b_id": "--person",
}


def person_id_of(session: Session, ref: str, option: str) -> int:
    """The id of the person given by id (digits) or e-mail; unknown is an error naming ``option``.

    Example: ``person_id_of(session, "maija@hoiva.fi", "--from")``.
    """
    text = ref.strip()
    try:
        found = (
            session.get(Person, int(text))
            if text.isdigit()
            else crud.get_person_by_email(session=session, email=text)
        )
    except ValueError as exc:
        raise CliError(f"{option}: {exc}") from None
    if found is None or found.id is None:
        raise CliError(f"{option}: no person with id or e-mail {ref!r}")
    return found.id


def _event_id(session: Session, event: str) -> int:
    found = find_event(session=session, event=event)
    assert found.id is not None
    return found.id


def _as_option(exc: FieldError) -> CliError:
    option = OPTIONS.get(exc.field, "--" + exc.field.replace("_", "-"))
    return CliError(f"{option}: {str(exc).split(': ', 1)[1]}")


def request_add(
    event: EventOpt,
    requester: FromOpt,
    requested: ToOpt,
    mutual: Annotated[bool, typer.Option("--mutual", help="Both asked: store both directions.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Add a meeting request (the 1:1 planner seats requested pairs first, mutual ones before all)."""
    with session_for(database_url) as session:
        event_id = _event_id(session, event)
        a, b = person_id_of(session, requester, "--from"), person_id_of(session, requested, "--to")
        body = validated(MeetingRequestCreate, {"requester_id": a, "requested_id": b, "mutual": mutual})
        try:
            made = meeting_requests.add_requests(
                session=session, event_id=event_id, request_in=body, source=RequestSource.ORGANISER
            )
        except FieldError as exc:
            raise _as_option(exc) from None
    for r in made:
        kind = "mutual" if r.mutual else "one-way"
        Console().print(f"Request {r.id}: {r.requester.name} asks to meet {r.requested.name} ({kind}).")


def request_remove(
    event: EventOpt,
    requester: FromOpt,
    requested: ToOpt,
    both: Annotated[bool, typer.Option("--both", help="Remove the other direction too.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Remove a meeting request."""
    with session_for(database_url) as session:
        event_id = _event_id(session, event)
        a, b = person_id_of(session, requester, "--from"), person_id_of(session, requested, "--to")
        count = meeting_requests.remove_pair(
            session=session, event_id=event_id, requester_id=a, requested_id=b, both=both
        )
    Console().print(f"Removed {count} request(s).")


def request_list(event: EventOpt, database_url: DatabaseOpt = None) -> None:
    """List the event's meeting requests."""
    with session_for(database_url) as session:
        rows = meeting_requests.list_requests(session=session, event_id=_event_id(session, event))
    table = Table("id", "from", "to", "mutual", "source")
    for r in rows:
        table.add_row(
            str(r.id), r.requester.name, r.requested.name, "yes" if r.mutual else "no", r.source.value
        )
    Console().print(table)
    Console().print(f"{len(rows)} request(s).")


def seat_pin(
    event: EventOpt,
    person: PersonOpt,
    table: Annotated[int, typer.Option("--table", min=1, help="Table number, from 1.")],
    database_url: DatabaseOpt = None,
) -> None:
    """Pin a host to a table for every round."""
    with session_for(database_url) as session:
        view = seating_rules.set_pin(
            session=session,
            event_id=_event_id(session, event),
            person_id=person_id_of(session, person, "--person"),
            table=table,
        )
    Console().print(f"{view.person_name} stays at table {table} in every round.")


def seat_unpin(event: EventOpt, person: PersonOpt, database_url: DatabaseOpt = None) -> None:
    """Unpin a host."""
    with session_for(database_url) as session:
        view = seating_rules.set_pin(
            session=session,
            event_id=_event_id(session, event),
            person_id=person_id_of(session, person, "--person"),
            table=None,
        )
    Console().print(f"{view.person_name} is no longer pinned.")


def seat_facilitator(
    event: EventOpt,
    person: PersonOpt,
    off: Annotated[bool, typer.Option("--off", help="Unmark instead.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Mark a facilitator: facilitators are spread one per table."""
    with session_for(database_url) as session:
        view = seating_rules.set_facilitator(
            session=session,
            event_id=_event_id(session, event),
            person_id=person_id_of(session, person, "--person"),
            on=not off,
        )
    Console().print(f"{view.person_name} is {'no longer ' if off else ''}a facilitator.")


def seat_apart(
    event: EventOpt,
    person: Annotated[list[str], typer.Option("--person", help="Person id or e-mail; give two.")],
    remove: Annotated[bool, typer.Option("--remove", help="Let them share a table again.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Never seat two people at one table."""
    if len(person) != 2:
        raise CliError(f"--person: give exactly two people, got {len(person)}")
    with session_for(database_url) as session:
        event_id = _event_id(session, event)
        a, b = (person_id_of(session, p, "--person") for p in person)
        pair = validated(ApartPairCreate, {"person_a_id": a, "person_b_id": b})
        if remove:
            seating_rules.remove_apart_people(session=session, event_id=event_id, pair=pair)
            Console().print(f"Persons {a} and {b} may share a table again.")
            return
        try:
            view, _ = seating_rules.add_apart(session=session, event_id=event_id, pair=pair)
        except FieldError as exc:
            raise _as_option(exc) from None
    Console().print(f"{view.people[0].name} and {view.people[1].name} never share a table.")


def seat_list(event: EventOpt, database_url: DatabaseOpt = None) -> None:
    """List the event's seating rules."""
    with session_for(database_url) as session:
        rules = seating_rules.seating_rules(session=session, event_id=_event_id(session, event))
    table = Table("person", "organisation", "pinned table", "facilitator")
    for s in rules.seats:
        table.add_row(s.name, s.organisation or "", str(s.pinned_table or ""), "yes" if s.facilitator else "")
    Console().print(table)
    for pair in rules.apart:
        Console().print(f"Apart: {pair.people[0].name} and {pair.people[1].name}")


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo request`` and ``kohtaamo seat`` to the command line."""
    request_app = typer.Typer(help="Meeting requests for the 1:1 rounds.", no_args_is_help=True)
    request_app.command("add")(request_add)
    request_app.command("remove")(request_remove)
    request_app.command("list")(request_list)
    app.add_typer(request_app, name="request")
    seat_app = typer.Typer(help="Seating rules of the workshop tables.", no_args_is_help=True)
    seat_app.command("pin")(seat_pin)
    seat_app.command("unpin")(seat_unpin)
    seat_app.command("facilitator")(seat_facilitator)
    seat_app.command("apart")(seat_apart)
    seat_app.command("list")(seat_list)
    app.add_typer(seat_app, name="seat")
