"""The signing key of participants' links and dashboard cookies, and the one way to get it.

There is no built-in default key (a key in public source signs nothing). ``KOHTAAMO_SECRET_KEY``
wins where set; otherwise a random key is made on first use and kept in
``<cache_dir>/secret_key``, readable by its owner only (0600), and reused afterwards, so the
links of a single-host installation survive restarts. ``kohtaamo serve`` on an interface other
than loopback refuses to start without an explicit key (:func:`require_explicit_key`).

Rotating the key (a new ``KOHTAAMO_SECRET_KEY``, or deleting the key file) invalidates every
link and dashboard log-in signed with the old one.

Example:
    >>> import tempfile
    >>> from api.settings import Settings
    >>> folder = Path(tempfile.mkdtemp())
    >>> first = secret_key(Settings(cache_dir=folder))
    >>> first == secret_key(Settings(cache_dir=folder)), oct((folder / KEY_FILE).stat().st_mode & 0o777)
    (True, '0o600')
    >>> secret_key(Settings(secret_key="my own key"))
    'my own key'
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import stat
from pathlib import Path

from api.security import LinkSigner
from api.settings import Settings

KEY_FILE = "secret_key"
# The value earlier versions documented as the default: public, so it must never sign anything.
PUBLISHED_KEYS = frozenset({"change-me-in-production"})
HOW_TO_SET = (
    "set KOHTAAMO_SECRET_KEY, e.g. "
    "export KOHTAAMO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
)


class SecretKeyError(Exception):
    """No usable signing key: the message says why and how to set one (one line)."""


def _check(key: str, origin: str) -> str:
    if key in PUBLISHED_KEYS:
        raise SecretKeyError(f"{origin} is a published example value, not a secret: {HOW_TO_SET}")
    if not key:
        raise SecretKeyError(f"{origin} is empty: {HOW_TO_SET}")
    return key


def _read_key_file(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretKeyError(f"{path} can be read by others (mode {oct(mode & 0o777)}): chmod 600 it")
    return _check(path.read_text(encoding="ascii").strip(), str(path))


def _create_key_file(path: Path) -> None:
    """Write a fresh key to ``path`` atomically: several workers starting at once agree on one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        with contextlib.suppress(FileExistsError):  # another process got there first: theirs wins
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def key_file(settings: Settings) -> Path:
    """Where the generated key is kept (used only when ``KOHTAAMO_SECRET_KEY`` is unset)."""
    return settings.cache_dir / KEY_FILE


def secret_key(settings: Settings) -> str:
    """The signing key: ``settings.secret_key`` if set, else the generated one (made now if
    missing). :class:`SecretKeyError` for a published or empty key, or a key file others
    can read."""
    if settings.secret_key is not None:
        return _check(settings.secret_key.get_secret_value(), "KOHTAAMO_SECRET_KEY")
    path = key_file(settings)
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def link_signer(settings: Settings, key: str | None = None) -> LinkSigner:
    """The participants' link signer the settings describe (key and lifetime)."""
    return LinkSigner(key or secret_key(settings), max_age_seconds=settings.link_token_days * 24 * 3600)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8, ``::1``).

    Example:
        >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
        (True, True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_explicit_key(settings: Settings, host: str) -> None:
    """Refuse to serve ``host`` beyond loopback on a generated key (one line saying how)."""
    if settings.secret_key is None and not is_loopback(host):
        raise SecretKeyError(f"refusing to listen on {host} without an explicit key: {HOW_TO_SET}")
    if settings.secret_key is not None:
        secret_key(settings)
