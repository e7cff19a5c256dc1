"""``kohtaamo serve`` (the HTTP API under uvicorn) and ``kohtaamo organiser create``.

``serve`` brings the database to the newest migration first, once, then starts uvicorn with
``--workers N`` processes (use PostgreSQL via ``DATABASE_URL`` for several workers or hosts;
SQLite serves several workers on one host too, one writer at a time).
Beyond loopback (``--host 0.0.0.0``) it refuses to start without ``KOHTAAMO_SECRET_KEY``
(see :mod:`api.keys`). ``organiser create --admin`` mints the first admin's API token (shown once).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from api.cli.base import CliError, session_for, validated
from api.keys import SecretKeyError, require_explicit_key
from api.settings import get_settings
from api.workflows import organisers
from models.access import OrganiserCreate
from models.db import upgrade_database

console = Console()
organiser_app = typer.Typer(help="Organiser accounts of the HTTP API.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
    migrate: Annotated[bool, typer.Option(help="Upgrade the database schema first.")] = True,
) -> None:
    """Start the HTTP API (``api.app:create_app``) under uvicorn."""
    import uvicorn  # the server's own import: only `serve` needs it

    settings = get_settings()
    try:
        require_explicit_key(settings, host)
    except SecretKeyError as exc:
        raise CliError(str(exc)) from None
    if migrate:
        upgrade_database(settings.database_url)
    console.print(f"Kohtaamo API on http://{host}:{port} (docs at /docs), database {settings.database_url}")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@organiser_app.command("create")
def create_organiser(
    name: Annotated[str, typer.Option(help="The organiser's name.")],
    email: Annotated[str, typer.Option(help="The organiser's e-mail (unique).")],
    admin: Annotated[bool, typer.Option("--admin", help="May manage organisers, sees every event.")] = False,
) -> None:
    """Create an organiser account and print its API token (shown only once)."""
    organiser_in = validated(OrganiserCreate, {"name": name, "email": email, "is_admin": admin})
    with session_for(None) as session:
        created = organisers.create_organiser(session=session, organiser_in=organiser_in)
    role = "admin" if created.is_admin else "organiser"
    console.print(f"Created {role} {created.email} (id {created.id}). API token (shown once):")
    print(created.token)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``organiser`` to the ``kohtaamo`` command."""
    app.command("serve")(serve)
    app.add_typer(organiser_app, name="organiser")
