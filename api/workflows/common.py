"""Small pieces every workflow uses: the time, progress callables, retries after lost races,
and refusing ``null`` in partial updates.

Example:
    >>> seen = []
    >>> report: Progress = lambda fraction, message: seen.append((fraction, message))
    >>> report(0.5, "halfway"); seen
    [(0.5, 'halfway')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from api.workflows.errors import FieldError

T = TypeVar("T")

Progress = Callable[[float, str], None]
"""``progress(fraction, message)``: how far a long workflow is (0 to 1) and what it does now."""


def no_progress(_fraction: float, _message: str) -> None:
    """A :data:`Progress` that reports nowhere (the default)."""


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def check_no_nulls(update: Any, table: Any) -> None:
    """Refuse an explicit ``null`` for a column that cannot be empty (e.g. ``"themes": null``):
    a partial update may leave a field out, not blank it."""
    columns = table.__table__.columns
    for name in update.model_fields_set:
        if getattr(update, name) is None and name in columns and not columns[name].nullable:
            raise FieldError(name, "may not be null (leave it out to keep the current value)")


def retrying(session: Session, work: Callable[[], T], *, attempts: int = 5) -> T:
    """Run ``work`` (which commits) again after a lost race: a unique-key clash between two
    concurrent inserts, or SQLite's "database is locked". The session is rolled back between
    tries so the next try sees the winner's row."""
    for attempt in range(attempts):
        try:
            return work()
        except (sa.exc.IntegrityError, sa.exc.OperationalError) as exc:
            session.rollback()
            locked = isinstance(exc, sa.exc.OperationalError) and "locked" in str(exc).lower()
            if attempt == attempts - 1 or not (locked or isinstance(exc, sa.exc.IntegrityError)):
                raise
    raise AssertionError("unreachable")
