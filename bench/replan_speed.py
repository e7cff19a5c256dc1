"""Live re-planning speed and quality, and the matching solver chosen by measurement.

Run: ``.venv/bin/python -m bench.replan_speed`` (about 3 minutes); writes
``bench/results/meetings.md``.

Scenario (issue 4): 150 people, 20 tables of 6-8, 4 rounds; 2 rounds played, then 5
walk-ins arrive and 3 people leave. Affinity: cosine of random 32-d unit vectors (the
shape of embedding scores), sectors drawn with the Soteuttamo shares (45 % private,
23.5 % public, 23.5 % third sector, 8 % other), organisations of one to three people
(colleagues never share a table or a meeting). Times are wall-clock of the whole call.

Also: one meeting round on n people by ``plan_meetings``' solver (HiGHS MIP with LP
reduced-cost pruning) against ``networkx.max_weight_matching``, side by side.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from matcher.meetings import plan_meetings
from matcher.replan import old_index, replan_meetings, replan_tables
from matcher.tables import is_valid_table_plan, locked_from, plan_tables

OUT = Path(__file__).resolve().parent / "results" / "meetings.md"
SECTORS = ("private", "public", "third_sector", "other")
SHARES = (0.45, 0.235, 0.235, 0.08)
SEEDS = (0, 1, 2)


def population(n: int, seed: int) -> tuple[list[str], np.ndarray, list[str], list[str]]:
    """ids, affinity, sectors, organisations for n people (all derived from the id, so a
    person keeps their scores when others come and go)."""
    ids = [f"p{seed}-{k}" for k in range(n)]
    return (ids, *attributes(ids, seed))


def attributes(ids: list[str], seed: int) -> tuple[np.ndarray, list[str], list[str]]:
    vec = np.stack([np.random.default_rng([seed, hash_id(x)]).normal(size=32) for x in ids])
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    a = vec @ vec.T
    np.fill_diagonal(a, 0.0)
    sectors = [SECTORS[np.random.default_rng([seed, hash_id(x), 1]).choice(4, p=SHARES)] for x in ids]
    orgs = [f"org{hash_id(x) // 2}" if hash_id(x) % 5 else f"solo{hash_id(x)}" for x in ids]
    return a, sectors, orgs


def hash_id(x: str) -> int:
    return int(x.rsplit("-", 1)[1]) if "-" in x else int(x[1:])


def changed(ids: list[str], seed: int, leave: int = 3, arrive: int = 5) -> list[str]:
    rng = np.random.default_rng(seed + 100)
    gone = set(rng.choice(ids, size=leave, replace=False).tolist())
    base = ids[0].rsplit("-", 1)[0]
    return [x for x in ids if x not in gone] + [f"{base}-{len(ids) + k}" for k in range(arrive)]


def block_pairs(orgs: list[str]) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(orgs)) for j in range(i + 1, len(orgs)) if orgs[i] == orgs[j]]


def bench_tables(seed: int, budget: float) -> dict[str, float]:
    ids, a, sectors, orgs = population(150, seed)
    tables = [(6, 8)] * 20
    t = time.perf_counter()
    first = plan_tables(a, tables, 4, sectors=sectors, separate=orgs, seconds=10.0, seed=seed)
    t_first = time.perf_counter() - t
    new_ids = changed(ids, seed)
    a2, s2, o2 = attributes(new_ids, seed)
    out: dict[str, float] = {"first_s": t_first, "first_score": first.score}
    for label, seconds in (("fast", budget), ("long", 10.0)):
        t = time.perf_counter()
        again = replan_tables(
            first, ids, new_ids, a2, tables, played=2, sectors=s2, separate=o2, seconds=seconds, seed=seed
        )
        out[f"{label}_s"] = time.perf_counter() - t
        out[f"{label}_score"] = again.score
        out[f"{label}_repeats"] = again.repeats
        out[f"{label}_sector_issues"] = len(again.sector_issues)
        locked = locked_from(first, 2, old_index(ids, new_ids))
        assert is_valid_table_plan(again, tables, separate=o2, locked=locked), again.violations
        assert not again.violations
    return out


def bench_meetings(seed: int) -> dict[str, float]:
    ids, a, _, orgs = population(150, seed)
    blocked = block_pairs(orgs)
    t = time.perf_counter()
    first = plan_meetings(a, 4, blocked=blocked, seconds=30, seed=seed)
    t_first = time.perf_counter() - t
    new_ids = changed(ids, seed)
    a2, _, o2 = attributes(new_ids, seed)
    blocked_ids = [(new_ids[i], new_ids[j]) for i, j in block_pairs(o2)]
    t = time.perf_counter()
    again = replan_meetings(first, ids, new_ids, a2, played=2, blocked=blocked_ids, seconds=30, seed=seed)
    t_re = time.perf_counter() - t
    assert not again.plan.violations, again.plan.violations
    return {
        "first_s": t_first,
        "first_optimal": float(all(first.optimal)),
        "replan_s": t_re,
        "replan_optimal": float(all(again.plan.optimal)),
    }


def bench_matching(n: int, seed: int) -> dict[str, float]:
    import networkx as nx

    _, a, _, _ = population(n, seed)
    t = time.perf_counter()
    plan = plan_meetings(a, 1, seconds=60, seed=seed)
    ours = time.perf_counter() - t
    graph = nx.Graph()
    graph.add_weighted_edges_from((i, j, float(a[i, j])) for i in range(n) for j in range(i + 1, n))
    t = time.perf_counter()
    ref = nx.max_weight_matching(graph, maxcardinality=True)
    theirs = time.perf_counter() - t
    ref_score = sum(a[i, j] for i, j in ref)
    return {
        "ours_s": ours,
        "nx_s": theirs,
        "same": float(abs(plan.score - ref_score) < 1e-9),
        "optimal": float(plan.optimal[0]),
    }


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    lines = [
        "# Meeting rounds and live re-planning (issue 4)",
        "",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, shared with the team (noisy). Python {platform.python_version()}.",
        f"Load average (1, 5, 15 min) at start: {load()}.",
        "Command: `.venv/bin/python -m bench.replan_speed`.",
        "",
    ]
    plan_tables(np.ones((8, 8)), [(4, 4), (4, 4)], 2, seconds=0.1)  # compile the Numba kernels first

    budget = 1.5
    tables = [bench_tables(s, budget) for s in SEEDS]
    lines += [
        "## Table re-planning: 150 people, 20 tables of 6-8, 4 rounds; 2 played, 5 walk-ins, 3 leave",
        "",
        f"`replan_tables(..., played=2, seconds={budget})` against the same call with 10 s, seeds {SEEDS}.",
        "Score = within-table affinity minus repeat penalties over all 4 rounds (played rounds included).",
        "",
        "| seed | first plan (10 s) score | replan 1.5 s: wall s | score | repeats | sector issues | replan 10 s: score | repeats | 1.5 s / 10 s score |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s, r in zip(SEEDS, tables, strict=True):
        lines.append(
            f"| {s} | {r['first_score']:.2f} | {r['fast_s']:.2f} | {r['fast_score']:.2f} | {r['fast_repeats']:.0f} | "
            f"{r['fast_sector_issues']:.0f} | {r['long_score']:.2f} | {r['long_repeats']:.0f} | "
            f"{r['fast_score'] / r['long_score']:.4f} |"
        )
    lines += [
        "",
        f"Re-planning wall time, median (min, max): {fmt([r['fast_s'] for r in tables])} s (target < 2 s).",
        "",
    ]

    meetings = [bench_meetings(s) for s in SEEDS]
    lines += [
        "## Meeting re-planning: the same 150 people, 4 rounds; 2 played, 5 walk-ins, 3 leave",
        "",
        "Exact per round (each round proven optimal by the solver unless noted); colleagues blocked.",
        "",
        f"- first plan, 4 rounds: {fmt([m['first_s'] for m in meetings])} s; all rounds proven optimal: "
        f"{all(m['first_optimal'] for m in meetings)}",
        f"- re-plan of rounds 3-4: {fmt([m['replan_s'] for m in meetings])} s; all proven optimal: "
        f"{all(m['replan_optimal'] for m in meetings)}",
        "",
    ]

    lines += [
        "## One maximum-weight matching round: plan_meetings vs networkx.max_weight_matching",
        "",
        "Same instance, same process, one after the other (embedding-like affinity, no blocks).",
        "",
        "| n | plan_meetings s | networkx s | ratio | same optimum |",
        "|---|---|---|---|---|",
    ]
    for n in (50, 100, 150, 200):
        m = bench_matching(n, 0)
        lines.append(
            f"| {n} | {m['ours_s']:.2f} | {m['nx_s']:.2f} | {m['nx_s'] / m['ours_s']:.1f}x | {bool(m['same'])} |"
        )
    lines += [
        "",
        f"Load average at the end: {load()}.",
        "",
        "## Notes",
        "",
        "- `plan_tables` is anytime: the re-planning wall time is the `seconds` budget plus a few",
        "  milliseconds of set-up; 1.5 s leaves headroom under the 2 s target on a loaded machine.",
        "  The 1.5 s / 10 s column says how much a longer search would still gain.",
        "- `plan_meetings` solves each round exactly. `networkx.max_weight_matching` (pure Python,",
        "  O(n^3)) takes seconds per round at 150 people, so it is only a dev dependency (tests",
        "  check our optimum against it). Ours: SciPy HiGHS 0/1 programme with degree constraints;",
        "  above 1,500 candidate pairs the LP relaxation's duals prune pairs by reduced cost",
        "  (exact: a pair whose reduced cost exceeds the gap between the LP bound and a matching",
        "  found on the cheapest pairs cannot be in a better matching).",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
