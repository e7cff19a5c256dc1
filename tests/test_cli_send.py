"""``kohtaamo send`` and ``kohtaamo schedule`` through the real entry point: the summary, one
clear line for each reason a run cannot start, and a run killed with SIGKILL in the middle
of a delivery that, restarted, sends nobody a message twice (and a message whose delivery
was cut off is resent only when asked)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from api import cli
from api.cli import demo, send
from api.settings import get_settings
from tests.mail_helpers import BASE_URL, MAIL_FROM, PEOPLE, SECRET, Seeded, seed_event
from tests.smtp_server import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[1]
INTERRUPTED = "interrupted while sending earlier; may have arrived (retry_interrupted resends)"


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.handler.release.set()
    running.stop()


def environment(server: SmtpServer | None, tmp_path: Path) -> dict[str, str]:
    values = {
        "KOHTAAMO_SECRET_KEY": SECRET,
        "KOHTAAMO_PUBLIC_BASE_URL": BASE_URL,
        "KOHTAAMO_MAIL_FROM": MAIL_FROM,
        "KOHTAAMO_OUTBOX_DIR": str(tmp_path / "outbox"),
        "KOHTAAMO_SMTP_SECURITY": "none",
        "KOHTAAMO_SMTP_TIMEOUT_SECONDS": "5",
        "KOHTAAMO_MAIL_RATE_PER_MINUTE": "60000",
        "COLUMNS": "200",
    }
    if server is not None:
        values.update(KOHTAAMO_SMTP_HOST=server.host, KOHTAAMO_SMTP_PORT=str(server.port))
    return values


def run(
    argv: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["kohtaamo", *argv])
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    return seed_event(f"sqlite:///{tmp_path / 'cli.db'}")


def test_send_prints_what_was_sent_skipped_and_refused(
    seeded: Seeded,
    server: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = ["--database-url", seeded.url]
    server.handler.script(PEOPLE["john"][1], "550 5.1.1 no such user", at="RCPT")
    env = environment(server, tmp_path)
    code, out, _ = run(
        ["send", "--event", str(seeded.event_id), "--kind", "before", *db], env, monkeypatch, capsys
    )
    assert code == 0, out
    assert (
        "Sent 3 message(s)." in out
        and "Skipped 1: no e-mail consent." in out
        and "Skipped 1: unsubscribed." in out
    )
    assert "john@uni.example.fi" in out and "550 5.1.1 no such user" in out and "1 failed." in out
    code, out, _ = run(
        ["send", "--event", "Soteuttamo Kanta-Häme", "--kind", "before", *db], env, monkeypatch, capsys
    )
    assert code == 0 and "Sent 0 message(s)." in out and "Skipped 3: already sent." in out
    assert "Skipped 1: refused earlier (550 5.1.1 no such user)." in out
    assert len(server.received) == 3


def test_dry_run_and_schedule(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--database-url", seeded.url]
    env = environment(None, tmp_path)
    code, out, _ = run(
        [
            "schedule",
            "--event",
            "1",
            "--kind",
            "meetings",
            "--start",
            "13:00",
            "--minutes",
            "15",
            "--gap",
            "5",
            *db,
        ],
        env,
        monkeypatch,
        capsys,
    )
    assert (
        code == 0
        and "round 1 at 2026-12-03 13:00 (Europe/Helsinki), 15 min each, a new round every 20 min" in out
    )
    code, out, _ = run(["send", "--event", "1", "--kind", "live", "--dry-run", *db], env, monkeypatch, capsys)
    folder = tmp_path / "outbox" / "event-1" / "live"
    assert code == 0 and f"Dry run: wrote 4 message(s) to {folder}/" in " ".join(out.split())
    paivi = next(folder.glob("p00001-*.eml")).read_bytes()
    assert b"kohtaamo.ics" in paivi and b"UID:kohtaamo-e1-p1-r1@kohtaamo.example.fi" in paivi


@pytest.mark.parametrize(
    ("argv", "env_changes", "line"),
    [
        (
            ["--kind", "before"],
            {"KOHTAAMO_SMTP_HOST": ""},
            "error: smtp_host: not set (KOHTAAMO_SMTP_HOST); only a dry run is possible",
        ),
        (["--kind", "before"], {"KOHTAAMO_SMTP_PORT": "FREE"}, "error: cannot send: cannot reach 127.0.0.1:"),
        (
            ["--kind", "live", "--dry-run"],
            {"TABLES": "none"},
            "error: event 1 has no table plan: plan the tables first",
        ),
        (
            ["--kind", "soon", "--dry-run"],
            {},
            "error: kind: 'soon' is not one of before, live, feedback, followup",
        ),
    ],
)
def test_a_run_that_cannot_start_is_one_line(
    argv: list[str],
    env_changes: dict[str, str],
    line: str,
    server: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env_changes = dict(env_changes)
    seeded = seed_event(f"sqlite:///{tmp_path / 'cli.db'}", tables=env_changes.pop("TABLES", "") != "none")
    env = {**environment(server, tmp_path), **env_changes}
    if env.get("KOHTAAMO_SMTP_PORT") == "FREE":
        env["KOHTAAMO_SMTP_PORT"] = str(free_port())
    if env.get("KOHTAAMO_SMTP_HOST") == "":
        monkeypatch.delenv("KOHTAAMO_SMTP_HOST", raising=False)
        del env["KOHTAAMO_SMTP_HOST"]
    code, _, err = run(
        ["send", "--event", "1", *argv, "--database-url", seeded.url], env, monkeypatch, capsys
    )
    assert code == 1 and err.startswith(line) and len(err.strip().splitlines()) == 1, err
    assert server.received == []


def test_the_demo_ends_with_the_before_emails_in_the_outbox(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in environment(None, tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("KOHTAAMO_MAIL_FROM")
    get_settings.cache_clear()
    console = Console(record=True, width=200)
    try:
        send.demo_stage(seeded.url, seeded.event_id, console)
    finally:
        get_settings.cache_clear()
    folder = tmp_path / "outbox" / "event-1" / "before"
    assert f"Dry run: wrote 4 message(s) to {folder}/ (nothing sent)." in console.export_text()
    assert len(list(folder.glob("*.eml"))) == 4
    assert ("E-mails to participants (dry run)", send.demo_stage) in demo.STAGES


def test_unknown_event_is_one_line(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["send", "--event", "99", "--kind", "before", "--dry-run", "--database-url", seeded.url],
        environment(None, tmp_path),
        monkeypatch,
        capsys,
    )
    assert (
        code == 1
        and err.strip() == "error: --event: no event with id or name '99' (see `kohtaamo event list`)"
    )


def test_a_run_killed_mid_delivery_and_restarted_sends_no_duplicates(
    seeded: Seeded,
    server: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.handler.hold_on = 3  # the third message's DATA waits: the sender is killed right then
    env = {**os.environ, **environment(server, tmp_path), "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "send",
        "--event",
        "1",
        "--kind",
        "before",
    ]
    process = subprocess.Popen([*command, "--database-url", seeded.url], env=env, cwd=tmp_path)
    try:
        assert server.handler.arrived.wait(120), "the sender never reached the third message"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(30) == -signal.SIGKILL
    finally:
        server.handler.release.set()
        if process.poll() is None:
            process.kill()
    code, out, _ = run(
        ["send", "--event", "1", "--kind", "before", "--database-url", seeded.url],
        environment(server, tmp_path),
        monkeypatch,
        capsys,
    )
    assert code == 0 and "Sent 1 message(s)." in out and f"Skipped 1: {INTERRUPTED}." in " ".join(out.split())
    # the server dropped the message whose sender died mid-DATA; nobody got anything twice
    counts = Counter(a for r in server.received for a in r.rcpt_tos)
    assert counts == Counter({PEOPLE[k][1]: 1 for k in ("paivi", "asa", "kalle")})
    # asked to, a run resends the interrupted one (it may have arrived; here it did not)
    code, out, _ = run(
        ["send", "--event", "1", "--kind", "before", "--retry-interrupted", "--database-url", seeded.url],
        environment(server, tmp_path),
        monkeypatch,
        capsys,
    )
    assert code == 0 and "Sent 1 message(s)." in out and "Skipped 3: already sent." in out
    counts = Counter(a for r in server.received for a in r.rcpt_tos)
    assert counts == Counter({PEOPLE[k][1]: 1 for k in ("paivi", "asa", "john", "kalle")})
