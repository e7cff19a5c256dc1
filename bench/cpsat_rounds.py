"""Multi-round table plans against an exact solver: how far from optimal are they?

``plan_tables`` optimises rounds in turn (block coordinate ascent), so its multi-round plans are
not proven optimal. Here small multi-round cases (n <= 16, 3 rounds, random affinities uniform in
[0, 100] as MDGPLIB's RanReal) are solved exactly by OR-Tools CP-SAT on the joint model: one
Boolean per (round, person, table), a "same table" Boolean per pair and round linked both ways,
and a "met in both" Boolean per pair and pair of rounds, so the objective is exactly
``plan_tables``' score (affinity total - repeat penalty x repeat encounters; no sector term).
CP-SAT's best bound is an upper bound on every plan's score; where it proves optimality, the
gap of Kohtaamo's plans to it is their true distance from the optimum, otherwise an upper bound
on it. Kohtaamo: 5 seeds, 1 s each; CP-SAT: 2 workers, ``--seconds`` each.

    .venv/bin/python -m bench.cpsat_rounds               # about 6 minutes
    .venv/bin/python -m bench.cpsat_rounds --seconds 20  # quicker, looser bounds
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
from ortools.sat.python import cp_model

from bench.report import load, machine, now, write_section
from matcher import plan_tables

SCALE = 1000
CASES = [  # (n, tables of (min, max), repeat penalty as a share of the largest affinity)
    (9, [(3, 3)] * 3, 1.0),
    (12, [(4, 4)] * 3, 1.0),
    (12, [(3, 3)] * 4, 1.0),
    (12, [(4, 4)] * 3, 0.25),
    (16, [(4, 4)] * 4, 1.0),
    (16, [(4, 4)] * 4, 0.25),
]
ROUNDS = 3


def affinity(n: int, seed: int) -> np.ndarray:
    """Uniform [0, 100] pair weights rounded to 0.001, symmetric, zero diagonal."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0, 100, (n, n)), 3)
    x = np.triu(x, 1)
    return x + x.T


def partitions(n: int, size: int) -> np.ndarray:
    """Every split of people 0..n-1 into tables of ``size`` (tables unlabelled), as table labels."""
    out: list[list[tuple[int, ...]]] = []

    def rec(left: list[int], groups: list[tuple[int, ...]]) -> None:
        if not left:
            out.append(groups)
            return
        for mates in itertools.combinations(left[1:], size - 1):
            rest = [p for p in left[1:] if p not in mates]
            rec(rest, [*groups, (left[0], *mates)])

    rec(list(range(n)), [])
    labels = np.zeros((len(out), n), dtype=np.int64)
    for p, groups in enumerate(out):
        for t, group in enumerate(groups):
            labels[p, list(group)] = t
    return labels


def enumerate_optimum(a: np.ndarray, size: int, penalty: float, floor: float) -> float:
    """Exact 3-round optimum by enumeration with bounds (small n only).

    Rounds are unordered, so take seatings p <= q <= r in order of their own affinity and
    stop where even the best remaining ones cannot beat ``floor`` (a known plan's score).
    """
    labels = partitions(a.shape[0], size)
    iu = np.triu_indices(a.shape[0], 1)
    pairs = (labels[:, iu[0]] == labels[:, iu[1]]).astype(np.int64)
    own = pairs @ a[iu]
    order = np.argsort(-own)
    own, pairs = own[order], pairs[order]
    best = floor
    for p in range(len(own)):
        if 3 * own[p] < best:
            break
        op = pairs @ pairs[p]
        for q in range(p, len(own)):
            if own[p] + 2 * own[q] < best:
                break
            end = int(np.searchsorted(-own, -(best - own[p] - own[q]), side="right"))
            if end <= q:
                continue
            val = own[p] + own[q] + own[q:end] - penalty * (op[q] + op[q:end] + pairs[q:end] @ pairs[q])
            best = max(best, float(val.max()))
    return best


def exact(
    a: np.ndarray, bounds: list[tuple[int, int]], penalty: float, seconds: float
) -> tuple[float, float, str]:
    """CP-SAT on the joint model: (best score found, best bound, status)."""
    n, k = a.shape[0], len(bounds)
    m = cp_model.CpModel()
    x = {(r, i, t): m.new_bool_var("") for r in range(ROUNDS) for i in range(n) for t in range(k)}
    for r in range(ROUNDS):
        for i in range(n):
            m.add_exactly_one(x[r, i, t] for t in range(k))
        for t, (lo, hi) in enumerate(bounds):
            m.add_linear_constraint(sum(x[r, i, t] for i in range(n)), lo, hi)
        # tables of equal bounds are interchangeable in each round: person 0 sits at table 0,
        # person 1 at table 0 or 1
        m.add(x[r, 0, 0] == 1)
        if k > 1:
            m.add(x[r, 1, 0] + x[r, 1, 1] == 1)
    terms = []
    for i, j in itertools.combinations(range(n), 2):
        ys = []
        for r in range(ROUNDS):
            y = m.new_bool_var("")
            for t in range(k):
                m.add_bool_or([y.Not(), x[r, i, t].Not(), x[r, j, t]])
                m.add_bool_or([y, x[r, i, t].Not(), x[r, j, t].Not()])
            ys.append(y)
            terms.append((round(a[i, j] * SCALE), y))
        for y1, y2 in itertools.combinations(ys, 2):
            z = m.new_bool_var("")
            m.add_bool_or([z, y1.Not(), y2.Not()])
            m.add_implication(z, y1)
            m.add_implication(z, y2)
            terms.append((-round(penalty * SCALE), z))
    m.maximize(sum(c * v for c, v in terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    status = solver.solve(m)
    return solver.objective_value / SCALE, solver.best_objective_bound / SCALE, solver.status_name(status)


def run_case(n: int, bounds: list[tuple[int, int]], share: float, seconds: float) -> str:
    a = affinity(n, 1000 + n + len(bounds))
    penalty = share * float(a.max())
    ours = []
    for seed in range(5):
        plan = plan_tables(
            a, bounds, ROUNDS, repeat_penalty=penalty, sector_weight=0.0, seconds=1.0, seed=seed
        )
        assert plan.violations == ()
        ours.append(plan.score)
    t0 = time.perf_counter()
    found, bound, status = exact(a, bounds, penalty, seconds)
    wall = time.perf_counter() - t0
    mean, best = float(np.mean(ours)), max(ours)
    if n <= 9:  # 280 seatings a round: the enumeration proves the optimum in seconds
        found = max(found, enumerate_optimum(a, bounds[0][0], penalty, max(found, best) - 1e-6))
        bound, status = min(bound, found), "OPTIMAL (enumeration)"
    layout = f"{len(bounds)}x{bounds[0][0]}"
    return (
        f"| {n} | {layout} | {share:g} | {mean:.3f} | {best:.3f} | {found:.3f} | {bound:.3f} | {status} "
        f"| {100 * (bound - mean) / bound:.3f} | {100 * (bound - best) / bound:.3f} | {wall:.0f} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="CP-SAT time limit per case")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    plan_tables(np.ones((6, 6)), [(3, 3)] * 2, 2, seconds=0.05)  # compile the kernels first
    start, load0 = now(), load()
    rows = []
    for n, bounds, share in CASES:
        rows.append(run_case(n, bounds, share, args.seconds))
        print(rows[-1], flush=True)
    body = (
        f"Run of {start}, load {load0} → {load()} ({machine()}; `python -m bench.cpsat_rounds "
        f"--seconds {args.seconds:g}`): {ROUNDS} rounds, RanReal-style affinity, repeat penalty = share x "
        "largest affinity; Kohtaamo 5 seeds x 1 s (1 thread), CP-SAT 2 workers on the exact joint model. "
        "Gap = (CP-SAT bound - Kohtaamo) / bound; with status OPTIMAL the bound is the optimum.\n\n"
        "| n | tables | penalty share | Kohtaamo mean | Kohtaamo best | CP-SAT found | CP-SAT bound | status "
        "| gap of mean % | gap of best % | CP-SAT s |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
    )
    print(body)
    if not args.no_write:
        write_section("cpsat-rounds", body)


if __name__ == "__main__":
    main()
