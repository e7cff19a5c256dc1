"""E-mails from the dashboard on SQLite and PostgreSQL: a preview of one person's message
(its HTML in a sandboxed frame under its own policy), then a send job through the loopback
SMTP server, a dry run writing files, a clear page for what stops a mailing, CSRF, scope."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.pages.routes_mail import PREVIEW_POLICY
from tests.mail_helpers import MAY_EMAIL, PEOPLE, seed_event
from tests.pages_support import csrf_of, log_in
from tests.smtp_server import SmtpServer
from tests.test_api_mailings import mail_settings
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api, start_api


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.stop()


@pytest.fixture
def mail_api(api_url: str, server: SmtpServer, tmp_path: Path) -> Iterator[Api]:
    yield from start_api(api_url, migrate=False, **mail_settings(server, tmp_path))


def test_preview_then_send_through_the_dashboard(mail_api: Api, server: SmtpServer, tmp_path: Path) -> None:
    seeded = seed_event(mail_api.url)
    client = mail_api.client
    token = log_in(client, mail_api.admin)
    base = f"/dashboard/events/{seeded.event_id}/mail"
    page = client.get(base)
    assert page.status_code == 200 and PEOPLE["asa"][0] in page.text  # the recipient list
    paivi = seeded.ids["paivi"]
    preview = client.get(f"{base}?kind=before&person_id={paivi}")
    assert preview.status_code == 200 and PEOPLE["paivi"][1] in preview.text
    assert "/p/" in preview.text and "<iframe" in preview.text and " sandbox" in preview.text
    frame = client.get(f"{base}/preview.html?kind=before&person_id={paivi}")
    assert frame.status_code == 200 and frame.headers["content-security-policy"] == PREVIEW_POLICY
    assert PEOPLE["asa"][0] in frame.text  # a suggested partner, in the message's own HTML
    matti = client.get(f"{base}?kind=before&person_id={seeded.ids['matti']}")
    assert "no e-mail consent" in matti.text  # the preview says why no message would go
    sent = client.post(base, data={"csrf_token": token, "kind": "before"}, follow_redirects=False)
    assert sent.status_code == 303
    job_id = int(sent.headers["location"].rsplit("/", 1)[1])
    mail_api.app.state.jobs.wait(job_id, timeout=60)
    done = client.get(f"/dashboard/jobs/{job_id}")
    assert "<dt>Lähetetty</dt><dd>4</dd>" in done.text and "no e-mail consent: 1" in done.text
    assert sorted(a for r in server.received for a in r.rcpt_tos) == sorted(PEOPLE[k][1] for k in MAY_EMAIL)
    dry = client.post(
        base, data={"csrf_token": token, "kind": "feedback", "dry_run": "on"}, follow_redirects=False
    )
    dry_job = int(dry.headers["location"].rsplit("/", 1)[1])
    mail_api.app.state.jobs.wait(dry_job, timeout=60)
    written = len(list((tmp_path / "outbox").rglob("*.eml")))
    summary = client.get(f"/dashboard/jobs/{dry_job}").text
    assert written > 0 and f"<dt>Kirjoitettu tiedostoiksi</dt><dd>{written}</dd>" in summary
    assert len(server.received) == len(MAY_EMAIL)  # the dry run sent nothing


def test_what_stops_a_mailing_is_a_clear_page_and_nothing_starts(api_url: str, tmp_path: Path) -> None:
    for running in start_api(api_url, migrate=False, **mail_settings(None, tmp_path)):
        seeded = seed_event(running.url)
        client = running.client
        token = log_in(client, running.admin)
        base = f"/dashboard/events/{seeded.event_id}/mail"
        refused = client.post(base, data={"csrf_token": token, "kind": "before"})
        assert refused.status_code == 422 and "smtp_host" in refused.text and "Traceback" not in refused.text
        forged = client.post(base, data={"kind": "before", "dry_run": "on"})
        assert forged.status_code == 403
        assert not (tmp_path / "outbox").exists()
        other = running.organiser("muu@soteuttamo.example")
        outsider = running.client.__class__(running.app)
        log_in(outsider, other)
        assert outsider.get(base).status_code == 404
        assert (
            outsider.get(f"{base}/preview.html?kind=before&person_id={seeded.ids['paivi']}").status_code
            == 404
        )
        assert csrf_of(client.get(base).text) == token
