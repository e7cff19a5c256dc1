"""The organisers' API for e-mail on SQLite and PostgreSQL: sending as a background job through
the loopback server, a preview of one person's message, the outbox, round schedules, and a
clear 4xx for every reason a mailing cannot start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import LinkSigner
from api.settings import Settings
from tests.mail_helpers import BASE_URL, MAIL_FROM, PEOPLE, seed_event
from tests.smtp_server import SmtpServer, free_port
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import SECRET as API_SECRET
from tests.test_api_support import Api, make_admin_token, start_api


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.stop()


def mail_settings(server: SmtpServer | None, tmp_path: Path, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        public_base_url=BASE_URL,
        mail_from=MAIL_FROM,
        outbox_dir=tmp_path / "outbox",
        smtp_security="none",
        smtp_timeout_seconds=5,
        mail_rate_per_minute=60_000,
    )
    if server is not None:
        values.update(smtp_host=server.host, smtp_port=server.port)
    return {**values, **changes}


@pytest.fixture
def mail_api(api_url: str, server: SmtpServer, tmp_path: Path) -> Iterator[Api]:
    yield from start_api(api_url, migrate=False, **mail_settings(server, tmp_path))


def test_sending_is_a_job_whose_result_is_the_summary(mail_api: Api, server: SmtpServer) -> None:
    seeded = seed_event(mail_api.url)
    h = mail_api.auth(mail_api.admin)
    response = mail_api.client.post(f"/events/{seeded.event_id}/mailings", headers=h, json={"kind": "before"})
    assert response.status_code == 202, response.text
    job = mail_api.wait_job(mail_api.admin, response.json())
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["sent"] == 4 and result["skipped"] == {"no e-mail consent": 1, "unsubscribed": 1}
    assert result["failed"] == [] and result["stopped"] is None
    assert sorted(a for r in server.received for a in r.rcpt_tos) == sorted(
        PEOPLE[k][1] for k in ("paivi", "asa", "john", "kalle")
    )
    # the links are signed with the app's own secret: they open the right person's page
    token = server.received[0].message["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1]
    assert LinkSigner(API_SECRET, max_age_seconds=60).load(token).event_id == seeded.event_id
    again = mail_api.wait_job(
        mail_api.admin,
        mail_api.client.post(
            f"/events/{seeded.event_id}/mailings", headers=h, json={"kind": "before"}
        ).json(),
    )
    assert again["result"]["sent"] == 0 and again["result"]["skipped"]["already sent"] == 4
    page = mail_api.client.get(
        f"/events/{seeded.event_id}/mailings/outbox", headers=h, params={"kind": "before"}
    )
    assert page.status_code == 200 and page.json()["total"] == 4
    assert {e["status"] for e in page.json()["items"]} == {"sent"}
    assert all(e["smtp_reply"].startswith("250") for e in page.json()["items"])


def test_preview_shows_one_message_and_sends_nothing(mail_api: Api, server: SmtpServer) -> None:
    seeded = seed_event(mail_api.url)
    h = mail_api.auth(mail_api.admin)
    path = f"/events/{seeded.event_id}/mailings/preview"
    asa = mail_api.client.get(path, headers=h, params={"person_id": seeded.ids["asa"], "kind": "live"})
    assert asa.status_code == 200, asa.text
    found = asa.json()
    assert (
        found["subject"] == "Dina bord och möten – Soteuttamo Kanta-Häme" and found["to"] == PEOPLE["asa"][1]
    )
    assert "Päivi Äijälä" in found["text"] and '<html lang="sv">' in found["html"] and found["skip"] is None
    english = mail_api.client.get(
        path, headers=h, params={"person_id": seeded.ids["asa"], "kind": "live", "language": "en"}
    )
    assert english.json()["subject"] == "Your tables and meetings at Soteuttamo Kanta-Häme"
    matti = mail_api.client.get(path, headers=h, params={"person_id": seeded.ids["matti"], "kind": "before"})
    assert matti.json()["skip"] == "no e-mail consent"
    assert (
        mail_api.client.get(path, headers=h, params={"person_id": 999999, "kind": "before"}).status_code
        == 404
    )
    assert (
        mail_api.client.get(path, headers=h, params={"person_id": seeded.ids["asa"], "kind": "x"}).status_code
        == 422
    )
    assert server.received == []
    assert mail_api.client.get(f"/events/{seeded.event_id}/mailings/outbox", headers=h).json()["total"] == 0


def test_a_dry_run_job_writes_eml_files(mail_api: Api, server: SmtpServer, tmp_path: Path) -> None:
    seeded = seed_event(mail_api.url)
    response = mail_api.client.post(
        f"/events/{seeded.event_id}/mailings",
        headers=mail_api.auth(mail_api.admin),
        json={"kind": "feedback", "dry_run": True},
    )
    job = mail_api.wait_job(mail_api.admin, response.json())
    assert job["result"]["written"] == 3 and job["result"]["skipped"] == {
        "no e-mail consent": 1,
        "unsubscribed": 1,
        "did not check in": 1,
    }
    assert len(list(Path(job["result"]["folder"]).glob("*.eml"))) == 3 and server.received == []


def test_why_a_mailing_cannot_start_is_a_4xx_at_once(
    api_url: str, server: SmtpServer, tmp_path: Path
) -> None:
    seeded = seed_event(api_url, tables=False)
    admin = make_admin_token(api_url)
    other = None
    path = f"/events/{seeded.event_id}/mailings"
    for settings, body, code, message in (
        (mail_settings(None, tmp_path), {"kind": "before"}, 422, "smtp_host: not set"),
        (mail_settings(server, tmp_path, mail_from=None), {"kind": "before"}, 422, "mail_from: not set"),
        (mail_settings(server, tmp_path), {"kind": "live"}, 409, "has no table plan"),
        (
            mail_settings(server, tmp_path, smtp_port=free_port()),
            {"kind": "before"},
            409,
            "cannot send: cannot reach",
        ),
        (mail_settings(server, tmp_path), {"kind": "later"}, 422, "kind"),
    ):
        app = create_app(Settings(database_url=api_url, secret_key=API_SECRET, **settings))
        with TestClient(app) as client:
            api = Api(client=client, app=app, url=api_url, admin=admin)
            response = client.post(path, headers=api.auth(admin), json=body)
            assert response.status_code == code, response.text
            assert message in response.text
            other = other or api.organiser("other@example.fi")
            assert client.post(path, headers=api.auth(other), json={"kind": "before"}).status_code == 404
            assert client.get(f"{path}/outbox", headers=api.auth(admin)).json()["total"] == 0
    assert server.received == []


def test_round_schedules_set_read_and_remove(mail_api: Api) -> None:
    seeded = seed_event(mail_api.url)
    h = mail_api.auth(mail_api.admin)
    path = f"/events/{seeded.event_id}/schedules/meetings"
    assert mail_api.client.get(path, headers=h).status_code == 404
    put = mail_api.client.put(
        path, headers=h, json={"starts_at": "2026-12-03T13:00", "round_minutes": 15, "gap_minutes": 5}
    )
    assert put.status_code == 200, put.text
    assert (
        put.json()["starts_at"] == "2026-12-03T13:00:00+02:00" and put.json()["timezone"] == "Europe/Helsinki"
    )
    assert mail_api.client.get(path, headers=h).json() == put.json()
    preview = mail_api.client.get(
        f"/events/{seeded.event_id}/mailings/preview",
        headers=h,
        params={"person_id": seeded.ids["paivi"], "kind": "live"},
    ).json()
    assert "klo 13.00–13.15" in preview["text"] and preview["attachments"] == ["kohtaamo.ics"]
    bad = mail_api.client.put(
        path, headers=h, json={"starts_at": "2026-12-03T13:00", "round_minutes": 15, "timezone": "Europe"}
    )
    assert bad.status_code == 422 and "timezone" in bad.text
    assert (
        mail_api.client.put(
            f"/events/{seeded.event_id}/schedules/lunch",
            headers=h,
            json={"starts_at": "2026-12-03T13:00", "round_minutes": 5},
        ).status_code
        == 422
    )
    assert mail_api.client.delete(path, headers=h).status_code == 204
    assert mail_api.client.get(path, headers=h).status_code == 404
