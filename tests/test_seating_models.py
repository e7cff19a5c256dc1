"""Meeting requests, apart pairs, pins and facilitators in the database (SQLite and
PostgreSQL): migration 0008 up and down with data, and the constraints the database keeps."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from models.db import downgrade_database, make_engine, upgrade_database
from models.seating import ApartPairCreate, MeetingRequestCreate

BEFORE = "0005_outbox"
REVISION = "0008_seating_requests"


def _people_and_registration(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO event (name, venue, themes, status) VALUES ('E', '', '[]', 'planning')")
        )
        for k in (1, 2, 3):
            conn.execute(
                sa.text(
                    "INSERT INTO person (name, email, role, language, consent_email, consent_share_contact)"
                    " VALUES (:n, :e, '', 'fi', false, false)"
                ),
                {"n": f"P{k}", "e": f"p{k}@example.fi"},
            )
        conn.execute(
            sa.text(
                "INSERT INTO registration (person_id, event_id, source, cancelled) VALUES (1, 1, 'walk_in', false)"
            )
        )
    engine.dispose()


def _execute(url: str, sql: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql))
    finally:
        engine.dispose()


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in sa.inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def test_0008_adds_requests_and_seat_rules_keeping_registrations(database_url: str) -> None:
    upgrade_database(database_url, BEFORE)
    _people_and_registration(database_url)
    upgrade_database(database_url, REVISION)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT pinned_table, facilitator FROM registration")).one()
    engine.dispose()
    assert (row[0], bool(row[1])) == (None, False), (
        "an existing registration is neither pinned nor facilitator"
    )
    _execute(
        database_url,
        "INSERT INTO meeting_request (event_id, requester_id, requested_id, source, created_at)"
        " VALUES (1, 1, 2, 'participant', '2026-12-01')",
    )
    _execute(
        database_url,
        "INSERT INTO apart_pair (event_id, person_a_id, person_b_id, created_at) VALUES (1, 1, 3, '2026-12-01')",
    )
    downgrade_database(database_url, BEFORE)
    assert {"pinned_table", "facilitator"}.isdisjoint(_columns(database_url, "registration"))
    engine = make_engine(database_url)
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"meeting_request", "apart_pair"}.isdisjoint(tables)
    upgrade_database(database_url, REVISION)  # and up again after the round trip


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO meeting_request (event_id, requester_id, requested_id, source, created_at)"
        " VALUES (1, 1, 1, 'organiser', '2026-12-01')",
        "INSERT INTO meeting_request (event_id, requester_id, requested_id, source, created_at)"
        " VALUES (1, 1, 2, 'someone', '2026-12-01')",
        "INSERT INTO meeting_request (event_id, requester_id, requested_id, source, created_at)"
        " VALUES (1, 1, 99, 'organiser', '2026-12-01')",
        "INSERT INTO apart_pair (event_id, person_a_id, person_b_id, created_at) VALUES (1, 3, 1, '2026-12-01')",
        "UPDATE registration SET pinned_table = 0",
    ],
    ids=["self", "source", "unknown-person", "unordered", "table-0"],
)
def test_the_database_refuses_malformed_rows(database_url: str, sql: str) -> None:
    upgrade_database(database_url, BEFORE)
    _people_and_registration(database_url)  # rows as 0005 knew them; later migrations fill the rest
    upgrade_database(database_url)
    with pytest.raises(sa.exc.IntegrityError):
        _execute(database_url, sql)


def test_a_request_is_stored_once_per_pair_and_event(database_url: str) -> None:
    upgrade_database(database_url, BEFORE)
    _people_and_registration(database_url)  # rows as 0005 knew them; later migrations fill the rest
    upgrade_database(database_url)
    insert = (
        "INSERT INTO meeting_request (event_id, requester_id, requested_id, source, created_at)"
        " VALUES (1, {a}, {b}, 'organiser', '2026-12-01')"
    )
    _execute(database_url, insert.format(a=1, b=2))
    _execute(database_url, insert.format(a=2, b=1))  # the other direction: mutual, allowed
    with pytest.raises(sa.exc.IntegrityError):
        _execute(database_url, insert.format(a=1, b=2))


def test_create_schemas_normalise_and_refuse() -> None:
    pair = ApartPairCreate(person_a_id=7, person_b_id=2)
    assert (pair.person_a_id, pair.person_b_id) == (2, 7)
    with pytest.raises(ValidationError, match="kept apart from themselves"):
        ApartPairCreate(person_a_id=5, person_b_id=5)
    with pytest.raises(ValidationError, match="ask to meet themselves"):
        MeetingRequestCreate(requester_id=5, requested_id=5)
    assert MeetingRequestCreate(requester_id=1, requested_id=2).mutual is False
