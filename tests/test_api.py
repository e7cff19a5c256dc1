"""The HTTP API end to end on SQLite and PostgreSQL: resources, event day, participants'
links, suggestions and feedback, with the access rules at each step."""

from __future__ import annotations

import time

import itsdangerous.timed
import pytest
from sqlmodel import Session

from api.security import LinkSigner
from models.db import make_engine
from models.suggestions import StoredSuggestion
from tests.pages_support import link_nonce
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import SECRET, Api


def _store_suggestions(url: str, event_id: int, person_id: int, targets: list[int]) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        for rank, target in enumerate(targets, start=1):
            reasons = {lang: [f"{lang}: reason {rank}"] for lang in ("fi", "sv", "en")}
            session.add(
                StoredSuggestion(
                    event_id=event_id,
                    person_id=person_id,
                    target_id=target,
                    rank=rank,
                    score=1 / rank,
                    reasons=reasons,
                )
            )
        session.commit()
    engine.dispose()


def test_healthz_answers_without_a_token(api: Api) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_organiser_token_is_required_and_checked(api: Api) -> None:
    assert api.client.get("/events").status_code == 401
    assert api.client.get("/events").headers["www-authenticate"] == "Bearer"
    bad = {"Authorization": "Bearer kht_1_not-the-secret"}
    assert api.client.get("/events", headers=bad).status_code == 401
    assert api.client.get("/events", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert api.client.get("/events", headers=api.auth(api.admin)).status_code == 200


def test_rotated_and_deactivated_tokens_stop_working(api: Api) -> None:
    token = api.organiser("maija@example.fi")
    me = api.client.get("/organisers/me", headers=api.auth(token)).json()
    rotated = api.client.post(f"/organisers/{me['id']}/token", headers=api.auth(api.admin))
    assert rotated.status_code == 200
    assert api.client.get("/organisers/me", headers=api.auth(token)).status_code == 401
    new = rotated.json()["token"]
    assert api.client.get("/organisers/me", headers=api.auth(new)).status_code == 200
    off = api.client.patch(f"/organisers/{me['id']}", headers=api.auth(api.admin), json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert api.client.get("/organisers/me", headers=api.auth(new)).status_code == 401


def test_only_admins_manage_organisers_and_tokens_are_stored_hashed(api: Api) -> None:
    token = api.organiser("pekka@example.fi")
    body = {"name": "X", "email": "x@example.fi"}
    assert api.client.post("/organisers", headers=api.auth(token), json=body).status_code == 403
    assert api.client.get("/organisers", headers=api.auth(token)).status_code == 403
    listed = api.client.get("/organisers", headers=api.auth(api.admin)).json()
    assert listed["total"] == 2
    assert all("token" not in o and "token_hash" not in o for o in listed["items"])
    duplicate = api.client.post(
        "/organisers", headers=api.auth(api.admin), json={"name": "P", "email": "PEKKA@example.fi"}
    )
    assert duplicate.status_code == 409


def test_organisers_see_only_their_own_events_people_and_organisations(api: Api) -> None:
    a, b = api.organiser("a@example.fi"), api.organiser("b@example.fi")
    event_a = api.event(a, "A")
    event_b = api.event(b, "B")
    person_a = api.walk_in(a, event_a, "anna@hoiva.fi", "Hoiva Oy")
    org_a = api.client.get(f"/people/{person_a}", headers=api.auth(a)).json()["organisation_id"]
    assert [e["id"] for e in api.client.get("/events", headers=api.auth(b)).json()["items"]] == [event_b]
    # someone else's event answers exactly like one that does not exist
    for path in (f"/events/{event_a}", "/events/999999"):
        response = api.client.get(path, headers=api.auth(b))
        assert response.status_code == 404 and response.json() == {"detail": "event not found"}
    assert api.client.get(f"/people/{person_a}", headers=api.auth(b)).status_code == 404
    assert api.client.get(f"/organisations/{org_a}", headers=api.auth(b)).status_code == 404
    assert api.client.get("/people", headers=api.auth(b)).json()["total"] == 0
    assert api.client.get("/organisations", headers=api.auth(b)).json()["total"] == 0
    patch = api.client.patch(f"/people/{person_a}", headers=api.auth(b), json={"role": "x"})
    assert patch.status_code == 404
    assert api.client.get(f"/events/{event_a}/registrations", headers=api.auth(b)).status_code == 404
    # the admin sees everything; a co-organiser added by e-mail sees the event
    assert api.client.get(f"/events/{event_a}", headers=api.auth(api.admin)).status_code == 200
    added = api.client.post(
        f"/events/{event_a}/organisers", headers=api.auth(a), json={"email": "b@example.fi"}
    )
    assert added.status_code == 200 and len(added.json()) == 2
    assert api.client.get(f"/people/{person_a}", headers=api.auth(b)).status_code == 200


def test_resources_create_read_update_list_with_filters_and_pages(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a, themes=["home_care"])
    orgs = [
        ("Hoiva Oy", "private", "pirkanmaa", ["home_care"]),
        ("Pirkanmaan hyvinvointialue", "public", "pirkanmaa", ["digital_services"]),
        ("Kuntoutusyhdistys ry", "third_sector", "uusimaa", ["rehabilitation", "home_care"]),
    ]
    for k, (name, sector, region, themes) in enumerate(orgs):
        api.walk_in(a, event, f"p{k}@example.fi", name, sector=sector, region=region, themes=themes)
    h = api.auth(a)
    assert api.client.get("/organisations", headers=h, params={"sector": "public"}).json()["total"] == 1
    assert api.client.get("/organisations", headers=h, params={"region": "pirkanmaa"}).json()["total"] == 2
    by_theme = api.client.get("/organisations", headers=h, params={"theme": "home_care"}).json()
    assert sorted(o["name"] for o in by_theme["items"]) == ["Hoiva Oy", "Kuntoutusyhdistys ry"]
    page = api.client.get("/people", headers=h, params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert api.client.get("/people", headers=h, params={"theme": "rehabilitation"}).json()["total"] == 1
    regs = api.client.get(f"/events/{event}/registrations", headers=h, params={"sector": "private"}).json()
    assert regs["total"] == 1 and regs["items"][0]["organisation_name"] == "Hoiva Oy"
    # create an organisation, then a person at the event attached to it, then update both
    created = api.client.post("/organisations", headers=h, json={"name": "Digi Oy", "sector": "private"})
    assert created.status_code == 201
    org_id = created.json()["id"]
    assert (
        api.client.post(
            "/organisations", headers=h, json={"name": "DIGI oy", "sector": "private"}
        ).status_code
        == 409
    )
    person = api.client.post(
        f"/events/{event}/people",
        headers=h,
        json={"name": "Ville", "email": "Ville@Digi.fi", "organisation_id": org_id},
    )
    assert person.status_code == 201 and person.json()["email"] == "ville@digi.fi"
    pid = person.json()["id"]
    changed = api.client.patch(f"/people/{pid}", headers=h, json={"role": "CEO", "language": "sv"})
    assert changed.json()["role"] == "CEO" and changed.json()["language"] == "sv"
    org = api.client.patch(f"/organisations/{org_id}", headers=h, json={"themes": ["digital_services"]})
    assert org.json()["themes"] == ["digital_services"]
    again = api.client.post(
        f"/events/{event}/people", headers=h, json={"name": "V", "email": "ville@digi.fi"}
    )
    assert again.status_code == 409
    updated = api.client.patch(f"/events/{event}", headers=h, json={"status": "live"})
    assert updated.json()["status"] == "live"
    assert api.client.get("/events", headers=h, params={"status": "live"}).json()["total"] == 1


def test_validation_errors_name_the_field_with_a_readable_message(api: Api) -> None:
    a = api.organiser("a@example.fi")
    response = api.client.post(
        "/organisations",
        headers=api.auth(a),
        json={"name": "X Oy", "sector": "privat", "business_id": "1234567-2"},
    )
    assert response.status_code == 422
    fields = {e["field"]: e["msg"] for e in response.json()["detail"]}
    assert set(fields) == {"sector", "business_id"}
    assert "'privat' is not one of" in fields["sector"]
    assert "check digit" in fields["business_id"]
    event = api.event(a)
    walk = api.client.post(
        f"/events/{event}/walk-ins",
        headers=api.auth(a),
        json={
            "person": {"name": "M", "email": "maija@"},
            "organisation_id": 1,
            "organisation": {"name": "Y", "sector": "public"},
        },
    )
    assert walk.status_code == 422
    assert walk.json()["detail"][0]["msg"] == "person.email: 'maija@' is not a valid address"
    both = api.client.post(
        f"/events/{event}/walk-ins",
        headers=api.auth(a),
        json={
            "person": {"name": "M", "email": "m@x.fi"},
            "organisation_id": 1,
            "organisation": {"name": "Y", "sector": "public"},
        },
    )
    assert (
        both.status_code == 422
        and "exactly one of organisation_id or organisation" in both.json()["detail"][0]["msg"]
    )
    null = api.client.patch(f"/events/{event}", headers=api.auth(a), json={"status": "live", "themes": None})
    assert null.status_code == 422 and null.json()["detail"][0]["field"] == "themes"
    assert (
        api.client.get(f"/events/{event}", headers=api.auth(a)).json()["status"] == "planning"
    )  # nothing changed
    bad_query = api.client.get("/organisations", headers=api.auth(a), params={"theme": "cooking", "limit": 0})
    assert bad_query.status_code == 422
    assert {e["field"] for e in bad_query.json()["detail"]} == {"theme", "limit"}


def test_event_day_walk_in_check_in_out_and_no_show(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    h = api.auth(a)
    first = api.walk_in(a, event, "eka@hoiva.fi", "Hoiva Aurinko Oy", business_id="0112038-9")
    # same organisation by another spelling: reused, not duplicated
    second = api.walk_in(a, event, "toka@hoiva.fi", "HOIVA AURINKO oy", check_in=False)
    orgs = api.client.get("/organisations", headers=h).json()
    assert orgs["total"] == 1
    view = api.client.get(f"/events/{event}/registrations/{second}", headers=h).json()
    assert view["source"] == "walk_in" and view["present"] is False and view["checked_in_at"] is None
    checked = api.client.post(f"/events/{event}/registrations/{second}/check-in", headers=h).json()
    assert checked["present"] is True
    first_time = checked["checked_in_at"]
    again = api.client.post(f"/events/{event}/registrations/{second}/check-in", headers=h).json()
    assert again["checked_in_at"] == first_time  # idempotent: the first check-in time stays
    out = api.client.post(f"/events/{event}/registrations/{first}/check-out", headers=h).json()
    assert out["present"] is False and out["checked_out_at"] is not None
    present = api.client.get(f"/events/{event}/registrations", headers=h, params={"present": True}).json()
    assert [r["person_id"] for r in present["items"]] == [second]
    assert api.client.post(f"/events/{event}/registrations/{second}/no-show", headers=h).status_code == 409
    pre = api.client.post(
        f"/events/{event}/people", headers=h, json={"name": "Ei Tullut", "email": "ei@x.fi"}
    ).json()
    ns = api.client.post(f"/events/{event}/registrations/{pre['id']}/no-show", headers=h).json()
    assert ns["no_show"] is True and ns["source"] == "pre_registered"
    cancelled = api.client.patch(
        f"/events/{event}/registrations/{pre['id']}", headers=h, json={"cancelled": True}
    )
    assert cancelled.json()["cancelled"] is True
    assert api.client.get(f"/events/{event}/registrations", headers=h).json()["total"] == 2
    assert (
        api.client.get(
            f"/events/{event}/registrations", headers=h, params={"include_cancelled": True}
        ).json()["total"]
        == 3
    )
    # registering an existing participant at a second event of the same organiser
    other = api.event(a, "Toinen")
    reg = api.client.post(f"/events/{other}/registrations", headers=h, json={"person_id": first})
    assert reg.status_code == 201 and reg.json()["event_id"] == other
    assert api.client.post(f"/events/{event}/registrations/424242/check-in", headers=h).status_code == 404


def test_participant_link_opens_own_suggestions_only_with_consented_contacts(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    me = api.walk_in(a, event, "minä@hoiva.fi".replace("ä", "a"), "Hoiva Oy")
    open_ = api.walk_in(a, event, "avoin@kunta.fi", "Kunta", sector="public", consent=True)
    closed = api.walk_in(a, event, "suljettu@ry.fi", "Yhdistys ry", sector="third_sector", consent=False)
    _store_suggestions(api.url, event, me, [open_, closed])
    _store_suggestions(api.url, event, open_, [me])
    token = api.link(a, event, me)
    mine = api.client.get("/me/suggestions", headers=api.auth(token))
    assert mine.status_code == 200
    body = mine.json()
    assert body["person_id"] == me and body["language"] == "fi"
    assert [s["person_id"] for s in body["suggestions"]] == [open_, closed]
    assert body["suggestions"][0]["contact"] == {"email": "avoin@kunta.fi", "role": ""}
    assert body["suggestions"][1]["contact"] is None
    assert "suljettu@ry.fi" not in mine.text
    assert body["suggestions"][0]["reasons"] == ["fi: reason 1"]
    sv = api.client.get("/me/suggestions", params={"token": token, "language": "sv"}).json()
    assert sv["suggestions"][0]["reasons"] == ["sv: reason 1"]
    # the link opens nothing of the organiser's: no lists of people, events, other lists
    for path in (
        "/people",
        f"/events/{event}",
        f"/events/{event}/registrations",
        f"/events/{event}/suggestions/{open_}",
    ):
        assert api.client.get(path, headers=api.auth(token)).status_code == 401
    # tampered, foreign-secret and expired tokens are refused
    # Change a whole signature character: the last base64 character's low bits may be unused,
    # so an edit there can decode to the same signature.
    body, _, signature = token.rpartition(".")
    tampered = f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert api.client.get("/me/suggestions", headers=api.auth(tampered)).status_code == 401
    nonce = link_nonce(api.app.state.engine, event, me)  # all genuine but the key
    foreign = LinkSigner("another-secret", max_age_seconds=3600).dump(
        person_id=me, event_id=event, nonce=nonce
    )
    assert api.client.get("/me/suggestions", headers=api.auth(foreign)).status_code == 401
    assert api.client.get("/me/suggestions").status_code == 401
    # an organiser token is not a participant link
    assert api.client.get("/me/suggestions", headers=api.auth(a)).status_code == 401


def test_expired_link_and_cancelled_registration_are_refused(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    me = api.walk_in(a, event, "me@x.fi", "X Oy")
    signer = LinkSigner(SECRET, max_age_seconds=30 * 24 * 3600)
    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 31 * 24 * 3600)
    nonce = link_nonce(api.app.state.engine, event, me)
    old = signer.dump(person_id=me, event_id=event, nonce=nonce)
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    expired = api.client.get("/me/suggestions", headers=api.auth(old))
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    fresh = api.link(a, event, me)
    assert api.client.get("/me/tables", headers=api.auth(fresh)).status_code == 200
    api.client.patch(f"/events/{event}/registrations/{me}", headers=api.auth(a), json={"cancelled": True})
    assert api.client.get("/me/tables", headers=api.auth(fresh)).status_code == 401


def test_feedback_on_own_suggestions_and_the_organisers_aggregate(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    people = [api.walk_in(a, event, f"p{k}@x.fi", f"Org {k}") for k in range(4)]
    _store_suggestions(api.url, event, people[0], [people[1], people[2]])
    _store_suggestions(api.url, event, people[1], [people[0]])
    t0, t1 = api.link(a, event, people[0]), api.link(a, event, people[1])
    ok = api.client.post(
        "/me/feedback",
        headers=api.auth(t0),
        json={
            "target_id": people[1],
            "met": True,
            "usefulness": 4,
            "cooperation_types": ["joint_project", "training"],
        },
    )
    assert ok.status_code == 201 and ok.json()["cooperation_agreed"] is True
    # answering again updates the one row
    again = api.client.post(
        "/me/feedback",
        headers=api.auth(t0),
        json={"target_id": people[1], "met": True, "usefulness": 3, "cooperation_types": ["joint_project"]},
    )
    assert again.status_code == 201 and again.json()["id"] == ok.json()["id"]
    api.client.post("/me/feedback", headers=api.auth(t0), json={"target_id": people[2], "met": False})
    api.client.post(
        "/me/feedback", headers=api.auth(t1), json={"target_id": people[0], "met": True, "usefulness": 2}
    )
    # not one of my suggestions, a bad rating, an unknown cooperation type
    assert (
        api.client.post(
            "/me/feedback", headers=api.auth(t0), json={"target_id": people[3], "met": True}
        ).status_code
        == 404
    )
    bad = api.client.post(
        "/me/feedback", headers=api.auth(t0), json={"target_id": people[1], "met": True, "usefulness": 5}
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "usefulness"
    bad_type = api.client.post(
        "/me/feedback",
        headers=api.auth(t0),
        json={"target_id": people[1], "met": True, "cooperation_types": ["lunch"]},
    )
    assert bad_type.status_code == 422
    assert len(api.client.get("/me/feedback", headers=api.auth(t0)).json()) == 2
    summary = api.client.get(f"/events/{event}/feedback/summary", headers=api.auth(a)).json()
    assert summary == {
        "event_id": event,
        "responses": 3,
        "respondents": 2,
        "met": 2,
        "met_share": pytest.approx(2 / 3),
        "mean_usefulness": pytest.approx(2.5),
        "cooperation_agreed": 1,
        "cooperation_types": {"joint_project": 1},
        "suggestions_stored": 3,
    }
    b = api.organiser("b@example.fi")
    assert api.client.get(f"/events/{event}/feedback/summary", headers=api.auth(b)).status_code == 404


CSV_OK = "Etunimi;Sukunimi;Sähköposti;Organisaatio;Sektori\nMaija;Mäki;maija@hoiva.fi;Hoiva Oy;yksityinen\nPekka;Puro;pekka@kunta.fi;Kunta;julkinen\n"
CSV_BAD = "Etunimi;Sukunimi;Sähköposti;Organisaatio;Sektori\nMaija;Mäki;maija@;Hoiva Oy;yksityinen\nPekka;Puro;pekka@kunta.fi;Kunta;julkinen\n"


def test_import_endpoint_all_or_nothing_with_row_level_errors(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    h = api.auth(a)
    path = f"/events/{event}/import"
    bad = api.client.post(path, headers=h, files={"file": ("ilmo.csv", CSV_BAD.encode("cp1252"), "text/csv")})
    assert bad.status_code == 422
    problems = bad.json()["detail"]
    assert [(p["row"], p["field"]) for p in problems] == [(2, "email")]
    assert "row 2, email: 'maija@'" in problems[0]["msg"]
    assert api.client.get(f"/events/{event}/registrations", headers=h).json()["total"] == 0  # nothing written
    skipped = api.client.post(
        path,
        headers=h,
        params={"skip_invalid": True},
        files={"file": ("ilmo.csv", CSV_BAD.encode("cp1252"), "text/csv")},
    )
    assert skipped.status_code == 200 and skipped.json()["created"]["people"] == 1
    assert [r["row"] for r in skipped.json()["rejected"]] == [2]
    ok = api.client.post(
        path, headers=h, files={"file": ("ilmo.csv", CSV_OK.encode("utf-8-sig"), "text/csv")}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["created"]["people"] == 1 and ok.json()["rows"] == 2  # Pekka was there already
    assert api.client.get(f"/events/{event}/registrations", headers=h).json()["total"] == 2
    empty = api.client.post(path, headers=h, files={"file": ("x.csv", b"", "text/csv")})
    assert empty.status_code == 422 and empty.json()["detail"][0]["msg"].startswith("file:")
    b = api.organiser("b@example.fi")
    other = api.client.post(
        path, headers=api.auth(b), files={"file": ("ilmo.csv", CSV_OK.encode(), "text/csv")}
    )
    assert other.status_code == 404


def test_cli_mints_the_first_admin_token_that_the_api_accepts(
    api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from api.cli import build_app
    from api.settings import get_settings
    from tests.test_api_support import start_api

    cli = build_app()
    monkeypatch.setenv("KOHTAAMO_DATABASE_URL", api_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli, ["organiser", "create", "--name", "Maija", "--email", "maija@x.fi", "--admin"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("kht_")
    for running in start_api(api_url, migrate=False):
        me = running.client.get("/organisers/me", headers=running.auth(token))
        assert me.status_code == 200 and me.json()["is_admin"] is True and me.json()["email"] == "maija@x.fi"
