"""Meeting requests through the API (SQLite and PostgreSQL): organisers add and remove them,
participants ask to meet their suggested partners from their own link, and the meeting
planner puts them first, the plan marking which meetings were asked for."""

from __future__ import annotations

from typing import Any

from tests.test_api_jobs import _event_with_people, _run
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _requests(api: Api, token: str, event: int) -> list[dict[str, Any]]:
    response = api.client.get(f"/events/{event}/meeting-requests", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return list(response.json())


def _add(api: Api, token: str, event: int, a: int, b: int, *, mutual: bool = False) -> Any:
    body = {"requester_id": a, "requested_id": b, "mutual": mutual}
    return api.client.post(f"/events/{event}/meeting-requests", headers=api.auth(token), json=body)


def test_organiser_adds_lists_and_removes_requests(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    first = _add(api, a, event, people[0], people[2])
    assert first.status_code == 201, first.text
    [made] = first.json()
    assert (made["requester"]["person_id"], made["requested"]["person_id"]) == (people[0], people[2])
    assert made["source"] == "organiser" and made["mutual"] is False and made["requester"]["name"]
    both = _add(api, a, event, people[4], people[6], mutual=True)
    assert both.status_code == 201 and len(both.json()) == 2
    assert _add(api, a, event, people[0], people[2]).json()[0]["id"] == made["id"], "asking again: same row"
    listed = _requests(api, a, event)
    assert [(r["requester"]["person_id"], r["requested"]["person_id"], r["mutual"]) for r in listed] == [
        (people[0], people[2], False),
        (people[4], people[6], True),
        (people[6], people[4], True),
    ]
    # the other direction added later makes the first one mutual
    _add(api, a, event, people[2], people[0])
    assert all(r["mutual"] for r in _requests(api, a, event))
    gone = api.client.delete(f"/events/{event}/meeting-requests/{made['id']}", headers=api.auth(a))
    assert gone.status_code == 204
    assert len(_requests(api, a, event)) == 3
    again = api.client.delete(f"/events/{event}/meeting-requests/{made['id']}", headers=api.auth(a))
    assert again.status_code == 404


def test_organiser_requests_are_refused_with_the_field_named(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    self_request = _add(api, a, event, people[0], people[0])
    assert self_request.status_code == 422 and "themselves" in self_request.text
    other_event = api.event(a, name="Toinen tapahtuma")
    stranger = api.walk_in(a, other_event, "vieras@example.fi", "Vieras Oy")
    refused = _add(api, a, event, stranger, people[0])
    assert refused.status_code == 422, refused.text
    assert f"requester_id: person {stranger} is not registered at this event" in refused.text
    b = api.organiser("b@example.fi")
    assert _add(api, b, event, people[0], people[2]).status_code == 404, "not b's event"
    assert _requests(api, a, event) == []


def test_participant_asks_to_meet_a_suggested_partner_only(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    assert (
        _run(api, a, f"/events/{event}/suggestions", {"k": 3, "mode": "registered"})["status"] == "succeeded"
    )
    me = api.auth(api.link(a, event, people[0]))
    suggested = [s["person_id"] for s in api.client.get("/me/suggestions", headers=me).json()["suggestions"]]
    target = suggested[0]
    made = api.client.post("/me/meeting-requests", headers=me, json={"person_id": target})
    assert made.status_code == 201, made.text
    assert made.json()["person_id"] == target and made.json()["source"] == "participant"
    again = api.client.post("/me/meeting-requests", headers=me, json={"person_id": target})
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    colleague = people[1]  # never suggested
    refused = api.client.post("/me/meeting-requests", headers=me, json={"person_id": colleague})
    assert refused.status_code == 422 and "not among your suggested partners" in refused.text
    # the organiser sees it, and adds one of their own on the participant's behalf
    assert [r["source"] for r in _requests(api, a, event)] == ["participant"]
    other = next(p for p in people if p not in suggested and p not in people[:2])
    _add(api, a, event, people[0], other)
    mine = api.client.get("/me/meeting-requests", headers=me).json()
    assert [(r["person_id"], r["source"]) for r in mine] == [(target, "participant"), (other, "organiser")]
    kept = api.client.delete(f"/me/meeting-requests/{mine[1]['id']}", headers=me)
    assert kept.status_code == 409 and "organiser" in kept.text
    # someone else cannot withdraw it
    them = api.auth(api.link(a, event, people[3]))
    assert api.client.delete(f"/me/meeting-requests/{mine[0]['id']}", headers=them).status_code == 404
    assert api.client.delete(f"/me/meeting-requests/{mine[0]['id']}", headers=me).status_code == 204
    assert [r["person_id"] for r in api.client.get("/me/meeting-requests", headers=me).json()] == [other]
    assert api.client.get("/me/meeting-requests").status_code == 401


def _marks(plan: dict[str, Any], asked: set[tuple[int, int]]) -> list[tuple[Any, Any]]:
    out = []
    for m in plan["meetings"]:
        ids = [p["person_id"] for p in m["people"]]
        pairs = [(x, y) for x in ids for y in ids if x != y]
        want = (
            "mutual"
            if any((x, y) in asked and (y, x) in asked for x, y in pairs)
            else ("requested" if any(p in asked for p in pairs) else None)
        )
        out.append((m["request"], want))
    return out


def test_meeting_plan_seats_a_mutual_request_first_and_marks_requested_meetings(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    mutual, one_way = (people[0], people[15]), (people[3], people[12])
    _add(api, a, event, *mutual, mutual=True)
    _add(api, a, event, *one_way)
    job = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 2, "seconds": 1.0})
    assert job["status"] == "succeeded", job["message"]
    plan = api.client.get(
        f"/events/{event}/meeting-plans/{job['result']['plan_id']}", headers=api.auth(a)
    ).json()
    first = [sorted(p["person_id"] for p in m["people"]) for m in plan["meetings"] if m["round"] == 1]
    assert sorted(mutual) in first, "a mutual request meets in round 1"
    asked = {mutual, mutual[::-1], one_way}
    marks = _marks(plan, asked)
    assert all(got == want for got, want in marks), marks
    assert ("mutual", "mutual") in marks


def test_a_replan_seats_a_mutual_request_made_after_the_first_plan(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    job = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 3, "mode": "registered", "seconds": 1.0})
    assert job["status"] == "succeeded", job["message"]
    path = f"/events/{event}/meeting-plans/{job['result']['plan_id']}"
    before = api.client.get(path, headers=api.auth(a)).json()
    round_one = [sorted(p["person_id"] for p in m["people"]) for m in before["meetings"] if m["round"] == 1]
    later = [sorted(p["person_id"] for p in m["people"]) for m in before["meetings"] if m["round"] == 2]
    # a pair that did not meet in round 1 and is not already due in round 2, from two organisations
    pair = next(
        (people[i], people[j])
        for i in range(len(people))
        for j in range(i + 1, len(people))
        if i // 2 != j // 2  # two people per organisation, in order
        and sorted((people[i], people[j])) not in round_one + later
    )
    _add(api, a, event, *pair, mutual=True)
    assert api.client.post(f"{path}/lock", headers=api.auth(a), json={"rounds": 1}).status_code == 200
    job = _run(api, a, f"{path}/replan", {"present_only": False, "seconds": 1.0})
    assert job["status"] == "succeeded", job["message"]
    after = api.client.get(path, headers=api.auth(a)).json()
    second = {
        tuple(sorted(p["person_id"] for p in m["people"])): m["request"]
        for m in after["meetings"]
        if m["round"] == 2
    }
    assert second.get(tuple(sorted(pair))) == "mutual", "the new mutual request meets in the first free round"
