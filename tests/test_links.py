"""Participants' links bound to their registration: revoke and reissue (API, CLI, dashboard),
cancelling revokes, and one scope per door (an unsubscribe link reads nothing)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from api import cli
from api.security import LinkSigner
from api.settings import get_settings
from tests.pages_support import csrf_of, log_in
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import SECRET, Api

READS = ("/me/suggestions", "/me/tables", "/me/meetings", "/me/feedback")


def _registered(api: Api) -> tuple[str, int, int]:
    token = api.organiser("aino@example.fi")
    event = api.event(token)
    person = api.walk_in(token, event, "maija@yohoiva.fi", "Yöhoiva Oy")
    return token, event, person


def _link(api: Api, token: str, event: int, person: int) -> dict[str, str]:
    response = api.client.post(f"/events/{event}/registrations/{person}/link", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def _opens(api: Api, link: str) -> bool:
    return all(api.client.get(path, params={"token": link}).status_code == 200 for path in READS)


def _refused(api: Api, link: str) -> bool:
    return all(api.client.get(path, params={"token": link}).status_code == 401 for path in READS)


def test_revoking_stops_every_earlier_link_and_new_ones_work(api: Api) -> None:
    token, event, person = _registered(api)
    first, second = _link(api, token, event, person)["token"], _link(api, token, event, person)["token"]
    assert _opens(api, first) and _opens(api, second)
    revoked = api.client.post(f"/events/{event}/registrations/{person}/link/revoke", headers=api.auth(token))
    assert revoked.status_code == 204
    assert _refused(api, first) and _refused(api, second)
    page = api.client.get(f"/p/{first}")
    assert page.status_code == 401 and "Linkki on korvattu" in page.text
    assert _opens(api, _link(api, token, event, person)["token"])


def test_reissuing_returns_a_working_link_and_kills_the_old(api: Api) -> None:
    token, event, person = _registered(api)
    old = _link(api, token, event, person)["token"]
    response = api.client.post(
        f"/events/{event}/registrations/{person}/link/reissue", headers=api.auth(token)
    )
    assert response.status_code == 200, response.text
    new = response.json()
    assert new["token"] != old and new["page_url"].endswith(f"/p/{new['token']}")
    assert _opens(api, new["token"]) and _refused(api, old)
    assert api.client.get(f"/p/{new['token']}").status_code == 200
    other = api.organiser("bertil@example.fi")  # not theirs to revoke
    path = f"/events/{event}/registrations/{person}/link/reissue"
    assert api.client.post(path, headers=api.auth(other)).status_code == 404
    assert _opens(api, new["token"])


def test_cancelling_a_registration_revokes_its_links_even_after_restoring(api: Api) -> None:
    token, event, person = _registered(api)
    old = _link(api, token, event, person)["token"]
    path = f"/events/{event}/registrations/{person}"
    assert api.client.patch(path, headers=api.auth(token), json={"cancelled": True}).status_code == 200
    assert api.client.patch(path, headers=api.auth(token), json={"cancelled": False}).status_code == 200
    assert _refused(api, old)
    assert _opens(api, _link(api, token, event, person)["token"])


def _token_of(url: str) -> str:
    return url.removesuffix("/feedback").rsplit("/", 1)[1]


def test_each_link_opens_only_its_own_door(api: Api) -> None:
    token, event, person = _registered(api)
    links = _link(api, token, event, person)
    page, feedback, unsubscribe = (
        links["token"],
        _token_of(links["feedback_url"]),
        _token_of(links["unsubscribe_url"]),
    )
    assert len({page, feedback, unsubscribe}) == 3
    # an unsubscribe link reads nothing: not the suggestions, seats, meetings, feedback or page
    assert _refused(api, unsubscribe)
    assert api.client.get("/me/suggestions", headers=api.auth(unsubscribe)).status_code == 401
    for path in (f"/p/{unsubscribe}", f"/p/{unsubscribe}/feedback"):
        assert api.client.get(path).status_code == 401, path
    # a feedback link opens the feedback form and the feedback API only
    assert api.client.get(f"/p/{feedback}/feedback").status_code == 200
    assert api.client.get("/me/feedback", params={"token": feedback}).status_code == 200
    assert api.client.get(f"/p/{feedback}").status_code == 401
    form = api.client.get(f"/p/{feedback}/feedback").text
    assert f"/p/{page}" not in form and "/me/suggestions" not in form  # no way on to the page
    for path in ("/me/suggestions", "/me/tables", "/me/meetings"):
        assert api.client.get(path, params={"token": feedback}).status_code == 401, path
    # the page link opens everything but does not unsubscribe; the unsubscribe link does
    assert _opens(api, page)
    assert api.client.get(f"/unsubscribe/{page}").status_code == 401
    assert api.client.get(f"/unsubscribe/{unsubscribe}").status_code == 200
    # the page hands out the narrower links, never its own token for them
    html = api.client.get(f"/p/{page}").text
    assert f"/unsubscribe/{page}" not in html and f"/p/{page}/feedback" not in html


def test_a_link_without_nonce_or_scope_opens_nothing(api: Api) -> None:
    _, event, person = _registered(api)
    genuine = LinkSigner(SECRET, max_age_seconds=3600)
    assert _refused(api, genuine.dump(person_id=person, event_id=event))  # signed, but no nonce
    with pytest.raises(ValueError, match="scope"):
        genuine.dump(person_id=person, event_id=event, nonce="n", scope="admin")


def _cli(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["kohtaamo", *argv])
    monkeypatch.setenv("KOHTAAMO_SECRET_KEY", SECRET)
    monkeypatch.setenv("COLUMNS", "300")
    get_settings.cache_clear()
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    return code, out + err


def test_the_command_line_revokes_and_reissues(
    api: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token, event, person = _registered(api)
    old = _link(api, token, event, person)["token"]
    where = ["--database-url", api.url]
    code, out = _cli(
        ["link", "revoke", "--event", str(event), "--person", str(person), *where], monkeypatch, capsys
    )
    assert code == 0 and "Revoked" in out and _refused(api, old), out
    code, out = _cli(
        ["link", "reissue", "--event", str(event), "--person", str(person), *where], monkeypatch, capsys
    )
    assert code == 0
    new = _token_of(out.strip().splitlines()[-1])
    assert _opens(api, new)
    code, out = _cli(
        ["link", "revoke", "--event", str(event), "--person", "999999", *where], monkeypatch, capsys
    )
    assert code == 1 and len(out.strip().splitlines()) == 1 and "registration not found" in out
    assert _opens(api, new)


def test_the_dashboard_button_gives_a_new_link(api: Api, tmp_path: Path) -> None:
    token, event, person = _registered(api)
    old = _link(api, token, event, person)["token"]
    csrf = log_in(api.client, token)
    listing = api.client.get(f"/dashboard/events/{event}/registrations")
    action = f"/dashboard/events/{event}/registrations/{person}/link"
    assert f'action="{action}"' in listing.text
    assert api.client.post(action, data={}).status_code == 403  # the form token is required
    assert _opens(api, old)
    response = api.client.post(action, data={"csrf_token": csrf_of(listing.text) or csrf})
    assert response.status_code == 200 and "Uusi henkilökohtainen linkki" in response.text
    new = response.text.split("/p/", 1)[1].split("<", 1)[0]
    assert _refused(api, old) and _opens(api, new)
