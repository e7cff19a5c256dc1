"""1:1 meeting rounds through the API (SQLite and PostgreSQL): plan as a background job, read
the tables with names, lock played rounds, re-plan after walk-ins, and each participant's own
view with partner contact only where the partner consented."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from api.workflows.meeting_grid import ABSENT, BYE, from_stored, to_assignment
from matcher.meetings import plan_meetings
from tests.test_api_jobs import _event_with_people, _run
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _pairs(meetings: list[dict[str, Any]], rounds: set[int]) -> list[frozenset[int]]:
    out = []
    for m in meetings:
        if m["round"] in rounds:
            ids = [p["person_id"] for p in m["people"]]
            out += [frozenset((a, b)) for k, a in enumerate(ids) for b in ids[k + 1 :]]
    return out


def _plan(api: Api, token: str, event: int, plan_id: int) -> dict[str, Any]:
    response = api.client.get(f"/events/{event}/meeting-plans/{plan_id}", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_meeting_plan_job_pairs_everyone_once_per_round_never_colleagues(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    job = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 3, "seconds": 1.0})
    assert job["status"] == "succeeded", job["message"]
    assert job["kind"] == "meeting_plan" and job["result"]["people"] == len(people)
    plan_id = job["result"]["plan_id"]
    plan = _plan(api, a, event, plan_id)
    assert plan["rounds"] == 3 and plan["violations"] == [] and plan["byes"] == []
    assert plan["params"]["kind"] == "meetings" and plan["params"]["present_only"] is False
    for r in (1, 2, 3):
        here = [m for m in plan["meetings"] if m["round"] == r]
        seated = [p["person_id"] for m in here for p in m["people"]]
        assert sorted(seated) == sorted(people), "16 people: everyone meets someone every round"
        assert sorted(m["table"] for m in here) == list(range(1, len(people) // 2 + 1))
        for m in here:
            assert len(m["people"]) == 2 and all(p["name"] for p in m["people"])
            assert m["people"][0]["organisation"] != m["people"][1]["organisation"], "colleagues never meet"
    pairs = _pairs(plan["meetings"], {1, 2, 3})
    assert len(pairs) == len(set(pairs)) == 3 * len(people) // 2, "no pair meets twice"
    # a meeting plan is kept apart from the table plans
    assert api.client.get(f"/events/{event}/meeting-plans", headers=api.auth(a)).json() == [plan_id]
    assert api.client.get(f"/events/{event}/table-plans", headers=api.auth(a)).json() == []
    link = api.link(a, event, people[0])
    assert api.client.get("/me/tables", headers=api.auth(link)).json()["plan_id"] is None


def test_odd_numbers_rotate_the_bye_or_make_a_trio(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    trio = [
        api.walk_in(a, event, f"t{k}@x.fi", f"Org {k}", sector=s)
        for k, s in enumerate(("private", "public", "third_sector"))
    ]
    job = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 3, "odd": "bye", "seconds": 0.5})
    assert job["status"] == "succeeded", job["message"]
    plan = _plan(api, a, event, job["result"]["plan_id"])
    assert sorted(b["person"]["person_id"] for b in plan["byes"]) == sorted(trio), "each sits out once"
    assert sorted(b["round"] for b in plan["byes"]) == [1, 2, 3]
    assert len(set(_pairs(plan["meetings"], {1, 2, 3}))) == 3, "three rounds: each pair meets once"
    job = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 1, "odd": "trio", "seconds": 0.5})
    plan = _plan(api, a, event, job["result"]["plan_id"])
    assert plan["byes"] == [] and len(plan["meetings"]) == 1
    assert sorted(p["person_id"] for p in plan["meetings"][0]["people"]) == sorted(trio)
    mine = api.client.get("/me/meetings", headers=api.auth(api.link(a, event, trio[0]))).json()
    assert mine["plan_id"] == plan["id"] and mine["byes"] == []
    assert [(m["round"], m["table"]) for m in mine["meetings"]] == [(1, 1)]
    assert sorted(p["person_id"] for p in mine["meetings"][0]["partners"]) == sorted(trio[1:])


def test_bad_requests_are_422_naming_the_field(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    api.walk_in(a, event, "yksin@x.fi", "Yksin Oy")
    alone = api.client.post(f"/events/{event}/meeting-plans", headers=api.auth(a), json={"rounds": 2})
    assert alone.status_code == 422 and alone.json()["detail"][0]["field"] == "mode"
    assert "1 registered participant(s)" in alone.json()["detail"][0]["msg"]
    odd = api.client.post(f"/events/{event}/meeting-plans", headers=api.auth(a), json={"odd": "pair"})
    assert odd.status_code == 422 and "odd" in odd.text
    rounds = api.client.post(f"/events/{event}/meeting-plans", headers=api.auth(a), json={"rounds": 0})
    assert rounds.status_code == 422 and "rounds" in rounds.text


def test_live_event_plans_for_the_people_present(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a, per_org=1)
    late = api.walk_in(a, event, "late@x.fi", "Myöhässä Oy", check_in=False)
    api.client.post(f"/events/{event}/registrations/{people[0]}/check-out", headers=api.auth(a))
    api.client.patch(f"/events/{event}", headers=api.auth(a), json={"status": "live"})
    job = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 2, "seconds": 0.5})
    assert job["status"] == "succeeded", job["message"]
    plan = _plan(api, a, event, job["result"]["plan_id"])
    assert plan["params"]["present_only"] is True
    seen = {p["person_id"] for m in plan["meetings"] for p in m["people"]}
    seen |= {b["person"]["person_id"] for b in plan["byes"]}
    assert seen == set(people[1:]), "not the one who left, nor the one not checked in"
    assert late not in seen
    everyone = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 1, "mode": "registered"})
    assert everyone["result"]["people"] == len(people) + 1


def test_lock_and_replan_after_walk_ins_keeps_played_rounds(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    job = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 3, "seconds": 1.0})
    plan_id = job["result"]["plan_id"]
    plan = _plan(api, a, event, plan_id)
    path = f"/events/{event}/meeting-plans/{plan_id}"
    locked = api.client.post(f"{path}/lock", headers=api.auth(a), json={"rounds": 1})
    assert locked.status_code == 200 and locked.json()["locked_rounds"] == 1
    assert api.client.post(f"{path}/lock", headers=api.auth(a), json={"rounds": 0}).status_code == 409
    too_many = api.client.post(f"{path}/lock", headers=api.auth(a), json={"rounds": 4})
    assert too_many.status_code == 422 and too_many.json()["detail"][0]["field"] == "rounds"
    walk = api.walk_in(a, event, "uusi@x.fi", "Uusi Oy", sector="public", consent=True)
    api.client.post(f"/events/{event}/registrations/{people[0]}/check-out", headers=api.auth(a))
    job = _run(api, a, f"{path}/replan", {"seconds": 1.0})
    assert job["status"] == "succeeded", job["message"]
    assert job["result"] == {"plan_id": plan_id, "people": len(people), "left": 1, "rounds": 3}
    new = _plan(api, a, event, plan_id)
    assert new["violations"] == [] and new["locked_rounds"] == 1

    def first(p: dict[str, Any]) -> list[Any]:
        return sorted(
            (m["table"], [x["person_id"] for x in m["people"]]) for m in p["meetings"] if m["round"] == 1
        )

    assert first(new) == first(plan), "the played round is unchanged"
    for r in (2, 3):
        here = [p["person_id"] for m in new["meetings"] if m["round"] == r for p in m["people"]]
        here += [b["person"]["person_id"] for b in new["byes"] if b["round"] == r]
        assert sorted(here) == sorted([*people[1:], walk])
    pairs = _pairs(new["meetings"], {1, 2, 3})
    assert len(pairs) == len(set(pairs)), "nobody meets a round-1 partner again"
    mine = api.client.get("/me/meetings", headers=api.auth(api.link(a, event, walk))).json()
    assert sorted([m["round"] for m in mine["meetings"]] + mine["byes"]) == [2, 3]
    gone = api.client.get("/me/meetings", headers=api.auth(api.link(a, event, people[0]))).json()
    assert [(m["round"], m["locked"]) for m in gone["meetings"]] == [(1, True)]
    # everything locked: nothing left to re-plan, and the job says so
    api.client.post(f"{path}/lock", headers=api.auth(a), json={"rounds": 3})
    failed = _run(api, a, f"{path}/replan", {})
    assert failed["status"] == "failed" and "nothing to re-plan" in failed["message"]


def test_participants_see_partner_contact_only_with_consent(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    job = _run(api, a, f"/events/{event}/meeting-plans", {"rounds": 3, "seconds": 1.0})
    plan = _plan(api, a, event, job["result"]["plan_id"])
    consent = {
        pid: api.client.get(f"/people/{pid}", headers=api.auth(a)).json()["consent_share_contact"]
        for pid in people
    }
    shown = Counter[bool]()
    for person in people[:4]:
        response = api.client.get("/me/meetings", headers=api.auth(api.link(a, event, person)))
        mine = response.json()
        expected = sorted(
            (m["round"], m["table"], q["person_id"])
            for m in plan["meetings"]
            if person in [p["person_id"] for p in m["people"]]
            for q in m["people"]
            if q["person_id"] != person
        )
        got = sorted(
            (m["round"], m["table"], p["person_id"]) for m in mine["meetings"] for p in m["partners"]
        )
        assert got == expected
        for m in mine["meetings"]:
            for partner in m["partners"]:
                assert (partner["contact"] is not None) == consent[partner["person_id"]]
                shown[consent[partner["person_id"]]] += 1
        strangers = set(people) - {person} - {p for *_, p in expected}
        for stranger in strangers:  # no one else's e-mail address leaks
            email = api.client.get(f"/people/{stranger}", headers=api.auth(a)).json()["email"]
            assert email not in response.text
    assert shown[True] and shown[False], "both cases were exercised"


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 9),
    rounds=st.integers(1, 4),
    odd=st.sampled_from(["bye", "trio"]),
    seed=st.integers(0, 10**6),
    absent=st.sets(st.integers(0, 8), max_size=2),
)
def test_stored_meeting_grid_round_trips_to_the_engine_plan(
    n: int, rounds: int, odd: str, seed: int, absent: set[int]
) -> None:
    a = np.random.default_rng(seed).random((n, n))
    present = [p for p in range(n) if p not in absent] or [0, 1]
    plan = plan_meetings(
        a + a.T, rounds, present=present, odd="trio" if odd == "trio" else "bye", seconds=0.5
    )
    grid = to_assignment(plan)
    for r in range(rounds):
        assert [k for k, t in enumerate(grid[r]) if t == ABSENT] == [
            k for k in range(n) if k not in plan.present[r]
        ]
        assert [k for k, t in enumerate(grid[r]) if t == BYE] == list(plan.byes[r])
    back = from_stored(grid, plan.round_scores, plan.optimal, plan.odd)
    assert (back.meetings, back.byes, back.present, back.n, back.rounds) == (
        plan.meetings,
        plan.byes,
        tuple(tuple(p) for p in plan.present),
        plan.n,
        plan.rounds,
    )
    assert back.score == plan.score
