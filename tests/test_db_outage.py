"""PostgreSQL unavailable during a run (simulated by cutting a loopback TCP proxy, never by
touching the real server): requests fail with 503 and a message, never 500, nothing is
half-written, and the service recovers by itself once the database is back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from api.db_outage import DETAIL
from tests.conftest import _pg_admin_engine
from tests.tcp_proxy import TcpProxy
from tests.test_api_support import *  # noqa: F403  (the api fixtures: pg_template)
from tests.test_api_support import Api, pg_copy, start_api

pytestmark = pytest.mark.postgres


@pytest.fixture
def proxied(pg_template: str) -> Iterator[tuple[Api, TcpProxy]]:
    if _pg_admin_engine() is None:
        pytest.skip("PostgreSQL is not reachable")
    for direct in pg_copy(pg_template):
        url = sa.engine.make_url(direct)
        with TcpProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
            through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            for api in start_api(through, migrate=False):
                yield api, proxy


def _calls(api: Api, token: str, event: int, link: str) -> list[Any]:
    auth = api.auth(token)
    return [
        api.client.get("/events", headers=auth),
        api.client.get(f"/events/{event}/registrations", headers=auth),
        api.client.post(f"/events/{event}/registrations/1/check-in", headers=auth),
        api.client.post("/events", headers=auth, json={"name": "Kesken jäänyt"}),
        api.client.get("/me/tables", headers={"Authorization": f"Bearer {link}"}),
        api.client.get("/dashboard", headers=auth),
    ]


def test_the_database_away_is_a_503_and_then_recovers(proxied: tuple[Api, TcpProxy]) -> None:
    api, proxy = proxied
    token = api.organiser("a@example.fi")
    event = api.event(token)
    person = api.walk_in(token, event, "maija@example.fi", "Hoiva Oy")
    link = api.link(token, event, person)
    assert api.client.get("/events", headers=api.auth(token)).status_code == 200

    proxy.cut()
    for _round in range(2):  # pooled connections broken, then new ones refused
        answers = _calls(api, token, event, link)
        assert [r.status_code for r in answers[:5]] == [503] * 5, [r.text for r in answers]
        assert answers[0].json() == {"detail": DETAIL} and answers[0].headers["retry-after"] == "5"
        assert answers[5].status_code != 500

    proxy.restore()
    assert api.client.get("/events", headers=api.auth(token)).status_code == 200
    names = [e["name"] for e in api.client.get("/events", headers=api.auth(token)).json()["items"]]
    assert "Kesken jäänyt" not in names  # the create refused during the outage left nothing
    assert api.client.post("/events", headers=api.auth(token), json={"name": "Uusi"}).status_code == 201
    assert api.client.get("/me/tables", headers={"Authorization": f"Bearer {link}"}).status_code in (200, 404)
