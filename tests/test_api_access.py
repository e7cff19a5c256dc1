"""Every route refuses the wrong caller: the route table below is checked against the app's
routes (a new route without an entry fails), then each route is called without a token, with
a participant's link where an organiser's token belongs (and vice versa), and by another
organiser, who gets 404 (or 403 for admin routes) without learning whether the thing exists."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from models.db import make_engine
from models.suggestions import StoredSuggestion
from tests.test_api_support import Api, pg_copy, pg_template, sqlite_template, start_api

__all__ = ["pg_template", "sqlite_template", "world", "world_url"]  # fixtures other modules import


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    kind: str  # public | organiser | admin | participant
    other: (
        str  # what another organiser gets: "404", "403", "list" (200, none of A's data), "own" (200/201, own);
        # a participant of another event: "404", "422" (refused, nothing of A's) or "own"
    )
    body: Any = None


CSV = "Etunimi;Sukunimi;Sähköposti;Organisaatio;Sektori\nMaija;Mäki;maija@x.fi;X Oy;yksityinen\n"

ROUTES: list[Route] = [
    Route("GET", "/healthz", "public", "own"),
    Route("GET", "/organisers/me", "organiser", "own"),
    Route("GET", "/organisers", "admin", "403"),
    Route("POST", "/organisers", "admin", "403", {"name": "N", "email": "n@x.fi"}),
    Route("GET", "/organisers/{organiser_id}", "admin", "403"),
    Route("PATCH", "/organisers/{organiser_id}", "admin", "403", {"name": "N"}),
    Route("POST", "/organisers/{organiser_id}/token", "admin", "403"),
    Route("GET", "/events", "organiser", "list"),
    Route("POST", "/events", "organiser", "own", {"name": "Oma"}),
    Route("GET", "/events/{event_id}", "organiser", "404"),
    Route("PATCH", "/events/{event_id}", "organiser", "404", {"status": "live"}),
    Route("GET", "/events/{event_id}/organisers", "organiser", "404"),
    Route("POST", "/events/{event_id}/organisers", "organiser", "404", {"email": "b@example.fi"}),
    Route("GET", "/organisations", "organiser", "list"),
    Route("POST", "/organisations", "organiser", "own", {"name": "Uusi Oy", "sector": "private"}),
    Route("GET", "/organisations/{organisation_id}", "organiser", "404"),
    Route("PATCH", "/organisations/{organisation_id}", "organiser", "404", {"website": "https://x.fi"}),
    Route("GET", "/people", "organiser", "list"),
    Route("GET", "/people/{person_id}", "organiser", "404"),
    Route("PATCH", "/people/{person_id}", "organiser", "404", {"role": "x"}),
    Route("DELETE", "/people/{person_id}", "organiser", "404"),
    Route("GET", "/people/{person_id}/export", "organiser", "404"),
    Route("GET", "/events/{event_id}/registrations", "organiser", "404"),
    Route("POST", "/events/{event_id}/registrations", "organiser", "404", {"person_id": 1}),
    Route("POST", "/events/{event_id}/people", "organiser", "404", {"name": "N", "email": "new@x.fi"}),
    Route(
        "POST",
        "/events/{event_id}/walk-ins",
        "organiser",
        "404",
        {"person": {"name": "W", "email": "w@x.fi"}, "organisation": {"name": "W Oy", "sector": "private"}},
    ),
    Route("GET", "/events/{event_id}/registrations/{person_id}", "organiser", "404"),
    Route("PATCH", "/events/{event_id}/registrations/{person_id}", "organiser", "404", {"cancelled": False}),
    Route("POST", "/events/{event_id}/registrations/{person_id}/check-in", "organiser", "404"),
    Route("POST", "/events/{event_id}/registrations/{person_id}/check-out", "organiser", "404"),
    Route("POST", "/events/{event_id}/registrations/{person_id}/no-show", "organiser", "404"),
    Route("POST", "/events/{event_id}/registrations/{person_id}/link", "organiser", "404"),
    Route("POST", "/events/{event_id}/registrations/{person_id}/link/revoke", "organiser", "404"),
    Route("POST", "/events/{event_id}/registrations/{person_id}/link/reissue", "organiser", "404"),
    Route("POST", "/events/{event_id}/import", "organiser", "404", "CSV"),
    Route("POST", "/events/{event_id}/suggestions", "organiser", "404", {"k": 2}),
    Route("GET", "/events/{event_id}/suggestions/{person_id}", "organiser", "404"),
    Route("GET", "/events/{event_id}/feedback/summary", "organiser", "404"),
    Route("POST", "/events/{event_id}/table-plans", "organiser", "404", {"min_size": 2, "max_size": 4}),
    Route("GET", "/events/{event_id}/table-plans", "organiser", "404"),
    Route("GET", "/events/{event_id}/table-plans/{plan_id}", "organiser", "404"),
    Route("POST", "/events/{event_id}/table-plans/{plan_id}/lock", "organiser", "404", {"rounds": 0}),
    Route("POST", "/events/{event_id}/table-plans/{plan_id}/replan", "organiser", "404", {}),
    Route("POST", "/events/{event_id}/meeting-plans", "organiser", "404", {"rounds": 2, "seconds": 0.2}),
    Route("GET", "/events/{event_id}/meeting-plans", "organiser", "404"),
    Route("GET", "/events/{event_id}/meeting-plans/{meeting_plan_id}", "organiser", "404"),
    Route(
        "POST", "/events/{event_id}/meeting-plans/{meeting_plan_id}/lock", "organiser", "404", {"rounds": 0}
    ),
    Route("POST", "/events/{event_id}/meeting-plans/{meeting_plan_id}/replan", "organiser", "404", {}),
    Route("GET", "/events/{event_id}/printouts/{what}.pdf", "organiser", "404"),
    Route("GET", "/events/{event_id}/printouts/{what}.csv", "organiser", "404"),
    Route("GET", "/events/{event_id}/printouts/{what}.xlsx", "organiser", "404"),
    Route(
        "PUT",
        "/events/{event_id}/schedules/{kind}",
        "organiser",
        "404",
        {"starts_at": "2026-12-03T13:00", "round_minutes": 15},
    ),
    Route("GET", "/events/{event_id}/schedules/{kind}", "organiser", "404"),
    Route("DELETE", "/events/{event_id}/schedules/{kind}", "organiser", "404"),
    Route("POST", "/events/{event_id}/mailings", "organiser", "404", {"kind": "before", "dry_run": True}),
    Route("GET", "/events/{event_id}/mailings/preview", "organiser", "404"),
    Route("GET", "/events/{event_id}/mailings/outbox", "organiser", "404"),
    Route("GET", "/jobs/{job_id}", "organiser", "404"),
    Route("GET", "/tours", "organiser", "list"),
    Route("POST", "/tours", "organiser", "own", {"name": "Oma kiertue"}),
    Route("GET", "/tours/{tour_id}", "organiser", "404"),
    Route("PUT", "/tours/{tour_id}/events/{event_id}", "organiser", "404"),
    Route("DELETE", "/tours/{tour_id}/events/{event_id}", "organiser", "404"),
    Route("GET", "/events/{event_id}/report", "organiser", "404"),
    Route("GET", "/events/{event_id}/profile-flags", "organiser", "404"),
    Route("GET", "/tours/{tour_id}/report", "organiser", "404"),
    Route("GET", "/events/{event_id}/meeting-requests", "organiser", "404"),
    Route(
        "POST",
        "/events/{event_id}/meeting-requests",
        "organiser",
        "404",
        {"requester_id": 1, "requested_id": 2},
    ),
    Route("DELETE", "/events/{event_id}/meeting-requests/{request_id}", "organiser", "404"),
    Route("GET", "/events/{event_id}/seating", "organiser", "404"),
    Route("PUT", "/events/{event_id}/seating/pins/{person_id}", "organiser", "404", {"table": 1}),
    Route("DELETE", "/events/{event_id}/seating/pins/{person_id}", "organiser", "404"),
    Route("PUT", "/events/{event_id}/seating/facilitators/{person_id}", "organiser", "404"),
    Route("DELETE", "/events/{event_id}/seating/facilitators/{person_id}", "organiser", "404"),
    Route(
        "POST", "/events/{event_id}/seating/apart", "organiser", "404", {"person_a_id": 1, "person_b_id": 2}
    ),
    Route("DELETE", "/events/{event_id}/seating/apart/{pair_id}", "organiser", "404"),
    Route("GET", "/me/suggestions", "participant", "own"),
    Route("GET", "/me/tables", "participant", "own"),
    Route("GET", "/me/meetings", "participant", "own"),
    Route("GET", "/me/feedback", "participant", "own"),
    Route("GET", "/me/export", "participant", "own"),
    Route("POST", "/me/feedback", "participant", "404", {"target_id": 0, "met": True}),
    Route("POST", "/me/followup", "participant", "404", {"target_id": 1, "realised": True}),
    Route("GET", "/me/theme-wishes", "participant", "own"),
    Route("PUT", "/me/theme-wishes", "participant", "own", {"themes": ["home_care"]}),
    Route("GET", "/me/meeting-requests", "participant", "own"),
    Route("POST", "/me/meeting-requests", "participant", "422", {"person_id": 0}),
    Route("DELETE", "/me/meeting-requests/{request_id}", "participant", "404"),
]


@dataclass
class World:
    api: Api
    a: str
    b: str
    ids: dict[str, int]
    participant: str  # link of person_id at event_id (A's event)
    outsider: str  # link of a person at B's event


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database of each kind for one module's world (SQLite, then PostgreSQL)."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("access") / "kohtaamo.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    yield from pg_copy(request.getfixturevalue("pg_template"))


@pytest.fixture(scope="module")
def world(world_url: str) -> Iterator[World]:
    for api in start_api(world_url, migrate=False):
        a, b = api.organiser("a@example.fi"), api.organiser("b@example.fi")
        event = api.event(a, "A")
        other_event = api.event(b, "B")
        p1 = api.walk_in(a, event, "p1@x.fi", "Hoiva Oy", offers="kotihoito", needs="digipalvelut")
        p2 = api.walk_in(a, event, "p2@x.fi", "Kunta", sector="public", offers="digipalvelut")
        p3 = api.walk_in(a, event, "p3@x.fi", "Yhdistys ry", sector="third_sector", needs="kotihoito")
        outsider = api.walk_in(b, other_event, "o@x.fi", "Muu Oy")
        engine = make_engine(api.url)
        with Session(engine) as session:
            for person, target in ((p1, p2), (outsider, outsider)):
                session.add(
                    StoredSuggestion(
                        event_id=event if person == p1 else other_event,
                        person_id=person,
                        target_id=target,
                        rank=1,
                        score=0.5,
                        reasons={"fi": ["x"]},
                    )
                )
            session.commit()
        engine.dispose()
        job = api.client.post(
            f"/events/{event}/table-plans",
            headers=api.auth(a),
            json={"min_size": 2, "max_size": 4, "rounds": 2, "seconds": 0.2},
        ).json()
        done = api.wait_job(a, job)
        assert done["status"] == "succeeded", done["message"]
        meetings = api.client.post(
            f"/events/{event}/meeting-plans", headers=api.auth(a), json={"rounds": 2, "seconds": 0.2}
        ).json()
        meetings_done = api.wait_job(a, meetings)
        assert meetings_done["status"] == "succeeded", meetings_done["message"]
        me_a = api.client.get("/organisers/me", headers=api.auth(a)).json()["id"]
        org = api.client.get(f"/people/{p1}", headers=api.auth(a)).json()["organisation_id"]
        tour = api.client.post("/tours", headers=api.auth(a), json={"name": "A:n kiertue"}).json()["id"]
        assert api.client.put(f"/tours/{tour}/events/{event}", headers=api.auth(a)).status_code == 200
        api.client.post("/tours", headers=api.auth(b), json={"name": "B:n kiertue"})
        asked = api.client.post(
            f"/events/{event}/meeting-requests",
            headers=api.auth(a),
            json={"requester_id": p1, "requested_id": p3},
        )
        apart = api.client.post(
            f"/events/{event}/seating/apart", headers=api.auth(a), json={"person_a_id": p2, "person_b_id": p3}
        )
        assert asked.status_code == 201 and apart.status_code == 201, (asked.text, apart.text)
        ids = {
            "tour_id": tour,
            "event_id": event,
            "person_id": p1,
            "organisation_id": org,
            "organiser_id": me_a,
            "plan_id": done["result"]["plan_id"],
            "meeting_plan_id": meetings_done["result"]["plan_id"],
            "job_id": done["id"],
            "target": p2,
            "p3": p3,
            "request_id": asked.json()[0]["id"],
            "pair_id": apart.json()["id"],
        }
        yield World(api, a, b, ids, api.link(a, event, p1), api.link(b, other_event, outsider))


def _call(world: World, route: Route, token: str | None) -> Any:
    path = route.path.format(**world.ids, what="all", kind="meetings")
    headers = world.api.auth(token) if token else {}
    if route.body == "CSV":
        return world.api.client.request(
            route.method, path, headers=headers, files={"file": ("i.csv", CSV.encode(), "text/csv")}
        )
    body = route.body
    if isinstance(body, dict) and "person_id" in body:
        body = {**body, "person_id": world.ids["p3"]}
    if isinstance(body, dict) and "target_id" in body:
        body = {**body, "target_id": world.ids["target"]}
    return world.api.client.request(route.method, path, headers=headers, json=body)


def test_route_table_covers_every_route(world: World) -> None:
    document = world.api.app.openapi()
    app_routes = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert app_routes == {(r.method, r.path) for r in ROUTES}


PROTECTED = [r for r in ROUTES if r.kind != "public"]


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: f"{r.method} {r.path}")
def test_no_token_is_401(world: World, route: Route) -> None:
    response = _call(world, route, None)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: f"{r.method} {r.path}")
def test_the_other_kind_of_credential_is_401(world: World, route: Route) -> None:
    wrong = world.a if route.kind == "participant" else world.participant
    assert _call(world, route, wrong).status_code == 401


@pytest.mark.parametrize(
    "route", [r for r in PROTECTED if r.kind != "participant"], ids=lambda r: f"{r.method} {r.path}"
)
def test_another_organiser_is_refused_or_sees_only_their_own(world: World, route: Route) -> None:
    response = _call(world, route, world.b)
    if route.other == "404":
        assert response.status_code == 404, response.text
        # the same answer as for a resource that does not exist
        missing = {k: 2_000_000_000 for k in world.ids}
        if (
            any("{" + k + "}" in route.path for k in ("organisation_id", "person_id", "job_id"))
            and "{event_id}" not in route.path
        ):
            gone = world.api.client.request(
                route.method,
                route.path.format(**missing),
                headers=world.api.auth(world.b),
                json=route.body if isinstance(route.body, dict) else None,
            )
            assert gone.status_code == 404 and gone.json() == response.json()
    elif route.other == "403":
        assert response.status_code == 403
    elif route.other == "list":
        assert response.status_code == 200
        seen = {item["id"] for item in response.json()["items"]}
        foreign = {
            "/events": {world.ids["event_id"]},
            "/people": {world.ids["person_id"], world.ids["target"], world.ids["p3"]},
            "/organisations": {world.ids["organisation_id"]},
            "/tours": {world.ids["tour_id"]},
        }[route.path]
        assert seen and not seen & foreign  # B sees their own things, none of A's
    else:  # own
        assert response.status_code in (200, 201)
        assert "p1@x.fi" not in response.text and "a@example.fi" not in response.text


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.kind == "participant"], ids=lambda r: f"{r.method} {r.path}"
)
def test_a_participant_of_another_event_sees_only_their_own(world: World, route: Route) -> None:
    response = _call(world, route, world.outsider)
    if route.other == "404":  # feedback on someone who is not their suggestion
        assert response.status_code == 404
    elif route.other == "422":  # asking to meet someone who is not their suggestion
        assert response.status_code == 422
        assert "p3@x.fi" not in response.text
    else:
        assert response.status_code == 200
        assert "p1@x.fi" not in response.text and "p2@x.fi" not in response.text
        assert f'"event_id":{world.ids["event_id"]},' not in response.text.replace(" ", "")


def test_the_right_callers_get_through(world: World) -> None:
    api, ids = world.api, world.ids
    assert (
        api.client.get(
            f"/events/{ids['event_id']}/table-plans/{ids['plan_id']}", headers=api.auth(world.a)
        ).status_code
        == 200
    )
    assert api.client.get("/organisers", headers=api.auth(api.admin)).status_code == 200
    mine = api.client.get("/me/suggestions", headers=api.auth(world.participant)).json()
    assert [s["person_id"] for s in mine["suggestions"]] == [ids["target"]]
    seats = api.client.get("/me/tables", headers=api.auth(world.participant)).json()["seats"]
    assert [s["round"] for s in seats] == [1, 2]
    plan = api.client.get(
        f"/events/{ids['event_id']}/meeting-plans/{ids['meeting_plan_id']}", headers=api.auth(world.a)
    )
    assert plan.status_code == 200 and plan.json()["rounds"] == 2
    # a meeting plan is not a table plan, and the other way round
    assert (
        api.client.get(
            f"/events/{ids['event_id']}/table-plans/{ids['meeting_plan_id']}", headers=api.auth(world.a)
        ).status_code
        == 404
    )
    assert (
        api.client.get(
            f"/events/{ids['event_id']}/meeting-plans/{ids['plan_id']}", headers=api.auth(world.a)
        ).status_code
        == 404
    )
    mine = api.client.get("/me/meetings", headers=api.auth(world.participant)).json()
    assert mine["plan_id"] == ids["meeting_plan_id"]
    assert sorted([m["round"] for m in mine["meetings"]] + mine["byes"]) == [1, 2]
