"""No known signing key: the generated key (0600, reused), the refusal to serve beyond loopback
without an explicit one, and the attack from issue 12 (a link forged with the old default)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import cli
from api.app import create_app
from api.keys import KEY_FILE, SecretKeyError, require_explicit_key, secret_key
from api.security import LinkSigner
from api.settings import Settings, get_settings
from matcher.embed import HashingEmbedder
from tests.pages_support import link_nonce
from tests.test_api_support import *  # noqa: F403  (the api_url fixture)
from tests.test_api_support import SECRET, Api, make_admin_token

OLD_DEFAULT = "change-me-in-production"


def test_the_generated_key_is_random_owner_only_and_reused(tmp_path: Path) -> None:
    first = secret_key(Settings(cache_dir=tmp_path / "a"))
    other = secret_key(Settings(cache_dir=tmp_path / "b"))
    assert first != other and len(first) >= 43
    path = tmp_path / "a" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(Settings(cache_dir=tmp_path / "a")) == first
    assert OLD_DEFAULT not in (first, other)


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    secret_key(Settings(cache_dir=tmp_path))
    (tmp_path / KEY_FILE).chmod(0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        secret_key(Settings(cache_dir=tmp_path))


def test_the_published_old_default_is_refused_even_when_set(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="KOHTAAMO_SECRET_KEY"):
        secret_key(Settings(secret_key=OLD_DEFAULT, cache_dir=tmp_path))


def test_serving_beyond_loopback_needs_an_explicit_key(tmp_path: Path) -> None:
    generated = Settings(cache_dir=tmp_path)
    require_explicit_key(generated, "127.0.0.1")
    require_explicit_key(generated, "::1")
    for host in ("0.0.0.0", "192.168.1.10", "::", "kohtaamo.example.fi"):
        with pytest.raises(SecretKeyError, match="export KOHTAAMO_SECRET_KEY="):
            require_explicit_key(generated, host)
    require_explicit_key(Settings(secret_key="a real secret", cache_dir=tmp_path), "0.0.0.0")


def test_kohtaamo_serve_on_all_interfaces_stops_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KOHTAAMO_SECRET_KEY", raising=False)
    monkeypatch.setenv("KOHTAAMO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KOHTAAMO_DATABASE_URL", f"sqlite:///{tmp_path / 'k.db'}")
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.setattr(sys, "argv", ["kohtaamo", "serve", "--host", "0.0.0.0"])
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as stopped:
            cli.main()
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err.strip()
    assert stopped.value.code == 1
    assert len(err.splitlines()) == 1 and "KOHTAAMO_SECRET_KEY" in err, err
    assert not (tmp_path / "k.db").exists()  # refused before touching anything


def test_a_link_forged_with_the_old_default_key_is_refused(api_url: str, tmp_path: Path) -> None:
    """The attack of issue 12: no KOHTAAMO_SECRET_KEY, a token signed with the published default."""
    admin = make_admin_token(api_url)
    settings = Settings(database_url=api_url, cache_dir=tmp_path)  # no secret_key: generated
    app = create_app(settings, encoder=HashingEmbedder(dimension=64))
    with TestClient(app) as client:
        api = Api(client=client, app=app, url=api_url, admin=admin)
        event = api.event(admin)
        first = api.walk_in(admin, event, "maija@yohoiva.fi", "Yöhoiva Oy")
        second = api.walk_in(admin, event, "erik@turvalinja.fi", "Turvalinja ry")
        forged = LinkSigner(OLD_DEFAULT, max_age_seconds=3600).dump(person_id=second, event_id=event)
        for path in ("/me/suggestions", "/me/tables"):
            assert client.get(path, params={"token": forged}).status_code == 401, path
            assert client.get(path, headers=api.auth(forged)).status_code == 401, path
        assert client.get(f"/p/{forged}").status_code == 401
        genuine = api.link(admin, event, first)
        assert client.get("/me/tables", params={"token": genuine}).status_code == 200
    assert (tmp_path / KEY_FILE).exists()


def test_rotating_the_key_invalidates_links_signed_with_the_old_one(api: Api) -> None:
    event = api.event(api.admin)
    person = api.walk_in(api.admin, event, "maija@yohoiva.fi", "Yöhoiva Oy")
    nonce = link_nonce(api.app.state.engine, event, person)
    current = LinkSigner(SECRET, max_age_seconds=3600).dump(person_id=person, event_id=event, nonce=nonce)
    before_rotation = LinkSigner("the key before rotation", max_age_seconds=3600).dump(
        person_id=person, event_id=event, nonce=nonce
    )
    assert api.client.get("/me/tables", params={"token": current}).status_code == 200
    assert api.client.get("/me/tables", params={"token": before_rotation}).status_code == 401
