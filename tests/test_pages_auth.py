"""The dashboard's log-in, session cookie, CSRF protection and scoping, at the HTML level
(FastAPI's TestClient) on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import Session, select

from api.pages.session import COOKIE, SALT, SessionCodec
from models.entities import Registration
from models.plans import StoredTablePlan
from tests.pages_support import Site, build_site, csrf_of, log_in
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import SECRET, Api, start_api


@pytest.fixture
def site(api: Api, request: pytest.FixtureRequest) -> Site:
    return build_site(api, plan="plan" in request.node.name or "csrf" in request.node.name)


def _cookie_header(response: object) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith(f"{COOKIE}=")]
    assert len(found) == 1, headers
    return str(found[0])


def test_log_in_sets_a_hardened_cookie_and_log_out_ends_the_session(site: Site) -> None:
    client = site.api.client
    first = client.get("/dashboard", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/dashboard/login?next=/dashboard"
    page = client.get("/dashboard/login")
    wrong = client.post("/dashboard/login", data={"token": "kht_1_nope", "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 401 and 'role="alert"' in wrong.text
    response = client.post(
        "/dashboard/login",
        data={
            "token": site.token_a,
            "csrf_token": csrf_of(page.text),
            "next": f"/dashboard/events/{site.event_a}",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == f"/dashboard/events/{site.event_a}"
    cookie = _cookie_header(response).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "max-age=43200" in cookie and "secure" not in cookie  # 12 hours by default, plain HTTP allowed
    home = client.get("/dashboard")
    assert home.status_code == 200 and "Soteuttamo Häme" in home.text
    assert home.headers["cache-control"] == "no-store" and home.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    assert csrf_of(home.text) != csrf_of(page.text)  # a fresh form token after log-in
    out = client.post("/dashboard/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/dashboard/login"
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
    page = client.get("/dashboard/login?next=https://evil.example/")  # returns only to the dashboard
    assert 'name="next" value="/dashboard"' in page.text
    response = client.post(
        "/dashboard/login",
        data={"token": site.token_a, "csrf_token": csrf_of(page.text), "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/dashboard"


def test_the_cookie_follows_the_settings(api_url: str) -> None:
    for running in start_api(api_url, migrate=False, session_cookie_secure=True, session_max_age_hours=2):
        token = running.organiser("secure@soteuttamo.example")
        page = running.client.get("/dashboard/login")
        response = running.client.post(
            "/dashboard/login",
            data={"token": token, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        cookie = _cookie_header(response).lower()
        assert "; secure" in cookie and "max-age=7200" in cookie


def test_a_cookie_that_is_tampered_old_foreign_or_outlived_its_token_logs_nobody_in(site: Site) -> None:
    client = site.api.client
    log_in(client, site.token_a)
    good = client.cookies[COOKIE]
    organiser_id = int(site.token_a.split("_")[1])

    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - 13 * 3600

    old = URLSafeTimedSerializer(SECRET, salt=SALT, signer=Past)
    state = SessionCodec(SECRET, max_age_seconds=3600).load(good)
    assert state is not None and state.organiser_id == organiser_id
    forged_payload = {"c": state.csrf, "o": 1, "f": state.fingerprint}  # claims the admin (id 1)
    bad_cookies = {
        "tampered": good[:5] + ("A" if good[5] != "A" else "B") + good[6:],
        "too old": old.dumps({"c": state.csrf, "o": organiser_id, "f": state.fingerprint}),
        "other salt": URLSafeTimedSerializer(SECRET, salt="kohtaamo-participant-link").dumps(forged_payload),
        "other key": URLSafeTimedSerializer("guess", salt=SALT).dumps(forged_payload),
    }
    for name, value in bad_cookies.items():
        client.cookies.clear()
        client.cookies.set(COOKIE, value)
        response = client.get("/dashboard", follow_redirects=False)
        assert response.status_code == 303, name
    client.cookies.clear()
    client.cookies.set(COOKIE, good)
    assert client.get("/dashboard").status_code == 200
    rotated = client.post(f"/organisers/{organiser_id}/token", headers=site.api.auth(site.api.admin))
    assert rotated.status_code == 200
    assert client.get("/dashboard", follow_redirects=False).status_code == 303  # rotation ends the session


def _present(site: Site, event_id: int, person_id: int) -> bool:
    response = site.api.client.get(
        f"/events/{event_id}/registrations/{person_id}", headers=site.api.auth(site.token_a)
    )
    return bool(response.json()["present"])


def test_every_dashboard_form_post_checks_the_csrf_token(site: Site) -> None:
    client = site.api.client
    token = log_in(client, site.token_a)
    with Session(site.api.app.state.engine) as session:
        plan_id = session.exec(select(StoredTablePlan.id)).one()
    e, p = site.event_a, site.people[0]
    site.api.client.post(f"/events/{e}/registrations/{p}/check-out", headers=site.api.auth(site.token_a))
    posts = {
        f"/dashboard/events/{e}/registrations/{p}": {"action": "check-in"},
        f"/dashboard/events/{e}/walk-ins": {
            "name": "X",
            "email": "x@x.example",
            "organisation": "X",
            "sector": "public",
        },
        f"/dashboard/events/{e}/suggestions": {"k": "2"},
        f"/dashboard/events/{e}/tables": {"rounds": "1", "min_size": "2", "max_size": "3"},
        f"/dashboard/events/{e}/tables/{plan_id}/lock": {"rounds": "1"},
        f"/dashboard/events/{e}/tables/{plan_id}/replan": {"seconds": "0.2"},
        "/dashboard/logout": {},
    }
    other = TestClient(site.api.app)
    foreign = csrf_of(other.get("/dashboard/login").text)  # a real token, of another session
    for path, body in posts.items():
        for bad in (None, "", "x" * 43, foreign):
            data = body if bad is None else {**body, "csrf_token": bad}
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, bad)
            assert "<h1>" in response.text and 'lang="fi"' in response.text
    assert not _present(site, e, p)  # the refused check-in changed nothing
    with Session(site.api.app.state.engine) as session:
        assert session.get(StoredTablePlan, plan_id).locked_rounds == 0  # type: ignore[union-attr]
        assert session.exec(select(Registration).where(Registration.event_id == e)).all().__len__() == 6
    ok = client.post(
        f"/dashboard/events/{e}/tables/{plan_id}/lock", data={"rounds": "1", "csrf_token": token}
    )
    assert ok.status_code == 200 and "lukittu" in ok.text
    login_page = other.get("/dashboard/login")
    refused = other.post("/dashboard/login", data={"token": site.token_a})
    assert refused.status_code == 403 and csrf_of(login_page.text)


def test_organisers_see_only_their_own_events(site: Site) -> None:
    client = site.api.client
    token = log_in(client, site.token_b)
    home = client.get("/dashboard")
    assert "Soteuttamo Österbotten" in home.text and "Soteuttamo Häme" not in home.text
    e, p = site.event_a, site.people[1]
    for path in ("", "/registrations", "/suggestions", "/tables", "/tables/print"):
        response = client.get(f"/dashboard/events/{e}{path}")
        assert response.status_code == 404, path
        assert "Sivua ei löydy" in response.text and "henkilo" not in response.text
    missing = client.get("/dashboard/events/999999")
    assert missing.status_code == 404 and missing.text.count("<h1>") == 1
    site.api.client.post(f"/events/{e}/registrations/{p}/check-out", headers=site.api.auth(site.token_a))
    changed = client.post(
        f"/dashboard/events/{e}/registrations/{p}", data={"action": "check-in", "csrf_token": token}
    )
    assert changed.status_code == 404 and not _present(site, e, p)
    job = client.post(f"/events/{e}/suggestions", headers=site.api.auth(site.token_a), json={"k": 2})
    site.api.wait_job(site.token_a, job.json())
    assert client.get(f"/dashboard/jobs/{job.json()['id']}").status_code == 404
    assert client.get(f"/dashboard/jobs/{job.json()['id']}/status").status_code == 404
    admin = TestClient(site.api.app)
    log_in(admin, site.api.admin)
    assert admin.get(f"/dashboard/events/{e}").status_code == 200  # admins see every event


def test_the_event_pages_show_the_event_and_its_plan(site: Site) -> None:
    client = site.api.client
    log_in(client, site.token_a)
    e = site.event_a
    overview = client.get(f"/dashboard/events/{e}")
    assert overview.status_code == 200 and re.search(r"<dd>6</dd>", overview.text)
    listing = client.get(f"/dashboard/events/{e}/registrations?q=henkilo3")
    assert "1 / 6 osallistujaa" in listing.text
    tables = client.get(f"/dashboard/events/{e}/tables")
    assert tables.text.count('class="round"') == 2 and tables.text.count("<h3") == 4
    stats = client.get(f"/dashboard/events/{e}/suggestions")
    assert "100 %" in stats.text and "Gini" in stats.text
