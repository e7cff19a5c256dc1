"""Meeting requests on the pages (TestClient, SQLite and PostgreSQL): a participant asks to
meet a suggested partner from their own page and withdraws it (with the form token), sees
their requests listed, and the organisers' dashboard counts them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.schemas import MyMeetingRequest
from api.workflows import meeting_requests
from models.seating import MeetingRequestCreate, RequestSource
from tests.pages_support import Site, build_site, csrf_of, log_in
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api
from tests.test_pages_participant import _partners, _person


def _requests(site: Site, person_id: int) -> list[tuple[int, str]]:
    with Session(site.api.app.state.engine) as session:
        mine = meeting_requests.my_requests(session=session, event_id=site.event_a, person_id=person_id)
    return [(r.person_id, r.source.value) for r in mine]


def test_a_participant_asks_to_meet_and_withdraws_from_their_page(api: Api) -> None:
    site = build_site(api, plan=False)
    client = site.api.client
    me = site.people[0]
    first, second = _partners(site, me)
    page = client.get(f"/p/{site.link(me)}")
    assert page.status_code == 200
    assert (
        page.text.count('name="action" value="ask"') == 2 and "Et ole vielä pyytänyt tapaamisia." in page.text
    )
    token = csrf_of(page.text)
    path = f"/p/{site.link(me)}/meeting-requests"
    sent = client.post(
        path, data={"csrf_token": token, "action": "ask", "person_id": str(first)}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("?request=sent#h-requests")
    assert _requests(site, me) == [(first, "participant")]
    shown = client.get(sent.headers["location"])
    assert "Tapaamispyyntö tallennettu." in shown.text and "Olet pyytänyt tapaamista." in shown.text
    assert shown.text.count('name="action" value="ask"') == 1, "the asked partner's form is now a withdraw"
    assert _person(site, first).name in shown.text.split('id="h-requests"')[1].split("</section>")[0]
    # someone not suggested to me cannot be asked, and nothing is stored
    stranger = next(p for p in site.people if p not in (me, first, second))
    refused = client.post(
        path, data={"csrf_token": token, "action": "ask", "person_id": str(stranger)}, follow_redirects=False
    )
    assert refused.headers["location"].endswith("?request=refused#h-requests")
    assert "Pyyntöä ei voitu tallentaa." in client.get(refused.headers["location"]).text
    assert _requests(site, me) == [(first, "participant")]
    # without the form token nothing happens
    for forged in ({}, {"csrf_token": "x" * 43}):
        bare = TestClient(site.api.app).post(path, data={**forged, "action": "ask", "person_id": str(second)})
        assert bare.status_code == 403
    assert _requests(site, me) == [(first, "participant")]
    [request_id] = [r.id for r in _my_rows(site, me)]
    withdrawn = client.post(
        path,
        data={"csrf_token": token, "action": "withdraw", "request_id": str(request_id)},
        follow_redirects=False,
    )
    assert withdrawn.headers["location"].endswith("?request=withdrawn#h-requests")
    assert _requests(site, me) == []


def _my_rows(site: Site, person_id: int) -> list[MyMeetingRequest]:
    with Session(site.api.app.state.engine) as session:
        return meeting_requests.my_requests(session=session, event_id=site.event_a, person_id=person_id)


def test_an_organisers_request_is_listed_but_not_withdrawn_and_the_dashboard_counts(api: Api) -> None:
    site = build_site(api, plan=False)
    me, other = site.people[1], site.people[4]
    with Session(site.api.app.state.engine) as session:
        meeting_requests.add_requests(
            session=session,
            event_id=site.event_a,
            request_in=MeetingRequestCreate(requester_id=me, requested_id=other, mutual=True),
            source=RequestSource.ORGANISER,
        )
    page = site.api.client.get(f"/p/{site.link(me)}")
    assert "järjestäjän lisäämä" in page.text
    [row] = _my_rows(site, me)
    path = f"/p/{site.link(me)}/meeting-requests"
    kept = site.api.client.post(
        path,
        data={"csrf_token": csrf_of(page.text), "action": "withdraw", "request_id": str(row.id)},
        follow_redirects=False,
    )
    assert kept.headers["location"].endswith("?request=refused#h-requests")
    assert _requests(site, me) == [(other, "organiser")]
    log_in(site.api.client, site.token_a)
    overview = site.api.client.get(f"/dashboard/events/{site.event_a}").text
    assert "<dt>Tapaamispyyntöjä</dt><dd>2</dd>" in overview
    assert "<dt>Molemminpuolisia</dt><dd>1</dd>" in overview
