"""Database engine, sessions and schema upgrades (Alembic, run programmatically).

The schema is created only by the migrations in ``models/migrations``: call
:func:`upgrade_database` before first use (``kohtaamo db upgrade`` does). SQLite gets
foreign keys switched on for every connection, so it enforces what PostgreSQL does.

Example:
    >>> url = "sqlite://"
    >>> engine = make_engine(url)
    >>> with session_scope(engine) as session:
    ...     _ = session.connection()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session, SQLModel

from models import (
    access,
    entities,
    feedback,
    jobs,
    outbox,
    plans,
    schedule,
    seating,
    suggestions,
    themes,
    tours,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

TABLE_MODULES = (
    access,
    entities,
    feedback,
    jobs,
    outbox,
    plans,
    schedule,
    seating,
    suggestions,
    themes,
    tours,
)
"""Every module that defines tables (imported above, so the metadata is complete)."""


def load_table_modules() -> sa.MetaData:
    """The complete metadata: every table of :data:`TABLE_MODULES`.

    Example:
        >>> "organisation" in load_table_modules().tables
        True
    """
    return SQLModel.metadata


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str | sa.URL, **kwargs: Any) -> sa.Engine:
    """An engine for ``url``; on SQLite every connection enforces foreign keys.

    Example:
        >>> make_engine("sqlite://").dialect.name
        'sqlite'
    """
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@contextmanager
def session_scope(engine: sa.Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back on any error.

    Example:
        >>> with session_scope(make_engine("sqlite://")) as session:
        ...     session.exec(sa.text("select 1")).one()[0]  # type: ignore[call-overload]
        1
    """
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def iter_sessions(engine: sa.Engine) -> Iterator[Session]:
    """Yield one session (a FastAPI dependency shape); the caller commits."""
    with Session(engine) as session:
        yield session


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic configuration pointing at the package's migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _sqlite_foreign_keys(connection: sa.Connection, *, on: bool) -> None:
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _migrate(connection: sa.Connection, action: str, revision: str) -> None:
    config = alembic_config(connection)
    if action == "upgrade":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


def _run(url: str | sa.URL | sa.Engine, action: str, revision: str) -> None:
    """Migrate in one transaction. On SQLite, batch mode rebuilds a table (copy, drop, rename),
    and dropping it with foreign keys on would cascade into its child tables' rows: the keys
    are off while migrating and checked before the commit instead."""
    engine = url if isinstance(url, sa.Engine) else make_engine(url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _sqlite_foreign_keys(connection, on=False)
            try:
                with connection.begin():
                    _migrate(connection, action, revision)
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all() if sqlite else []
                    if broken:
                        raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")
            finally:
                if sqlite:
                    _sqlite_foreign_keys(connection, on=True)
    finally:
        if not isinstance(url, sa.Engine):
            engine.dispose()


def upgrade_database(url: str | sa.URL | sa.Engine, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the newest). Safe to re-run.

    Example:
        >>> upgrade_database("sqlite://")
    """
    _run(url, "upgrade", revision)


def downgrade_database(url: str | sa.URL | sa.Engine, revision: str) -> None:
    """Take the database back to ``revision`` ("base" removes every table)."""
    _run(url, "downgrade", revision)


def current_revision(url: str | sa.URL | sa.Engine) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    engine = url if isinstance(url, sa.Engine) else make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if not isinstance(url, sa.Engine):
            engine.dispose()


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return head
