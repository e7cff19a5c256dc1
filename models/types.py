"""Column types that behave the same on SQLite and PostgreSQL.

Example:
    >>> UTCDateTime().process_result_value(dt.datetime(2026, 12, 3, 9, 0), None).tzinfo
    datetime.timezone.utc
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    PostgreSQL keeps the zone (``timestamptz``); SQLite drops it, so values are stored as
    UTC and read back marked UTC. Naive values on the way in are refused: a naive time is
    ambiguous, and mixing naive and aware times fails later, far from the cause.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value.isoformat()} has no time zone; give an aware datetime (UTC)")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: sa.Dialect | None) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
