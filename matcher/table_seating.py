"""Seating the people of one round: input checks and a first seating from a maximum flow (private).

Shared by :mod:`matcher.tables` (the search), :mod:`matcher.table_plan` (the checker) and
:mod:`matcher.table_rules` (the hard rules): table bounds, label encoding, pins per round,
and :func:`flow_seating`, a random seating that meets the table sizes, ``separate`` labels
and pins, or :class:`InfeasibleTablesError` naming why none exists.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from matcher.wording import at, table_no

IntArray = npt.NDArray[np.int64]
Pinned = Mapping[int, int] | Mapping[tuple[int, int], int]
Who = Callable[[int], str]
"""How an error names the person at a position (see :func:`by_position`)."""


def by_position(person: int) -> str:
    """The default name of a person in an error: their position, e.g. ``'position 12'``."""
    return f"position {person}"


def naming(names: Sequence[str] | None, n: int) -> Who:
    """How an error names the person at each of ``n`` positions: ``names[i]`` (one per person,
    e.g. ``"person 12 (Maija Virtanen)"``), or by position when there are none.

    Example:
        >>> naming(["Maija", "Olli"], 2)(1), naming(None, 2)(1)
        ('Olli', 'position 1')
    """
    if names is None:
        return by_position
    if len(names) != n:
        raise ValueError(f"names: expected one name per person ({n}), got {len(names)}")
    labels = [str(name) for name in names]
    return labels.__getitem__


class InfeasibleTablesError(ValueError):
    """No seating can meet the hard table rules; ``reasons`` names each conflict found.

    A ``ValueError``, so callers that catch those keep working; an API answers it with 422.

    Example:
        >>> err = InfeasibleTablesError(["too few seats", "too many pins"])
        >>> err.reasons, str(err)
        (('too few seats', 'too many pins'), 'too few seats; too many pins')
    """

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(self.reasons))


def check_tables(tables: Sequence[tuple[int, int]]) -> tuple[IntArray, IntArray]:
    if len(tables) == 0:
        raise ValueError("tables: give at least one (min_size, max_size) pair")
    lo = np.zeros(len(tables), dtype=np.int64)
    hi = np.zeros(len(tables), dtype=np.int64)
    for t, pair in enumerate(tables):
        try:
            mn, mx = pair
        except (TypeError, ValueError):
            raise ValueError(f"tables[{t}]: expected (min_size, max_size), got {pair!r}") from None
        if int(mn) != mn or int(mx) != mx or not 0 <= mn <= mx or mx < 1:
            raise ValueError(
                f"tables[{t}]: need integers 0 <= min_size <= max_size, max_size >= 1; got {pair!r}"
            )
        lo[t], hi[t] = int(mn), int(mx)
    return lo, hi


def encode_labels(labels: Sequence[Hashable | None] | None, n: int, name: str) -> tuple[IntArray, list[Any]]:
    """Map labels to 0..L-1 (None -> -1); return codes and the label list."""
    if labels is None:
        return np.full(n, -1, dtype=np.int64), []
    if len(labels) != n:
        raise ValueError(f"{name}: expected one label per person ({n}), got {len(labels)}")
    index: dict[Hashable, int] = {}
    codes = np.full(n, -1, dtype=np.int64)
    for i, lab in enumerate(labels):
        if lab is not None:
            codes[i] = index.setdefault(lab, len(index))
    return codes, list(index)


def pins_by_round(pinned: Pinned | None, n: int, rounds: int, n_tables: int) -> list[dict[int, int]]:
    """Expand ``pinned`` to one {person: table} dict per round, checking every entry."""
    per_round: list[dict[int, int]] = [{} for _ in range(rounds)]
    for key, table in (pinned or {}).items():
        if isinstance(key, tuple):
            r, person = key
            targets = [int(r)]
            if not 0 <= r < rounds:
                raise ValueError(f"pinned[{key!r}]: round index {r} is outside 0..{rounds - 1}")
        else:
            person, targets = key, list(range(rounds))
        if not 0 <= person < n:
            raise ValueError(f"pinned[{key!r}]: person {person} is outside 0..{n - 1}")
        if not 0 <= table < n_tables:
            raise ValueError(f"pinned[{key!r}]: table index {table} is outside 0..{n_tables - 1}")
        for r in targets:
            if per_round[r].get(int(person), table) != table:
                raise ValueError(
                    f"pinned: person {person} is pinned to table indices {per_round[r][person]} and {table} "
                    f"in round index {r}"
                )
            per_round[r][int(person)] = int(table)
    return per_round


# --------------------------------------------------------------------------- feasibility


def _check_round_pins(
    r: int,
    pins: Mapping[int, int],
    lo: IntArray,
    hi: IntArray,
    sep: IntArray,
    sep_names: list[Any],
    who: Who = by_position,
) -> None:
    counts = (
        np.bincount(np.array(list(pins.values()), dtype=np.int64), minlength=len(lo))
        if pins
        else np.zeros(len(lo), np.int64)
    )
    for tt in np.flatnonzero(counts > hi):
        t = int(tt)
        raise InfeasibleTablesError(
            [f"pinned: {counts[t]} people pinned to {table_no(t)} in {at(r)}, which seats at most {hi[t]}"]
        )
    seen: dict[tuple[int, int], int] = {}
    for person, t in sorted(pins.items()):
        if sep[person] >= 0:
            other = seen.setdefault((int(sep[person]), t), person)
            if other != person:
                raise InfeasibleTablesError(
                    [
                        f"pinned: {who(other)} and {who(person)} are both pinned to {table_no(t)} in {at(r)} "
                        f"but share separate label {sep_names[sep[person]]!r}"
                    ]
                )


def flow_seating(
    r: int,
    pins: Mapping[int, int],
    lo: IntArray,
    hi: IntArray,
    sep: IntArray,
    sep_names: list[Any],
    rng: np.random.Generator,
    who: Who = by_position,
) -> IntArray:
    """A random seating meeting sizes, ``separate`` and pins, from a flow; ValueError if none exists.

    Flow network: source -> one node per separate label (exactly its free members) and one
    node for unlabelled people -> tables (a label sends at most one person per table and none
    where a pinned member already sits) -> sink with lower bound min and capacity max, minus
    the pinned. Lower bounds go through the usual super-source / super-sink transform.
    ``who`` names a person in an error (default: by position).
    """
    n, n_tables = len(sep), len(lo)
    _check_round_pins(r, pins, lo, hi, sep, sep_names, who)
    seat = np.full(n, -1, dtype=np.int64)
    for person, t in pins.items():
        seat[person] = t
    pinned_count = np.bincount(seat[seat >= 0], minlength=n_tables)
    free = np.flatnonzero(seat < 0)
    labels = sorted({int(sep[i]) for i in free if sep[i] >= 0})
    members: dict[int, list[int]] = {lab: [] for lab in labels}
    for i in free.tolist():
        if sep[i] >= 0:
            members[int(sep[i])].append(i)
    for lab, people in members.items():
        allowed = n_tables - len({int(seat[i]) for i in np.flatnonzero((sep == lab) & (seat >= 0))})
        if len(people) > allowed:
            raise InfeasibleTablesError(
                [
                    f"separate: label {sep_names[lab]!r} has {len(people)} people to seat apart in {at(r)} "
                    f"but only {allowed} tables are open to them"
                ]
            )
    unlabelled = [int(i) for i in free if sep[i] < 0]
    lo_r = np.maximum(lo - pinned_count, 0)
    cap_r = hi - pinned_count
    # node ids
    src, snk, s_star, t_star = 0, 1, 2, 3
    tab0 = 4
    lab0 = tab0 + n_tables
    free_node = lab0 + len(labels)
    size = free_node + 1
    edges: dict[tuple[int, int], int] = {}

    def add(u: int, v: int, c: int) -> None:
        if c > 0:
            edges[(u, v)] = edges.get((u, v), 0) + c

    for k, lab in enumerate(labels):
        add(s_star, lab0 + k, len(members[lab]))
        add(src, t_star, len(members[lab]))
        taken = {int(seat[i]) for i in np.flatnonzero((sep == lab) & (seat >= 0))}
        for t in range(n_tables):
            if t not in taken:
                add(lab0 + k, tab0 + t, 1)
    add(s_star, free_node, len(unlabelled))
    add(src, t_star, len(unlabelled))
    for t in range(n_tables):
        add(free_node, tab0 + t, len(unlabelled))
        add(tab0 + t, snk, int(cap_r[t] - lo_r[t]))
        add(s_star, snk, int(lo_r[t]))
        add(tab0 + t, t_star, int(lo_r[t]))
    add(snk, src, n + 1)
    need = len(free) + int(lo_r.sum())
    keys = list(edges)
    graph = csr_matrix(
        ([edges[e] for e in keys], ([e[0] for e in keys], [e[1] for e in keys])),
        shape=(size, size),
        dtype=np.int32,
    )
    result = maximum_flow(graph, s_star, t_star)
    if result.flow_value < need:
        raise InfeasibleTablesError(
            [
                f"{at(r)}: no seating satisfies the table sizes "
                f"{list(zip(lo.tolist(), hi.tolist(), strict=True))} "
                f"together with separate and pinned ({len(free)} people to seat, {len(pins)} pinned)"
            ]
        )
    flow = result.flow.tocsr()[lab0 : free_node + 1, tab0 : tab0 + n_tables].toarray()
    for k, lab in enumerate(labels):
        people = list(rng.permutation(members[lab]))
        for t in np.flatnonzero(flow[k] > 0).tolist():
            seat[people.pop()] = t
    order = list(rng.permutation(unlabelled))
    for t in range(n_tables):
        for _ in range(int(flow[-1, t])):
            seat[order.pop()] = t
    return seat
