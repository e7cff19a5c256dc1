"""``kohtaamo tables`` and ``kohtaamo meetings``: plan an event's workshop tables or 1:1 rounds,
store the plan and write it to CSV.

Examples::

    kohtaamo tables --event 1 --rounds 4 --table-size 6-8 --out plan.csv
    kohtaamo replan --event 1 --plan 3 --played 2     # after walk-ins: rounds 3 and 4 afresh
    kohtaamo meetings --event 1 --rounds 5 --out meetings.csv

Both go through the API's workflows (:mod:`api.workflows.table_plans`,
:mod:`api.workflows.meeting_plans`): the same people take part, every plan is checked with
the engine's checker and stored (so it can be locked, re-planned and printed later), then a
summary is printed and one CSV row per (round, person) written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.cli.base import CliError, DatabaseOpt, ModelOpt, session_for, validated
from api.cli.render import ProgressEncoder, print_table_summary, spinner
from api.schemas import MeetingPlanCreate, TablePlanCreate, TablePlanReplan
from api.settings import get_settings
from api.workflows import meeting_plans, plans, table_plans
from api.workflows.errors import ConflictError, FieldError
from api.workflows.events import find_event
from api.workflows.plan_rows import (
    MeetingRow,
    TableRow,
    meeting_rows,
    meeting_summary,
    table_mix,
    table_rows,
    write_csv,
)
from api.workflows.planning import odd_rule
from api.workflows.scoring import settings_encoder
from api.workflows.seating_rules import seat_marks
from matcher import TextEncoder
from models.plans import PlanKind

EventOpt = Annotated[int, typer.Option("--event", help="Event id.")]
OutOpt = Annotated[Path, typer.Option("--out", help="CSV file to write.", dir_okay=False)]
SecondsOpt = Annotated[float, typer.Option("--seconds", min=0.01, help="Search time limit in seconds.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the search's random choices.")]
PresentOpt = Annotated[
    bool, typer.Option("--present-only", help="Only people present now (checked in, not out).")
]


PLAN_OPTIONS = {
    "max_sector_share": "--max-sector-share",
    "min_sectors": "--min-sectors",
    "min_size": "--table-size",
    "max_size": "--table-size",
    "tables": "--tables",
    "rounds": "--rounds",
}
"""Request fields of a table plan and the options that set them (for one-line errors)."""


def parse_table_size(text: str) -> tuple[int, int]:
    """``"6-8"`` -> (6, 8); ``"6"`` -> (6, 6); anything else is an error naming the option.

    Example:
        >>> parse_table_size("6-8"), parse_table_size(" 5 ")
        ((6, 8), (5, 5))
    """
    found = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", text)
    if not found:
        raise ValueError(f"--table-size: {text!r} is not a size like 6 or 6-8")
    low = int(found.group(1))
    high = int(found.group(2) or low)
    if not 2 <= low <= high:
        raise ValueError(f"--table-size: {text!r} needs 2 <= min <= max")
    return low, high


def _encoder(model: str | None) -> TextEncoder:
    settings = get_settings()
    return settings_encoder(settings, model)


def seat_event(
    database_url: str | None, event_id: int, params: TablePlanCreate, model: str | None, console: Console
) -> tuple[int, list[TableRow]]:
    """Plan, check and store the event's table plan with progress bars; print its sector mix.
    Returns the stored plan's id and its printable rows."""
    with session_for(database_url) as session, spinner(console) as progress:
        find_event(session=session, event=str(event_id))
        try:
            table_plans.check_plan_request(session, event_id=event_id, params=params)
        except FieldError as exc:
            raise _option_error(exc) from None
        task = progress.add_task("scoring participants", total=params.seconds)
        profiles, layout, plan = table_plans.plan_event(
            session=session,
            event_id=event_id,
            params=params,
            encoder=ProgressEncoder(_encoder(model), progress),
            progress=lambda _f, message: progress.update(task, description=message),
            on_tick=lambda elapsed: progress.update(task, completed=min(elapsed, params.seconds)),
        )
        stored = table_plans.store_plan(
            session=session, event_id=event_id, params=params, profiles=profiles, layout=layout, plan=plan
        )
        marks = seat_marks(session=session, event_id=event_id)
        rows = table_rows(plan, plans.printable_people(session, profiles), marks)
    sizes = f"{params.min_size}-{params.max_size}"
    console.print(f"{len(profiles)} people at {len(layout)} tables of {sizes}, {params.rounds} rounds.")
    print_table_summary(table_mix(plan, [p.sector for p in profiles]), console)
    assert stored.id is not None
    return stored.id, rows


def tables(
    event: EventOpt,
    out: OutOpt,
    rounds: Annotated[int, typer.Option("--rounds", min=1, help="Number of rounds.")] = 4,
    table_size: Annotated[str, typer.Option("--table-size", help="People per table: '6-8' or '6'.")] = "6-8",
    n_tables: Annotated[
        int | None, typer.Option("--tables", min=1, help="Number of tables (default: from attendance).")
    ] = None,
    max_sector_share: Annotated[
        float | None,
        typer.Option(
            "--max-sector-share", help="At most this share of a table from one sector, e.g. 0.5 (hard)."
        ),
    ] = None,
    min_sectors: Annotated[
        int | None, typer.Option("--min-sectors", help="At least this many sectors at every table (hard).")
    ] = None,
    seconds: SecondsOpt = 10.0,
    seed: SeedOpt = 0,
    present_only: PresentOpt = False,
    model: ModelOpt = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Plan workshop tables: cross-sector mix, colleagues apart, few repeat encounters; pinned
    hosts, facilitators and pairs apart (``kohtaamo seat``) and the sector rules are hard."""
    console = Console()
    low, high = parse_table_size(table_size)
    values: dict[str, object] = {"rounds": rounds, "tables": n_tables, "min_size": low, "max_size": high}
    values |= {"max_sector_share": max_sector_share, "min_sectors": min_sectors}
    params = validated(
        TablePlanCreate, {**values, "present_only": present_only, "seconds": seconds, "seed": seed}
    )
    plan_id, rows = seat_event(database_url, event, params, model, console)
    write_csv(rows, out, TableRow)
    console.print(f"Stored as table plan {plan_id}. Wrote {len(rows)} rows to {out}.")


def _option_error(exc: FieldError) -> CliError:
    option = PLAN_OPTIONS.get(exc.field)
    return CliError(f"{option}: {str(exc).split(': ', 1)[1]}" if option else str(exc))


def replan(
    event: EventOpt,
    plan: Annotated[int, typer.Option("--plan", min=1, help="Table plan id (from `kohtaamo tables`).")],
    played: Annotated[
        int | None,
        typer.Option(
            "--played", min=0, help="Lock the first N rounds first (played or printed; kept for good)."
        ),
    ] = None,
    seconds: SecondsOpt = 2.0,
    seed: SeedOpt = 0,
    present_only: Annotated[
        bool,
        typer.Option("--present-only/--registered", help="Seat the people present now, or all registered."),
    ] = True,
    model: ModelOpt = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Re-plan a table plan's rounds not yet played for the people there now: played rounds stay,
    walk-ins join, people who left keep their played seats. Print it with ``kohtaamo print``."""
    console = Console()
    params = validated(TablePlanReplan, {"present_only": present_only, "seconds": seconds, "seed": seed})
    with session_for(database_url) as session, spinner(console) as progress:
        stored = plans.get_plan(session=session, event_id=event, plan_id=plan, kind=PlanKind.TABLES)
        if played is not None:
            try:
                plans.lock_rounds(session=session, stored=stored, rounds=played)
            except (FieldError, ConflictError) as exc:
                raise CliError(f"--played: {str(exc).split(': ', 1)[-1]}") from None
        try:
            table_plans.check_replan_request(session, plan_id=plan, params=params)
        except FieldError as exc:
            raise _option_error(exc) from None
        first = stored.locked_rounds + 1
        task = progress.add_task("scoring participants", total=None)
        done = table_plans.replan_stored_tables(
            session=session,
            plan_id=plan,
            params=params,
            encoder=ProgressEncoder(_encoder(model), progress),
            progress=lambda _f, message: progress.update(task, description=message),
        )
    console.print(
        f"Re-planned table plan {plan} from round {first}: {done['people']} people "
        f"at {done['tables']} tables, {done['left']} who left keep their played seats."
    )


def meetings(
    event: EventOpt,
    out: OutOpt,
    rounds: Annotated[int, typer.Option("--rounds", min=1, help="Number of meeting rounds.")] = 4,
    odd: Annotated[
        str, typer.Option("--odd", help="Odd head count: 'bye' (one sits out, rotating) or 'trio'.")
    ] = "bye",
    seconds: SecondsOpt = 10.0,
    seed: SeedOpt = 0,
    present_only: PresentOpt = False,
    model: ModelOpt = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Plan 1:1 meeting rounds: best pairs first, nobody twice, colleagues never."""
    console = Console()
    mode = "present" if present_only else "registered"
    odd_rule(odd)
    params = validated(
        MeetingPlanCreate, {"rounds": rounds, "odd": odd, "mode": mode, "seconds": seconds, "seed": seed}
    )
    with session_for(database_url) as session, spinner(console) as progress:
        event_row = find_event(session=session, event=str(event))
        progress.add_task(f"pairing people for {rounds} rounds", total=None)
        profiles, plan = meeting_plans.plan_event(
            session=session, event_id=event, params=params, encoder=ProgressEncoder(_encoder(model), progress)
        )
        stored = meeting_plans.store_plan(
            session=session, event=event_row, params=params, profiles=profiles, plan=plan
        )
        rows = meeting_rows(plan, plans.printable_people(session, profiles))
    write_csv(rows, out, MeetingRow)
    console.print(meeting_summary(plan))
    console.print(f"Stored as meeting plan {stored.id}. Wrote {len(rows)} rows to {out}.")


def demo_stage(database_url: str, event_id: int, console: Console, *, seconds: float = 5.0) -> None:
    """``kohtaamo demo``: a 4-round plan at tables of 6-8 for the sample event, with its mix."""
    params = TablePlanCreate(rounds=4, min_size=6, max_size=8, seconds=seconds, seed=0)
    _, rows = seat_event(database_url, event_id, params, None, console)
    first = [r for r in rows if r.round == 1 and r.table == 1]
    console.print(
        "Round 1, table 1: " + "; ".join(f"{r.person} ({r.organisation}, {r.sector})" for r in first)
    )


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo tables`` and ``kohtaamo meetings`` to the command line."""
    app.command("tables")(tables)
    app.command("replan")(replan)
    app.command("meetings")(meetings)
