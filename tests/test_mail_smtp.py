"""The SMTP sender against a real server on loopback: plain, STARTTLS and TLS, with and
without a login, and every failure sorted into temporary, permanent or a setup error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.mail.smtp import PermanentError, SetupError, SmtpConfig, SmtpSender, TemporaryError, classify
from api.settings import Settings
from tests.smtp_server import (
    PASSWORD,
    USER,
    SmtpServer,
    client_context,
    free_port,
    self_signed,
    server_context,
)

MESSAGE = b"From: k@example.fi\r\nTo: a@example.fi\r\nSubject: hi\r\n\r\nhello\r\n.dot line\r\n"


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    running = SmtpServer().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


def config(server: SmtpServer, security: str = "none", **kwargs: object) -> SmtpConfig:
    return SmtpConfig(host=server.host, port=server.port, security=security, timeout=5, **kwargs)  # type: ignore[arg-type]


def test_a_plain_send_arrives_whole_with_the_servers_reply(server: SmtpServer) -> None:
    sender = SmtpSender(config(server))
    reply = sender.send(sender="k@example.fi", recipient="a@example.fi", data=MESSAGE)
    reply2 = sender.send(sender="k@example.fi", recipient="b@example.fi", data=MESSAGE)
    sender.close()
    assert reply.startswith("250 ") and "queued as 1" in reply and "queued as 2" in reply2
    assert [r.rcpt_tos for r in server.received] == [["a@example.fi"], ["b@example.fi"]]
    assert server.received[0].mail_from == "k@example.fi"
    assert server.received[0].raw.endswith(b"\r\n\r\nhello\r\n.dot line\r\n")  # dot-stuffing undone


def test_login_from_the_settings_and_a_wrong_password_stops_everything() -> None:
    server = SmtpServer(login=True).start()
    try:
        good = Settings(
            smtp_host=server.host,
            smtp_port=server.port,
            smtp_security="none",
            smtp_username=USER,
            smtp_password=PASSWORD,
        )  # type: ignore[arg-type]
        sender = SmtpSender(SmtpConfig.from_settings(good))
        sender.check()
        assert sender.send(sender="k@example.fi", recipient="a@example.fi", data=MESSAGE).startswith("250")
        sender.close()
        bad = SmtpSender(
            SmtpConfig(server.host, server.port, "none", username=USER, password="wrong", timeout=5)
        )
        with pytest.raises(SetupError, match="login refused"):
            bad.check()
    finally:
        server.stop()
    assert len(server.received) == 1


def test_starttls_with_login_and_implicit_tls(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    starttls = SmtpServer(login=True, tls_context=server_context(cert, key), require_starttls=True).start()
    implicit = SmtpServer(ssl_context=server_context(cert, key)).start()
    try:
        sender = SmtpSender(
            config(starttls, "starttls", username=USER, password=PASSWORD, ssl_context=client_context(cert))
        )
        assert sender.send(sender="k@example.fi", recipient="a@example.fi", data=MESSAGE).startswith("250")
        sender.close()
        over_tls = SmtpSender(config(implicit, "tls", ssl_context=client_context(cert)))
        assert over_tls.send(sender="k@example.fi", recipient="b@example.fi", data=MESSAGE).startswith("250")
        over_tls.close()
        # a certificate nobody vouches for is refused: the default context verifies
        with pytest.raises(SetupError, match="TLS"):
            SmtpSender(config(implicit, "tls")).check()
        # plain text to a server that insists on STARTTLS before MAIL is refused as a setup problem
        with pytest.raises(SetupError):
            SmtpSender(config(starttls)).send(sender="k@example.fi", recipient="c@example.fi", data=MESSAGE)
    finally:
        starttls.stop()
        implicit.stop()
    assert len(starttls.received) == 1 and len(implicit.received) == 1


def test_replies_are_sorted_into_temporary_and_permanent(server: SmtpServer) -> None:
    server.handler.script("grey@example.fi", "451 4.7.1 greylisted")
    server.handler.script("nobody@example.fi", "550 5.1.1 no such user", at="RCPT")
    server.handler.script("big@example.fi", "552 5.3.4 message too big")
    sender = SmtpSender(config(server))
    with pytest.raises(TemporaryError) as grey:
        sender.send(sender="k@example.fi", recipient="grey@example.fi", data=MESSAGE)
    assert (grey.value.code, grey.value.reply, grey.value.reconnect) == (451, "4.7.1 greylisted", False)
    with pytest.raises(PermanentError) as nobody:
        sender.send(sender="k@example.fi", recipient="nobody@example.fi", data=MESSAGE)
    assert (nobody.value.code, nobody.value.reply) == (550, "5.1.1 no such user")
    with pytest.raises(PermanentError, match="552"):
        sender.send(sender="k@example.fi", recipient="big@example.fi", data=MESSAGE)
    # the connection survives every refusal: the next message goes through on it
    assert sender.send(sender="k@example.fi", recipient="grey@example.fi", data=MESSAGE).startswith("250")
    sender.close()
    assert [r.rcpt_tos for r in server.received] == [["grey@example.fi"]]


def test_a_lost_or_absent_server_is_temporary_and_reconnects(server: SmtpServer) -> None:
    sender = SmtpSender(config(server))
    assert sender.send(sender="k@example.fi", recipient="a@example.fi", data=MESSAGE).startswith("250")
    server.stop()
    with pytest.raises(TemporaryError) as lost:
        sender.send(sender="k@example.fi", recipient="b@example.fi", data=MESSAGE)
    assert lost.value.reconnect and lost.value.code is None
    with pytest.raises(TemporaryError, match="cannot reach"):
        sender.send(sender="k@example.fi", recipient="b@example.fi", data=MESSAGE)
    server.start()
    assert sender.send(sender="k@example.fi", recipient="b@example.fi", data=MESSAGE).startswith("250")
    sender.close()
    with pytest.raises(TemporaryError, match="cannot reach"):
        SmtpSender(SmtpConfig("127.0.0.1", free_port(), "none", timeout=2)).check()


def test_classify_reads_the_reply_code() -> None:
    assert isinstance(classify(421, b"closing"), TemporaryError) and classify(421, "x").reconnect
    assert isinstance(classify(554, "no"), PermanentError)
    assert str(classify(450, b"mailbox busy")) == "450 mailbox busy"


def test_settings_without_a_host_name_it() -> None:
    with pytest.raises(ValueError, match="smtp_host: not set"):
        SmtpConfig.from_settings(Settings())
