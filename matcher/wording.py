"""How the engine's messages number rounds and tables: from 1, as the API, pages and printouts do.

Plans index rounds and tables from 0 (``assignment[r, i] == t``), but a reason or a violation
is read by a person next to a printed plan, so it says ``round 1, table 2`` for ``r = 0,
t = 1``. An error about an input parameter's index keeps the index and says so: ``pinned[(5,
0)]: round index 5 is outside 0..3``.

Example:
    >>> at(0, 1), at(2), table_no(0)
    ('round 1, table 2', 'round 3', 'table 1')
"""

from __future__ import annotations

__all__ = ["at", "table_no"]


def at(r: int, t: int | None = None) -> str:
    """Round ``r`` (and table ``t``), both indices from 0, as a message names them (from 1)."""
    where = f"round {int(r) + 1}"
    return where if t is None else f"{where}, {table_no(t)}"


def table_no(t: int) -> str:
    """Table ``t`` (an index from 0) as a message names it, from 1: ``table_no(0) == 'table 1'``."""
    return f"table {int(t) + 1}"
