"""The pages' session cookie: who is logged in to the dashboard, and the form token (CSRF).

The cookie holds ``{"c": csrf token, "o": organiser id or null, "f": fingerprint}``, signed
with itsdangerous from ``settings.secret_key`` under its own salt (a participant's link token
can never pass for a session, nor the other way round) and time-stamped, so the server
refuses a cookie older than ``settings.session_max_age_hours`` whatever the browser keeps.
The fingerprint is a hash of the organiser's stored token hash: rotating or revoking the
token ends every session made with it. The cookie is HttpOnly, SameSite=Lax, and Secure
where ``settings.session_cookie_secure`` says so.

Every page with a form gets a session (anonymous until log-in) and its CSRF token in a
hidden field; every POST is checked against it (:func:`check_csrf`). Logging in issues a
fresh session and token, so a token seen before log-in is worthless after it.

Example:
    >>> codec = SessionCodec("secret", max_age_seconds=3600)
    >>> state = PageSession.anonymous()
    >>> codec.load(codec.dump(state)) == state
    True
    >>> codec.load("tampered") is None
    True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.keys import secret_key
from api.settings import Settings

COOKIE = "kohtaamo_session"
SALT = "kohtaamo-dashboard-session"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class PageSession:
    """One browser's session: its form token and, after log-in, the organiser."""

    csrf: str
    organiser_id: int | None = None
    fingerprint: str | None = None

    @staticmethod
    def anonymous() -> PageSession:
        """A fresh session with a new random form token and nobody logged in."""
        return PageSession(csrf=secrets.token_urlsafe(32))

    def logged_in(self, organiser_id: int, token_hash: str) -> PageSession:
        """A new session (new form token) for ``organiser_id``."""
        return replace(
            PageSession.anonymous(), organiser_id=organiser_id, fingerprint=fingerprint(token_hash)
        )


def fingerprint(token_hash: str) -> str:
    """A short hash of an organiser's stored token hash: changes when the token is rotated."""
    return hashlib.sha256(token_hash.encode()).hexdigest()[:24]


class SessionCodec:
    """Signs and checks session cookies (secret, own salt, server-side maximum age)."""

    def __init__(self, secret_key: str, *, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self.max_age_seconds = max_age_seconds

    def dump(self, state: PageSession) -> str:
        return str(self._serializer.dumps({"c": state.csrf, "o": state.organiser_id, "f": state.fingerprint}))

    def load(self, cookie: str) -> PageSession | None:
        """The session in ``cookie``, or ``None`` if tampered with, expired or malformed."""
        try:
            data: Any = self._serializer.loads(cookie, max_age=self.max_age_seconds)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str) or len(data["c"]) < 20:
            return None
        organiser_id, mark = data.get("o"), data.get("f")
        if not (organiser_id is None or isinstance(organiser_id, int)) or not (
            mark is None or isinstance(mark, str)
        ):
            return None
        return PageSession(csrf=data["c"], organiser_id=organiser_id, fingerprint=mark)


def codec_for(settings: Settings) -> SessionCodec:
    return SessionCodec(secret_key(settings), max_age_seconds=settings.session_max_age_hours * 3600)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def current(request: Request) -> PageSession:
    """This request's session: the cookie's, else a new anonymous one (sent with the reply)."""
    found: PageSession | None = getattr(request.state, "page_session", None)
    if found is not None:
        return found
    cookie = request.cookies.get(COOKIE)
    state = codec_for(_settings(request)).load(cookie) if cookie else None
    if state is None:
        state = PageSession.anonymous()
        request.state.page_session_changed = True
    request.state.page_session = state
    return state


def replace_session(request: Request, state: PageSession) -> None:
    """Make ``state`` this browser's session from this reply on (log-in, log-out)."""
    request.state.page_session = state
    request.state.page_session_changed = True


def send_cookie(request: Request, response: Response) -> Response:
    """Set the session cookie on ``response`` if this request made or changed the session."""
    if not getattr(request.state, "page_session_changed", False):
        return response
    settings = _settings(request)
    response.set_cookie(
        COOKIE,
        codec_for(settings).dump(current(request)),
        max_age=settings.session_max_age_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.session_cookie_secure,
    )
    return response


class CsrfError(Exception):
    """A POST without this session's form token (a forged request, or a stale page)."""


def check_csrf(request: Request, submitted: str | None) -> PageSession:
    """The session, if ``submitted`` is its form token; :class:`CsrfError` otherwise. A
    request without a session cookie never passes (there is nothing to compare with)."""
    cookie = request.cookies.get(COOKIE)
    state = codec_for(_settings(request)).load(cookie) if cookie else None
    if state is None or not submitted or not hmac.compare_digest(state.csrf, submitted):
        raise CsrfError("the form's security token does not match this session")
    request.state.page_session = state
    return state
