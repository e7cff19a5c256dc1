"""Bulk statements of the import: many rows per round trip, plain rows instead of ORM objects.

Example:
    >>> [list(c) for c in chunks([1, 2, 3], size=2)]
    [[1, 2], [3]]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

CHUNK = 500
_T = TypeVar("_T")


def insert_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Core INSERT of many rows (batched "insertmanyvalues"); returns the new ids in row order."""
    if not rows:
        return []
    target = table.__table__
    statement = sa.insert(target).returning(target.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.connection().execute(statement, rows).scalars()]


def chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --------------------------------------------------------------------------- organisations in the file


def stored_rows(session: Session, table: Any, column: str, values: Sequence[Any], **where: Any) -> list[Any]:
    """Rows of ``table`` whose ``column`` is in ``values`` (plain rows: no ORM objects to build)."""
    target = table.__table__
    rows: list[Any] = []
    for chunk in chunks(values):
        statement = sa.select(target).where(target.c[column].in_(chunk))
        for name, value in where.items():
            statement = statement.where(target.c[name] == value)
        rows.extend(session.connection().execute(statement).all())
    return rows


def changes(stored: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(stored, name) != value}
