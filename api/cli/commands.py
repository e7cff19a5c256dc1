"""Assemble the ``kohtaamo`` app from every area's commands and run it, turning any error
into one clear line (``--debug`` shows the traceback)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from api.cli import (
    data,
    demo,
    plans,
    printing,
    privacy,
    profiles,
    report,
    seating,
    send,
    serve,
    suggest,
    tours,
)
from api.cli.base import err_console

AREAS = (data, suggest, plans, seating, printing, send, serve, demo, privacy, tours, report, profiles)
"""Modules that add commands; each defines ``register(app: typer.Typer) -> None``."""


def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    if debug:
        os.environ["KOHTAAMO_DEBUG"] = "1"


def build_app() -> typer.Typer:
    """A fresh ``kohtaamo`` Typer app with every command registered."""
    app = typer.Typer(
        name="kohtaamo",
        help="Kohtaamo: cross-sector partner matchmaking for social and health care events.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_root)
    for area in AREAS:
        area.register(app)
    return app


def main() -> None:
    """Entry point of the ``kohtaamo`` script."""
    app = build_app()
    debug = "--debug" in sys.argv
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # one clear line, unless --debug
        if debug or os.environ.get("KOHTAAMO_DEBUG") == "1":
            raise
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
