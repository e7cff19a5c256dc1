"""Column types and helpers every table module shares, so tables behave the same on SQLite
and PostgreSQL.

Importing this module also sets the metadata's naming convention, so constraint names are
the same on both databases (the migrations refer to them by name); every table module
imports it first.

Example:
    >>> UTCDateTime().process_result_value(dt.datetime(2026, 12, 3, 9, 0), None).tzinfo
    datetime.timezone.utc
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> dt.datetime:
    """The current time, timezone-aware UTC (the default of every timestamp column)."""
    return dt.datetime.now(dt.UTC)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL of a CHECK constraint: ``column`` holds one of ``values``.

    Example:
        >>> one_of("kind", ("a", "b"))
        "kind IN ('a', 'b')"
    """
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def json_list() -> Any:
    """A list field stored as a JSON column that is never NULL."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def check_codes(field: str, values: list[str], table: dict[str, Any]) -> list[str]:
    """``values`` without repeats, if every one is a key of ``table``; else an error naming them.

    Example:
        >>> check_codes("themes", ["a", "a"], {"a": 1})
        ['a']
    """
    unknown = [v for v in values if v not in table]
    if unknown:
        raise ValueError(f"{field}: unknown code(s) {unknown!r}")
    return list(dict.fromkeys(values))


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


E = TypeVar("E", bound=StrEnum)


class StrEnumColumn(sa.TypeDecorator[E]):
    """A string column that holds one member of a :class:`~enum.StrEnum` and reads back as that
    member (an unknown stored value is an error, never a default).

    Example:
        >>> class Kind(StrEnum):
        ...     A = "a"
        >>> StrEnumColumn(Kind, 8).process_result_value("a", None) is Kind.A
        True
    """

    impl = sa.String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: sa.Dialect | None) -> E | None:
        return None if value is None else self.enum(value)


def new_link_nonce() -> str:
    """A fresh random nonce for a registration's personal links (22 URL-safe characters).

    Example:
        >>> len(new_link_nonce()), new_link_nonce() != new_link_nonce()
        (22, True)
    """
    return secrets.token_urlsafe(16)
