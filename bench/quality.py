"""Suggestion quality on planted events: Kohtaamo against two baselines, in one run.

Run: ``.venv/bin/python -m bench.quality [--seeds 0 1 2 3 4] [--orgs 60] [--model NAME]``.

For each seed, :func:`bench.planted.generate_event` builds a Finnish (10 % Swedish) event
with known reciprocal partners. Every method proposes 5 partners per person (never the
same organisation):

* ``kohtaamo``: :func:`matcher.suggest` with the default configuration (fair, diverse).
* ``affinity top-5``: the same affinity matrix, plain top-5 per row (no flow, no MMR):
  what fairness and diversity cost or gain.
* ``kohtaamo + lexical 0.2``: as ``kohtaamo`` with the character n-gram channel fused
  (dense 0.8, lexical 0.2): the measurement behind the default of no lexical channel.
* ``tfidf``: TF-IDF (character 3-5-grams, as :class:`matcher.LexicalSpace`) of the whole
  profile text, cosine, top-5.
* ``dense``: one vector per profile (whole text) from the same Embedder, cosine, top-5.

Metrics: precision@5, recall@5, MRR (first good partner within the five), coverage
(share with 5 suggestions), cross-sector share, Gini of exposure (how unequally people
appear in others' lists). Figures go to ``bench/results/engine_quality.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.planted import PlantedEvent, generate_event
from matcher.affinity import affinity
from matcher.embed import Embedder
from matcher.lexical import LexicalSpace
from matcher.profile import Profile
from matcher.statements import profile_text
from matcher.suggest import SuggestConfig, suggest

K = 5
RESULTS = Path(__file__).parent / "results" / "engine_quality.md"


def whole_text(p: Profile) -> str:
    """Everything a profile says, as one text (what the baselines see)."""
    return ". ".join([profile_text(p), *p.offers, *p.needs])


def _top_k(scores: np.ndarray, profiles: list[Profile]) -> list[list[int]]:
    org = np.array([p.organisation for p in profiles], dtype=object)
    s = np.where(org[:, None] == org[None, :], -np.inf, scores.astype(np.float64))
    order = np.argsort(-s, axis=1, kind="stable")[:, :K]
    return [[int(j) for j in row if np.isfinite(s[i, j])] for i, row in enumerate(order)]


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative counts (0 = everyone equally exposed)."""
    x = np.sort(np.asarray(x, dtype=np.float64))
    if x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def metrics(lists: list[list[int]], event: PlantedEvent) -> dict[str, float]:
    """precision@5, recall@5, MRR, coverage, cross-sector share, exposure Gini."""
    ps = event.profiles
    prec, rec, rr = [], [], []
    for i, lst in enumerate(lists):
        good = event.good_partners[ps[i].id]
        if not good:
            continue
        hits = [ps[j].id in good for j in lst]
        prec.append(sum(hits) / K)
        rec.append(sum(hits) / len(good))
        rr.append(next((1 / (r + 1) for r, h in enumerate(hits) if h), 0.0))
    pairs = [(i, j) for i, lst in enumerate(lists) for j in lst]
    exposure = np.bincount([j for _, j in pairs], minlength=len(ps))
    return {
        "precision@5": float(np.mean(prec)),
        "recall@5": float(np.mean(rec)),
        "MRR": float(np.mean(rr)),
        "coverage": float(np.mean([len(lst) == K for lst in lists])),
        "cross-sector": float(np.mean([ps[i].sector != ps[j].sector for i, j in pairs])),
        "exposure Gini": gini(exposure),
    }


def methods(
    embedder: Embedder, config: SuggestConfig
) -> dict[str, Callable[[list[Profile]], list[list[int]]]]:
    def kohtaamo(ps: list[Profile]) -> list[list[int]]:
        index = {p.id: i for i, p in enumerate(ps)}
        return [[index[s.target_id] for s in lst] for lst in suggest(ps, K, config=config, embedder=embedder)]

    def affinity_top(ps: list[Profile]) -> list[list[int]]:
        return _top_k(affinity(ps, embedder, config.affinity).matrix, ps)

    def tfidf(ps: list[Profile]) -> list[list[int]]:
        texts = [whole_text(p) for p in ps]
        x = LexicalSpace().fit(texts).transform(texts)
        return _top_k((x @ x.T).toarray(), ps)

    def dense(ps: list[Profile]) -> list[list[int]]:
        v = embedder.encode([whole_text(p) for p in ps])
        return _top_k(v @ v.T, ps)

    def with_lexical(ps: list[Profile]) -> list[list[int]]:
        fused = replace(config, affinity=replace(config.affinity, dense_weight=0.8, lexical_weight=0.2))
        index = {p.id: i for i, p in enumerate(ps)}
        return [[index[s.target_id] for s in lst] for lst in suggest(ps, K, config=fused, embedder=embedder)]

    return {
        "kohtaamo": kohtaamo,
        "affinity top-5": affinity_top,
        "kohtaamo + lexical 0.2": with_lexical,
        "tfidf": tfidf,
        "dense": dense,
    }


def run(
    seeds: list[int], n_orgs: int, model: str | None, config: SuggestConfig
) -> dict[str, dict[str, list[float]]]:
    embedder = Embedder(model)
    table: dict[str, dict[str, list[float]]] = {}
    for seed in seeds:
        event = generate_event(n_orgs, seed=seed)
        embedder.encode(
            sorted({t for p in event.profiles for t in (*p.offers, *p.needs, profile_text(p), whole_text(p))})
        )
        for name, method in methods(embedder, config).items():
            t0 = time.perf_counter()
            result = metrics(method(event.profiles), event)
            result["seconds"] = time.perf_counter() - t0
            for key, value in result.items():
                table.setdefault(name, {}).setdefault(key, []).append(value)
    return table


def report(table: dict[str, dict[str, list[float]]], seeds: list[int], n_orgs: int, model: str) -> str:
    keys = ["precision@5", "recall@5", "MRR", "coverage", "cross-sector", "exposure Gini", "seconds"]
    lines = [
        "# Suggestion quality on planted events (issue 3)",
        "",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, shared with the team (noisy). Load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        f"Command: `.venv/bin/python -m bench.quality`. Model: `{model}`. "
        f"Events: `generate_event({n_orgs}, seed=s)` for s in {seeds}; k = {K}. Mean (min-max) over seeds.",
        "",
        "| method | " + " | ".join(keys) + " |",
        "|---|" + "---|" * len(keys),
    ]
    for name, cols in table.items():
        cells = [f"{np.mean(cols[k]):.3f} ({min(cols[k]):.2f}-{max(cols[k]):.2f})" for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--orgs", type=int, default=60)
    parser.add_argument("--model", default=None)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    table = run(args.seeds, args.orgs, args.model, SuggestConfig())
    text = report(table, args.seeds, args.orgs, Embedder(args.model).name)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
