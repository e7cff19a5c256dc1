"""Shared helpers of the API tests: an app on a real database, tokens, small fixtures.

Imported by the ``tests/test_api*.py`` modules; holds no tests itself.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from api.settings import Settings
from api.workflows import organisers as wf
from matcher.embed import HashingEmbedder
from models.access import OrganiserCreate
from models.db import make_engine, upgrade_database
from tests.conftest import PG_ADMIN_URL, _pg_admin_engine

SECRET = "test-secret-key"

__all__ = ["api", "api_url", "pg_template", "sqlite_template"]  # the fixtures test modules star-import


def make_admin_token(url: str, email: str = "admin@kohtaamo.fi") -> str:
    """Create an admin directly in the database (as ``kohtaamo organiser create --admin``)."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            created = wf.create_organiser(
                session=session, organiser_in=OrganiserCreate(name="Admin", email=email, is_admin=True)
            )
    finally:
        engine.dispose()
    return created.token


@dataclass
class Api:
    """A running app (TestClient) on a migrated database, with an admin token."""

    client: TestClient
    app: FastAPI
    url: str
    admin: str

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def organiser(self, email: str, *, admin: bool = False) -> str:
        response = self.client.post(
            "/organisers",
            headers=self.auth(self.admin),
            json={"name": email.split("@")[0], "email": email, "is_admin": admin},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    def event(self, token: str, name: str = "Soteuttamo Pirkanmaa", **fields: Any) -> int:
        body = {"name": name, "region": "pirkanmaa", **fields}
        response = self.client.post("/events", headers=self.auth(token), json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def walk_in(
        self,
        token: str,
        event_id: int,
        email: str,
        organisation: str,
        *,
        sector: str = "private",
        consent: bool = False,
        check_in: bool = True,
        **org_fields: Any,
    ) -> int:
        body = {
            "person": {"name": email.split("@")[0].title(), "email": email, "consent_share_contact": consent},
            "organisation": {"name": organisation, "sector": sector, **org_fields},
            "check_in": check_in,
        }
        response = self.client.post(f"/events/{event_id}/walk-ins", headers=self.auth(token), json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["person_id"])

    def link(self, token: str, event_id: int, person_id: int) -> str:
        response = self.client.post(
            f"/events/{event_id}/registrations/{person_id}/link", headers=self.auth(token)
        )
        assert response.status_code == 200, response.text
        return str(response.json()["token"])

    def wait_job(self, token: str, job: dict[str, Any]) -> dict[str, Any]:
        self.app.state.jobs.wait(job["id"], timeout=120)
        response = self.client.get(f"/jobs/{job['id']}", headers=self.auth(token))
        assert response.status_code == 200, response.text
        return dict(response.json())


def start_api(url: str, *, migrate: bool = True, **settings: Any) -> Iterator[Api]:
    """Migrate ``url``, create an admin, and run the app on it for the block's duration."""
    if migrate:
        upgrade_database(url)
    admin = make_admin_token(url)
    settings.setdefault("bad_token_limit_per_minute", 100_000)  # the access tests try many bad tokens
    app = create_app(
        Settings(database_url=url, secret_key=SECRET, **settings), encoder=HashingEmbedder(dimension=64)
    )
    with TestClient(app) as client:
        yield Api(client=client, app=app, url=url, admin=admin)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per test session; each test gets a copy."""
    path = tmp_path_factory.mktemp("api-template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated once per session; each test gets ``CREATE DATABASE ...
    TEMPLATE`` of it (a file copy on the server, much faster than migrating again)."""
    admin = _pg_admin_engine()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable (set KOHTAAMO_REQUIRE_POSTGRES=1 to fail instead)")
    name = f"kohtaamo_api_tpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    upgrade_database(
        sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    )
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def api_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database of each kind: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "kohtaamo.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    yield from pg_copy(request.getfixturevalue("pg_template"))


def pg_copy(template: str) -> Iterator[str]:
    """URL of a new PostgreSQL database copied from ``template``, dropped when the caller is done."""
    admin = _pg_admin_engine()
    assert admin is not None
    name = f"kohtaamo_api_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def api(api_url: str) -> Iterator[Api]:
    """The app on each database kind (SQLite file, PostgreSQL), migrated, with an admin."""
    yield from start_api(api_url, migrate=False)
