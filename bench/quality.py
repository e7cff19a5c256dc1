"""Suggestion quality on planted events: the engine, its ablations and external baselines, in one run.

Run: ``python -m bench.quality`` (writes ``results/engine_quality.md`` and the ``quality`` block of
``bench/RESULTS.md``); ``--no-write`` prints only; ``--max-per-organisation none`` runs the engine
rows with no per-organisation limit; ``--no-old`` skips the old-generator column.

Protocol (issue 14):

* Events: :func:`bench.planted.generate_event` (60 organisations, about 95 people), whose themes,
  keywords and sectors carry no label (``bench.leaks``; its table is part of the output).
* Seeds: the engine's defaults were chosen on the *dev* seeds 0-4 (issue 3); every headline figure
  is on the *held-out* seeds 100-109, which no choice has seen. The row "weights chosen on dev"
  picks theme and similarity weights and the per-organisation limit on dev by precision@5, then
  reports them on held-out, to show what choosing on the benchmark is worth.
* Intervals: 95 % percentile bootstrap over people (pooled over the held-out events).
* Every method proposes k = 5 partners per person, never of the same organisation, and gets the
  same profile fields (:func:`bench.baselines.profile_document`).
* The hand-written look-alike set (:mod:`bench.lookalikes`: 20 Finnish cases, each a need, 3
  providers in other words and 2 look-alike distractors) gets every row that reads no answers,
  with precision@5 (ceiling 0.6), MRR and the share of distractors suggested.
* The last column runs the same method on the generator before issue 14 (its seeds 0-4,
  ``cross_share=0.85, free_metadata=False``), where the old headline figures came from.

Methods are a list (:func:`methods`); add a :class:`Method` there to add a row.

Example:
    >>> gini(np.array([1, 1, 1, 1])), round(gini(np.array([0, 0, 0, 4])), 2)
    (0.0, 0.75)
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from bench import baselines
from bench.leaks import bootstrap_mean, format_table, leak_table
from bench.planted import PlantedEvent, generate_event
from bench.report import HEADLINES, load, machine, now, write_section
from matcher.affinity import AffinityConfig, affinity
from matcher.embed import Embedder
from matcher.profile import Profile
from matcher.statements import Statements
from matcher.suggest import SuggestConfig, suggest
from matcher.taxonomy import SECTORS

K = 5
DEV_SEEDS = (0, 1, 2, 3, 4)
HELD_OUT_SEEDS = tuple(range(100, 110))
RESULTS = HEADLINES.parent / "results" / "engine_quality.md"
Lists = list[list[int]]
F64 = NDArray[np.float64]


class _HasProfiles(Protocol):
    @property
    def profiles(self) -> list[Profile]: ...


@dataclass(frozen=True)
class Method:
    """One row: ``run`` turns an event's profiles into k-lists of profile indices (``sees_labels``:
    ``run`` gets the whole event, answers included; only the oracle row does)."""

    name: str
    group: str  # "engine", "ablation", "baseline" or "ceiling"
    run: Callable[[list[Profile]], Lists]
    sees_labels: Callable[[PlantedEvent], Lists] | None = None


def top_k(scores: F64, profiles: Sequence[Profile]) -> Lists:
    """Plain top-k per row by ``scores``, never the same organisation (stable on ties)."""
    org = np.array([p.organisation for p in profiles], dtype=object)
    s = np.where(org[:, None] == org[None, :], -np.inf, np.asarray(scores, dtype=np.float64))
    order = np.argsort(-s, axis=1, kind="stable")[:, :K]
    return [[int(j) for j in row if np.isfinite(s[i, j])] for i, row in enumerate(order)]


def gini(x: NDArray[np.int64] | F64) -> float:
    """Gini coefficient of non-negative counts (0 = everyone equally exposed)."""
    v = np.sort(np.asarray(x, dtype=np.float64))
    if v.sum() == 0:
        return 0.0
    n = len(v)
    return float((2 * np.arange(1, n + 1) - n - 1) @ v / (n * v.sum()))


@dataclass
class Scores:
    """Per-person precision@5, recall@5 and reciprocal rank, and per-event figures, of one method."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)
    per_event: dict[str, list[float]] = field(default_factory=dict)

    def add(self, lists: Lists, event: PlantedEvent, seconds: float) -> None:
        """Score one event's lists against its planted partners."""
        ps = event.profiles
        for i, lst in enumerate(lists):
            good = event.good_partners[ps[i].id]
            hits = [ps[j].id in good for j in lst]
            self.precision.append(sum(hits) / K)
            self.recall.append(sum(hits) / len(good))
            self.rr.append(next((1 / (r + 1) for r, h in enumerate(hits) if h), 0.0))
        pairs = [(i, j) for i, lst in enumerate(lists) for j in lst]
        figures = {
            "coverage": float(np.mean([len(lst) == K for lst in lists])),
            "cross-sector": float(np.mean([ps[i].sector != ps[j].sector for i, j in pairs]))
            if pairs
            else 0.0,
            "exposure Gini": gini(np.bincount([j for _, j in pairs], minlength=len(ps))),
            "seconds": seconds,
        }
        for key, value in figures.items():
            self.per_event.setdefault(key, []).append(value)

    def interval(self, name: str, seed: int = 0) -> tuple[float, float, float]:
        """Mean and 95 % bootstrap interval over people of ``precision``, ``recall`` or ``rr``."""
        x = np.asarray(getattr(self, name), dtype=np.float64)
        low, high = bootstrap_mean(x, seed=seed, level=0.95)
        return float(x.mean()), low, high


def _engine(config: SuggestConfig, embedder: Embedder) -> Callable[[list[Profile]], Lists]:
    def run(ps: list[Profile]) -> Lists:
        index = {p.id: i for i, p in enumerate(ps)}
        return [[index[s.target_id] for s in lst] for lst in suggest(ps, K, config=config, embedder=embedder)]

    return run


def _scores(
    fn: Callable[[list[Profile], Embedder], F64], embedder: Embedder
) -> Callable[[list[Profile]], Lists]:
    return lambda ps: top_k(fn(ps, embedder), ps)


def oracle(event: PlantedEvent) -> Lists:
    """The best lists there are: each person's planted partners first (at most K), then chance.

    Its precision@5 is the ceiling of the set: a person with one planted partner can score at
    most 1/5, so the mean ceiling is ``mean(min(partners, K)) / K`` (0.298 on the held-out
    seeds, where people have 1.49 planted partners on average and none more than 5, so that
    recall@5 is also the share of the reachable hits found).

    Example:
        >>> ev = generate_event(12, seed=0)
        >>> lists = oracle(ev)
        >>> all(ev.profiles[lst[0]].id in ev.good_partners[p.id] for p, lst in zip(ev.profiles, lists))
        True
    """
    ps = event.profiles
    rest = _random(ps)
    lists = []
    for i, p in enumerate(ps):
        good = [j for j, q in enumerate(ps) if q.id in event.good_partners[p.id]][:K]
        lists.append(good + [j for j in rest[i] if j not in good][: K - len(good)])
    return lists


def _zscore(m: F64, mask: NDArray[np.bool_]) -> F64:
    values = m[mask]
    return (m - values.mean()) / max(float(values.std()), 1e-12)


def comp_plus_joined(ps: list[Profile], embedder: Embedder, weight: float = 2.0) -> F64:
    """An exploration: the engine's complementarity alone (both ways, its joined-sides channel
    included) plus ``weight`` x the cosine of one embedding of all of a profile's needs against
    one of all the other's offers (``baselines.dense_needs_offers``), each as a z-score over
    pairs, ranked by plain top-5: no themes, sectors, regions, exposure cap or quota.

    It shows what the text alone reaches on these events, where themes and sectors are drawn
    apart from the answers (issue 14), against the engine's defaults, which also weigh them."""
    comp = affinity(ps, embedder).components["complementarity"].astype(np.float64)
    joined = baselines.dense_needs_offers(ps, embedder)
    mask = ~np.eye(len(ps), dtype=np.bool_)
    return _zscore(comp + comp.T, mask) + weight * _zscore(joined, mask)


def _random(ps: list[Profile]) -> Lists:
    rng = np.random.default_rng(len(ps) * 7919 + sum(map(ord, ps[0].id)))
    return top_k(rng.random((len(ps), len(ps))), ps)


def no_sector_weights(a: AffinityConfig) -> AffinityConfig:
    """``a`` with every sector pair weighted 1.0."""
    return replace(a, sector_weights={(x, y): 1.0 for x in SECTORS for y in SECTORS})


def choose_on_dev(dev: Sequence[PlantedEvent], embedder: Embedder, config: SuggestConfig) -> SuggestConfig:
    """The grid point with the best mean precision@5 on ``dev`` (theme, similarity weights; limit)."""
    best: tuple[float, SuggestConfig] | None = None
    for theme, similarity, limit in itertools.product((0.0, 0.1, 0.2), (0.0, 0.1, 0.2), (1, None)):
        candidate = replace(
            config,
            max_per_organisation=limit,
            affinity=replace(config.affinity, theme_weight=theme, similarity_weight=similarity),
        )
        scores = Scores()
        for event in dev:
            scores.add(_engine(candidate, embedder)(event.profiles), event, 0.0)
        value = float(np.mean(scores.precision))
        if best is None or value > best[0]:
            best = (value, candidate)
    assert best is not None
    return best[1]


def methods(embedder: Embedder, config: SuggestConfig, chosen: SuggestConfig | None = None) -> list[Method]:
    """Every row of the benchmark, in order: the engine, its ablations, the external baselines."""
    a = config.affinity
    own = (
        ""
        if config.max_per_organisation == 1
        else f", but max_per_organisation={config.max_per_organisation}"
    )
    rows = [Method(f"**Kohtaamo** (`matcher.suggest`, defaults{own})", "engine", _engine(config, embedder))]
    if chosen is not None:
        c = chosen.affinity
        label = (
            f"Kohtaamo, weights chosen on dev (theme {c.theme_weight}, similarity {c.similarity_weight}, "
            f"max_per_organisation {chosen.max_per_organisation})"
        )
        rows.append(Method(label, "engine", _engine(chosen, embedder)))
    rows += [
        Method(
            "affinity top-5 (same scores, no flow/MMR)",
            "ablation",
            lambda ps: top_k(affinity(ps, embedder, a).matrix.astype(np.float64), ps),
        ),
        Method(
            "without themes (`theme_weight=0`)",
            "ablation",
            _engine(replace(config, affinity=replace(a, theme_weight=0.0)), embedder),
        ),
        Method(
            "without sector weights (all 1.0)",
            "ablation",
            _engine(replace(config, affinity=no_sector_weights(a)), embedder),
        ),
        Method(
            "without sector weights or cross-sector quota (`min_cross_sector=0`)",
            "ablation",
            _engine(replace(config, min_cross_sector=0, affinity=no_sector_weights(a)), embedder),
        ),
        Method(
            "`max_per_organisation` off (no limit)",
            "ablation",
            _engine(replace(config, max_per_organisation=None), embedder),
        ),
        Method(
            "without the lexical channel (`lexical_weight=0`)",
            "ablation",
            _engine(replace(config, affinity=replace(a, lexical_weight=0.0)), embedder),
        ),
        Method("TF-IDF, whole profile", "baseline", _scores(baselines.tfidf_whole, embedder)),
        Method(
            "TF-IDF, needs → offers both ways", "baseline", _scores(baselines.tfidf_needs_offers, embedder)
        ),
        Method("BM25, whole profile", "baseline", _scores(baselines.bm25_whole, embedder)),
        Method("BM25, needs → offers both ways", "baseline", _scores(baselines.bm25_needs_offers, embedder)),
        Method(
            "one dense vector per profile (same model)", "baseline", _scores(baselines.dense_whole, embedder)
        ),
        Method(
            "dense, needs vector → offers vector both ways",
            "baseline",
            _scores(baselines.dense_needs_offers, embedder),
        ),
        Method(
            "exploration: complementarity + 2 x joined needs → offers vector, plain top-5 (text only)",
            "exploration",
            _scores(comp_plus_joined, embedder),
        ),
        Method("random lists (chance)", "baseline", _random),
        Method("planted partners first (the ceiling; reads the answers)", "ceiling", _random, oracle),
    ]
    return rows


def lookalike_set(rows: Sequence[Method], embedder: Embedder) -> str:
    """Every row that reads no answers, on the hand-written look-alike set (:mod:`bench.lookalikes`)."""
    from bench import lookalikes

    event = lookalikes.build_event(lookalikes.load())
    warm([event], embedder)
    methods = {m.name: m.run for m in rows if m.sees_labels is None}
    return lookalikes.render(lookalikes.run(methods, event), event)


def warm(events: Sequence[_HasProfiles], embedder: Embedder) -> None:
    """Embed every text of ``events`` in one batch (the model's cache keeps them)."""
    texts: set[str] = set()
    for event in events:
        s = Statements.of(event.profiles)
        texts.update(s.needs + s.offers + tuple(t for t in s.texts if t))
        texts.update(baselines.texts_to_embed(event.profiles))
    embedder.encode(sorted(texts))


def evaluate(rows: Sequence[Method], events: Sequence[PlantedEvent]) -> dict[str, Scores]:
    """Every method on every event."""
    table = {m.name: Scores() for m in rows}
    for event in events:
        for m in rows:
            start = time.perf_counter()
            lists = m.sees_labels(event) if m.sees_labels is not None else m.run(event.profiles)
            table[m.name].add(lists, event, time.perf_counter() - start)
    return table


def old_events(seeds: Sequence[int], n_orgs: int) -> list[PlantedEvent]:
    """The generator before issue 14 (its metadata leaks the labels), rebuilt exactly."""
    return [generate_event(n_orgs, seed=s, cross_share=0.85, free_metadata=False) for s in seeds]


def _cell(scores: Scores, name: str) -> str:
    mean, low, high = scores.interval(name)
    return f"{mean:.3f} ({low:.3f}-{high:.3f})"


def _event_mean(scores: Scores, key: str) -> str:
    return f"{np.mean(scores.per_event[key]):.3f}"


def table(
    rows: Sequence[Method],
    held: dict[str, Scores],
    dev: dict[str, Scores],
    old: dict[str, Scores] | None,
    full: bool,
) -> str:
    """The Markdown table: held-out figures with intervals, then dev and old-generator precision@5."""
    head = ["method", "kind", "precision@5 (95 % CI)", "recall@5 (95 % CI)", "MRR (95 % CI)"]
    head += ["coverage", "cross-sector", "exposure Gini"] + (["s / event"] if full else [])
    head += ["dev precision@5"] + (["old generator precision@5"] if old else [])
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for m in rows:
        h = held[m.name]
        cells = [m.name, m.group, _cell(h, "precision"), _cell(h, "recall"), _cell(h, "rr")]
        cells += [_event_mean(h, k) for k in ("coverage", "cross-sector", "exposure Gini")]
        cells += [f"{np.mean(h.per_event['seconds']):.2f}"] if full else []
        cells.append(f"{np.mean(dev[m.name].precision):.3f}")
        cells += [f"{np.mean(old[m.name].precision):.3f}"] if old else []
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# The issue-3 headline (run of 2026-11-23 01:08 UTC: old generator, seeds 0-4, defaults tuned on
# those seeds, baselines given description, keywords, offers and needs only), quoted.
OLD_HEADLINE = {
    "**Kohtaamo** (`matcher.suggest`, defaults)": 0.171,
    "affinity top-5 (same scores, no flow/MMR)": 0.233,
    "`max_per_organisation` off (no limit)": 0.231,
    "TF-IDF, whole profile": 0.098,
    "one dense vector per profile (same model)": 0.071,
}
LEAK_SEEDS = tuple(range(100, 130))


def old_against_new(held: dict[str, Scores], old: dict[str, Scores] | None) -> str:
    """precision@5 of the issue-3 headline, its re-run on the old generator, and the new figure."""
    lines = [
        "| method | issue-3 headline (quoted) | old generator, seeds 0-4, this run | new generator, held-out (95 % CI) |",
        "|---|---|---|---|",
    ]
    for name, quoted in OLD_HEADLINE.items():
        if name not in held:
            continue
        rerun = f"{np.mean(old[name].precision):.3f}" if old else "(not run)"
        lines.append(f"| {name} | {quoted:.3f} | {rerun} | {_cell(held[name], 'precision')} |")
    return "\n".join(lines) + (
        "\n\nThe issue-3 baselines read description, keywords, offers and needs; these also read themes, "
        "sector and region, so on the old generator (whose themes leak) TF-IDF gains from the leak too."
    )


def outside_sets(n_boot: int = 2000) -> str:
    """The two other sets beside the planted one: the expertise set's loss (human ratings,
    ``bench.expertise``, same methods as its own command) and reason precision on the hand labels
    (``bench.reasons``)."""
    from bench import expertise, reasons

    table = expertise.headline(n_boot=n_boot)
    groups = list(next(iter(table.values())))
    lines = [
        "### Expertise set (`../shared/bench/expertise/`, loss: lower is better, 95 % CI over researchers)",
        "",
        "| method | " + " | ".join(groups) + " |",
        "|---|" + "---|" * len(groups),
    ]
    lines += [f"| {name} | " + " | ".join(str(row[g]) for g in groups) + " |" for name, row in table.items()]
    lines += ["", "Target (issue 9): ≤ 0.20 with what ships.", "", "### Reasons on the hand labels", ""]
    return "\n".join(lines) + reasons.run(0.9)


def main() -> None:
    """``python -m bench.quality [--held-out ...] [--dev ...] [--max-per-organisation N|none]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--held-out", type=int, nargs="+", default=list(HELD_OUT_SEEDS))
    parser.add_argument("--dev", type=int, nargs="+", default=list(DEV_SEEDS))
    parser.add_argument("--orgs", type=int, default=60)
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--max-per-organisation", default="1", help="the engine rows' limit: a number, or 'none' for no limit"
    )
    parser.add_argument("--no-old", action="store_true", help="skip the old-generator column")
    parser.add_argument("--no-outside", action="store_true", help="skip the expertise and reason sets")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    limit = None if args.max_per_organisation.lower() == "none" else int(args.max_per_organisation)
    config = SuggestConfig(max_per_organisation=limit)
    before = load()
    embedder = Embedder(args.model)
    held = [generate_event(args.orgs, seed=s) for s in args.held_out]
    dev = [generate_event(args.orgs, seed=s) for s in args.dev]
    old = None if args.no_old else old_events(DEV_SEEDS, args.orgs)
    warm(held + dev + (old or []), embedder)
    chosen = choose_on_dev(dev, embedder, config)
    rows = methods(embedder, config, chosen)
    held_scores, dev_scores = evaluate(rows, held), evaluate(rows, dev)
    old_scores = evaluate(rows, old) if old else None
    leak_events = [generate_event(args.orgs, seed=s) for s in LEAK_SEEDS]
    leaks_new = leak_table(leak_events, dev)
    leaks_old = leak_table(old_events(LEAK_SEEDS, args.orgs), old_events(args.dev, args.orgs))
    command = "python -m bench.quality" + (
        f" --max-per-organisation {args.max_per_organisation}" if limit != 1 else ""
    )
    setting = (
        f"Model `{embedder.name}`; events `generate_event({args.orgs}, seed=s)`, held-out s in "
        f"{args.held_out[0]}-{args.held_out[-1]} ({sum(len(e.profiles) for e in held)} people), "
        f"dev s in {args.dev[0]}-{args.dev[-1]}; k = {K}; engine `max_per_organisation={limit}`."
    )
    state = (
        f"Run of {now()}, load {before} → {load()}, {machine()} (`{command}`; `results/engine_quality.md`)"
    )
    versus = old_against_new(held_scores, old_scores)
    looks = (
        "\n\n## Hand-written look-alike set (`bench.lookalikes`, 20 Finnish cases)\n\n"
        f"{lookalike_set(rows, embedder)}"
    )
    outside = "" if args.no_outside else f"\n\n## Outside sets\n\n{outside_sets()}"
    headline = (
        f"{state}. {setting}\n\n{table(rows, held_scores, dev_scores, old_scores, full=False)}\n\n"
        f"Old against new, precision@5:\n\n{versus}{looks}{outside}"
    )
    detail = "\n\n".join(
        [
            "# Suggestion quality on planted events (issues 3, 14)",
            f"{state}.\n\n{setting} Intervals: 95 % bootstrap over people. Held-out unless the "
            "column says otherwise. See the module docstring of `bench/quality.py` for the protocol.",
            table(rows, held_scores, dev_scores, old_scores, full=True),
            f"## Old against new (precision@5)\n\n{versus}{looks}{outside}",
            "## Does the metadata give the answer away? (`bench.leaks`)\n\nRankers that read no text, on "
            f"`generate_event({args.orgs}, seed=s)` for s in {LEAK_SEEDS[0]}-{LEAK_SEEDS[-1]} (the fitted one "
            f"learnt on the dev seeds). New generator:\n\n{format_table(leaks_new)}\n\n"
            f"The generator before issue 14, same seeds:\n\n{format_table(leaks_old)}",
        ]
    )
    print(detail)
    if not args.no_write:
        RESULTS.write_text(detail + "\n", encoding="utf-8")
        write_section("quality", headline)


if __name__ == "__main__":
    main()
