"""The ``kohtaamo`` command line (Typer).

Each area registers its commands in its own module (``api/commands_*.py``) through
:func:`register`; this module only assembles them and turns errors into one clear line.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="kohtaamo",
    help="Kohtaamo: cross-sector partner matchmaking for social and health care events.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)

# Modules that add commands to ``app``; each defines ``register(app: typer.Typer) -> None``.
COMMAND_MODULES: tuple[str, ...] = (
    "api.commands_data",
    "api.commands_suggest",
    "api.commands_tables",
    "api.commands_serve",
    "api.commands_demo",
)


class CliError(Exception):
    """An error to show the user as one line, exit code 1."""


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    if debug:
        os.environ["KOHTAAMO_DEBUG"] = "1"


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that area has not landed yet
                continue
            raise
        module.register(app)


def main() -> None:
    """Entry point of the ``kohtaamo`` script."""
    _load_commands()
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
