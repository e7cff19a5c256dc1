"""0007 moves the event-day marks from the attendance table onto the registration and back,
with data in it, on SQLite and PostgreSQL; and adds the job heartbeat."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from models.db import current_revision, downgrade_database, make_engine, upgrade_database

LEFT_AT = dt.datetime(2026, 12, 2, 14, 30, tzinfo=dt.UTC)


def _seed_0005(url: str) -> None:
    """Three registrations at 0005: one checked out, one no-show, one without marks."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO event (name, venue, themes, status) VALUES ('E', '', '[]', 'planning')")
        )
        for k in (1, 2, 3):
            conn.execute(
                sa.text(
                    "INSERT INTO person (name, email, role, language, consent_email, consent_share_contact)"
                    " VALUES (:n, :e, '', 'fi', true, false)"
                ),
                {"n": f"P{k}", "e": f"p{k}@x.fi"},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO registration (person_id, event_id, source, checked_in_at, cancelled)"
                    " VALUES (:k, 1, 'pre_registered', :at, false)"
                ),
                {"k": k, "at": LEFT_AT - dt.timedelta(hours=3) if k == 1 else None},
            )
        conn.execute(
            sa.text(
                "INSERT INTO attendance (registration_id, checked_out_at, no_show, updated_at)"
                " VALUES (1, :left, false, :left), (2, NULL, true, :left)"
            ),
            {"left": LEFT_AT},
        )
    engine.dispose()


def _marks(url: str, sql: str) -> list[tuple[int, dt.datetime | None, bool]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(sql)).all()
    engine.dispose()
    out = []
    for reg, left, no_show in rows:
        if isinstance(left, str):
            left = dt.datetime.fromisoformat(left)
        if left is not None and left.tzinfo is None:
            left = left.replace(tzinfo=dt.UTC)
        out.append((reg, left, bool(no_show)))
    return out


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        inspector = sa.inspect(engine)
        return {c["name"] for c in inspector.get_columns(table)} if inspector.has_table(table) else set()
    finally:
        engine.dispose()


def test_0007_moves_the_marks_onto_the_registration_and_back(database_url: str) -> None:
    upgrade_database(database_url, "0005_outbox")
    _seed_0005(database_url)  # 0006 (link nonces) runs on the way up and keeps these rows
    upgrade_database(database_url, "0007_registration_marks")
    assert current_revision(database_url) == "0007_registration_marks"
    assert _columns(database_url, "attendance") == set()
    assert {"checked_out_at", "no_show"} <= _columns(database_url, "registration")
    assert "heartbeat_at" in _columns(database_url, "job")
    moved = _marks(database_url, "SELECT id, checked_out_at, no_show FROM registration ORDER BY id")
    assert moved == [(1, LEFT_AT, False), (2, None, True), (3, None, False)]

    downgrade_database(database_url, "0006_link_tokens")
    assert {"checked_out_at", "no_show"}.isdisjoint(_columns(database_url, "registration"))
    assert "heartbeat_at" not in _columns(database_url, "job")
    assert "attendance_restore" not in sa.inspect(make_engine(database_url)).get_table_names()
    back = _marks(
        database_url,
        "SELECT registration_id, checked_out_at, no_show FROM attendance ORDER BY registration_id",
    )
    assert back == [(1, LEFT_AT, False), (2, None, True)]
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM registration")).scalar_one() == 3
    engine.dispose()
    upgrade_database(database_url)  # and up again
    again = _marks(database_url, "SELECT id, checked_out_at, no_show FROM registration ORDER BY id")
    assert again == moved
