"""Data commands: ``kohtaamo import``, ``export``, ``event create/list`` and ``db upgrade``,
``db backup`` and ``db restore``.

Examples::

    kohtaamo db upgrade
    kohtaamo db backup --out kohtaamo-2026-12-02.db
    kohtaamo db restore kohtaamo-2026-12-02.db --yes
    kohtaamo event create "Soteuttamo Kanta-Häme 2026" --region kanta_hame --date 2026-12-03
    kohtaamo import ilmoittautumiset.csv --event 1
    kohtaamo import ilmoittautumiset.xlsx --event 1 --skip-invalid --rejected-out hylatyt.csv
    kohtaamo export --what people --format xlsx --out osallistujat.xlsx --event 1

The database is the configured one (``KOHTAAMO_DATABASE_URL`` / ``DATABASE_URL``) unless
``--database-url`` is given; commands bring its schema up to date first.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.cli import privacy
from api.cli.base import CliError, DatabaseOpt, engine_for, err_console, session_for, validated
from api.cli.base import database_url as database_url_of
from api.cli.render import stage_progress
from api.settings import get_settings
from api.workflows.events import create_event, find_event, list_events
from models import crud
from models.backup import BackupError, backup_database, restore_database
from models.crud import MAX_LIMIT
from models.db import current_revision, head_revision, make_engine, upgrade_database
from models.entities import EventCreate
from models.exports import WHAT, export_file
from models.imports import ImportErrors, extend_mapping, import_file

MAX_PROBLEMS_SHOWN = 50


def _mapping(value: str | None) -> dict[str, str] | None:
    if value is None:
        return None
    text = value if value.lstrip().startswith("{") else _read_text(Path(value), "--mapping")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"--mapping: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise CliError('--mapping: give a JSON object of "header": "field" pairs')
    return extend_mapping(data)


def _read_text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{option}: cannot read {path} ({exc.strerror})") from None


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX registration export.", dir_okay=False)],
    event: Annotated[str, typer.Option("--event", help="Event id or exact name.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows; write the rejected ones to a file.")
    ] = False,
    rejected_out: Annotated[
        Path | None,
        typer.Option(
            "--rejected-out", help="Where rejected rows go (default: FILE.rejected.csv).", dir_okay=False
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option("--mapping", help='Extra header mapping: JSON file or inline {"Header": "field"}.'),
    ] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Import registrations into an event: all rows or none, unless --skip-invalid."""
    header_mapping = _mapping(mapping)
    with engine_for(database_url) as engine:
        with Session(engine) as session:
            event_id = find_event(session=session, event=event).id
        assert event_id is not None
        try:
            with stage_progress() as progress:
                result = import_file(
                    engine,
                    file,
                    event_id=event_id,
                    mapping=header_mapping,
                    skip_invalid=skip_invalid,
                    rejected_out=rejected_out,
                    progress=progress,
                    limits=get_settings().sheet_limits(),
                )
        except ImportErrors as exc:
            _show_problems(exc)
            raise CliError(
                f"{file}: {len(exc.problems)} problem(s), nothing imported "
                "(fix them, or use --skip-invalid to import the valid rows)"
            ) from None
    console = Console()
    for note in [*result.duplicates, *result.warnings]:
        console.print(f"  note: {note}", highlight=False, soft_wrap=True)
    if result.ignored_columns:
        console.print(f"  note: ignored columns: {', '.join(result.ignored_columns)}", highlight=False)
    console.print(result.summary(), highlight=False, soft_wrap=True)


def _show_problems(exc: ImportErrors) -> None:
    for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
        err_console.print(f"  {problem}", highlight=False, soft_wrap=True)
    more = len(exc.problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        err_console.print(f"  ... and {more} more", highlight=False)


def export_command(
    what: Annotated[str, typer.Option("--what", help="organisations, people or registrations.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.", dir_okay=False)],
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
    event: Annotated[str | None, typer.Option("--event", help="Only this event (id or exact name).")] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """Write organisations, people or registrations as CSV (Excel, ';', UTF-8) or XLSX."""
    if what not in WHAT:
        raise CliError(f"--what: {what!r} is not one of {', '.join(WHAT)}")
    if fmt not in ("csv", "xlsx"):
        raise CliError(f"--format: {fmt!r} is not csv or xlsx")
    with session_for(database_url) as session:
        event_id = find_event(session=session, event=event).id if event is not None else None
        path, count = export_file(session, what, out, event_id=event_id, fmt=fmt)
    Console().print(f"Wrote {count} {what} to {path}", highlight=False)


def event_create(
    name: Annotated[str, typer.Argument(help="Event name.")],
    region: Annotated[str | None, typer.Option("--region", help="Region code, e.g. kanta_hame.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Date, YYYY-MM-DD.")] = None,
    venue: Annotated[str, typer.Option("--venue", help="Venue.")] = "",
    themes: Annotated[str, typer.Option("--themes", help="Comma-separated theme codes.")] = "",
    status: Annotated[str, typer.Option("--status", help="planning, live or closed.")] = "planning",
    database_url: DatabaseOpt = None,
) -> None:
    """Create an event and print its id."""
    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise CliError(f"--date: {date!r} is not a date of the form 2026-12-03") from None
    theme_codes = [t.strip() for t in themes.split(",") if t.strip()]
    event_in = validated(
        EventCreate,
        {
            "name": name,
            "region": region,
            "date": day,
            "venue": venue,
            "themes": theme_codes,
            "status": status,
        },
    )
    with session_for(database_url) as session:
        created = create_event(session=session, organiser=None, event_in=event_in)
    Console().print(f"Created event {created.id}: {created.name}", highlight=False)


def event_list(database_url: DatabaseOpt = None) -> None:
    """List events with their registration counts."""
    table = Table("id", "name", "date", "region", "status", "registered")
    with session_for(database_url) as session:
        events, _ = list_events(session=session, organiser=None, limit=MAX_LIMIT)
        for event in events:
            assert event.id is not None
            count = crud.count_registrations(session=session, event_id=event.id)
            table.add_row(
                str(event.id), event.name, str(event.date or ""), event.region or "", event.status, str(count)
            )
    Console().print(table)


def db_upgrade(database_url: DatabaseOpt = None) -> None:
    """Bring the database schema to the newest migration (safe to re-run)."""
    engine = make_engine(database_url_of(database_url))
    try:
        before = current_revision(engine)
        upgrade_database(engine)
    finally:
        engine.dispose()
    head = head_revision()
    Console().print(f"Database {engine.url.render_as_string()} at {head} (was {before or 'empty'}).")


def db_backup(
    out: Annotated[Path, typer.Option("--out", help="Backup file to write (overwritten).", dir_okay=False)],
    database_url: DatabaseOpt = None,
) -> None:
    """Back up the whole database: SQLite online (safe while serving), PostgreSQL with pg_dump."""
    try:
        result = backup_database(database_url_of(database_url), out)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    size = f"{result.bytes / 1024:.0f} KiB"
    Console().print(f"Backed up {result.kind} database at {result.revision} to {result.path} ({size}).")


def db_restore(
    backup: Annotated[Path, typer.Argument(help="A file written by `kohtaamo db backup`.", dir_okay=False)],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before replacing the database.")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """Replace the database with a backup (checked first), then upgrade its schema."""
    url = database_url_of(database_url)
    shown = make_url(url).render_as_string(hide_password=True)
    if not yes and not typer.confirm(f"Replace everything in {shown} with {backup}?"):
        raise CliError("restore: cancelled, nothing changed")
    try:
        result = restore_database(url, backup)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    Console().print(
        f"Restored {shown} from {result.path} (taken at {result.revision}); now at {head_revision()}."
    )


def register(app: typer.Typer) -> None:
    """Add the data commands to the command line."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    event_app = typer.Typer(help="Create, list and purge events.", no_args_is_help=True)
    event_app.command("create")(event_create)
    event_app.command("list")(event_list)
    event_app.command("purge")(privacy.event_purge)
    app.add_typer(event_app, name="event")
    db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
    db_app.command("upgrade")(db_upgrade)
    db_app.command("backup")(db_backup)
    db_app.command("restore")(db_restore)
    app.add_typer(db_app, name="db")
