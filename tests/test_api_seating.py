"""Seating rules through the API (SQLite and PostgreSQL): pins, facilitators and pairs kept
apart, as organisers set and read them."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlmodel import Session

from api.schemas import TablePlanReplan
from api.workflows import table_plans
from api.workflows.errors import FieldError
from matcher import HashingEmbedder
from models.db import make_engine
from tests.test_api_jobs import _event_with_people, _run
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


def _table_plan(api: Api, token: str, event: int, body: dict[str, Any]) -> dict[str, Any]:
    job = _run(api, token, f"/events/{event}/table-plans", body)
    assert job["status"] == "succeeded", job["message"]
    response = api.client.get(
        f"/events/{event}/table-plans/{job['result']['plan_id']}", headers=api.auth(token)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_pinned_host_keeps_their_table_in_every_round_and_is_marked(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    base = f"/events/{event}/seating"
    api.client.put(f"{base}/pins/{people[0]}", headers=api.auth(a), json={"table": 3})
    api.client.put(f"{base}/facilitators/{people[5]}", headers=api.auth(a))
    body = {"rounds": 3, "min_size": 4, "max_size": 4, "seconds": 0.5}
    plan = _table_plan(api, a, event, body)
    host = [s for s in plan["seats"] if s["person_id"] == people[0]]
    assert [(s["round"], s["table"], s["host"]) for s in host] == [(1, 3, True), (2, 3, True), (3, 3, True)]
    assert all(s["facilitator"] == (s["person_id"] == people[5]) for s in plan["seats"])
    assert sum(s["host"] for s in plan["seats"]) == 3
    # a re-plan keeps the pin
    lock = api.client.post(
        f"/events/{event}/table-plans/{plan['id']}/lock", headers=api.auth(a), json={"rounds": 1}
    )
    assert lock.status_code == 200
    job = _run(
        api, a, f"/events/{event}/table-plans/{plan['id']}/replan", {"present_only": True, "seconds": 0.5}
    )
    assert job["status"] == "succeeded", job["message"]
    again = api.client.get(f"/events/{event}/table-plans/{plan['id']}", headers=api.auth(a)).json()
    assert {s["table"] for s in again["seats"] if s["person_id"] == people[0]} == {3}


def test_a_pin_to_a_table_the_plan_lacks_is_refused_at_request_time(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    api.client.put(f"/events/{event}/seating/pins/{people[2]}", headers=api.auth(a), json={"table": 9})
    body = {"rounds": 2, "min_size": 4, "max_size": 4, "seconds": 0.5}
    refused = api.client.post(f"/events/{event}/table-plans", headers=api.auth(a), json=body)
    assert refused.status_code == 422, refused.text
    assert f"pinned_table: person {people[2]} is pinned to table 9 but the plan has 4 tables" in refused.text


def _by_table(plan: dict[str, Any]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    tables: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for s in plan["seats"]:
        tables.setdefault((s["round"], s["table"]), []).append(s)
    return tables


def _check_rules(
    plan: dict[str, Any], *, share: float, sectors: int, facilitators: set[int], apart: set[int]
) -> None:
    tables = _by_table(plan)
    for (r, t), seats in tables.items():
        counts = Counter(s["sector"] for s in seats)
        assert max(counts.values()) <= int(share * len(seats)), (r, t, counts)
        assert len(counts) >= sectors, (r, t, counts)
        assert sum(s["person_id"] in facilitators for s in seats) == 1, (r, t)
        assert len(apart & {s["person_id"] for s in seats}) <= 1, (r, t)


def test_sector_caps_facilitators_and_apart_pairs_hold_in_every_round_and_after_a_replan(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)  # 16 people, 4 from each sector
    base = f"/events/{event}/seating"
    facilitators = {people[0], people[4], people[8], people[12]}  # each a different organisation
    for pid in facilitators:
        api.client.put(f"{base}/facilitators/{pid}", headers=api.auth(a))
    apart = {people[2], people[6]}
    api.client.post(
        f"{base}/apart", headers=api.auth(a), json={"person_a_id": people[2], "person_b_id": people[6]}
    )
    body = {
        "rounds": 3,
        "min_size": 4,
        "max_size": 4,
        "seconds": 1.0,
        "max_sector_share": 0.5,
        "min_sectors": 3,
    }
    plan = _table_plan(api, a, event, body)
    assert plan["violations"] == [] and plan["params"]["max_sector_share"] == 0.5
    _check_rules(plan, share=0.5, sectors=3, facilitators=facilitators, apart=apart)
    api.client.post(f"/events/{event}/table-plans/{plan['id']}/lock", headers=api.auth(a), json={"rounds": 1})
    job = _run(
        api, a, f"/events/{event}/table-plans/{plan['id']}/replan", {"present_only": True, "seconds": 1.0}
    )
    assert job["status"] == "succeeded", job["message"]
    again = api.client.get(f"/events/{event}/table-plans/{plan['id']}", headers=api.auth(a)).json()
    _check_rules(again, share=0.5, sectors=3, facilitators=facilitators, apart=apart)


def test_an_impossible_sector_cap_is_a_422_with_the_engines_reason(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    for k in range(12):  # 12 private of 16: at most 2 of 4 per table leaves room for only 8
        api.walk_in(a, event, f"y{k}@example.fi", f"Yritys {k // 2} Oy", sector="private")
    for k in range(4):
        api.walk_in(a, event, f"j{k}@example.fi", f"Kunta {k}", sector="public")
    body = {"rounds": 2, "min_size": 4, "max_size": 4, "seconds": 0.5, "max_sector_share": 0.5}
    refused = api.client.post(f"/events/{event}/table-plans", headers=api.auth(a), json=body)
    assert refused.status_code == 422, refused.text
    detail = refused.text
    assert "max_sector_share" in detail and "private" in detail, detail
    assert api.client.get(f"/events/{event}/table-plans", headers=api.auth(a)).json() == [], "no job, no plan"
    bad = api.client.post(
        f"/events/{event}/table-plans", headers=api.auth(a), json={**body, "max_sector_share": 1.5}
    )
    assert bad.status_code == 422
    fine = api.client.post(
        f"/events/{event}/table-plans", headers=api.auth(a), json={**body, "max_sector_share": 0.75}
    )
    assert fine.status_code == 202, fine.text


def test_colleagues_pinned_to_one_table_are_named_by_person_id_and_name(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    api.client.put(f"/events/{event}/seating/pins/{people[0]}", headers=api.auth(a), json={"table": 1})
    api.client.put(f"/events/{event}/seating/pins/{people[1]}", headers=api.auth(a), json={"table": 1})
    body = {"rounds": 2, "min_size": 4, "max_size": 4, "seconds": 0.5}
    refused = api.client.post(f"/events/{event}/table-plans", headers=api.auth(a), json=body)
    assert refused.status_code == 422, refused.text
    assert (
        f"pinned_table: person {people[0]} (P0_0) and person {people[1]} (P0_1) are both pinned to"
        " table 1 but are colleagues" in refused.text
    )


def test_two_facilitators_pinned_to_one_table_are_named_by_id_and_name(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)  # 16 people, 4 tables of 4: one facilitator a table
    base = f"/events/{event}/seating"
    for pid in (people[0], people[2]):  # two organisations, so colleagues apart is not the reason
        api.client.put(f"{base}/facilitators/{pid}", headers=api.auth(a))
        api.client.put(f"{base}/pins/{pid}", headers=api.auth(a), json={"table": 2})
    body = {"rounds": 2, "min_size": 4, "max_size": 4, "seconds": 0.5}
    refused = api.client.post(f"/events/{event}/table-plans", headers=api.auth(a), json=body)
    assert refused.status_code == 422, refused.text
    detail = refused.text
    assert "2 facilitators pinned" in detail, detail
    assert f"person {people[0]} (P0_0)" in detail and f"person {people[2]} (P1_0)" in detail, detail
    assert "position" not in detail, detail


def test_the_dashboard_marks_the_host_and_the_facilitator_at_their_table(api: Api) -> None:
    import re

    from tests.pages_support import log_in

    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    base = f"/events/{event}/seating"
    api.client.put(f"{base}/pins/{people[0]}", headers=api.auth(a), json={"table": 3})
    api.client.put(f"{base}/facilitators/{people[5]}", headers=api.auth(a))
    plan = _table_plan(api, a, event, {"rounds": 2, "min_size": 4, "max_size": 4, "seconds": 0.5})
    log_in(api.client, a)
    page = api.client.get(f"/dashboard/events/{event}/tables", headers={"Accept-Language": "fi"}).text
    cards = re.findall(r'aria-labelledby="h-r(\d+)-t(\d+)">(.*?)</section>', page, re.S)
    assert len(cards) == 8, "4 tables in 2 rounds"
    where = {(s["round"], s["table"]) for s in plan["seats"] if s["person_id"] == people[5]}
    for r, t, body in cards:
        items = re.findall(r"<li>(.*?)</li>", body, re.S)
        hosts = [i for i in items if "isäntä" in i]
        facilitators = [i for i in items if "fasilitaattori" in i]
        assert len(hosts) == (t == "3") and all("P0_0" in i for i in hosts), (r, t, body)
        assert len(facilitators) == ((int(r), int(t)) in where) and all("P2_1" in i for i in facilitators)


def test_an_impossible_replan_after_a_walk_in_names_the_people_and_the_printed_numbers(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)  # 16 people: 4 tables of 4-5
    base = f"/events/{event}/seating"
    api.client.put(f"{base}/facilitators/{people[0]}", headers=api.auth(a))
    api.client.put(f"{base}/pins/{people[0]}", headers=api.auth(a), json={"table": 2})
    plan = _table_plan(api, a, event, {"rounds": 3, "min_size": 4, "max_size": 5, "seconds": 0.5})
    host = {(s["round"], s["table"]) for s in plan["seats"] if s["person_id"] == people[0]}
    assert host == {(1, 2), (2, 2), (3, 2)}, "the plan prints the host at table 2"
    lock = api.client.post(
        f"/events/{event}/table-plans/{plan['id']}/lock", headers=api.auth(a), json={"rounds": 1}
    )
    assert lock.status_code == 200, lock.text
    walk_in = api.walk_in(a, event, "uusi@example.fi", "Uusi Oy", sector="public")  # a second facilitator
    api.client.put(f"{base}/facilitators/{walk_in}", headers=api.auth(a))
    api.client.put(f"{base}/pins/{walk_in}", headers=api.auth(a), json={"table": 2})
    body = {"present_only": True, "seconds": 0.5}
    refused = api.client.post(
        f"/events/{event}/table-plans/{plan['id']}/replan", headers=api.auth(a), json=body
    )
    assert refused.status_code == 422, refused.text
    message = refused.json()["detail"][0]["msg"]
    both = f"(person {people[0]} (P0_0), person {walk_in} (Uusi)), at most 1 per table"
    assert message == (  # round 1 is played: only rounds 2 and 3, numbered as printed
        f"seating: round 2, table 2: 2 facilitators pinned {both}; round 3, table 2: 2 facilitators pinned {both}"
    ), message
    # the job's own check (were the rules changed after the request) says the same
    engine = make_engine(api.url)
    try:
        with Session(engine) as session, pytest.raises(FieldError) as failed:
            table_plans.replan_stored_tables(
                session=session, plan_id=plan["id"], params=TablePlanReplan(**body), encoder=HashingEmbedder()
            )
    finally:
        engine.dispose()
    assert str(failed.value) == message and "position" not in message
