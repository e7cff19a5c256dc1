"""Bad-token attempts are rate limited per client (429 with a message), valid tokens never
count, and the argon2 memo never stands in for a check against a changed hash."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.security import new_organiser_token
from models.access import Organiser
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api, start_api

LIMIT = 3


@pytest.fixture
def strict(api_url: str) -> Iterator[Api]:
    """The app with a limit of three bad tokens a minute per client."""
    yield from start_api(api_url, migrate=False, bad_token_limit_per_minute=LIMIT)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_guessing_tokens_is_stopped_then_let_in_again(strict: Api) -> None:
    clock = Clock()
    strict.app.state.bad_token_limiter.clock = clock
    client = strict.client
    bad = ["kht_1_guess", "not-a-link", "kht_1_another"]
    assert client.get("/organisers/me", headers=strict.auth(bad[0])).status_code == 401
    assert client.get("/me/suggestions", params={"token": bad[1]}).status_code == 401
    assert client.get(f"/p/{bad[1]}").status_code == 401  # the pages count too
    stopped = client.get("/organisers/me", headers=strict.auth(bad[2]))
    assert stopped.status_code == 429
    assert "too many attempts" in stopped.json()["detail"] and int(stopped.headers["retry-after"]) == 60
    # while stopped, even a valid token waits (a guesser learns nothing), but health checks pass
    assert client.get("/organisers/me", headers=strict.auth(strict.admin)).status_code == 429
    assert client.get("/healthz").status_code == 200
    # another client is not affected
    with TestClient(strict.app, client=("192.0.2.7", 40000)) as other:
        assert other.get("/organisers/me", headers=strict.auth(strict.admin)).status_code == 200
    clock.now += 61
    assert client.get("/organisers/me", headers=strict.auth(strict.admin)).status_code == 200


def test_valid_tokens_never_count(strict: Api) -> None:
    event = strict.event(strict.admin)
    person = strict.walk_in(strict.admin, event, "maija@yohoiva.fi", "Yöhoiva Oy")
    link = strict.link(strict.admin, event, person)
    for _ in range(10 * LIMIT):
        assert strict.client.get("/me/suggestions", params={"token": link}).status_code == 200
        assert strict.client.get("/organisers/me", headers=strict.auth(strict.admin)).status_code == 200


def _set_hash(url: str, organiser_id: int, token_hash: str) -> None:
    engine = sa.create_engine(url)
    with Session(engine) as session:
        organiser = session.get(Organiser, organiser_id)
        assert organiser is not None
        organiser.token_hash = token_hash
        session.add(organiser)
        session.commit()
    engine.dispose()


def test_the_memo_never_skips_the_check_against_a_changed_hash(api: Api) -> None:
    token = api.organiser("aino@example.fi")
    organiser_id = int(token.split("_")[1])
    for _ in range(2):  # the second check comes from the memo
        assert api.client.get("/organisers/me", headers=api.auth(token)).status_code == 200
    replacement, replacement_hash = new_organiser_token(organiser_id)
    _set_hash(api.url, organiser_id, replacement_hash)  # e.g. rotated on another worker
    assert api.client.get("/organisers/me", headers=api.auth(token)).status_code == 401
    assert api.client.get("/organisers/me", headers=api.auth(replacement)).status_code == 200
    # and rotating through the API: the memoised old token is refused at once
    rotated = api.client.post(f"/organisers/{organiser_id}/token", headers=api.auth(api.admin))
    assert rotated.status_code == 200, rotated.text
    assert api.client.get("/organisers/me", headers=api.auth(replacement)).status_code == 401
    assert api.client.get("/organisers/me", headers=api.auth(rotated.json()["token"])).status_code == 200
