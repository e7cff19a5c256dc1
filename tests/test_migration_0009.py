"""0009: feedback rows keep their answers across the follow-up columns, the outbox learns the
``followup`` kind (and still refuses unknown kinds and statuses), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models.db import downgrade_database, make_engine, upgrade_database

BEFORE = "0005_outbox"


def _seed(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO event (name, venue, themes, status) VALUES ('E', '', '[]', 'planning')")
        )
        for name in ("a", "b"):
            conn.execute(
                sa.text(
                    "INSERT INTO person (name, email, role, language, consent_email, consent_share_contact)"
                    " VALUES (:n, :e, '', 'fi', true, false)"
                ),
                {"n": name, "e": f"{name}@example.fi"},
            )
        conn.execute(
            sa.text(
                "INSERT INTO feedback (event_id, person_id, target_id, met, usefulness, cooperation_agreed,"
                " cooperation_types, updated_at) VALUES (1, 1, 2, true, 4, true, '[\"training\"]', '2026-12-01')"
            )
        )
    engine.dispose()


def _outbox(conn: sa.Connection, kind: str, status: str = "queued", key: str = "h") -> None:
    conn.execute(
        sa.text(
            "INSERT INTO outbox_message (event_id, person_id, kind, content_hash, recipient, subject,"
            " message_id, sequence, calendar_rounds, raw, status, attempts, smtp_reply, created_at,"
            " updated_at) VALUES (1, 1, :kind, :key, 'a@example.fi', 's', :key, 0, '[]', '', :status, 0,"
            " '', '2026-12-01', '2026-12-01')"
        ),
        {"kind": kind, "status": status, "key": key},
    )


def test_feedback_survives_the_upgrade_and_the_downgrade(database_url: str) -> None:
    upgrade_database(database_url, BEFORE)
    _seed(database_url)
    upgrade_database(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT usefulness, comment, realised, realised_types, realised_note FROM feedback")
        ).one()
    assert (row[0], row[1], row[2], row[4]) == (4, "", None, "")
    assert row[3] in ("[]", [])
    engine.dispose()
    downgrade_database(database_url, BEFORE)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT usefulness FROM feedback")).scalar_one() == 4
    engine.dispose()


def test_the_outbox_takes_followup_and_still_refuses_nonsense(database_url: str) -> None:
    upgrade_database(database_url, BEFORE)
    _seed(database_url)
    upgrade_database(database_url)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        _outbox(conn, "followup")
    for kind, status in (("banquet", "queued"), ("followup", "lost")):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            _outbox(conn, kind, status, key=f"{kind}{status}")
    engine.dispose()
    downgrade_database(database_url, BEFORE)  # drops the follow-up messages, then the kind
    engine = make_engine(database_url)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        _outbox(conn, "followup", key="again")
    with engine.begin() as conn:
        _outbox(conn, "feedback", key="fine")
    engine.dispose()
