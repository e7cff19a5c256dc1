"""A real SMTP server on loopback for the mail tests (aiosmtpd), whose answers a test scripts.

It accepts by default and keeps every accepted message. A test can make it answer a
recipient's RCPT or DATA with a script of replies (``451`` then ``250``; ``550``), make it
go away after N messages (every later command gets ``421`` and the server stops), restart
it on the same port, and require a login or TLS. Imported by the mail tests; holds no tests.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import subprocess
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "kohtaamo", "sal@sana-ÄÖ"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    """One accepted message: envelope sender and recipients, and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    """aiosmtpd handler with scripted replies (see the module docstring)."""

    received: list[Received] = field(default_factory=list)
    rcpt_script: dict[str, deque[str]] = field(default_factory=dict)
    data_script: dict[str, deque[str]] = field(default_factory=dict)
    data_attempts: Counter[str] = field(default_factory=Counter)
    down_after: int | None = None
    on_down: Any = None
    hold_on: int | None = None  # the DATA of this message (from 1) waits for ``release``
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, address: str, *replies: str, at: str = "DATA") -> None:
        target = self.data_script if at == "DATA" else self.rcpt_script
        target.setdefault(address, deque()).extend(replies)

    def _down(self) -> bool:
        return self.down_after is not None and len(self.received) >= self.down_after

    async def handle_MAIL(  # noqa: N802 (aiosmtpd hook)
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self._down():
            return "421 4.3.2 shutting down"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            script = self.rcpt_script.get(address)
            reply = script.popleft() if script else "250 OK"
        if reply.startswith("2"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.hold_on is not None and len(self.received) + 1 == self.hold_on:
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 120)
        with self.lock:
            rcpt = envelope.rcpt_tos[0]
            self.data_attempts[rcpt] += 1
            script = self.data_script.get(rcpt)
            reply = script.popleft() if script else f"250 2.0.0 queued as {len(self.received) + 1}"
            if reply.startswith("2"):
                self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
                if self.down_after is not None and len(self.received) == self.down_after and self.on_down:
                    threading.Thread(target=self.on_down, daemon=True).start()
        return reply


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """A started aiosmtpd server on 127.0.0.1; ``stop()``, then ``start()`` again on the same port."""

    def __init__(self, handler: Handler | None = None, *, login: bool = False, **kwargs: Any) -> None:
        self.handler = handler or Handler()
        self.host, self.port = "127.0.0.1", free_port()
        self.kwargs = dict(kwargs)
        if login:
            self.kwargs.update(authenticator=_authenticator, auth_require_tls="tls_context" in kwargs)
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname=self.host, port=self.port, **self.kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def go_down_after(self, n: int) -> None:
        """After the ``n``-th accepted message, refuse everything (421) and stop."""
        self.handler.down_after = n
        self.handler.on_down = self.stop

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 (openssl, which every Debian image has)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def client_context(cert: Path) -> ssl.SSLContext:
    """A client context that trusts only the test certificate (hostname checked)."""
    return ssl.create_default_context(cafile=str(cert))
