"""A participant's pages at the HTML level (TestClient) on SQLite and PostgreSQL: their page
shows their own data only, feedback updates and never duplicates, unsubscribe (confirm page
and RFC 8058 one-click), and a clear page for links that open nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.entities import Person
from models.feedback import Feedback
from models.suggestions import StoredSuggestion
from tests.pages_support import Site, build_site, csrf_of, sqlite_site
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import SECRET, Api


@pytest.fixture
def site(api: Api) -> Site:
    return build_site(api, plan=True, meetings=True)


@pytest.fixture
def sqlite_only(sqlite_template: Path, tmp_path: Path) -> Iterator[Site]:
    yield from sqlite_site(sqlite_template, tmp_path, plan=False)


def _db(site: Site) -> Session:
    return Session(site.api.app.state.engine)


def _partners(site: Site, person_id: int) -> list[int]:
    with _db(site) as session:
        rows = session.exec(
            select(StoredSuggestion.target_id)
            .where(StoredSuggestion.person_id == person_id, StoredSuggestion.event_id == site.event_a)
            .order_by(StoredSuggestion.rank)  # type: ignore[arg-type]
        ).all()
    return list(rows)


def _person(site: Site, person_id: int) -> Person:
    with _db(site) as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person


def test_the_page_shows_their_own_suggestions_seats_meetings_and_nobody_elses(site: Site) -> None:
    me = site.people[0]
    page = site.api.client.get(f"/p/{site.link(me)}")
    assert page.status_code == 200 and 'lang="fi"' in page.text
    partners = _partners(site, me)
    meetings = site.api.client.get(f"/me/meetings?token={site.link(me)}").json()
    met = {p["person_id"] for m in meetings["meetings"] for p in m["partners"]}
    assert len(partners) == 2 and len(meetings["meetings"]) + len(meetings["byes"]) == 2
    for pid in site.people:
        shown = _person(site, pid).name in page.text
        assert shown == (pid in partners or pid in met or pid == me), pid
    assert page.text.count("Kierros ") == 4  # a seat and a meeting (or a bye) in each of 2 rounds
    for pid in partners:  # contact details only where that partner consented
        partner = _person(site, pid)
        assert (partner.email in page.text) == partner.consent_share_contact
    swedish = site.api.client.get(f"/p/{site.link(me)}?lang=sv")
    assert 'lang="sv"' in swedish.text and "Personer du borde träffa" in swedish.text


def test_feedback_is_saved_updated_in_place_and_checked(site: Site) -> None:
    client = site.api.client
    me = site.people[1]
    first, second = _partners(site, me)
    path = f"/p/{site.link(me)}/feedback"
    form = client.get(path)
    assert form.status_code == 200
    token = csrf_of(form.text)
    body = {
        "csrf_token": token,
        f"met-{first}": "yes",
        f"useful-{first}": "4",
        f"coop-{first}": "joint_project",
    }
    sent = client.post(path, data=body, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].endswith("/feedback?saved=1")
    again = {**body, f"useful-{first}": "2", f"met-{second}": "no"}
    assert client.post(path, data=again, follow_redirects=False).status_code == 303
    with _db(site) as session:
        rows = session.exec(
            select(Feedback).where(Feedback.person_id == me).order_by(Feedback.target_id)
        ).all()  # type: ignore[arg-type]
        got = sorted((r.target_id, r.met, r.usefulness, r.cooperation_types) for r in rows)
    assert got == sorted([(first, True, 2, ["joint_project"]), (second, False, None, [])])
    shown = client.get(path + "?saved=1")
    assert (
        "Kiitos!" in shown.text
        and f'id="useful-{first}-2" name="useful-{first}" value="2" checked' in shown.text
    )
    bad = client.post(path, data={"csrf_token": token, f"met-{second}": "no", f"useful-{second}": "3"})
    assert bad.status_code == 422 and "Hyödyllisyyden voi arvioida vain" in bad.text
    meetings = client.get(f"/me/meetings?token={site.link(me)}").json()["meetings"]
    met = {p["person_id"] for m in meetings for p in m["partners"]}
    strangers = [p for p in site.people if p not in (me, first, second) and p not in met]
    stranger = strangers[0]  # six people, two suggested, at most two met: one is left
    ignored = client.post(path, data={"csrf_token": token, f"met-{stranger}": "yes"}, follow_redirects=False)
    assert ignored.status_code == 303  # a field for someone neither suggested nor met is not an answer
    with _db(site) as session:
        assert len(session.exec(select(Feedback).where(Feedback.person_id == me)).all()) == 2
    for forged in ({}, {"csrf_token": "x" * 43}):
        refused = TestClient(site.api.app).post(path, data={**forged, f"met-{first}": "no"})
        assert refused.status_code == 403
    with _db(site) as session:
        assert session.exec(
            select(Feedback.met).where(Feedback.target_id == first, Feedback.person_id == me)
        ).one()


def test_unsubscribe_confirms_first_and_one_click_needs_no_form_token(sqlite_only: Site) -> None:
    site = sqlite_only
    client = site.api.client
    me, other = site.people[2], site.people[3]
    path = f"/unsubscribe/{site.link(me, scope='unsubscribe')}"
    confirm = client.get(path)
    assert confirm.status_code == 200 and "<button" in confirm.text
    assert _person(site, me).unsubscribed_at is None  # a GET (a link scanner) changes nothing
    assert TestClient(site.api.app).post(path, data={}).status_code == 403
    assert _person(site, me).unsubscribed_at is None
    done = client.post(path, data={"csrf_token": csrf_of(confirm.text)})
    assert done.status_code == 200 and _person(site, me).unsubscribed_at is not None
    one_click = TestClient(site.api.app)  # a mail client: no cookie, no form token
    response = one_click.post(
        f"/unsubscribe/{site.link(other, scope='unsubscribe')}",
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    person = _person(site, other)
    assert person.unsubscribed_at is not None and not person.consent_email
    multipart = one_click.post(
        f"/unsubscribe/{site.link(site.people[4], scope='unsubscribe')}",
        files={"List-Unsubscribe": (None, "One-Click")},
    )
    assert multipart.status_code == 200 and _person(site, site.people[4]).unsubscribed_at is not None


def test_links_that_open_nothing_get_a_page_in_the_persons_language(site: Site) -> None:
    client = site.api.client
    me = site.people[5]
    with _db(site) as session:
        person = session.get(Person, me)
        assert person is not None
        person.language = "sv"
        session.add(person)
        session.commit()
        name = person.name
    other_event = client.get(f"/p/{site.link(me, site.event_b)}")
    assert other_event.status_code == 404 and 'lang="sv"' in other_event.text
    assert "Länken gäller inte det här evenemanget" in other_event.text and name not in other_event.text
    tampered = client.get(f"/p/{site.link(me)[:-4]}AAAA/feedback")
    assert tampered.status_code == 401 and 'lang="fi"' in tampered.text and "Linkki ei toimi" in tampered.text
    expired = TestClient(site.api.app)
    site.api.app.state.link_signer.max_age_seconds = -1  # every link has expired
    try:
        page = expired.get(f"/p/{site.link(me)}")
        unsubscribe = expired.get(f"/unsubscribe/{site.link(me, scope='unsubscribe')}")
    finally:
        site.api.app.state.link_signer.max_age_seconds = 3600
    assert page.status_code == 401 and 'lang="sv"' in page.text and "Länken har gått ut" in page.text
    assert unsubscribe.status_code == 200  # stopping e-mail stays possible after a link expires
    cancelled = site.api.client.patch(
        f"/events/{site.event_a}/registrations/{me}",
        headers=site.api.auth(site.token_a),
        json={"cancelled": True},
    )
    assert cancelled.status_code == 200
    gone = client.get(f"/p/{site.link(me)}")
    assert gone.status_code == 404 and "Traceback" not in gone.text and SECRET not in gone.text
