"""Migration 0006_link_tokens up and down on SQLite and PostgreSQL: every existing
registration gets its own random link nonce; downgrading drops the column and keeps the rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models.db import current_revision, downgrade_database, make_engine, upgrade_database


def _seed(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO event (name, venue, themes, status) VALUES ('E', '', '[]', 'planning')")
        )
        for n in (1, 2, 3):
            conn.execute(
                sa.text(
                    "INSERT INTO person (name, email, role, language, consent_email, consent_share_contact)"
                    " VALUES (:name, :email, '', 'fi', false, false)"
                ),
                {"name": f"P{n}", "email": f"p{n}@example.fi"},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO registration (person_id, event_id, source, cancelled)"
                    " VALUES (:n, 1, 'pre_registered', false)"
                ),
                {"n": n},
            )
    engine.dispose()


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in sa.inspect(engine).get_columns("registration")}
    finally:
        engine.dispose()


def test_0006_gives_each_registration_its_own_nonce_and_drops_it_on_the_way_down(database_url: str) -> None:
    upgrade_database(database_url, "0005_outbox")
    _seed(database_url)
    upgrade_database(database_url, "0006_link_tokens")
    engine = make_engine(database_url)
    with engine.connect() as conn:
        nonces = conn.execute(sa.text("SELECT link_nonce FROM registration ORDER BY id")).scalars().all()
    assert len(nonces) == 3 and len(set(nonces)) == 3 and all(len(n) == 22 for n in nonces)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:  # required from now on
        conn.execute(sa.text("UPDATE registration SET link_nonce = NULL WHERE id = 1"))
    engine.dispose()
    downgrade_database(database_url, "0005_outbox")
    assert current_revision(database_url) == "0005_outbox"
    assert "link_nonce" not in _columns(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM registration")).scalar_one() == 3
    engine.dispose()
    upgrade_database(database_url)
    assert "link_nonce" in _columns(database_url)
