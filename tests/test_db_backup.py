"""``kohtaamo db backup`` and ``db restore``: a round trip gives back exactly the data backed
up (SQLite and PostgreSQL); a bad backup changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.backup import BackupError, backup_database, pg_dump_instructions, restore_database
from models.db import head_revision, make_engine, upgrade_database
from tests.import_helpers import ERIK, MAIJA, write_csv
from tests.test_cli_data import run

TABLES = ("event", "organisation", "person", "registration")


def _snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {t: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}
    engine.dispose()
    return out


def test_backup_then_restore_gives_back_the_same_data(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--database-url", database_url]
    assert run(["event", "create", "Soteuttamo", *db], monkeypatch, capsys)[0] == 0
    assert (
        run(
            ["import", str(write_csv(tmp_path / "a.csv", [MAIJA, ERIK])), "--event", "1", *db],
            monkeypatch,
            capsys,
        )[0]
        == 0
    )
    before = _snapshot(database_url)
    assert len(before["person"]) == 2

    code, out, err = run(["db", "backup", "--out", str(tmp_path / "k.backup"), *db], monkeypatch, capsys)
    assert code == 0, err
    assert f"at {head_revision()} to {tmp_path / 'k.backup'}" in out

    # after the backup: more data, some deleted
    assert run(["event", "create", "Uusimaa", *db], monkeypatch, capsys)[0] == 0
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM registration WHERE person_id = 2"))
        conn.execute(sa.text("UPDATE person SET name = 'Muutettu' WHERE id = 1"))
    engine.dispose()
    assert _snapshot(database_url) != before

    code, out, err = run(["db", "restore", str(tmp_path / "k.backup"), "--yes", *db], monkeypatch, capsys)
    assert code == 0, err
    assert "Restored" in out
    assert _snapshot(database_url) == before


def test_a_bad_backup_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    db = ["--database-url", url]
    assert run(["event", "create", "Soteuttamo", *db], monkeypatch, capsys)[0] == 0
    before = _snapshot(url)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    code, _, err = run(["db", "restore", str(garbage), "--yes", *db], monkeypatch, capsys)
    assert code == 1 and "not a Kohtaamo SQLite backup" in err and len(err.strip().splitlines()) == 1
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    code, _, err = run(["db", "restore", str(foreign), "--yes", *db], monkeypatch, capsys)
    assert code == 1 and "no such table: alembic_version" in err
    code, _, err = run(["db", "restore", str(tmp_path / "missing.db"), "--yes", *db], monkeypatch, capsys)
    assert code == 1 and "no such backup file" in err
    assert _snapshot(url) == before


def test_an_older_backup_is_upgraded_on_restore(tmp_path: Path) -> None:
    old = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_database(old, "0005_outbox")
    backup_database(old, tmp_path / "old.backup")
    live = f"sqlite:///{tmp_path / 'live.db'}"
    upgrade_database(live)
    result = restore_database(live, tmp_path / "old.backup")
    assert result.revision == "0005_outbox"
    engine = make_engine(live)
    with engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
        )
    engine.dispose()


def test_restore_needs_confirmation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    upgrade_database(url)
    backup_database(url, tmp_path / "k.backup")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    code, _, err = run(
        ["db", "restore", str(tmp_path / "k.backup"), "--database-url", url], monkeypatch, capsys
    )
    assert code == 1 and "cancelled, nothing changed" in err


def test_postgres_without_pg_dump_says_what_to_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    with pytest.raises(BackupError, match="pg_dump is not installed here; run: pg_dump --format=custom"):
        backup_database("postgresql+psycopg://k:salainen@db/kohtaamo", tmp_path / "k.dump")
    assert "salainen" not in pg_dump_instructions("postgresql+psycopg://k:salainen@db/kohtaamo", "k.dump")
    with pytest.raises(BackupError, match="in-memory SQLite"):
        backup_database("sqlite://", tmp_path / "x")
