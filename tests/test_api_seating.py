"""Seating rules through the API (SQLite and PostgreSQL): pins, facilitators and pairs kept
apart, as organisers set and read them."""

from __future__ import annotations

from typing import Any

from tests.test_api_jobs import _event_with_people
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _rules(api: Api, token: str, event: int) -> dict[str, Any]:
    response = api.client.get(f"/events/{event}/seating", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_pins_and_facilitators_are_set_read_and_cleared(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    base = f"/events/{event}/seating"
    pinned = api.client.put(f"{base}/pins/{people[0]}", headers=api.auth(a), json={"table": 2})
    assert pinned.status_code == 200, pinned.text
    assert (pinned.json()["pinned_table"], pinned.json()["facilitator"]) == (2, False)
    marked = api.client.put(f"{base}/facilitators/{people[5]}", headers=api.auth(a))
    assert marked.status_code == 200 and marked.json()["facilitator"] is True
    seats = _rules(api, a, event)["seats"]
    assert [(s["person_id"], s["pinned_table"], s["facilitator"]) for s in seats] == [
        (people[0], 2, False),
        (people[5], None, True),
    ]
    registration = api.client.get(f"/events/{event}/registrations/{people[0]}", headers=api.auth(a)).json()
    assert registration["pinned_table"] == 2
    assert (
        api.client.put(f"{base}/pins/{people[0]}", headers=api.auth(a), json={"table": 0}).status_code == 422
    )
    assert api.client.delete(f"{base}/pins/{people[0]}", headers=api.auth(a)).json()["pinned_table"] is None
    assert (
        api.client.delete(f"{base}/facilitators/{people[5]}", headers=api.auth(a)).json()["facilitator"]
        is False
    )
    assert _rules(api, a, event)["seats"] == []
    other = api.event(a, name="Toinen")
    stranger = api.walk_in(a, other, "vieras@example.fi", "Vieras Oy")
    missing = api.client.put(f"{base}/pins/{stranger}", headers=api.auth(a), json={"table": 1})
    assert missing.status_code == 404 and "not registered at this event" in missing.text
    b = api.organiser("b@example.fi")
    assert api.client.get(base, headers=api.auth(b)).status_code == 404


def test_apart_pairs_are_one_row_per_pair_in_either_order(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    base = f"/events/{event}/seating/apart"
    made = api.client.post(
        base, headers=api.auth(a), json={"person_a_id": people[7], "person_b_id": people[2]}
    )
    assert made.status_code == 201, made.text
    assert [p["person_id"] for p in made.json()["people"]] == sorted([people[7], people[2]])
    again = api.client.post(
        base, headers=api.auth(a), json={"person_a_id": people[2], "person_b_id": people[7]}
    )
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    self_pair = api.client.post(
        base, headers=api.auth(a), json={"person_a_id": people[2], "person_b_id": people[2]}
    )
    assert self_pair.status_code == 422
    assert len(_rules(api, a, event)["apart"]) == 1
    assert api.client.delete(f"{base}/{made.json()['id']}", headers=api.auth(a)).status_code == 204
    assert api.client.delete(f"{base}/{made.json()['id']}", headers=api.auth(a)).status_code == 404
    assert _rules(api, a, event)["apart"] == []
