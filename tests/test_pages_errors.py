"""The pages answer errors with pages (never JSON or a stack trace), while the JSON API keeps
its own answers; the walk-in form shows its errors by field; jobs show their progress."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.pages import views
from tests.pages_support import Site, build_site, csrf_of, log_in
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


@pytest.fixture
def site(api: Api) -> Site:
    return build_site(api, plan=False)


def test_a_failing_page_gets_an_error_page_and_the_api_keeps_json(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = TestClient(site.api.app, raise_server_exceptions=False)
    log_in(client, site.token_a)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(views, "everyone", broken)
    page = client.get(f"/dashboard/events/{site.event_a}/registrations")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert (
        "Jokin meni vikaan" in page.text and "secret detail" not in page.text and "Traceback" not in page.text
    )
    for path in ("/dashboard/events/abc", "/dashboard/events/0", "/dashboard/no-such-page"):
        missing = client.get(path)
        assert missing.status_code == 404 and "Sivua ei löydy" in missing.text, path
    api = client.get("/events/999999", headers=site.api.auth(site.token_a))
    assert api.status_code == 404 and api.json() == {"detail": "event not found"}
    unauthenticated = client.get("/events", headers={"Authorization": "Bearer nope"})
    assert unauthenticated.status_code == 401 and "detail" in unauthenticated.json()


def test_the_walk_in_form_shows_its_errors_by_field_and_adds_nothing(site: Site) -> None:
    client = site.api.client
    token = log_in(client, site.token_a)
    path = f"/dashboard/events/{site.event_a}/walk-ins"
    bad = client.post(
        path, data={"csrf_token": token, "name": "Erik", "email": "erik@", "organisation": "Vårdhem Ab"}
    )
    assert bad.status_code == 422
    assert 'id="f-sector" name="sector" required aria-invalid="true"' in bad.text
    assert 'value="Vårdhem Ab"' in bad.text  # what was typed stays in the form
    again = client.post(
        path,
        data={
            "csrf_token": token,
            "name": "Erik",
            "email": "erik@",
            "organisation": "Vårdhem Ab",
            "sector": "private",
        },
    )
    assert again.status_code == 422 and "Sähköpostiosoite ei kelpaa." in again.text
    listing = client.get(f"/dashboard/events/{site.event_a}/registrations")
    assert "Erik" not in listing.text and "6 / 6 osallistujaa" in listing.text
    good = client.post(
        path,
        data={
            "csrf_token": token,
            "name": "Erik Lindqvist",
            "email": "erik@vardhem.example",
            "organisation": "Vårdhem Ab",
            "sector": "private",
            "language": "sv",
            "consent_share_contact": "on",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303 and "added=" in good.headers["location"]
    shown = client.get(good.headers["location"])
    assert (
        "Erik Lindqvist lisättiin ja kirjattiin sisään." in shown.text and "7 / 7 osallistujaa" in shown.text
    )
    wrong_action = client.post(
        f"/dashboard/events/{site.event_a}/registrations/{site.people[0]}",
        data={"csrf_token": token, "action": "explode"},
    )
    assert wrong_action.status_code == 422 and "action: " in wrong_action.text


def test_a_job_page_shows_progress_and_where_to_go_next(site: Site) -> None:
    client = site.api.client
    token = log_in(client, site.token_a)
    started = client.post(
        f"/dashboard/events/{site.event_a}/suggestions",
        data={"csrf_token": token, "k": "2", "mode": "registered"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    job_id = int(started.headers["location"].rsplit("/", 1)[1])
    site.api.app.state.jobs.wait(job_id, timeout=60)
    status = client.get(f"/dashboard/jobs/{job_id}/status").json()
    assert (
        status["status"] == "succeeded" and status["next"] == f"/dashboard/events/{site.event_a}/suggestions"
    )
    page = client.get(f"/dashboard/jobs/{job_id}")
    assert "Valmis" in page.text and '<progress id="job-progress" max="1" value="1.0">' in page.text
    assert "<dt>Osallistujia</dt><dd>6</dd>" in page.text and "<dt>Ehdotuksia</dt><dd>12</dd>" in page.text
    refused = client.post(
        f"/dashboard/events/{site.event_a}/suggestions", data={"csrf_token": token, "k": "99"}
    )
    assert refused.status_code == 422 and "Tietoja ei voitu käsitellä" in refused.text
    assert csrf_of(page.text) == token
