"""Kohtaamo's table optimiser against OR-Tools CP-SAT, in the same run and the same time budget.

Two parts, both written into the CP-SAT section of ``bench/results/tables.md``:

1. MDGPLIB instances with n <= 120 (the reference time limit per run, as in ``bench.mdgp``).
2. The workshop case of the sample event: 80 people, 10 tables of 7 to 9, 4 rounds, with the
   sector-mix and repeat costs. The affinity is synthetic but shaped like the sample event
   (``models/sample_data``: 36 private, 19 public, 19 third-sector, 6 education/other people
   from 64 organisations; colleagues of one organisation are an excluded pair, ``-inf``) unless
   ``--affinity FILE.npz`` gives a real one (arrays ``matrix`` and ``sectors``, e.g. exported
   from :func:`matcher.affinity` on the sample event).

CP-SAT gets the textbook model: one Boolean per (person, table), one "same table" Boolean
per pair (linked by ``y_ij <= 1 - x_ig + x_jg`` for every table g, and the converse for
pairs with negative weight), excluded pairs as hard constraints, and for the rounds one
Boolean per pair and pair of rounds for repeats. Weights are scaled to integers (x1000).
It runs with 2 workers (both cores of this machine); Kohtaamo uses one thread.

    .venv/bin/python -m bench.cpsat              # about 5 minutes
    .venv/bin/python -m bench.cpsat --seconds 30 # budget of the workshop case
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import numpy as np
from ortools.sat.python import cp_model

from bench.mdgp import DATA, load_instance, load_reference, machine_line, write_section
from matcher import plan_tables

SCALE = 1000


def sample_shaped_affinity(seed: int = 2026) -> tuple[np.ndarray, list[str], list[int]]:
    """Synthetic (80, 80) affinity with the sample event's sectors and organisations.

    Each person gets a random profile vector (8 latent interests, mostly non-negative); a pair's
    affinity is the cosine of their interests times a cross-sector weight (same sector 0.4,
    cross-sector 0.7 to 1.0), like the engine's combination. Same organisation: ``-inf``.
    """
    rng = np.random.default_rng(seed)
    sectors = ["private"] * 36 + ["public"] * 19 + ["third"] * 19 + ["education"] * 3 + ["other"] * 3
    orgs = list(range(64)) + list(rng.choice(64, size=16, replace=True))  # 16 colleagues
    order = rng.permutation(80)
    sectors = [sectors[i] for i in order]
    orgs = [int(orgs[i]) for i in order]
    # colleagues share their organisation's sector
    first = {}
    for i, o in enumerate(orgs):
        first.setdefault(o, i)
        sectors[i] = sectors[first[o]]
    v = np.abs(rng.normal(size=(80, 8))) + 0.3 * rng.normal(size=(80, 8))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    labels = sorted(set(sectors))
    w = {(s, t): (0.4 if s == t else rng.uniform(0.7, 1.0)) for s in labels for t in labels}
    a = np.array(
        [
            [(v[i] @ v[j]) * w[min(sectors[i], sectors[j]), max(sectors[i], sectors[j])] for j in range(80)]
            for i in range(80)
        ]
    )
    a = np.round((a + a.T) / 2, 4)
    same = np.equal.outer(orgs, orgs)
    a[same] = -np.inf
    np.fill_diagonal(a, 0.0)
    return a, sectors, orgs


def load_affinity(path: Path) -> tuple[np.ndarray, list[str]]:
    """An exported affinity: a ``.npz`` with ``matrix`` (n, n) and ``sectors`` (n labels)."""
    with np.load(path, allow_pickle=False) as data:
        return np.asarray(data["matrix"], dtype=float), [str(s) for s in data["sectors"]]


def cpsat_tables(
    a: np.ndarray,
    bounds: list[tuple[int, int]],
    rounds: int,
    seconds: float,
    *,
    sectors: list[str] | None = None,
    sector_weight: float = 0.0,
    repeat_penalty: float = 0.0,
    hint: np.ndarray | None = None,
) -> tuple[np.ndarray, str, float]:
    """Solve the same problem with CP-SAT; return (assignment, status, wall seconds)."""
    t0 = time.perf_counter()
    n, g_count = a.shape[0], len(bounds)
    model = cp_model.CpModel()
    x = {(r, i, g): model.new_bool_var("") for r in range(rounds) for i in range(n) for g in range(g_count)}
    for r in range(rounds):
        for i in range(n):
            model.add_exactly_one(x[r, i, g] for g in range(g_count))
        for g, (lo, hi) in enumerate(bounds):
            model.add_linear_constraint(sum(x[r, i, g] for i in range(n)), lo, hi)
    if all(b == bounds[0] for b in bounds):  # symmetry: person 0 at table 0 (tables interchangeable)
        for r in range(rounds):
            model.add(x[r, 0, 0] == 1)
    terms = []
    same = {}
    for i, j in itertools.combinations(range(n), 2):
        w = a[i, j] - (sector_weight if sectors is not None and sectors[i] == sectors[j] else 0.0)
        for r in range(rounds):
            if a[i, j] == -np.inf:
                for g in range(g_count):
                    model.add_bool_or([x[r, i, g].Not(), x[r, j, g].Not()])
                continue
            y = model.new_bool_var("")
            same[r, i, j] = y
            for g in range(g_count):
                model.add_bool_or([y.Not(), x[r, i, g].Not(), x[r, j, g]])  # y -> same table
                if w < 0:
                    model.add_bool_or([y, x[r, i, g].Not(), x[r, j, g].Not()])
            terms.append((round(w * SCALE), y))
        if repeat_penalty and rounds > 1 and a[i, j] != -np.inf:
            for r1, r2 in itertools.combinations(range(rounds), 2):
                z = model.new_bool_var("")
                model.add_bool_or([z, same[r1, i, j].Not(), same[r2, i, j].Not()])
                terms.append((-round(repeat_penalty * SCALE), z))
    model.maximize(sum(c * v for c, v in terms))
    if hint is not None:
        hint = hint.copy()
        if all(b == bounds[0] for b in bounds):  # relabel tables so the hint keeps person 0 at table 0
            for r in range(rounds):
                t = hint[r, 0]
                hint[r] = np.where(hint[r] == t, 0, np.where(hint[r] == 0, t, hint[r]))
        for (r, i, g), var in x.items():
            model.add_hint(var, bool(hint[r, i] == g))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds - (time.perf_counter() - t0))
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return np.zeros((0, n), dtype=np.int64), name, time.perf_counter() - t0
    rows = np.array(
        [
            [next(g for g in range(g_count) if solver.value(x[r, i, g])) for i in range(n)]
            for r in range(rounds)
        ]
    )
    return rows, name, time.perf_counter() - t0


def evaluate(
    a: np.ndarray, rows: np.ndarray, sectors: list[str] | None, sector_weight: float, penalty: float
) -> dict[str, float]:
    """Affinity total, repeats, same-sector pairs and the objective both solvers maximise."""
    n = a.shape[0]
    iu = np.triu_indices(n, 1)
    meet = np.zeros((n, n), dtype=np.int64)
    total = 0.0
    for row in rows:
        same = np.equal.outer(row, row)
        meet += same
        total += float(a[iu][same[iu]].sum())
    m = meet[iu]
    repeats = int((m * (m - 1) // 2).sum())
    same_sector = 0
    if sectors is not None:
        sec = np.asarray(sectors)
        same_sector = int(
            sum(np.equal.outer(sec, sec)[iu][np.equal.outer(row, row)[iu]].sum() for row in rows)
        )
    score = total - penalty * repeats
    return {
        "score": score,
        "affinity": total,
        "repeats": repeats,
        "same_sector_pairs": same_sector,
        "objective": score - sector_weight * same_sector,
    }


def mdgp_part(max_n: int) -> list[str]:
    ref = load_reference()
    rows = []
    for name in sorted(ref, key=lambda k: (int(ref[k]["n"]), k)):
        if int(ref[name]["n"]) > max_n:
            continue
        inst = load_instance(DATA / "instances" / f"{name}.txt")
        limit = float(ref[name]["seconds"])
        plan_tables(inst.weights, inst.bounds, seconds=0.05, sector_weight=0.0)  # warm the kernels
        ours = plan_tables(inst.weights, inst.bounds, seconds=limit, sector_weight=0.0).score
        sol, status, wall = cpsat_tables(inst.weights, inst.bounds, 1, limit)
        theirs = evaluate(inst.weights, sol, None, 0.0, 0.0)["score"] if len(sol) else float("nan")
        if not len(sol):
            rows.append(
                f"| {name} | {inst.n} | {limit:g} | {float(ref[name]['ims_best']):.3f} | {ours:.3f} "
                f"| no solution found ({status}) | {100 * (float(ref[name]['ims_best']) - ours) / float(ref[name]['ims_best']):+.3f} | | {wall:.1f} |"
            )
            print(rows[-1], flush=True)
            continue
        best = float(ref[name]["ims_best"])
        rows.append(
            f"| {name} | {inst.n} | {limit:g} | {best:.3f} | {ours:.3f} | {theirs:.3f} ({status}) "
            f"| {round(100 * (best - ours) / best, 3) + 0.0:+.3f} | {round(100 * (best - theirs) / best, 3) + 0.0:+.3f} | {wall:.1f} |"
        )
        print(rows[-1], flush=True)
    return rows


def sample_event_affinity() -> tuple[np.ndarray, list[str]]:
    """The real workshop case: the bundled sample event scored by the engine's default model.

    Imports the sample event into a throwaway SQLite database (the same path ``kohtaamo demo``
    takes), maps it to profiles and computes :func:`matcher.affinity` (colleagues ``-inf``).
    """
    import tempfile

    from sqlmodel import Session

    from api.workflows.sample import import_sample_event
    from matcher import Embedder, affinity
    from models.db import make_engine
    from models.profiles import event_profiles

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/sample.db"
        event_id = import_sample_event(url)
        engine = make_engine(url)
        with Session(engine) as session:
            profiles = event_profiles(session, event_id)
        engine.dispose()
    matrix = np.asarray(affinity(profiles, Embedder()).matrix, dtype=np.float64)
    return matrix, [p.sector for p in profiles]


def workshop_part(
    seconds: float, source: Path | None, cpsat_factor: float, sample: bool = False
) -> list[str]:
    if sample:
        a, sectors = sample_event_affinity()
    else:
        a, sectors = load_affinity(source) if source else sample_shaped_affinity()[:2]
    bounds = [(7, 9)] * 10
    plan_tables(a, bounds, 4, sectors=sectors, seconds=0.1)  # warm the kernels
    t0 = time.perf_counter()
    plan = plan_tables(a, bounds, 4, sectors=sectors, seconds=seconds)
    ours_wall = time.perf_counter() - t0
    w, p = plan.sector_weight, plan.repeat_penalty
    start = plan_tables(a, bounds, 4, sectors=sectors, max_iterations=0).assignment  # feasible, unoptimised
    runs = [("Kohtaamo", plan.assignment, ours_wall, "(1 thread)")]
    for factor, hint in [(1.0, None), (1.0, start), (cpsat_factor, start)]:
        sol, status, wall = cpsat_tables(
            a, bounds, 4, factor * seconds, sectors=sectors, sector_weight=w, repeat_penalty=p, hint=hint
        )
        label = f"CP-SAT {factor:g}x budget" + (", feasible start as hint" if hint is not None else "")
        runs.append((label, sol, wall, status))
    out = []
    for label, rows, secs, note in runs:
        if not len(rows):
            out.append(f"| {label} | no solution found ({note}) | | | | | {secs:.1f} |")
            continue
        e = evaluate(a, rows, sectors, w, p)
        out.append(
            f"| {label} {note.lower()} | {e['objective']:.3f} | {e['score']:.3f} | {e['affinity']:.3f} | {e['repeats']} "
            f"| {e['same_sector_pairs']} | {secs:.1f} |"
        )
        print(out[-1], flush=True)
    origin = (
        "of the real sample event (matcher.affinity, default model)"
        if sample
        else f"from {source.name}"
        if source
        else "synthetic, shaped like the sample event (seed 2026)"
    )
    head = [
        f"Workshop case: 80 people, 10 tables of 7-9, 4 rounds, affinity {origin}; "
        f"repeat penalty {p:.4f}, sector weight {w:.4f} (plan_tables defaults), budget {seconds:g} s each "
        f"(CP-SAT also with a feasible start as hint, and with {cpsat_factor:g}x the budget).",
        "",
        "| solver | objective | score (affinity - repeats) | affinity | repeats | same-sector pairs | wall s |",
        "|---|---|---|---|---|---|---|",
    ]
    return head + out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-n", type=int, default=120, help="MDGP instances with n <= this")
    parser.add_argument("--seconds", type=float, default=20.0, help="budget of the workshop case")
    parser.add_argument("--affinity", type=Path, help="workshop affinity: .npz with 'matrix' and 'sectors'")
    parser.add_argument(
        "--sample-event", action="store_true", help="workshop case on the real sample event's affinity"
    )
    parser.add_argument("--cpsat-factor", type=float, default=3.0, help="also give CP-SAT this many budgets")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    before = machine_line()
    mdgp = mdgp_part(args.max_n)
    workshop = workshop_part(args.seconds, args.affinity, args.cpsat_factor, args.sample_event)
    body = "\n".join(
        [
            "## Against OR-Tools CP-SAT (same budget, same run)",
            "",
            f"`.venv/bin/python -m bench.cpsat`. Machine: {before} (start); load at the end "
            f"{machine_line().split('load average ')[-1]}. CP-SAT: 2 workers; Kohtaamo: 1 thread, seed 0.",
            "",
            "| instance | n | s | ims_best | Kohtaamo | CP-SAT (status) | Kohtaamo gap % | CP-SAT gap % | CP-SAT wall s |",
            "|---|---|---|---|---|---|---|---|---|",
            *mdgp,
            "",
            *workshop,
        ]
    )
    print(body)
    if not args.no_write:
        write_section("cpsat", body)


if __name__ == "__main__":
    main()
