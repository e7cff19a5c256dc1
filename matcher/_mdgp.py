"""Numba kernels of the grouping search behind :func:`matcher.plan_tables` (private).

The search is an iterated tabu search over two neighbourhoods of the Maximally Diverse
Grouping Problem: *move* (one person to another table) and *swap* (two people at different
tables trade places). Every candidate is scored in O(1) from ``D``, the (n, G) matrix of
summed affinities from each person to the members of each table:

    move i -> h:  D[i, h] - D[i, g_i]
    swap i <-> j: D[i, g_j] - D[i, g_i] + D[j, g_i] - D[j, g_j] - 2 a_ij

and a chosen change updates ``D`` in O(n). The scan for the best swap skips, per person,
every table whose bound on the swap gain cannot reach the best gain found so far
(:func:`_best_change`): it returns the best gain a full scan would, about 4x faster at
n = 480 (bench/results/tables.md, issue-10 notes). Hard constraints (table size bounds,
people who must not move, ``separate`` labels) are never broken: a candidate that would
break one is not considered, so the search only walks through feasible seatings.

Numba cannot read the clock, so :func:`run_chunk` does a fixed number of iterations and the
Python driver in :mod:`matcher.table_search` calls it until its time is up. Chunk boundaries sit at
fixed iteration counts and every chunk reseeds from (seed, chunk), so a run is a
deterministic function of the seed and the number of chunks done.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from matcher._rules import ACTIVE, kick, move_ok, repair_walk, rules_move, swap_ok

# Indices into the int64 state vector shared by the kernels.
IT = 0  # iterations done
STALL = 1  # iterations since the best seating last improved
PERTURBS = 2  # perturbations done
# Indices into the float64 state vector.
F = 0  # objective of the current seating
BEST_F = 1  # objective of the best seating found
EPS = 1e-9


@njit(cache=True)
def build_sums(a, g, n_groups):  # type: ignore[no-untyped-def]
    """Return D (n, G) and its transpose: D[i, h] = sum of a[i, j] over members j of table h."""
    n = a.shape[0]
    d = np.zeros((n, n_groups))
    for i in range(n):
        for j in range(n):
            if j != i:
                d[i, g[j]] += a[i, j]
    return d, d.T.copy()


@njit(cache=True)
def row_min(a):  # type: ignore[no-untyped-def]
    """Per person, the least pair weight to anyone else (0.0 for one person)."""
    n = a.shape[0]
    m = np.full(n, np.inf if n > 1 else 0.0)
    for i in range(n):
        for j in range(n):
            if j != i and a[i, j] < m[i]:
                m[i] = a[i, j]
    return m


@njit(cache=True)
def objective(a, g):  # type: ignore[no-untyped-def]
    """Sum of a[i, j] over unordered pairs i < j seated at the same table."""
    n = a.shape[0]
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            if g[i] == g[j]:
                total += a[i, j]
    return total


@njit(cache=True)
def _relocate(a, g, d, dt, dself, sizes, sep, sepcnt, rs, i, b):  # type: ignore[no-untyped-def]
    """Move person i to table b, updating D, its transpose, the self sums and the counts."""
    old = g[i]
    rules_move(rs, i, old, b)
    n = a.shape[0]
    for k in range(n):
        w = a[k, i]
        d[k, old] -= w
        d[k, b] += w
        dt[old, k] -= w
        dt[b, k] += w
    g[i] = b
    sizes[old] -= 1
    sizes[b] += 1
    if sep[i] >= 0:
        sepcnt[sep[i], old] -= 1
        sepcnt[sep[i], b] += 1
    for k in range(n):
        dself[k] = d[k, g[k]]


@njit(cache=True)
def _allowed(g, sizes, movable, sep, sepcnt, rs, tabu, it, f, best_f, gain, i, j):  # type: ignore[no-untyped-def]
    """Whether swapping i and j keeps every hard rule and is not tabu (or aspirates)."""
    if not movable[j]:
        return False
    gi = g[i]
    gj = g[j]
    si = sep[i]
    sj = sep[j]
    if si >= 0 and sepcnt[si, gj] - (1 if sj == si else 0) > 0:
        return False
    if sj >= 0 and sepcnt[sj, gi] - (1 if sj == si else 0) > 0:
        return False
    if (tabu[i, gj] > it or tabu[j, gi] > it) and f + gain <= best_f + EPS:
        return False
    return swap_ok(rs, sizes, i, j, gi, gj)


@njit(cache=True)
def _best_move(g, d, dself, sizes, lo, hi, movable, sep, sepcnt, rs, tabu, it, f, best_f):  # type: ignore[no-untyped-def]
    """Best allowed move (gain, i, -target - 1); (-inf, -1, 0) when none is."""
    n, n_groups = d.shape
    best_gain = -np.inf
    bi = -1
    bj = 0
    ties = 0
    for i in range(n):
        gi = g[i]
        if not movable[i] or sizes[gi] <= lo[gi]:
            continue
        si = sep[i]
        for h in range(n_groups):
            if h == gi or sizes[h] >= hi[h]:
                continue
            gain = d[i, h] - dself[i]
            if gain < best_gain - EPS:
                continue
            if si >= 0 and sepcnt[si, h] > 0:
                continue
            if tabu[i, h] > it and f + gain <= best_f + EPS:
                continue
            if not move_ok(rs, sizes, i, gi, h):
                continue
            if gain > best_gain + EPS:
                best_gain, bi, bj, ties = gain, i, -h - 1, 1
            else:
                ties += 1
                if np.random.randint(ties) == 0:
                    bi, bj = i, -h - 1
    return best_gain, bi, bj, ties


@njit(cache=True)
def _best_change(  # type: ignore[no-untyped-def]
    a, g, d, dt, dself, sizes, lo, hi, movable, sep, sepcnt, rs, tabu, it, f, best_f, amin, members, mx
):
    """Best allowed move or swap: (gain, i, j_or_minus_target), as a full scan would find it.

    A change is allowed when it is not tabu, or when it would beat the best seating found
    (aspiration). ``j < 0`` encodes a move of i to table ``-j - 1``. Swaps are scanned per
    table pair with a bound (fast neighbourhood evaluation, after Schulz 2024): the gain of
    i (table g) <-> j (table h) is at most ``D[i,h] - D[i,g] + mx[h,g] - 2 amin[i]``, where
    ``mx[h,g]`` is the largest ``D[j,g] - D[j,h]`` of a movable j at h and ``amin[i]`` the least
    weight of a pair with i; a table h whose bound cannot reach the best gain so far is skipped for i.
    ``members`` (G, n + 1; last column the count) and ``mx`` (G, G) are scratch.
    """
    n, n_groups = d.shape
    best_gain, bi, bj, ties = _best_move(
        g, d, dself, sizes, lo, hi, movable, sep, sepcnt, rs, tabu, it, f, best_f
    )
    members[:, -1] = 0
    mx[:, :] = -np.inf
    for j in range(n):
        h = g[j]
        members[h, members[h, -1]] = j
        members[h, -1] += 1
        if movable[j]:
            for t in range(n_groups):
                v = d[j, t] - dself[j]
                if v > mx[h, t]:
                    mx[h, t] = v
    floor = best_gain  # the bound prunes against the best gain so far
    for i in range(n):
        gi = g[i]
        if not movable[i]:
            continue
        di = dself[i]
        row = a[i]
        dti = dt[gi]
        for h in range(gi + 1, n_groups):
            gain_i = d[i, h] - di
            if gain_i + mx[h, gi] - 2.0 * amin[i] < floor - EPS:
                continue
            for k in range(members[h, -1]):
                j = members[h, k]
                gain = gain_i + dti[j] - dself[j] - 2.0 * row[j]
                if gain < floor - EPS:
                    continue
                if not _allowed(g, sizes, movable, sep, sepcnt, rs, tabu, it, f, best_f, gain, i, j):
                    continue
                if gain > best_gain + EPS:
                    best_gain, bi, bj, ties = gain, i, j, 1
                    floor = max(floor, gain)
                else:
                    ties += 1
                    if np.random.randint(ties) == 0:
                        bi, bj = i, j
    return best_gain, bi, bj


@njit(cache=True)
def _perturb(a, g, d, dt, dself, sizes, lo, hi, movable, sep, sepcnt, rs, strength):  # type: ignore[no-untyped-def]
    """Apply ``strength`` random feasible swaps (or moves, where sizes allow); return the gain."""
    n, n_groups = d.shape
    gain = 0.0
    done = 0
    tries = 0
    while done < strength and tries < 50 * strength + 100:
        tries += 1
        i = np.random.randint(n)
        if not movable[i]:
            continue
        gi = g[i]
        si = sep[i]
        if np.random.random() < 0.5:
            h = np.random.randint(n_groups)
            if h == gi or sizes[gi] <= lo[gi] or sizes[h] >= hi[h]:
                continue
            if si >= 0 and sepcnt[si, h] > 0:
                continue
            if not move_ok(rs, sizes, i, gi, h):
                continue
            gain += d[i, h] - dself[i]
            _relocate(a, g, d, dt, dself, sizes, sep, sepcnt, rs, i, h)
        else:
            j = np.random.randint(n)
            gj = g[j]
            if gj == gi or not movable[j]:
                continue
            sj = sep[j]
            if si >= 0 and sepcnt[si, gj] - (1 if sj == si else 0) > 0:
                continue
            if sj >= 0 and sepcnt[sj, gi] - (1 if sj == si else 0) > 0:
                continue
            if not swap_ok(rs, sizes, i, j, gi, gj):
                continue
            gain += d[i, gj] - dself[i] + d[j, gi] - dself[j] - 2.0 * a[i, j]
            _relocate(a, g, d, dt, dself, sizes, sep, sepcnt, rs, i, gj)
            _relocate(a, g, d, dt, dself, sizes, sep, sepcnt, rs, j, gi)
        done += 1
    return gain


@njit(cache=True)
def run_chunk(  # type: ignore[no-untyped-def]
    a, g, best_g, sizes, lo, hi, movable, sep, sepcnt, rs, tabu, istate, fstate, params, iterations, seed
):
    """Run ``iterations`` steps of iterated tabu search from the seating ``g`` (updated in place).

    ``params`` = (tenure_min, tenure_spread, stall_limit, strength_min, strength_spread).
    ``best_g`` and ``fstate[BEST_F]`` hold the best seating found so far (also updated).
    """
    np.random.seed(seed)
    n_groups = lo.shape[0]
    d, dt = build_sums(a, g, n_groups)
    n = a.shape[0]
    dself = np.empty(n)
    for k in range(n):
        dself[k] = d[k, g[k]]
    tenure_min, tenure_spread, stall_limit, strength_min, strength_spread = params
    amin = row_min(a)
    members = np.empty((n_groups, n + 1), dtype=np.int64)
    mx = np.empty((n_groups, n_groups))
    for _ in range(iterations):
        it = istate[IT]
        f = fstate[F]
        gain, i, j = _best_change(
            a,
            g,
            d,
            dt,
            dself,
            sizes,
            lo,
            hi,
            movable,
            sep,
            sepcnt,
            rs,
            tabu,
            it,
            f,
            fstate[BEST_F],
            amin,
            members,
            mx,
        )
        if i < 0:
            istate[STALL] = stall_limit  # nothing allowed: force a perturbation
        else:
            gi = g[i]
            tt = tenure_min + np.random.randint(tenure_spread + 1)
            if j < 0:
                _relocate(a, g, d, dt, dself, sizes, sep, sepcnt, rs, i, -j - 1)
                tabu[i, gi] = it + tt
            else:
                gj = g[j]
                _relocate(a, g, d, dt, dself, sizes, sep, sepcnt, rs, i, gj)
                _relocate(a, g, d, dt, dself, sizes, sep, sepcnt, rs, j, gi)
                tabu[i, gi] = it + tt
                tabu[j, gj] = it + tt
            fstate[F] = f + gain
            if fstate[F] > fstate[BEST_F] + EPS:
                fstate[BEST_F] = fstate[F]
                best_g[:] = g
                istate[STALL] = 0
            else:
                istate[STALL] += 1
        istate[IT] = it + 1
        if istate[STALL] >= stall_limit:
            _restart_from_best(a, g, best_g, d, dt, dself, sizes, sep, sepcnt, rs, tabu, fstate)
            strength = strength_min + np.random.randint(strength_spread + 1)
            if rs[-1][ACTIVE] == 0:
                fstate[F] += _perturb(a, g, d, dt, dself, sizes, lo, hi, movable, sep, sepcnt, rs, strength)
            else:
                # With hard rules the feasible seatings may not be connected by single moves
                # and swaps: kick through infeasible ones, repair, and rebuild the sums.
                _kick_repaired(a, g, best_g, sizes, lo, hi, movable, sep, sepcnt, rs, strength)
                d, dt = build_sums(a, g, n_groups)
                for k in range(n):
                    dself[k] = d[k, g[k]]
                fstate[F] = objective(a, g)
            if fstate[F] > fstate[BEST_F] + EPS:  # a perturbation can land on a new best
                fstate[BEST_F] = fstate[F]
                best_g[:] = g
            istate[STALL] = 0
            istate[PERTURBS] += 1


@njit(cache=True)
def _restart_from_best(a, g, best_g, d, dt, dself, sizes, sep, sepcnt, rs, tabu, fstate):  # type: ignore[no-untyped-def]
    """Reset the current seating to the best one and clear the tabu list."""
    for i in range(g.shape[0]):
        if g[i] != best_g[i]:
            _relocate(a, g, d, dt, dself, sizes, sep, sepcnt, rs, i, best_g[i])
    fstate[F] = fstate[BEST_F]
    tabu[:, :] = 0


@njit(cache=True)
def _kick_repaired(a, g, best_g, sizes, lo, hi, movable, sep, sepcnt, rs, strength):  # type: ignore[no-untyped-def]
    """Random changes that may break rules, then a repair; back to ``best_g`` if it fails."""
    kick(rs, g, sizes, lo, hi, movable, strength)
    if repair_walk(rs, g, sizes, lo, hi, movable, 200 + 50 * strength) > 0:
        for i in range(g.shape[0]):
            if g[i] != best_g[i]:
                rules_move(rs, i, g[i], best_g[i])
                sizes[g[i]] -= 1
                sizes[best_g[i]] += 1
                g[i] = best_g[i]
    sepcnt[:, :] = 0
    for i in range(g.shape[0]):
        if sep[i] >= 0:
            sepcnt[sep[i], g[i]] += 1
