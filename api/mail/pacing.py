"""Time for the sender: a clock and a sleep that tests replace (so a rate limit or a backoff
of minutes takes no real time), the rate limit, and the backoff between retries.

Example:
    >>> clock = FakeClock()
    >>> limit = RateLimiter(per_minute=30, pacing=clock.pacing())
    >>> for _ in range(3):
    ...     limit.wait()
    >>> clock.now  # the third message waited until 2 s x 2 after the first
    4.0
    >>> backoff(1), backoff(3), backoff(20)
    (10.0, 40.0, 600.0)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

BACKOFF_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 600.0


@dataclass(frozen=True)
class Pacing:
    """Where the sender reads the time (seconds, monotonic) and how it waits."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass
class FakeClock:
    """A clock that only moves when something sleeps (for tests and doctests)."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)

    def pacing(self) -> Pacing:
        """A :class:`Pacing` reading and moving this clock."""
        return Pacing(clock=self.time, sleep=self.sleep)


class RateLimiter:
    """At most ``per_minute`` messages a minute, evenly spaced (``None``: no limit).

    Every attempt counts, retries too: the limit is what the server sees.
    """

    def __init__(self, per_minute: int | None, pacing: Pacing) -> None:
        if per_minute is not None and per_minute < 1:
            raise ValueError(f"per_minute: {per_minute} must be at least 1 (or None for no limit)")
        self.per_minute = per_minute
        self.pacing = pacing
        self._next: float | None = None

    def wait(self, before_sleep: Callable[[], None] | None = None) -> None:
        """Sleep until the next message may go (calling ``before_sleep`` first, if it has to
        sleep), and book its slot."""
        if self.per_minute is None:
            return
        now = self.pacing.clock()
        if self._next is not None and now < self._next:
            if before_sleep is not None:
                before_sleep()
            self.pacing.sleep(self._next - now)
            now = self.pacing.clock()
        start = now if self._next is None else max(now, self._next)
        self._next = start + 60.0 / self.per_minute


def backoff(attempt: int, *, base: float = BACKOFF_SECONDS, cap: float = BACKOFF_CAP_SECONDS) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...): doubling from
    ``base``, at most ``cap``. Greylisting servers (451) typically want a few minutes."""
    if attempt < 1:
        raise ValueError(f"attempt: {attempt} must be at least 1")
    return float(min(base * 2 ** (attempt - 1), cap))
