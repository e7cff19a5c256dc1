"""The demo's last stage prints the dashboard's address and a token that logs in to it (a new
one each run, the old one refused), and a participant's page that opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from api.app import create_app
from api.cli import dashboard
from api.settings import Settings, get_settings
from api.workflows.sample import import_sample_event
from matcher.embed import HashingEmbedder
from tests.pages_support import csrf_of


def _stage(url: str, event_id: int, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    console = Console(record=True, width=200)
    dashboard.demo_stage(url, event_id, console)
    token = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("kht_"))
    return console.export_text(), token


def _log_in(client: TestClient, token: str) -> int:
    page = client.get("/dashboard/login")
    response = client.post("/dashboard/login", data={"token": token, "csrf_token": csrf_of(page.text)})
    return response.status_code


def test_the_demo_prints_a_working_dashboard_log_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("KOHTAAMO_SECRET_KEY", "demo-secret")
    monkeypatch.setenv("KOHTAAMO_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    get_settings.cache_clear()
    try:
        event_id = import_sample_event(url)
        text, first = _stage(url, event_id, capsys)
        _, second = _stage(url, event_id, capsys)
    finally:
        get_settings.cache_clear()
    assert "open http://127.0.0.1:8000/dashboard" in text and "kohtaamo serve" in text
    assert first.startswith("kht_") and second.startswith("kht_") and first != second
    page = next(word for word in text.split() if "/p/" in word)
    app = create_app(
        Settings(database_url=url, secret_key="demo-secret"), encoder=HashingEmbedder(dimension=64)
    )
    with TestClient(app) as client:
        assert _log_in(client, first) == 401  # each run rotates the token
        assert _log_in(client, second) == 200
        assert "Soteuttamo Kanta-Häme 2026" in client.get("/dashboard").text
        own = client.get(page.removeprefix("http://127.0.0.1:8000"))
        assert own.status_code == 200 and "Raija Salminen" in own.text
