"""Numba kernels of the hard table rules behind :func:`matcher.plan_tables` (private).

The rules (a sector's share of a table, distinct sectors per table, facilitators spread over
the tables, pairs kept apart, ``separate`` labels) are kept as counts per table, so a move
or swap updates them in O(1 + the mover's apart partners) and a table is checked in
O(sectors). Both the grouping search (:mod:`matcher._mdgp`) and the repair that finds a first
seating meeting every rule (:func:`repair_chunk`) work on one state tuple ``rs``:

    (sec, fac, sep, seccnt, nd, faccnt, apc, apviol, sepcnt, sepviol, ap_ptr, ap_idx, capof, rp)

``sec``/``sep`` are per-person codes (-1: none), ``fac`` 0/1; ``seccnt[k, t]`` people of sector
k at table t, ``nd[t]`` distinct sectors there, ``faccnt[t]`` facilitators, ``apc[i, t]`` apart
partners of i at t, ``apviol[t]`` apart pairs at t, ``sepcnt``/``sepviol`` the same for
``separate`` labels; ``ap_ptr``/``ap_idx`` the apart partners (CSR); ``capof[s]`` the largest
count of one sector allowed at a table of s people; ``rp`` = (active, min_sectors,
facilitators_min, facilitators_max).
"""

from __future__ import annotations

import numpy as np
from numba import njit

ACTIVE = 0
MIN_SEC = 1
FAC_LO = 2
FAC_HI = 3
SAMPLE = 256  # swap partners a repair step tries (all of them in rooms up to this size)


@njit(cache=True)
def rules_move(rs, i, a, b):  # type: ignore[no-untyped-def]
    """Update the rule counts for person i moving from table a to table b (sizes not touched)."""
    sec, fac, sep, seccnt, nd, faccnt, apc, apviol, sepcnt, sepviol, ap_ptr, ap_idx, _, rp = rs
    if rp[ACTIVE] == 0 or a == b:
        return
    k = sec[i]
    if k >= 0:
        seccnt[k, a] -= 1
        if seccnt[k, a] == 0:
            nd[a] -= 1
        if seccnt[k, b] == 0:
            nd[b] += 1
        seccnt[k, b] += 1
    if fac[i]:
        faccnt[a] -= 1
        faccnt[b] += 1
    lab = sep[i]
    if lab >= 0:
        if sepcnt[lab, a] > 1:
            sepviol[a] -= 1
        sepcnt[lab, a] -= 1
        if sepcnt[lab, b] >= 1:
            sepviol[b] += 1
        sepcnt[lab, b] += 1
    apviol[a] -= apc[i, a]
    apviol[b] += apc[i, b]
    for p in range(ap_ptr[i], ap_ptr[i + 1]):
        j = ap_idx[p]
        apc[j, a] -= 1
        apc[j, b] += 1


@njit(cache=True)
def table_violation(rs, sizes, t):  # type: ignore[no-untyped-def]
    """How far table t is from meeting every rule (0: it meets them all)."""
    seccnt, nd, faccnt, apviol, sepviol, capof, rp = rs[3], rs[4], rs[5], rs[7], rs[9], rs[12], rs[13]
    s = sizes[t]
    cap = capof[s]
    v = apviol[t] + sepviol[t]
    for k in range(seccnt.shape[0]):
        if seccnt[k, t] > cap:
            v += seccnt[k, t] - cap
    if s > 0 and nd[t] < rp[MIN_SEC]:
        v += rp[MIN_SEC] - nd[t]
    if faccnt[t] > rp[FAC_HI]:
        v += faccnt[t] - rp[FAC_HI]
    if faccnt[t] < rp[FAC_LO]:
        v += rp[FAC_LO] - faccnt[t]
    return v


@njit(cache=True)
def move_ok(rs, sizes, i, a, b):  # type: ignore[no-untyped-def]
    """Whether moving i from a to b keeps both tables within the rules (state left unchanged)."""
    if rs[-1][ACTIVE] == 0:
        return True
    rules_move(rs, i, a, b)
    sizes[a] -= 1
    sizes[b] += 1
    ok = table_violation(rs, sizes, a) == 0 and table_violation(rs, sizes, b) == 0
    sizes[a] += 1
    sizes[b] -= 1
    rules_move(rs, i, b, a)
    return ok


@njit(cache=True)
def swap_ok(rs, sizes, i, j, a, b):  # type: ignore[no-untyped-def]
    """Whether i (at a) and j (at b) can trade places within the rules (state left unchanged)."""
    if rs[-1][ACTIVE] == 0:
        return True
    rules_move(rs, i, a, b)
    rules_move(rs, j, b, a)
    ok = table_violation(rs, sizes, a) == 0 and table_violation(rs, sizes, b) == 0
    rules_move(rs, j, a, b)
    rules_move(rs, i, b, a)
    return ok


@njit(cache=True)
def _delta(rs, sizes, i, j, a, b):  # type: ignore[no-untyped-def]
    """Change of the violation of tables a and b when i moves to b (j < 0) or swaps with j."""
    before = table_violation(rs, sizes, a) + table_violation(rs, sizes, b)
    rules_move(rs, i, a, b)
    if j >= 0:
        rules_move(rs, j, b, a)
    else:
        sizes[a] -= 1
        sizes[b] += 1
    after = table_violation(rs, sizes, a) + table_violation(rs, sizes, b)
    if j >= 0:
        rules_move(rs, j, a, b)
    else:
        sizes[a] += 1
        sizes[b] -= 1
    rules_move(rs, i, b, a)
    return after - before


@njit(cache=True)
def _apply(rs, g, sizes, i, j, b):  # type: ignore[no-untyped-def]
    a = g[i]
    rules_move(rs, i, a, b)
    g[i] = b
    if j >= 0:
        rules_move(rs, j, b, a)
        g[j] = a
    else:
        sizes[a] -= 1
        sizes[b] += 1


@njit(cache=True)
def repair_chunk(rs, g, sizes, lo, hi, movable, iterations, seed):  # type: ignore[no-untyped-def]
    """Seed the generator, then :func:`repair_walk`; return the violation left (0: repaired)."""
    np.random.seed(seed)
    return repair_walk(rs, g, sizes, lo, hi, movable, iterations)


@njit(cache=True)
def kick(rs, g, sizes, lo, hi, movable, strength):  # type: ignore[no-untyped-def]
    """Apply ``strength`` random moves or swaps that keep sizes and pins but may break rules."""
    n = g.shape[0]
    n_groups = lo.shape[0]
    done = 0
    tries = 0
    while done < strength and tries < 50 * strength + 100:
        tries += 1
        i = np.random.randint(n)
        if not movable[i]:
            continue
        a = g[i]
        if np.random.random() < 0.5:
            b = np.random.randint(n_groups)
            if b == a or sizes[a] <= lo[a] or sizes[b] >= hi[b]:
                continue
            _apply(rs, g, sizes, i, -1, b)
        else:
            j = np.random.randint(n)
            if g[j] == a or not movable[j]:
                continue
            _apply(rs, g, sizes, i, j, g[j])
        done += 1


@njit(cache=True)
def _keep(d, best, ties):  # type: ignore[no-untyped-def]
    """(take, ties): whether candidate d replaces the kept one (reservoir choice among ties)."""
    if d < best:
        return True, 1
    if d == best:
        ties += 1
        return np.random.randint(ties) == 0, ties
    return False, ties


@njit(cache=True)
def repair_walk(rs, g, sizes, lo, hi, movable, iterations):  # type: ignore[no-untyped-def]
    """Min-conflicts walk from seating ``g`` towards one that breaks no rule; return its violation.

    Each step takes a movable person i at a table t that breaks a rule and applies the best
    change for the two tables involved: i moves or swaps, or someone else moves to t (partners
    are everyone, or ``SAMPLE`` people drawn at random in larger rooms); ties at random, and
    one step in ten a random change, to leave plateaus.
    Sizes and unmovable (pinned) people are never broken. ``g``, ``sizes`` and ``rs`` are
    updated in place; the walk stops as soon as the total violation is 0.
    """
    n = g.shape[0]
    n_groups = lo.shape[0]
    bad = np.empty(n_groups, dtype=np.int64)
    members = np.empty(n, dtype=np.int64)
    total = 0
    for t in range(n_groups):
        total += table_violation(rs, sizes, t)
    for _ in range(iterations):
        if total == 0:
            return 0
        nb = 0
        for t in range(n_groups):
            if table_violation(rs, sizes, t) > 0:
                bad[nb] = t
                nb += 1
        t = bad[np.random.randint(nb)]
        nm = 0
        for k in range(n):
            if g[k] == t and movable[k]:
                members[nm] = k
                nm += 1
        if nm == 0:
            # no one here can move: pull someone in or out through a neighbouring table
            k = np.random.randint(n)
            if not movable[k] or g[k] == t:
                continue
            i = k
        else:
            i = members[np.random.randint(nm)]
        a = g[i]
        noisy = np.random.random() < 0.1
        best = 1 << 30
        bm = -1  # the mover
        bi = -2  # swap partner, -1: a move
        bb = -1  # target table
        ties = 0
        for b in range(n_groups):
            if b == a or sizes[a] <= lo[a] or sizes[b] >= hi[b]:
                continue
            d = np.random.randint(1000) if noisy else _delta(rs, sizes, i, -1, a, b)
            take, ties = _keep(d, best, ties)
            if take:
                best, bm, bi, bb = d, i, -1, b
        for q in range(min(n, SAMPLE)):
            j = q if n <= SAMPLE else np.random.randint(n)
            b = g[j]
            if b == a or not movable[j]:
                continue
            d = np.random.randint(1000) if noisy else _delta(rs, sizes, i, j, a, b)
            take, ties = _keep(d, best, ties)
            if take:
                best, bm, bi, bb = d, i, j, b
            # or j joins table a (the only fix when a is too small to give anyone away)
            if sizes[b] > lo[b] and sizes[a] < hi[a]:
                d = np.random.randint(1000) if noisy else _delta(rs, sizes, j, -1, b, a)
                take, ties = _keep(d, best, ties)
                if take:
                    best, bm, bi, bb = d, j, -1, a
        if bi == -2:
            continue
        if noisy:
            best = _delta(rs, sizes, bm, bi, g[bm], bb)
        _apply(rs, g, sizes, bm, bi, bb)
        total += best
    return total
