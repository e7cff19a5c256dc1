"""Ids to rows: the one place that turns a sequence of ids into positions (and refuses a
repeated id), for every part of the engine that translates between the two.

Example:
    >>> positions(["a", "b", "c"], "ids")["c"]
    2
    >>> positions(["a", "a"], "ids")
    Traceback (most recent call last):
    ...
    ValueError: ids: id 'a' appears twice (positions 0 and 1)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

H = TypeVar("H", bound=Hashable)


def positions(ids: Iterable[H], name: str) -> dict[H, int]:
    """Each id's position in ``ids``; an id given twice is an error naming ``name`` and both
    positions."""
    found: dict[H, int] = {}
    for k, x in enumerate(ids):
        if x in found:
            raise ValueError(f"{name}: id {x!r} appears twice (positions {found[x]} and {k})")
        found[x] = k
    return found
