"""Rate limiting of bad-token attempts, per client address, in this process.

Every 401 the app answers (an organiser token, a participant link or a dashboard log-in that
does not check out) counts against the client's address. A client with
``Settings.bad_token_limit_per_minute`` such answers in the last minute gets 429 with a
message and ``Retry-After`` until the oldest of them is a minute old, whatever it sends: a
guesser cannot go on, and argon2 (slow on purpose) cannot be used to load the server. Valid
tokens never count, so the e-mail blast (many people opening their links at once) is not
slowed. Each worker process counts for itself; behind a reverse proxy the address is the one
in ``X-Forwarded-For`` where uvicorn trusts the proxy (127.0.0.1, or ``FORWARDED_ALLOW_IPS``).

Example:
    >>> clock = iter([0.0, 1.0, 2.0, 3.0, 61.5]).__next__
    >>> limiter = BadTokenLimiter(2, clock=clock)
    >>> limiter.record("10.0.0.1"); limiter.record("10.0.0.1")
    >>> limiter.retry_after("10.0.0.1"), limiter.retry_after("10.0.0.2")
    (58, None)
    >>> limiter.retry_after("10.0.0.1") is None  # a minute after the first: one slot free again
    True
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]
App = Callable[[Scope, Receive, Send], Any]

MAX_CLIENTS = 100_000
EXEMPT_PREFIXES = ("/healthz", "/static/")


class BadTokenLimiter:
    """At most ``limit`` bad-token answers per client in any ``window_seconds``."""

    def __init__(
        self, limit: int, *, window_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def record(self, client: str) -> None:
        """Count one bad-token answer to ``client``."""
        now = self.clock()
        with self._lock:
            if client not in self._failures and len(self._failures) >= MAX_CLIENTS:
                self._failures.clear()  # a flood of addresses: start over rather than grow
            self._failures.setdefault(client, deque(maxlen=self.limit)).append(now)

    def retry_after(self, client: str) -> int | None:
        """Seconds until ``client`` may try again, or ``None`` if it may now."""
        now = self.clock()
        with self._lock:
            failures = self._failures.get(client)
            if failures is None:
                return None
            while failures and failures[0] <= now - self.window_seconds:
                failures.popleft()
            if not failures:
                del self._failures[client]
                return None
            if len(failures) < self.limit:
                return None
            return max(1, math.ceil(failures[0] + self.window_seconds - now))


class BadTokenGuard:
    """ASGI middleware: answers 429 to a client over its limit, and counts every 401 sent."""

    def __init__(self, app: App, limiter: BadTokenLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.limiter.retry_after(client)
        if wait is not None:
            await _too_many(send, wait)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.limiter.record(client)
            await send(message)

        await self.app(scope, receive, counting_send)


async def _too_many(send: Send, wait: int) -> None:
    detail = f"too many attempts with tokens that are not valid from this address: try again in {wait} s"
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(wait).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
