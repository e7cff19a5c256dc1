"""``kohtaamo tables`` and ``kohtaamo meetings``: plan an event's workshop tables or 1:1 rounds to CSV.

Examples::

    kohtaamo tables --event 1 --rounds 4 --table-size 6-8 --out plan.csv
    kohtaamo meetings --event 1 --rounds 5 --out meetings.csv

Both read the event's registrations from the configured database (``--database-url``
overrides it), score every pair with the configured embedding model (``--model hashing``
runs without one), plan, check the plan with the engine's checker, print a summary and
write one CSV row per (round, person).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy.typing as npt
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from api import workflows_tables as wf
from api.settings import get_settings
from matcher import Profile

EventOpt = Annotated[int, typer.Option("--event", help="Event id.")]
OutOpt = Annotated[Path, typer.Option("--out", help="CSV file to write.", dir_okay=False)]
SecondsOpt = Annotated[float, typer.Option("--seconds", min=0.01, help="Search time limit in seconds.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the search's random choices.")]
PresentOpt = Annotated[
    bool, typer.Option("--present-only", help="Only people checked in (on the day), not all registered.")
]
ModelOpt = Annotated[
    str | None,
    typer.Option("--model", help="Embedding model (default: the configured one); 'hashing' needs none."),
]
DatabaseOpt = Annotated[
    str | None, typer.Option("--database-url", help="Database URL (default: configured).")
]


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _load_and_score(
    progress: Progress, database_url: str | None, event: int, present_only: bool, model: str | None
) -> tuple[list[Profile], list[wf.PlanPerson], npt.NDArray[Any]]:
    settings = get_settings()
    task = progress.add_task("loading the event", total=None)
    profiles, people = wf.load_event_people(
        database_url or settings.database_url, event, present_only=present_only
    )
    if len(profiles) < 2:
        raise ValueError(f"--event: event {event} has {len(profiles)} participant(s); at least 2 are needed")
    progress.update(task, description=f"scoring {len(profiles)} participants")
    scores = wf.score(profiles, model if model is not None else settings.model, settings.cache_dir)
    progress.remove_task(task)
    return profiles, people, scores


def tables(
    event: EventOpt,
    out: OutOpt,
    rounds: Annotated[int, typer.Option("--rounds", min=1, help="Number of rounds.")] = 4,
    table_size: Annotated[str, typer.Option("--table-size", help="People per table: '6-8' or '6'.")] = "6-8",
    n_tables: Annotated[
        int | None, typer.Option("--tables", min=1, help="Number of tables (default: from attendance).")
    ] = None,
    seconds: SecondsOpt = 10.0,
    seed: SeedOpt = 0,
    present_only: PresentOpt = False,
    model: ModelOpt = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Plan workshop tables: cross-sector mix, colleagues apart, few repeat encounters."""
    console = Console()
    low, high = wf.parse_table_size(table_size)
    with _progress(console) as progress:
        profiles, people, scores = _load_and_score(progress, database_url, event, present_only, model)
        layout = wf.table_layout(len(profiles), tables=n_tables, min_size=low, max_size=high)
        task = progress.add_task(f"seating {len(profiles)} people at {len(layout)} tables", total=seconds)
        plan = wf.plan_event_tables(
            profiles,
            scores,
            layout,
            rounds,
            seconds=seconds,
            seed=seed,
            on_tick=lambda elapsed: progress.update(task, completed=min(elapsed, seconds)),
        )
    rows = wf.table_rows(plan, people)
    wf.write_csv(rows, out, wf.TableRow)
    console.print(f"{len(profiles)} people, {len(layout)} tables of {low}-{high}, {rounds} rounds.")
    wf.print_table_summary(wf.table_mix(plan, [p.sector for p in profiles]), console)
    console.print(f"Wrote {len(rows)} rows to {out}.")


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
    with _progress(console) as progress:
        profiles, people, scores = _load_and_score(progress, database_url, event, present_only, model)
        progress.add_task(f"pairing {len(profiles)} people for {rounds} rounds", total=None)
        plan = wf.plan_event_meetings(profiles, scores, rounds, odd=odd, seconds=seconds, seed=seed)
    rows = wf.meeting_rows(plan, people)
    wf.write_csv(rows, out, wf.MeetingRow)
    console.print(wf.meeting_summary(plan))
    console.print(f"Wrote {len(rows)} rows to {out}.")


def register(app: typer.Typer) -> None:
    """Add ``kohtaamo tables`` and ``kohtaamo meetings`` to the command line."""
    app.command("tables")(tables)
    app.command("meetings")(meetings)
