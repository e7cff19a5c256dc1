"""Hard table rules beyond sizes: sector share and mix, facilitators, pairs kept apart.

:func:`check_table_rules` decides, before any search, whether the rules can be met at all,
and raises :class:`InfeasibleTablesError` naming the reason when they cannot (for example
"60 % of the people are from sector 'yksityinen'; with 10 tables of 6-8 a share cap of 50 %
seats at most 40 of them"). It first tests counting conditions that every feasible seating
must meet, then builds a seating for every round that meets every rule (a maximum flow for
sizes, ``separate`` and pins, then a min-conflicts repair for the rest, in
:mod:`matcher._rules`); :func:`matcher.plan_tables` starts its search from those seatings and
never leaves the feasible set. :func:`rule_violations` is the checker's half for these rules.

The rules, in every round that is not locked:

- ``max_sector_share``: at a table of s people, at most ``floor(share * s)`` from one sector.
- ``min_sectors``: every table with people holds at least this many distinct sectors.
- ``facilitators``: F people spread over T tables, between ``F // T`` and ``ceil(F / T)``
  at each table, i.e. at most one per table when F <= T and exactly one when F == T.
- ``apart``: pairs of people who never share a table.

People whose sector is ``None`` count toward table sizes but toward no sector.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from matcher.table_rule_spec import TableRules, encode_rules, rule_violations
from matcher.table_seating import (
    InfeasibleTablesError,
    IntArray,
    Pinned,
    Who,
    by_position,
    check_tables,
    encode_labels,
    flow_seating,
    naming,
    pins_by_round,
)
from matcher.wording import at, table_no

__all__ = ["InfeasibleTablesError", "TableRules", "check_table_rules", "encode_rules", "rule_violations"]


# --------------------------------------------------------------------------- counting conditions


def _layout(lo: IntArray, hi: IntArray) -> str:
    if len(set(zip(lo.tolist(), hi.tolist(), strict=True))) == 1:
        return f"{len(lo)} tables of {lo[0]}-{hi[0]}" if lo[0] != hi[0] else f"{len(lo)} tables of {lo[0]}"
    return f"{len(lo)} tables of sizes {', '.join(f'{a}-{b}' for a, b in zip(lo, hi, strict=True))}"


def _most_capped_seats(rules: TableRules, lo: IntArray, hi: IntArray, n: int) -> int:
    """Largest sum over tables of cap(size) over all size vectors within bounds seating n people."""
    dp = np.full(n + 1, -(10**9), dtype=np.int64)
    dp[0] = 0
    for t in range(len(lo)):
        new = np.full(n + 1, -(10**9), dtype=np.int64)
        for s in range(int(lo[t]), int(min(hi[t], n)) + 1):
            new[s:] = np.maximum(new[s:], dp[: n + 1 - s] + rules.cap(s))
        dp = new
    return int(dp[n])


def _share_reasons(rules: TableRules, lo: IntArray, hi: IntArray) -> list[str]:
    if rules.share is None:
        return []
    n = rules.n
    most = _most_capped_seats(rules, lo, hi, n)
    out = []
    counts = np.bincount(rules.sec[rules.sec >= 0], minlength=len(rules.sec_names))
    for k in np.argsort(-counts, kind="stable").tolist():
        if counts[k] > most:
            out.append(
                f"{100 * counts[k] / n:.0f} % of the people ({counts[k]} of {n}) are from sector "
                f"{rules.sec_names[k]!r}; with {_layout(lo, hi)} a share cap of {100 * rules.share:g} % "
                f"seats at most {most} of them"
            )
    return out


def _min_sector_reasons(rules: TableRules, lo: IntArray, hi: IntArray) -> list[str]:
    m = rules.min_sectors
    if m == 0:
        return []
    counts = np.bincount(rules.sec[rules.sec >= 0], minlength=len(rules.sec_names))
    present = int((counts > 0).sum())
    if present < m:
        return [f"min_sectors={m}, but the people come from only {present} sector(s)"]
    small = [t for t in range(len(lo)) if lo[t] >= 1 and hi[t] < m]
    if small:
        return [f"min_sectors={m}, but {table_no(small[0])} seats at most {hi[small[0]]} people"]
    order = np.sort(hi)[::-1]
    fewest = max(int((lo >= 1).sum()), int(np.searchsorted(np.cumsum(order), rules.n)) + 1)
    most = min(len(lo), rules.n // m)
    for tables_used in range(fewest, most + 1):
        if np.minimum(counts, tables_used).sum() >= m * tables_used:
            return []
    k = fewest
    return [
        f"min_sectors={m} needs {m} different sectors at each of at least {k} tables ({m * k} places), "
        f"but with sector sizes {dict(zip(rules.sec_names, counts.tolist(), strict=True))} at most "
        f"{int(np.minimum(counts, k).sum())} of those places can be filled"
    ]


def _pin_reasons(
    rules: TableRules, pins: list[dict[int, int]], hi: IntArray, first: int, who: Who = by_position
) -> list[str]:
    out = []
    apart_set = {tuple(p) for p in rules.apart.tolist()}
    for r, round_pins in enumerate(pins):
        if r < first:  # locked rounds are played: their pins are not checked
            continue
        by_table: dict[int, list[int]] = {}
        for person, t in round_pins.items():
            by_table.setdefault(t, []).append(person)
        for t, people in sorted(by_table.items()):
            fac = [p for p in people if rules.fac[p]]
            if len(fac) > rules.fac_hi:
                out.append(
                    f"{at(r, t)}: {len(fac)} facilitators pinned "
                    f"({', '.join(who(p) for p in sorted(fac))}), "
                    f"at most {rules.fac_hi} per table"
                )
            secs = np.bincount(rules.sec[people][rules.sec[people] >= 0], minlength=len(rules.sec_names))
            for k in np.flatnonzero(secs > rules.cap(int(hi[t]))).tolist():
                out.append(
                    f"{at(r, t)}: {secs[k]} people of sector {rules.sec_names[k]!r} pinned, "
                    f"above the share cap at {hi[t]} seats ({rules.cap(int(hi[t]))})"
                )
            for i in people:
                for j in people:
                    if (i, j) in apart_set:
                        out.append(f"{at(r, t)}: {who(i)} and {who(j)} are pinned together but kept apart")
    return out


# --------------------------------------------------------------------------- state and repair


def rule_state(rules: TableRules, sep: IntArray, seat: IntArray, max_size: int) -> tuple[Any, ...]:
    """The count tuple of :mod:`matcher._rules` for one seating (all tables of ``seat``)."""
    n, n_tables = rules.n, rules.n_tables
    n_sec = max(1, len(rules.sec_names))
    seccnt = np.zeros((n_sec, n_tables), dtype=np.int64)
    has = rules.sec >= 0
    np.add.at(seccnt, (rules.sec[has], seat[has]), 1)
    n_lab = max(1, int(sep.max(initial=-1)) + 1)
    sepcnt = np.zeros((n_lab, n_tables), dtype=np.int64)
    lab = sep >= 0
    np.add.at(sepcnt, (sep[lab], seat[lab]), 1)
    faccnt = np.bincount(seat[rules.fac], minlength=n_tables).astype(np.int64)
    partners: list[list[int]] = [[] for _ in range(n)]
    for i, j in rules.apart.tolist():
        partners[i].append(j)
        partners[j].append(i)
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(p) for p in partners])
    idx = np.array([j for p in partners for j in p], dtype=np.int64)
    apc = np.zeros((n, n_tables), dtype=np.int64)
    for i, j in rules.apart.tolist():
        apc[i, seat[j]] += 1
        apc[j, seat[i]] += 1
    apviol = np.zeros(n_tables, dtype=np.int64)
    for i, j in rules.apart.tolist():
        if seat[i] == seat[j]:
            apviol[seat[i]] += 1
    capof = np.array([rules.cap(s) for s in range(max_size + 2)], dtype=np.int64)
    rp = np.array([int(rules.active), rules.min_sectors, rules.fac_lo, rules.fac_hi], dtype=np.int64)
    return (
        rules.sec.astype(np.int64),
        rules.fac.astype(np.int64),
        sep.astype(np.int64),
        seccnt,
        (seccnt > 0).sum(axis=0).astype(np.int64),
        faccnt,
        apc,
        apviol,
        sepcnt,
        np.maximum(sepcnt - 1, 0).sum(axis=0).astype(np.int64),
        ptr,
        idx,
        capof,
        rp,
    )


def _repair(
    r: int,
    seat: IntArray,
    rules: TableRules,
    sep: IntArray,
    pins: Mapping[int, int],
    lo: IntArray,
    hi: IntArray,
    seed: int,
) -> IntArray:
    from matcher import _rules  # Numba loads on first use

    g = seat.copy()
    sizes = np.bincount(g, minlength=len(lo)).astype(np.int64)
    rs = rule_state(rules, sep, g, int(hi.max()))
    movable = np.ones(len(g), dtype=np.bool_)
    movable[list(pins)] = False
    budget = 20_000 + 100 * len(g)
    left = _rules.repair_chunk(rs, g, sizes, lo, hi, movable, budget, seed)
    if left:
        raise InfeasibleTablesError(
            [
                f"{at(r)}: no seating was found that meets every table rule together "
                f"({_describe(rules)}) in {budget} repair steps; the rules are likely infeasible together"
            ]
        )
    return g


def _describe(rules: TableRules) -> str:
    parts = []
    if rules.share is not None:
        parts.append(f"sector share <= {100 * rules.share:g} %")
    if rules.min_sectors:
        parts.append(f">= {rules.min_sectors} sectors per table")
    if rules.fac.any():
        parts.append(f"{int(rules.fac.sum())} facilitators, {rules.fac_lo}-{rules.fac_hi} per table")
    if len(rules.apart):
        parts.append(f"{len(rules.apart)} pairs apart")
    parts.append("sizes, separate and pins")
    return ", ".join(parts)


def feasible_rows(
    rules: TableRules,
    lo: IntArray,
    hi: IntArray,
    sep: IntArray,
    sep_names: list[Any],
    pins: list[dict[int, int]],
    first: int,
    rng: np.random.Generator,
    seed: int,
    who: Who = by_position,
) -> IntArray:
    """One seating per round from ``first`` on that meets every hard rule (else the error,
    naming people with ``who``)."""
    reasons = (
        _share_reasons(rules, lo, hi)
        + _min_sector_reasons(rules, lo, hi)
        + _pin_reasons(rules, pins, hi, first, who)
    )
    if reasons:
        raise InfeasibleTablesError(reasons)
    rows = np.zeros((len(pins), rules.n), dtype=np.int64)
    for r in range(first, len(pins)):
        rows[r] = round_seating(rules, lo, hi, sep, sep_names, pins, r, rng, seed + 101 * r, who)
    return rows


def round_seating(
    rules: TableRules,
    lo: IntArray,
    hi: IntArray,
    sep: IntArray,
    sep_names: list[Any],
    pins: list[dict[int, int]],
    r: int,
    rng: np.random.Generator,
    seed: int,
    who: Who = by_position,
) -> IntArray:
    """A random seating of round ``r`` that meets every hard rule (flow, then repair)."""
    seat = flow_seating(r, pins[r], lo, hi, sep, sep_names, rng, who)
    return _repair(r, seat, rules, sep, pins[r], lo, hi, seed) if rules.active else seat


def check_table_rules(
    n: int,
    tables: Sequence[tuple[int, int]],
    rounds: int = 1,
    *,
    sectors: Sequence[Hashable | None] | None = None,
    separate: Sequence[Hashable | None] | None = None,
    pinned: Pinned | None = None,
    max_sector_share: float | None = None,
    min_sectors: int | None = None,
    facilitators: Sequence[int] | None = None,
    apart: Sequence[tuple[int, int]] | None = None,
    names: Sequence[str] | None = None,
    locked_rounds: int = 0,
) -> None:
    """Raise :class:`InfeasibleTablesError` if no seating of ``n`` people can meet the rules.

    The same test :func:`matcher.plan_tables` runs before its search (parameters as there),
    for a request-time answer: counting conditions first, each failure named, then a
    seating that meets them all is built for every round after the first ``locked_rounds``
    (rounds already played, which a re-plan keeps as they are). Malformed parameters raise a
    plain ``ValueError`` naming the parameter. A reason naming a person calls them ``names[i]``
    (one per person, e.g. ``"person 12 (Maija Virtanen)"``), by default ``"position i"``.

    Example:
        >>> check_table_rules(4, [(2, 2), (2, 2)], sectors="aabb", max_sector_share=0.5)
        >>> try:
        ...     check_table_rules(4, [(2, 2), (2, 2)], sectors="aaab", max_sector_share=0.5)
        ... except InfeasibleTablesError as err:
        ...     print(err.reasons[0][:62], "...", err.reasons[0][-23:])
        75 % of the people (3 of 4) are from sector 'a'; with 2 tables ... seats at most 2 of them
        >>> try:
        ...     check_table_rules(4, [(2, 2), (2, 2)], pinned={0: 1, 1: 1}, apart=[(0, 1)], names="ABCD")
        ... except InfeasibleTablesError as err:
        ...     print(err.reasons[0])
        round 1, table 2: A and B are pinned together but kept apart
    """
    lo, hi = check_tables(tables)
    if int(n) != n or n < 1:
        raise ValueError(f"n: expected a positive number of people, got {n!r}")
    if int(rounds) != rounds or rounds < 1:
        raise ValueError(f"rounds: expected a positive integer, got {rounds!r}")
    check_sizes(lo, hi, n)
    rules = encode_rules(n, len(lo), sectors, max_sector_share, min_sectors, facilitators, apart)
    sep, sep_names = encode_labels(separate, n, "separate")
    pins = pins_by_round(pinned, n, rounds, len(lo))
    if int(locked_rounds) != locked_rounds or not 0 <= locked_rounds <= rounds:
        raise ValueError(f"locked_rounds: {locked_rounds!r} is outside 0..{rounds} (the rounds)")
    who = naming(names, n)
    feasible_rows(rules, lo, hi, sep, sep_names, pins, int(locked_rounds), np.random.default_rng(0), 0, who)


def check_sizes(lo: IntArray, hi: IntArray, n: int) -> None:
    """Raise when the table sizes cannot seat exactly ``n`` people."""
    if lo.sum() > n:
        raise InfeasibleTablesError(
            [f"tables: the minimum sizes add up to {lo.sum()} seats but only {n} people attend"]
        )
    if hi.sum() < n:
        raise InfeasibleTablesError(
            [f"tables: the maximum sizes add up to {hi.sum()} seats, too few for {n} people"]
        )
