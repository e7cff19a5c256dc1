"""Credentials: organisers' API tokens (argon2-hashed) and participants' signed link tokens.

Organiser tokens look like ``kht_<organiser id>_<secret>``: the id finds the row, argon2
checks the secret against ``Organiser.token_hash``; only the hash is stored. Argon2 is slow
on purpose, so successful checks are remembered in-process for a short while (keyed by a
SHA-256 of the token and the stored hash, so rotating a token invalidates the memo).

Participant link tokens (the links an e-mail carries) are itsdangerous signatures of
``{"p": person_id, "e": event_id, "n": nonce, "s": scope}`` with a timestamp. The nonce is the
registration's ``link_nonce``: a new one (revoke, reissue, cancel) kills every older link of that
registration. The scope says which door the token opens: ``page`` (their page, suggestions,
seats, feedback), ``feedback`` (the feedback form only) or ``unsubscribe`` (only that), so an
unsubscribe link cannot read anything. Tokens expire after ``Settings.link_token_days``.

Example:
    >>> token, token_hash = new_organiser_token(7)
    >>> parse_organiser_token(token)[0]
    7
    >>> verify_secret(token, token_hash)
    True
    >>> signer = LinkSigner("secret", max_age_seconds=60)
    >>> signer.load(signer.dump(person_id=3, event_id=5, nonce="n1", scope="feedback"))
    LinkClaims(person_id=3, event_id=5, nonce='n1', scope='feedback')
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

TOKEN_PREFIX = "kht"
# OWASP's minimum argon2id settings (19 MiB, 2 passes). A token carries 256 random bits, so
# the hash guards a leaked table, not a guessable password; heavier settings only add latency.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_MEMO_SECONDS = 300.0


class InvalidTokenError(Exception):
    """The presented credential is malformed, unknown, tampered with or expired."""


class ExpiredTokenError(InvalidTokenError):
    """An authentic link token past its age: ``claims`` still says whom it was for (for a
    page in their language, or an unsubscribe, which stays possible after expiry)."""

    def __init__(self, message: str, claims: LinkClaims | None) -> None:
        super().__init__(message)
        self.claims = claims


def new_organiser_token(organiser_id: int) -> tuple[str, str]:
    """A fresh organiser token and its argon2 hash (store the hash, show the token once)."""
    token = f"{TOKEN_PREFIX}_{organiser_id}_{secrets.token_urlsafe(32)}"
    return token, _HASHER.hash(token)


def parse_organiser_token(token: str) -> tuple[int, str]:
    """Split ``kht_<id>_<secret>`` into the organiser id and the whole token."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1].isdigit() or not parts[2]:
        raise InvalidTokenError("not an organiser token")
    return int(parts[1]), token


_memo: dict[str, float] = {}
_memo_lock = threading.Lock()


def verify_secret(token: str, token_hash: str) -> bool:
    """Whether ``token`` matches the stored argon2 ``token_hash`` (memoised for a few minutes)."""
    key = hashlib.sha256(f"{token}\x00{token_hash}".encode()).hexdigest()
    now = time.monotonic()
    with _memo_lock:
        if _memo.get(key, 0.0) > now:
            return True
    try:
        _HASHER.verify(token_hash, token)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    with _memo_lock:
        if len(_memo) > 10_000:
            _memo.clear()
        _memo[key] = now + _MEMO_SECONDS
    return True


SCOPE_PAGE, SCOPE_FEEDBACK, SCOPE_UNSUBSCRIBE = "page", "feedback", "unsubscribe"
SCOPES = (SCOPE_PAGE, SCOPE_FEEDBACK, SCOPE_UNSUBSCRIBE)


@dataclass(frozen=True)
class LinkClaims:
    """Who a participant link token speaks for (one person at one event, one registration's
    nonce) and what it may open (``scope``)."""

    person_id: int
    event_id: int
    nonce: str = ""
    scope: str = SCOPE_PAGE


class LinkSigner:
    """Signs and checks participants' expiring link tokens."""

    def __init__(self, secret_key: str, *, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="kohtaamo-participant-link")
        self.max_age_seconds = max_age_seconds

    def dump(self, *, person_id: int, event_id: int, nonce: str = "", scope: str = SCOPE_PAGE) -> str:
        """A ``scope`` link token for ``person_id`` at ``event_id``, bound to the registration's
        ``nonce`` (without it the token opens nothing: no registration has an empty nonce)."""
        if scope not in SCOPES:
            raise ValueError(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
        return str(self._serializer.dumps({"p": person_id, "e": event_id, "n": nonce, "s": scope}))

    def load(self, token: str) -> LinkClaims:
        """The claims of a valid token; :class:`InvalidTokenError` if tampered with or expired."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age_seconds)
        except SignatureExpired as exc:
            raise ExpiredTokenError("link token has expired", self._expired_claims(exc)) from exc
        except (BadSignature, ValueError, TypeError) as exc:
            raise InvalidTokenError("link token is not valid") from exc
        claims = _claims(data)
        if claims is None:
            raise InvalidTokenError("link token is not valid")
        return claims

    def _expired_claims(self, exc: SignatureExpired) -> LinkClaims | None:
        try:
            return _claims(self._serializer.load_payload(exc.payload)) if exc.payload else None
        except (BadSignature, ValueError, TypeError):
            return None


def _claims(data: object) -> LinkClaims | None:
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) or not isinstance(data.get("e"), int):
        return None
    nonce, scope = data.get("n"), data.get("s")
    if not isinstance(nonce, str) or not nonce or scope not in SCOPES:
        return None  # tokens of earlier versions (no nonce, no scope) open nothing
    return LinkClaims(person_id=data["p"], event_id=data["e"], nonce=nonce, scope=str(scope))
