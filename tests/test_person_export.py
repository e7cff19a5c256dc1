"""The right of access: a person's full data as JSON, from their own page link and for the
organiser: everything stored about them, nobody else's contact details, no link tokens."""

from __future__ import annotations

import json

from sqlmodel import Session

from models.feedback import Feedback
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _world(api: Api) -> tuple[str, int, list[int]]:
    token = api.organiser("aino@example.fi")
    event = api.event(token, "Soteuttamo Häme")
    people = [
        api.walk_in(token, event, f"p{i}@org{i}.example", f"Organisaatio {i}", sector=s, offers="kotihoito")
        for i, s in enumerate(("private", "public", "third_sector"))
    ]
    api.client.patch(f"/people/{people[0]}", headers=api.auth(token), json={"role": "Kehitysjohtaja"})
    job = api.client.post(f"/events/{event}/suggestions", headers=api.auth(token), json={"k": 2})
    assert api.wait_job(token, job.json())["status"] == "succeeded"
    with Session(api.app.state.engine) as session:
        session.add(
            Feedback(event_id=event, person_id=people[1], target_id=people[0], met=True, usefulness=4)
        )
        session.commit()
    return token, event, people


def test_a_person_exports_everything_about_themselves_from_their_link(api: Api) -> None:
    token, event, people = _world(api)
    me = people[0]
    link = api.link(token, event, me)
    response = api.client.get("/me/export", params={"token": link})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["person"]["id"] == me and data["person"]["email"] == "p0@org0.example"
    assert data["person"]["role"] == "Kehitysjohtaja" and data["organisation"]["name"] == "Organisaatio 0"
    [at] = data["events"]
    assert at["event"] == {"id": event, "name": "Soteuttamo Häme", "date": None, "venue": ""}
    assert at["registration"]["source"] == "walk_in" and at["registration"]["checked_in_at"]
    assert {s["person_id"] for s in at["suggestions"]} <= set(people[1:]) and at["suggestions"]
    assert at["feedback_about_me"] == [{"met": True, "usefulness": 4, "cooperation_agreed": False}]
    text = json.dumps(data)
    assert link not in text and "p1@org1.example" not in text  # no token; partners did not consent
    assert str(people[1]) not in json.dumps(at["feedback_about_me"])  # not who gave the rating
    organiser_view = api.client.get(f"/people/{me}/export", headers=api.auth(token))
    assert organiser_view.status_code == 200
    assert organiser_view.json()["events"] == data["events"]


def test_only_a_page_link_or_the_persons_organiser_exports(api: Api) -> None:
    token, event, people = _world(api)
    links = api.client.post(f"/events/{event}/registrations/{people[0]}/link", headers=api.auth(token)).json()
    unsubscribe = links["unsubscribe_url"].rsplit("/", 1)[1]
    feedback = links["feedback_url"].removesuffix("/feedback").rsplit("/", 1)[1]
    for narrow in (unsubscribe, feedback):
        assert api.client.get("/me/export", params={"token": narrow}).status_code == 401
    other = api.organiser("bertil@example.fi")
    assert api.client.get(f"/people/{people[0]}/export", headers=api.auth(other)).status_code == 404
    assert api.client.get(f"/people/{people[0]}/export").status_code == 401
