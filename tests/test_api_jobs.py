"""Background work through the API: suggestions and table plans as jobs, then what
participants and organisers read from them (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api

ORGS: list[tuple[str, str, str, str]] = [
    (
        "Hoiva Aurinko Oy",
        "private",
        "kotihoidon yöpartiointi\nomaishoitajien lomitus",
        "digitaalinen asiakaspalvelu",
    ),
    ("Digihoiva Oy", "private", "etähoidon videopalvelu\ndigitaalinen asiakaspalvelu", "kotihoidon kumppani"),
    ("Pirkanmaan hyvinvointialue", "public", "palvelusetelit kotihoitoon", "yöpartiointi kotihoitoon"),
    ("Tampereen kaupunki", "public", "ikäihmisten asumispalvelut", "palvelumuotoilu"),
    ("Mielenterveysyhdistys ry", "third_sector", "vertaistuki\nkriisipuhelin", "rahoitus hankkeille"),
    ("Kuntoutussäätiö", "third_sector", "kuntoutus\nohjaus", "tutkimusyhteistyö"),
    (
        "Tampereen yliopisto",
        "education_research",
        "tutkimusyhteistyö\nvaikuttavuuden arviointi",
        "kenttäkumppanit",
    ),
    ("TAMK", "education_research", "palvelumuotoilu\nopiskelijaprojektit", "harjoittelupaikat"),
]


def _event_with_people(api: Api, token: str, per_org: int = 2) -> tuple[int, list[int]]:
    event = api.event(token, themes=["home_care"])
    people = []
    for k, (name, sector, offers, needs) in enumerate(ORGS):
        for m in range(per_org):
            people.append(
                api.walk_in(
                    token,
                    event,
                    f"p{k}_{m}@example.fi",
                    name,
                    sector=sector,
                    offers=offers,
                    needs=needs,
                    consent=(k + m) % 2 == 0,
                )
            )
    return event, people


def _run(api: Api, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.client.post(path, headers=api.auth(token), json=body)
    assert response.status_code == 202, response.text
    assert response.json()["status"] in {"queued", "running", "succeeded"}
    return api.wait_job(token, response.json())


def test_suggestions_job_stores_lists_that_participants_read(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    job = _run(api, a, f"/events/{event}/suggestions", {"k": 3, "mode": "registered"})
    assert job["status"] == "succeeded", job["message"]
    assert job["progress"] == 1.0
    assert job["result"]["participants"] == len(people) and job["result"]["mode"] == "registered"
    token = api.link(a, event, people[0])
    mine = api.client.get("/me/suggestions", headers=api.auth(token)).json()
    assert 1 <= len(mine["suggestions"]) <= 3
    colleague = people[1]  # same organisation: never suggested
    assert colleague not in [s["person_id"] for s in mine["suggestions"]]
    for s in mine["suggestions"]:
        assert s["reasons"], "every suggestion carries at least one reason"
        partner = api.client.get(f"/people/{s['person_id']}", headers=api.auth(a)).json()
        assert (s["contact"] is not None) == partner["consent_share_contact"]
    en = api.client.get(
        f"/events/{event}/suggestions/{people[0]}", headers=api.auth(a), params={"language": "en"}
    )
    assert en.status_code == 200 and en.json()["language"] == "en"
    assert [s["person_id"] for s in en.json()["suggestions"]] == [s["person_id"] for s in mine["suggestions"]]


def test_live_suggestions_use_present_people_and_skip_pairs_who_met(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    first = _run(api, a, f"/events/{event}/suggestions", {"k": 5})
    assert first["result"]["mode"] == "registered"
    token = api.link(a, event, people[0])
    before = api.client.get("/me/suggestions", headers=api.auth(token)).json()["suggestions"]
    met = before[0]["person_id"]
    assert (
        api.client.post(
            "/me/feedback", headers=api.auth(token), json={"target_id": met, "met": True}
        ).status_code
        == 201
    )
    left = people[-1]
    api.client.post(f"/events/{event}/registrations/{left}/check-out", headers=api.auth(a))
    api.client.patch(f"/events/{event}", headers=api.auth(a), json={"status": "live"})
    live = _run(api, a, f"/events/{event}/suggestions", {"k": 5})
    assert live["result"] == {
        "mode": "present",
        "participants": len(people) - 1,
        "suggestions": live["result"]["suggestions"],
        "excluded_pairs": 1,
        "follow_ups": 0,
        "ranking": "hand-set",
        "ranking_reason": "the event is not on a tour: no earlier feedback to learn from",
    }
    after = [
        s["person_id"]
        for s in api.client.get("/me/suggestions", headers=api.auth(token)).json()["suggestions"]
    ]
    assert after and met not in after and left not in after
    gone = api.link(a, event, left)
    assert api.client.get("/me/suggestions", headers=api.auth(gone)).json()["suggestions"] == []


def test_table_plan_job_lock_and_replan_after_walk_ins(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event, people = _event_with_people(api, a)
    bad = api.client.post(
        f"/events/{event}/table-plans", headers=api.auth(a), json={"tables": 1, "min_size": 4, "max_size": 6}
    )
    assert bad.status_code == 422 and "16 people cannot sit at 1 tables" in bad.json()["detail"][0]["msg"]
    job = _run(
        api, a, f"/events/{event}/table-plans", {"rounds": 3, "min_size": 4, "max_size": 6, "seconds": 0.5}
    )
    assert job["status"] == "succeeded", job["message"]
    plan_id = job["result"]["plan_id"]
    plan = api.client.get(f"/events/{event}/table-plans/{plan_id}", headers=api.auth(a)).json()
    assert plan["rounds"] == 3 and plan["violations"] == []
    for r in (1, 2, 3):
        seats = [s for s in plan["seats"] if s["round"] == r]
        assert sorted(s["person_id"] for s in seats) == sorted(people)
        for table in {s["table"] for s in seats}:
            at = [s for s in seats if s["table"] == table]
            assert 4 <= len(at) <= 6
            assert len({s["organisation"] for s in at}) == len(at), "colleagues never share a table"
    locked = api.client.post(
        f"/events/{event}/table-plans/{plan_id}/lock", headers=api.auth(a), json={"rounds": 1}
    )
    assert locked.json()["locked_rounds"] == 1
    assert (
        api.client.post(
            f"/events/{event}/table-plans/{plan_id}/lock", headers=api.auth(a), json={"rounds": 0}
        ).status_code
        == 409
    )
    first_round = sorted((s["person_id"], s["table"]) for s in plan["seats"] if s["round"] == 1)
    walk = api.walk_in(
        a, event, "uusi@x.fi", "Uusi Oy", sector="private", offers="siivous", needs="asiakkaat"
    )
    api.client.post(f"/events/{event}/registrations/{people[0]}/check-out", headers=api.auth(a))
    job = _run(api, a, f"/events/{event}/table-plans/{plan_id}/replan", {"seconds": 0.5})
    assert job["status"] == "succeeded", job["message"]
    new = api.client.get(f"/events/{event}/table-plans/{plan_id}", headers=api.auth(a)).json()
    assert sorted((s["person_id"], s["table"]) for s in new["seats"] if s["round"] == 1) == first_round
    later = {s["person_id"] for s in new["seats"] if s["round"] > 1}
    assert walk in later and people[0] not in later
    mine = api.client.get("/me/tables", headers=api.auth(api.link(a, event, walk))).json()
    assert [s["round"] for s in mine["seats"]] == [2, 3] and mine["plan_id"] == plan_id
    gone = api.client.get("/me/tables", headers=api.auth(api.link(a, event, people[0]))).json()
    assert [(s["round"], s["locked"]) for s in gone["seats"]] == [(1, True)]
    assert api.client.get(f"/events/{event}/table-plans", headers=api.auth(a)).json() == [plan_id]


def test_jobs_are_visible_only_to_the_events_organisers(api: Api) -> None:
    a, b = api.organiser("a@example.fi"), api.organiser("b@example.fi")
    event, _ = _event_with_people(api, a, per_org=1)
    response = api.client.post(f"/events/{event}/suggestions", headers=api.auth(a), json={"k": 2})
    job = api.wait_job(a, response.json())
    assert job["status"] == "succeeded"
    assert api.client.get(f"/jobs/{job['id']}", headers=api.auth(b)).status_code == 404
    assert api.client.get(f"/jobs/{job['id']}", headers=api.auth(api.admin)).status_code == 200
    assert (
        api.client.post(f"/events/{event}/suggestions", headers=api.auth(b), json={"k": 2}).status_code == 404
    )
