"""Shared fixtures: real databases (SQLite files and a throwaway PostgreSQL database).

PostgreSQL tests use the server at ``KOHTAAMO_TEST_PG_ADMIN_URL`` (default: the local
trust-auth server, database ``test``). Each test session creates its own database and
drops it at the end. Where no server answers, those tests are skipped, unless
``KOHTAAMO_REQUIRE_POSTGRES=1`` (as CI sets), which turns that into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

PG_ADMIN_URL = os.environ.get(
    "KOHTAAMO_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("KOHTAAMO_REQUIRE_POSTGRES") == "1"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# No per-example time limit: speed is measured in bench/, and on a shared, loaded machine a
# 200 ms deadline fails tests whose answers are right (the suite's one flaky failure so far).
settings.register_profile("kohtaamo", deadline=None)
settings.load_profile("kohtaamo")


def _pg_admin_engine() -> sa.Engine | None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        if REQUIRE_PG:
            raise RuntimeError(
                f"KOHTAAMO_REQUIRE_POSTGRES=1 but PostgreSQL at {PG_ADMIN_URL} does not answer: {exc}"
            ) from exc
        return None
    return engine


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test session (dropped afterwards)."""
    admin = _pg_admin_engine()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable (set KOHTAAMO_REQUIRE_POSTGRES=1 to fail instead)")
    name = f"kohtaamo_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fresh_pg_schema(base_url: str) -> str:
    """Empty the session's PostgreSQL database so each test starts clean."""
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return base_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind a user may run: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kohtaamo.db'}"
    return _fresh_pg_schema(request.getfixturevalue("pg_database_url"))
