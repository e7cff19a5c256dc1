"""Handing messages to an SMTP server (smtplib), with every outcome sorted into what the
caller must do about it.

- :class:`TemporaryError`: a 4xx reply, or the connection was lost or timed out: try
  again later (``reconnect`` says whether the connection is gone).
- :class:`PermanentError`: a 5xx reply to this message or recipient: do not retry; the
  server's reply is kept.
- :class:`SetupError`: the server or the settings are wrong for every message (bad login,
  no STARTTLS, sender refused): stop the run, send nothing more.

A connection lost after the message's data went out but before the server's answer is
ambiguous (the message may have arrived); like every mail server, the sender treats it as
temporary and tries again.

Example:
    >>> classify(451, "4.7.1 greylisted, try again later")
    TemporaryError('451 4.7.1 greylisted, try again later')
    >>> classify(550, "5.1.1 no such user").code
    550
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import ssl
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Protocol

from api.settings import Settings


class DeliveryError(Exception):
    """The server did not take a message; ``code`` is its reply code (None: no reply)."""

    def __init__(self, code: int | None, reply: str, *, reconnect: bool = False) -> None:
        super().__init__(f"{code} {reply}" if code is not None else reply)
        self.code = code
        self.reply = reply
        self.reconnect = reconnect


class TemporaryError(DeliveryError):
    """Try again later: a 4xx reply, a lost connection or a timeout."""


class PermanentError(DeliveryError):
    """Do not try again: the server refused this message or recipient for good (5xx)."""


class SetupError(DeliveryError):
    """Nothing can be sent with these settings (login, TLS, sender): stop the run."""


def _text(reply: bytes | str) -> str:
    return (reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply).strip()


def classify(code: int, reply: bytes | str) -> DeliveryError:
    """The failure a non-2xx reply means: 4xx temporary (421: the server is closing the
    connection), anything else permanent."""
    text = _text(reply)
    if 400 <= code < 500:
        return TemporaryError(code, text, reconnect=code == 421)
    return PermanentError(code, text)


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to connect (from :class:`api.settings.Settings`, see :meth:`from_settings`)."""

    host: str
    port: int
    security: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, *, ssl_context: ssl.SSLContext | None = None) -> SmtpConfig:
        """The settings' SMTP server; a missing ``smtp_host`` is a :class:`ValueError` naming it."""
        if not settings.smtp_host:
            raise ValueError("smtp_host: not set (KOHTAAMO_SMTP_HOST); only a dry run is possible")
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=password,
            timeout=settings.smtp_timeout_seconds,
            ssl_context=ssl_context,
        )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def envelope_sender(mail_from: str) -> str:
    """The bare address of a ``From`` value (``"Name <a@b.fi>"`` -> ``a@b.fi``).

    Example:
        >>> envelope_sender("Soteuttamo Häme <kohtaamo@example.fi>")
        'kohtaamo@example.fi'
    """
    address = parseaddr(mail_from)[1]
    if "@" not in address:
        raise ValueError(f"mail_from: {mail_from!r} holds no e-mail address")
    return address


class Sender(Protocol):
    """What a mailing needs of a sender (tests wrap the real one to inject crashes)."""

    def check(self) -> None:
        """Connect and log in, then hang up: raises :class:`DeliveryError` if that fails."""
        ...

    def send(self, *, sender: str, recipient: str, data: bytes) -> str:
        """Hand one message over; returns the server's reply, raises :class:`DeliveryError`."""
        ...

    def close(self) -> None:
        """Say goodbye and drop the connection (safe when there is none)."""
        ...


class SmtpSender:
    """A :class:`Sender` over one reused SMTP connection (opened on first use, reopened
    after a loss), with STARTTLS, TLS or neither, and a login if the settings have one."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return self.config.ssl_context or ssl.create_default_context()

    def _open(self) -> smtplib.SMTP:
        c = self.config
        try:
            if c.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    c.host, c.port, timeout=c.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            smtp.ehlo()
            if c.security == "starttls":
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if c.username:
                _login(smtp, c.username, c.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise SetupError(exc.smtp_code, f"login refused: {_text(exc.smtp_error)}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise SetupError(
                None, f"{c.where} does not support {c.security.upper()} or login: {exc}"
            ) from exc
        except ssl.SSLError as exc:
            raise SetupError(None, f"TLS with {c.where} failed: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            raise _on_connect(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryError(None, f"cannot reach {c.where}: {exc}", reconnect=True) from exc
        return smtp

    def check(self) -> None:
        """Connect, log in and hang up: the server is there and takes these settings."""
        self._smtp = self._open()
        self.close()

    def send(self, *, sender: str, recipient: str, data: bytes) -> str:
        """One SMTP transaction (MAIL, RCPT, DATA); the server's final reply."""
        if self._smtp is None:
            self._smtp = self._open()
        smtp = self._smtp
        try:
            return _transaction(smtp, sender, recipient, data)
        except DeliveryError as exc:
            if exc.reconnect:
                self._drop()
            else:
                _reset(smtp)
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TemporaryError(
                None, f"lost the connection to {self.config.where}: {exc}", reconnect=True
            ) from exc

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        """QUIT and drop the connection (safe when there is none)."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            self._drop()


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """Log in; credentials with letters like ä go as UTF-8 AUTH PLAIN (RFC 4616), which
    smtplib's own login cannot send (it encodes them as ASCII)."""
    if (username + password).isascii():
        smtp.login(username, password)
        return
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("the server offers no AUTH PLAIN for a non-ASCII login")
    secret = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {secret}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _on_connect(code: int, reply: bytes | str) -> DeliveryError:
    if 400 <= code < 500:
        return TemporaryError(code, _text(reply), reconnect=True)
    return SetupError(code, _text(reply))


def _reset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        smtp.rset()


def _transaction(smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes) -> str:
    code, reply = smtp.mail(sender)
    if code != 250:
        failure = classify(code, reply)
        raise failure if isinstance(failure, TemporaryError) else SetupError(code, _text(reply))
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        raise classify(code, reply)
    try:
        code, reply = smtp.data(data)
    except smtplib.SMTPDataError as exc:  # refused before the data went out
        raise classify(exc.smtp_code, exc.smtp_error) from exc
    if code != 250:
        raise classify(code, reply)
    return f"{code} {_text(reply)}"
