"""Back up and restore the whole database: SQLite through its online backup API (a consistent
copy while the service runs), PostgreSQL through ``pg_dump`` / ``pg_restore``.

A backup is checked before a restore overwrites anything: it must be a readable database of
this service, at a migration this version knows; after a restore the schema is upgraded to
the newest migration, so a backup taken by an older version restores too.

Example:
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> url = f"sqlite:///{os.path.join(folder, 'k.db')}"
    >>> upgrade_database(url)
    >>> backup_database(url, os.path.join(folder, "k.backup")).kind
    'sqlite'
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from models.db import alembic_config, current_revision, upgrade_database


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    """What was written or restored: the file, its size, the database kind and its migration."""

    path: Path
    kind: str
    bytes: int
    revision: str | None


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("database: an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _libpq_url(url: sa.URL) -> str:
    """The URL as pg_dump reads it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def pg_dump_instructions(url: str | sa.URL, out: str | Path) -> str:
    """What to run where ``pg_dump`` is not installed here (password hidden).

    Example:
        >>> pg_dump_instructions("postgresql+psycopg://k@db/kohtaamo", "k.dump")
        'pg_dump --format=custom --file k.dump postgresql://k@db/kohtaamo'
    """
    plain = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return f"pg_dump --format=custom --file {out} {plain}"


def _revision(url: sa.URL) -> str | None:
    try:
        return current_revision(url)
    except sa.exc.OperationalError as exc:
        raise BackupError(f"database: cannot connect ({str(exc.orig).strip().splitlines()[0]})") from None


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    except OSError as exc:
        raise BackupError(f"{what}: cannot run {command[0]} ({exc.strerror})") from None
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise BackupError(f"{what}: {command[0]} failed: {first}")


def backup_database(url: str | sa.URL, out: str | Path) -> BackupResult:
    """Write a consistent copy of the database at ``url`` to ``out`` (overwritten).

    SQLite: the online backup API, safe while the service writes. PostgreSQL: ``pg_dump
    --format=custom``; without ``pg_dump`` on this machine a :class:`BackupError` gives the
    command to run where it is installed.
    """
    parsed = sa.engine.make_url(url)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        source_path = _sqlite_path(parsed)
        if not source_path.exists():
            raise BackupError(f"database: {source_path} does not exist")
        revision = _revision(parsed)
        partial = target.with_name(target.name + ".partial")
        with sqlite3.connect(source_path) as source, sqlite3.connect(partial) as copy:
            source.backup(copy)
        source.close()
        copy.close()
        partial.replace(target)  # a crash midway never leaves a half-written backup under the name
        return BackupResult(target, "sqlite", target.stat().st_size, revision)
    if parsed.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError(
                "backup: pg_dump is not installed here; run: " + pg_dump_instructions(parsed, target)
            )
        revision = _revision(parsed)
        _run(["pg_dump", "--format=custom", "--file", str(target), _libpq_url(parsed)], "backup")
        return BackupResult(target, "postgresql", target.stat().st_size, revision)
    raise BackupError(f"database: cannot back up {parsed.get_backend_name()} databases")


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _check_sqlite_backup(path: Path) -> str:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path}: the backup is damaged (SQLite quick_check failed)")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a Kohtaamo SQLite backup ({exc})") from None
    if row is None:
        raise BackupError(f"{path}: not a Kohtaamo SQLite backup (no migration recorded)")
    revision = str(row[0])
    if revision not in _known_revisions():
        raise BackupError(f"{path}: made at migration {revision}, which this version does not know (newer?)")
    return revision


def restore_database(url: str | sa.URL, backup: str | Path) -> BackupResult:
    """Replace the database at ``url`` with the backup's contents, then upgrade its schema.

    The backup is checked first (readable, ours, a known migration); nothing is touched if it
    is not. SQLite: copied in with the online backup API (one transaction: readers see the old
    or the new database, never a mix). PostgreSQL: ``pg_restore --clean --if-exists``.
    """
    parsed = sa.engine.make_url(url)
    source = Path(backup)
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    plain = parsed.render_as_string(hide_password=False)
    if parsed.get_backend_name() == "sqlite":
        target_path = _sqlite_path(parsed)
        revision = _check_sqlite_backup(source)
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target_path) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        upgrade_database(plain)
        return BackupResult(source, "sqlite", source.stat().st_size, revision)
    if parsed.get_backend_name() == "postgresql":
        if shutil.which("pg_restore") is None:
            raise BackupError(
                "restore: pg_restore is not installed here; run: pg_restore --clean --if-exists "
                f"--no-owner --dbname {parsed.set(drivername='postgresql').render_as_string()} {source}"
            )
        _run(["pg_restore", "--list", str(source)], "restore")  # readable, before anything is dropped
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _libpq_url(parsed),
                str(source),
            ],
            "restore",
        )
        restored = _revision(parsed)
        upgrade_database(plain)
        return BackupResult(source, "postgresql", source.stat().st_size, restored)
    raise BackupError(f"database: cannot restore {parsed.get_backend_name()} databases")


__all__ = ["BackupError", "BackupResult", "backup_database", "pg_dump_instructions", "restore_database"]
