"""Tour commands: ``kohtaamo tour create``, ``add-event``, ``remove-event`` and ``list``.

Examples::

    kohtaamo tour create "Soteuttamo 2027"
    kohtaamo tour add-event "Soteuttamo 2027" --event 1
    kohtaamo tour list
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli.base import DatabaseOpt, session_for, validated
from api.workflows import tours as wf
from api.workflows.events import find_event
from models.crud import MAX_LIMIT
from models.tours import TourCreate

TourArg = Annotated[str, typer.Argument(help="Tour id or exact name.")]
EventOpt = Annotated[str, typer.Option("--event", help="Event id or exact name.")]


def tour_create(
    name: Annotated[str, typer.Argument(help="Tour name.")],
    description: Annotated[str, typer.Option("--description", help="What the tour is.")] = "",
    database_url: DatabaseOpt = None,
) -> None:
    """Create a tour and print its id."""
    tour_in = validated(TourCreate, {"name": name, "description": description})
    with session_for(database_url) as session:
        created = wf.create_tour(session=session, organiser=None, tour_in=tour_in)
    Console().print(f"Created tour {created.id}: {created.name}", highlight=False)


def tour_add_event(tour: TourArg, event: EventOpt, database_url: DatabaseOpt = None) -> None:
    """Put an event on the tour (an event is on at most one tour)."""
    with session_for(database_url) as session:
        found, stop = wf.find_tour(session=session, tour=tour), find_event(session=session, event=event)
        assert found.id is not None and stop.id is not None
        tour_id, name, event_id = found.id, found.name, stop.id
        wf.add_tour_event(session=session, organiser=None, tour_id=tour_id, event_id=event_id)
        count = len(wf.tour_event_ids(session=session, tour_id=tour_id))
    Console().print(f"Tour {tour_id} ({name}): event {event_id} added; {count} events", highlight=False)


def tour_remove_event(tour: TourArg, event: EventOpt, database_url: DatabaseOpt = None) -> None:
    """Take an event off the tour."""
    with session_for(database_url) as session:
        found, stop = wf.find_tour(session=session, tour=tour), find_event(session=session, event=event)
        assert found.id is not None and stop.id is not None
        tour_id, name, event_id = found.id, found.name, stop.id
        wf.remove_tour_event(session=session, organiser=None, tour_id=tour_id, event_id=event_id)
    Console().print(f"Tour {tour_id} ({name}): event {event_id} removed", highlight=False)


def tour_list(database_url: DatabaseOpt = None) -> None:
    """List tours with their events in tour order."""
    table = Table("id", "name", "events")
    with session_for(database_url) as session:
        tours, _ = wf.list_tours(session=session, organiser=None, limit=MAX_LIMIT)
        for tour in tours:
            shown = wf.tour_public(session, tour)
            table.add_row(str(shown.id), shown.name, ", ".join(str(e) for e in shown.event_ids) or "–")
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the tour commands to the command line."""
    tour_app = typer.Typer(help="Tours: several events read together.", no_args_is_help=True)
    tour_app.command("create")(tour_create)
    tour_app.command("add-event")(tour_add_event)
    tour_app.command("remove-event")(tour_remove_event)
    tour_app.command("list")(tour_list)
    app.add_typer(tour_app, name="tour")
