"""Every migration runs up and down on SQLite and PostgreSQL, and the head schema is the models'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from matcher.taxonomy import COOPERATION_TYPES, THEMES
from models.db import (
    alembic_config,
    current_revision,
    downgrade_database,
    head_revision,
    load_table_modules,
    make_engine,
    upgrade_database,
)


def _revisions_base_to_head() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_first_revision_is_0001_initial() -> None:
    assert _revisions_base_to_head()[0] == "0001_initial"


def test_every_migration_up_and_down(database_url: str) -> None:
    revisions = _revisions_base_to_head()
    seen: list[set[str]] = [set()]
    for rev in revisions:
        upgrade_database(database_url, rev)
        assert current_revision(database_url) == rev
        seen.append(_tables(database_url))
    assert current_revision(database_url) == head_revision()
    for index in range(len(revisions) - 1, -1, -1):
        target = revisions[index - 1] if index > 0 else "base"
        downgrade_database(database_url, target)
        assert _tables(database_url) == seen[index], f"downgrade to {target} left other tables"
    assert current_revision(database_url) is None
    upgrade_database(database_url)  # and up again, after a full round trip
    assert current_revision(database_url) == head_revision()


def test_upgrade_is_safe_to_rerun_and_keeps_data(database_url: str) -> None:
    upgrade_database(database_url)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organisation (name, normalised_name, sector, description, offers, needs,"
                " themes, keywords, languages) VALUES ('A Oy', 'a', 'private', '', '', '', '[]', '[]', '[]')"
            )
        )
    upgrade_database(database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM organisation")).scalars().all() == ["A Oy"]
    engine.dispose()


def test_head_schema_matches_the_models(database_url: str) -> None:
    upgrade_database(database_url)
    metadata = load_table_modules()
    engine = make_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_themes_are_seeded(database_url: str) -> None:
    upgrade_database(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT kind, code, label_sv FROM theme")).all()
    engine.dispose()
    assert {(k, c) for k, c, _ in rows} == {("theme", c) for c in THEMES} | {
        ("cooperation_type", c) for c in COOPERATION_TYPES
    }
    assert ("theme", "home_care", "hemvård") in rows


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fk.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO registration (person_id, event_id, source, cancelled, link_nonce)"
                    " VALUES (999, 999, 'walk_in', false, 'n')"
                )
            )
    except sa.exc.IntegrityError:
        pass
    else:
        raise AssertionError("SQLite accepted a registration of a person that does not exist")
    finally:
        engine.dispose()


def _insert_plan(url: str, params: str, *, kind: str | None = None) -> None:
    columns, values = (", kind", ", :kind") if kind is not None else ("", "")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO event (name, venue, themes, status) VALUES ('E', '', '[]', 'planning')")
        )
        conn.execute(
            sa.text(
                "INSERT INTO stored_table_plan (event_id, params, person_ids, assignment, locked_rounds,"
                f" violations, created_at, updated_at{columns})"
                f" VALUES (1, :params, '[1, 2]', '[[0, 0]]', 0, '[]', '2026-12-01', '2026-12-01'{values})"
            ),
            {"params": params, "kind": kind},
        )
    engine.dispose()


def _plan_row(url: str) -> tuple[str, str | None, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        kind, odd, params = conn.execute(sa.text("SELECT kind, odd, params FROM stored_table_plan")).one()
    engine.dispose()
    return kind, odd, params if isinstance(params, str) else json.dumps(params)


def test_0003_moves_plan_kind_and_odd_rule_into_columns_and_back(database_url: str) -> None:
    upgrade_database(database_url, "0002_api")
    _insert_plan(database_url, '{"kind": "meetings", "odd": "trio", "rounds": 3}')
    upgrade_database(database_url, "0003_plan_kind")
    kind, odd, params = _plan_row(database_url)
    assert (kind, odd, json.loads(params)) == ("meetings", "trio", {"rounds": 3})
    downgrade_database(database_url, "0002_api")
    engine = make_engine(database_url)
    with engine.connect() as conn:
        back = conn.execute(sa.text("SELECT params FROM stored_table_plan")).scalar_one()
    engine.dispose()
    assert (json.loads(back) if isinstance(back, str) else back) == {
        "rounds": 3,
        "kind": "meetings",
        "odd": "trio",
    }


def test_0003_reads_a_missing_kind_as_a_table_plan(database_url: str) -> None:
    upgrade_database(database_url, "0002_api")
    _insert_plan(database_url, '{"rounds": 4}')
    upgrade_database(database_url)
    assert _plan_row(database_url)[:2] == ("tables", None)


def test_0003_refuses_an_unknown_plan_kind_instead_of_guessing(database_url: str) -> None:
    upgrade_database(database_url, "0002_api")
    _insert_plan(database_url, '{"kind": "banquet"}')
    with pytest.raises(RuntimeError, match="stored_table_plan 1: unknown plan kind 'banquet'"):
        upgrade_database(database_url, "0003_plan_kind")
    assert current_revision(database_url) == "0002_api"  # nothing half-done
    engine = make_engine(database_url)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("stored_table_plan")}
    engine.dispose()
    assert "kind" not in columns and "odd" not in columns


def test_the_database_refuses_an_unknown_plan_kind(database_url: str) -> None:
    upgrade_database(database_url)
    _insert_plan(database_url, "{}", kind="tables")
    engine = make_engine(database_url)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("UPDATE stored_table_plan SET kind = 'banquet'"))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("UPDATE stored_table_plan SET odd = 'quartet'"))
    engine.dispose()
