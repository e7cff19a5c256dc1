"""What every command shares: one-line errors, the database from ``--database-url`` or the
settings (schema brought up to date first), and the common options."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from sqlmodel import Session

from api.settings import get_settings
from models.db import make_engine, upgrade_database

err_console = Console(stderr=True)
M = TypeVar("M", bound=BaseModel)

DatabaseOpt = Annotated[
    str | None, typer.Option("--database-url", help="Database URL (default: the configured one).")
]
ModelOpt = Annotated[
    str | None,
    typer.Option("--model", help="Embedding model (default: the configured one); 'hashing' needs none."),
]


class CliError(Exception):
    """An error to show the user as one line, exit code 1."""


def database_url(given: str | None) -> str:
    """``--database-url`` if given, else the configured one."""
    return given or get_settings().database_url


@contextmanager
def engine_for(given: str | None) -> Iterator[sa.Engine]:
    """An engine on the chosen database, at the newest migration; disposed afterwards."""
    engine = make_engine(database_url(given))
    try:
        upgrade_database(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def session_for(given: str | None) -> Iterator[Session]:
    """A session on the chosen database (see :func:`engine_for`); the caller commits."""
    with engine_for(given) as engine, Session(engine) as session:
        yield session


def validated(schema: type[M], data: dict[str, Any]) -> M:
    """``schema`` built from command-line values; a refused value is one line naming the option."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        option = str(first["loc"][0]).replace("_", "-") if first["loc"] else "options"
        raise CliError(f"--{option}: {message}") from None
