"""Engine speed and memory: affinity + suggestions at 1,300, walk-ins at 150, registry at 100k.

Run: ``.venv/bin/python -m bench.engine_speed [--quick]``. Figures go to
``bench/results/engine_speed.md`` (machine, date and load average included).

1. Affinity + suggestions for 1,300 participants *after embeddings*: planted profiles
   (``bench.planted``, about 820 organisations) with deterministic 384-d hashing vectors
   standing in for the model (the timing depends on shapes, not on vector content).
   Split into affinity, assignment (candidates, MMR, min-cost flow) and reasons.
2. Flow solver choice, same candidate graph: OR-Tools ``SimpleMinCostFlow`` against the
   same problem as an LP solved by SciPy's HiGHS (``linprog``), both exact.
3. Walk-in: :class:`matcher.LiveAffinity` over 150 planted participants with the default
   Embedder (warm), then ``add`` of a participant whose texts the model has not seen.
4. Registry: 100,000 organisations (384-d unit vectors drawn around 300 topic centres, so
   that there is structure to find), top-10 for one organisation: exact blocked scan
   against a FAISS IVF index with exact re-ranking; build time, query time, recall@10 of
   IVF against exact, peak memory. (A usearch HNSW index was tried first: its build took
   172 s for 10,000 rows of 1,152-d on this machine, so it is not run at 100,000.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.planted import generate_event
from matcher.affinity import AffinityConfig, affinity_from_vectors
from matcher.embed import Embedder, HashingEmbedder
from matcher.fairness import Arcs, solve_arcs
from matcher.live import LiveAffinity
from matcher.profile import Profile
from matcher.reasons import explain_many
from matcher.registry import Registry
from matcher.statements import Statements, encode_statements, profile_text
from matcher.suggest import SuggestConfig, _candidates, _fair_choice, _mmr_weights, suggest_from_affinity

RESULTS = Path(__file__).parent / "results" / "engine_speed.md"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Wall times (s) of ``repeat`` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def peak_mib(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Peak Python/numpy allocation (MiB, tracemalloc) during one call."""
    tracemalloc.start()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, result


def fmt(times: list[float], unit: str = "ms") -> str:
    scale = 1000 if unit == "ms" else 1
    return f"{statistics.median(times) * scale:.1f} {unit} (min {min(times) * scale:.1f}, max {max(times) * scale:.1f}, n={len(times)})"


def participants(n: int) -> list[Profile]:
    """About ``n`` planted participants (one or two per organisation)."""
    people: list[Profile] = []
    seed = 0
    while len(people) < n:
        event = generate_event(min(400, int((n - len(people)) / 1.5) + 10), seed=seed)
        people += [
            Profile(**{**p.__dict__, "id": f"s{seed}-{p.id}", "organisation": f"s{seed}-{p.organisation}"})
            for p in event.profiles
        ]
        seed += 1
    return people[:n]


def lp_solve(arcs: Arcs, n: int, k: int, cap: int, quota: int) -> float:
    """The assignment as an LP (HiGHS): max count first via a large weight, then weight."""
    import scipy.sparse as sp
    from scipy.optimize import linprog

    a = len(arcs.rows)
    same = ~arcs.cross
    rows_per = sp.csr_matrix((np.ones(a), (arcs.rows, np.arange(a))), shape=(n, a))
    same_per = sp.csr_matrix(
        (np.ones(int(same.sum())), (arcs.rows[same], np.flatnonzero(same))), shape=(n, a)
    )
    cols_per = sp.csr_matrix((np.ones(a), (arcs.cols, np.arange(a))), shape=(n, a))
    slack = sp.hstack([sp.csr_matrix((n, a)), -sp.identity(n)])
    a_ub = sp.vstack(
        [
            sp.hstack([rows_per, sp.csr_matrix((n, n))]),
            sp.hstack([same_per, sp.csr_matrix((n, n))]) + slack,
            sp.hstack([cols_per, sp.csr_matrix((n, n))]),
        ]
    ).tocsr()
    b_ub = np.r_[np.full(n, k), np.full(n, k - quota), np.full(n, cap)]
    c = np.r_[-(1000.0 + arcs.weights), np.full(n, 100.0)]
    bounds = [(0, 1)] * a + [(0, quota)] * n
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    return float(res.fun)


def bench_event(n: int, repeat: int) -> list[str]:
    lines = [f"## Affinity + suggestions for {n} participants, after embeddings", ""]
    people = participants(n)
    statements = Statements.of(people)
    vectors = encode_statements(statements, HashingEmbedder(384))
    cfg = SuggestConfig()
    t_aff, aff = timed(lambda: affinity_from_vectors(people, vectors, None, cfg.affinity), repeat)
    t_sug, lists = timed(lambda: suggest_from_affinity(aff, 5, config=cfg), repeat)
    mem_aff, _ = peak_mib(lambda: affinity_from_vectors(people, vectors, None, cfg.affinity))
    mem_sug, _ = peak_mib(lambda: suggest_from_affinity(aff, 5, config=cfg))
    allowed = ~aff.excluded
    sectors = np.array([p.sector for p in people], dtype=object)
    cross = sectors[:, None] != sectors[None, :]
    scores = np.where(allowed, aff.matrix, 0).astype(np.float32)
    active = np.ones(n, bool)
    red = aff.components["similarity"]
    t_flow, (rows, cols) = timed(lambda: _fair_choice(scores, allowed, cross, active, red, 5, cfg), repeat)
    pairs = list(zip(rows.tolist(), cols.tolist(), strict=True))
    t_why, _ = timed(lambda: explain_many(aff, pairs, max_reasons=cfg.max_reasons), repeat)
    totals = [a + s for a, s in zip(t_aff, t_sug, strict=True)]
    lines += [
        f"- statements: {len(statements.needs)} needs, {len(statements.offers)} offers, 384-d vectors",
        f"- affinity (complementarity, themes, similarity, sector, region, exclusions): {fmt(t_aff)}; peak {mem_aff:.0f} MiB",
        f"- suggestions k=5 (candidates, MMR, min-cost flow, reasons): {fmt(t_sug)}; peak {mem_sug:.0f} MiB",
        f"  - of which candidates + MMR + flow: {fmt(t_flow)}",
        f"  - of which reasons for the {len(pairs)} chosen pairs (`explain_many`): {fmt(t_why)}",
        f"- **total affinity + suggestions: {fmt(totals)}** (target < 1 s)",
        f"- everyone got 5: {all(len(x) == 5 for x in lists)}; max exposure "
        f"{np.bincount([aff.ids.index(s.target_id) for x in lists for s in x]).max()} (cap 10)",
        "",
        "### Flow solver, same candidate graph (k=5, cap 10, quota 3)",
        "",
    ]
    cand = _candidates(scores, allowed, cross, 20, 5)
    gains = _mmr_weights(scores, red, cand, cfg.diversity)
    r, c = np.nonzero(cand >= 0)
    cols = cand[r, c]
    arcs = Arcs(r.astype(np.int64), cols, gains[r, c], cross[r, cols])
    demand = np.full(n, 5, np.int64)
    t_or, _ = timed(lambda: solve_arcs(arcs, n, n, demand=demand, max_exposure=10, min_cross=3), repeat)
    t_lp, _ = timed(lambda: lp_solve(arcs, n, 5, 10, 3), max(1, repeat // 2))
    lines += [
        f"- arcs: {len(arcs.rows)}",
        f"- OR-Tools SimpleMinCostFlow (max flow, then min cost): {fmt(t_or)}",
        f"- SciPy linprog (HiGHS) LP of the same problem: {fmt(t_lp)}",
        f"- ratio LP / min-cost flow: {statistics.median(t_lp) / statistics.median(t_or):.1f}x",
        "",
    ]
    return lines


def bench_walk_in(repeat: int) -> list[str]:
    lines = ["## Walk-in: one new participant at an event of 150", ""]
    event = generate_event(100, seed=11)
    people = event.profiles[:150]
    extra = [p for p in generate_event(20, seed=99).profiles]
    model = Embedder()
    t0 = time.perf_counter()
    live = LiveAffinity(people, model)
    t_build = time.perf_counter() - t0
    fresh = Embedder(cache_dir=False)  # the same model, no vector cache: every walk-in text is new
    fresh.encode(["lämmittely"])
    live.embedder = fresh
    times, embed_times = [], []
    for k in range(min(repeat, len(extra))):
        p = extra[k]
        walk_in = Profile(**{**p.__dict__, "id": f"walk-in-{k}", "organisation": f"Walk-in {k}"})
        t0 = time.perf_counter()
        fresh.encode([*walk_in.offers, *walk_in.needs])
        embed_times.append(time.perf_counter() - t0)
        fresh_texts = Profile(
            **{
                **walk_in.__dict__,
                "offers": tuple(f"{s} ({k})" for s in walk_in.offers),
                "needs": tuple(f"{s} ({k})" for s in walk_in.needs),
            }
        )
        t0 = time.perf_counter()
        live.add(fresh_texts)
        times.append(time.perf_counter() - t0)
    live.embedder = model  # now the same walk-ins' texts come from the vector cache: engine work only
    cached = []
    for k in range(min(repeat, len(extra))):
        p = extra[k]
        walk_in = Profile(**{**p.__dict__, "id": f"cached-{k}", "organisation": f"Cached {k}"})
        model.encode([*walk_in.offers, *walk_in.needs, profile_text(walk_in)])
        t0 = time.perf_counter()
        live.add(walk_in)
        cached.append(time.perf_counter() - t0)
    t_sug, _ = timed(lambda: live.suggest(5), 3)
    lines += [
        f"- model: `{model.name}`; initial LiveAffinity of {len(people)} (cached vectors): {t_build:.2f} s",
        f"- **add one walk-in (embed its ~5 new texts with the warm model + one row and column): {fmt(times)}** (target < 200 ms)",
        f"  - of which embedding alone (same texts): {fmt(embed_times)}",
        f"- add one walk-in whose texts are already in the vector cache (the engine's part only): {fmt(cached)}",
        f"- suggestions for everyone after the walk-ins: {fmt(t_sug)}",
        "",
    ]
    return lines


def bench_registry(n: int, queries: int) -> list[str]:
    lines = [f"## Registry: top-10 for one organisation among {n:,}", ""]
    rng = np.random.default_rng(0)
    sectors = [("private", "public", "third_sector", "education_research")[i % 4] for i in range(n)]

    centres = rng.standard_normal((300, 384), dtype=np.float32)

    def unit(shape: tuple[int, int]) -> np.ndarray:
        v = centres[rng.integers(0, 300, shape[0])] + 1.2 * rng.standard_normal(shape, dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    needs, offers, texts = unit((n, 384)), unit((n, 384)), unit((n, 384))
    ids = [f"org{i}" for i in range(n)]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    q = rng.choice(n, size=queries, replace=False)
    results = {}
    for method in ("exact", "ivf"):
        t0 = time.perf_counter()
        reg = Registry(ids, needs, offers, texts, sectors, AffinityConfig(), method=method)  # type: ignore[arg-type]
        build = time.perf_counter() - t0
        reg.top_k(int(q[0]))
        t_q, _ = timed(lambda reg=reg: [reg.top_k(int(i)) for i in q], 1)
        per_query = [t_q[0] / queries]
        samples = []
        for i in q:
            t0 = time.perf_counter()
            reg.top_k(int(i))
            samples.append(time.perf_counter() - t0)
        mem, _ = peak_mib(lambda reg=reg: reg.top_k(int(q[0])))
        results[method] = ([reg.top_k(int(i))[0] for i in q], samples, build, mem, per_query)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lines.append(
            f"- {method}: build {build:.1f} s; **query {fmt(samples)}**; peak allocation during a query "
            f"{mem:.0f} MiB; process peak RSS so far {rss:.0f} MiB (vectors alone {3 * n * 384 * 4 / 2**20:.0f} MiB)"
        )
        del reg
    exact, ivf = results["exact"][0], results["ivf"][0]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, ivf, strict=True)])
    lines += [
        f"- IVF recall@10 against the exact scan: {recall:.3f}",
        f"- RSS before the registry: {rss0:.0f} MiB",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats (smoke test)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--skip", nargs="*", default=[], choices=["event", "walk-in", "registry"])
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        "# Engine speed (issue 3)",
        "",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"shared with the team (noisy). Load average (1, 5, 15 min) at start: {load}. "
        f"Command: `.venv/bin/python -m bench.engine_speed`. Median (min, max) of n runs.",
        "",
    ]
    if "event" not in args.skip:
        lines += bench_event(300 if args.quick else 1300, 2 if args.quick else 5)
    if "walk-in" not in args.skip:
        lines += bench_walk_in(3 if args.quick else 10)
    if "registry" not in args.skip:
        lines += bench_registry(10_000 if args.quick else 100_000, 10 if args.quick else 50)
    lines.append(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
