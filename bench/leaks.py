"""Does a planted event give its answer away in the metadata? Rankers that read no text.

A quality benchmark is only honest if the labels (``good_partners``) cannot be read off the
fields a method gets for free. This module ranks every person's candidates by metadata alone
(themes, sectors, keywords; no offers, needs or description) and compares the precision@5 of
each ranker with chance, with a bootstrap interval over people:

* ``theme Jaccard``: overlap of the profiles' theme sets (what ``AffinityConfig.theme_weight``
  rewards).
* ``keyword Jaccard``: overlap of the free keywords (they enter the engine's similarity text).
* ``engine sector weights``: the engine's default sector-pair weights
  (:func:`matcher.affinity.default_sector_weights`): cross-sector candidates first.
* ``fitted metadata table``: the rate of good pairs per cell (sector pair × theme-Jaccard bin ×
  keyword-Jaccard bin), learnt from the labels of *other* events (other seeds), then applied:
  the strongest metadata-only ranker we know, and the one a tuned engine could become.

Chance is exact: a random list of 5 out of ``m`` candidates of whom ``g`` are good has expected
precision ``g / m``. Ties inside a ranker are broken at random (seeded).

Run ``python -m bench.leaks`` for the table on the current generator.

Example:
    >>> from bench.planted import generate_event
    >>> rows = leak_table([generate_event(30, seed=s) for s in (1, 2)], [generate_event(30, seed=0)])
    >>> sorted(rows) == sorted(RANKERS)
    True
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bench.planted import PlantedEvent, generate_event
from matcher.affinity import default_sector_weights
from matcher.profile import Profile
from matcher.taxonomy import SECTORS

F64 = NDArray[np.float64]
K = 5
RANKERS = ("theme Jaccard", "keyword Jaccard", "engine sector weights", "fitted metadata table")
_BINS = np.array([0.0, 1e-9, 0.34, 0.67])  # 0, (0, 1/3], (1/3, 2/3], (2/3, 1]


def jaccard(sets: Sequence[frozenset[str]]) -> F64:
    """Pairwise Jaccard overlap of ``sets`` (0 where both are empty).

    Example:
        >>> jaccard([frozenset("ab"), frozenset("bc"), frozenset()]).round(2).tolist()
        [[1.0, 0.33, 0.0], [0.33, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """
    vocab = {x: i for i, x in enumerate(sorted(set().union(*sets)))}
    m = np.zeros((len(sets), max(len(vocab), 1)))
    for r, s in enumerate(sets):
        m[r, [vocab[x] for x in s]] = 1.0
    inter = m @ m.T
    union = m.sum(1)[:, None] + m.sum(1)[None, :] - inter
    return np.asarray(np.divide(inter, union, out=np.zeros_like(inter), where=union > 0), dtype=np.float64)


def _features(profiles: Sequence[Profile]) -> tuple[F64, F64, NDArray[np.int64]]:
    themes = jaccard([frozenset(p.themes) for p in profiles])
    keywords = jaccard([frozenset(k.casefold() for k in p.keywords) for p in profiles])
    s = np.array([SECTORS.index(p.sector) for p in profiles])
    pair = np.minimum(s[:, None], s[None, :]) * len(SECTORS) + np.maximum(s[:, None], s[None, :])
    return themes, keywords, pair


def _cells(profiles: Sequence[Profile]) -> NDArray[np.int64]:
    themes, keywords, pair = _features(profiles)
    t, k = np.digitize(themes, _BINS) - 1, np.digitize(keywords, _BINS) - 1
    return np.asarray((pair * len(_BINS) + t) * len(_BINS) + k, dtype=np.int64)


def _allowed(profiles: Sequence[Profile]) -> NDArray[np.bool_]:
    org = np.array([p.organisation for p in profiles], dtype=object)
    return np.asarray(org[:, None] != org[None, :])


def _labels(event: PlantedEvent) -> NDArray[np.bool_]:
    index = {p.id: i for i, p in enumerate(event.profiles)}
    y = np.zeros((len(index), len(index)), dtype=bool)
    for pid, partners in event.good_partners.items():
        y[index[pid], [index[q] for q in partners]] = True
    return y


def fit_table(events: Sequence[PlantedEvent], prior: float = 20.0) -> Callable[[Sequence[Profile]], F64]:
    """The fitted metadata ranker: smoothed good-pair rate per metadata cell, from ``events``."""
    n_cells = len(SECTORS) ** 2 * len(_BINS) ** 2
    good, total = np.zeros(n_cells), np.zeros(n_cells)
    for event in events:
        cells, allowed, y = _cells(event.profiles), _allowed(event.profiles), _labels(event)
        np.add.at(total, cells[allowed], 1.0)
        np.add.at(good, cells[allowed & y], 1.0)
    base = good.sum() / max(total.sum(), 1.0)
    rate = (good + prior * base) / (total + prior)
    return lambda profiles: np.asarray(rate[_cells(profiles)], dtype=np.float64)


def rankers(train: Sequence[PlantedEvent]) -> dict[str, Callable[[Sequence[Profile]], F64]]:
    """Every metadata ranker, the fitted one learnt on ``train`` (never the events it ranks)."""
    weights = default_sector_weights()
    return {
        "theme Jaccard": lambda ps: _features(ps)[0],
        "keyword Jaccard": lambda ps: _features(ps)[1],
        "engine sector weights": lambda ps: np.array(
            [[weights[(a.sector, b.sector)] for b in ps] for a in ps], dtype=np.float64
        ),
        "fitted metadata table": fit_table(train),
    }


def precision_and_chance(scores: F64, event: PlantedEvent, seed: int = 0) -> tuple[F64, F64]:
    """Per person: precision@5 of the top 5 by ``scores`` (random tie-break), and chance ``g / m``."""
    rng = np.random.default_rng(seed)
    allowed, y = _allowed(event.profiles), _labels(event)
    prec, chance = [], []
    for i in range(len(event.profiles)):
        cand = np.flatnonzero(allowed[i])
        order = cand[np.lexsort((rng.random(len(cand)), -scores[i, cand]))][:K]
        prec.append(y[i, order].sum() / K)
        chance.append(y[i, cand].sum() / len(cand))
    return np.array(prec), np.array(chance)


def bootstrap_mean(x: F64, seed: int = 0, n: int = 2000, level: float = 0.99) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``x`` (resampling its entries).

    Example:
        >>> lo, hi = bootstrap_mean(np.arange(100.0))
        >>> lo < 49.5 < hi
        True
    """
    rng = np.random.default_rng(seed)
    means = x[rng.integers(len(x), size=(n, len(x)))].mean(axis=1)
    tail = (1 - level) / 2
    return float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))


@dataclass(frozen=True)
class Leak:
    """One ranker against chance: mean precision@5, mean chance, interval of the difference."""

    precision: float
    chance: float
    low: float
    high: float

    @property
    def beats_chance(self) -> bool:
        """True when the whole interval of (ranker − chance) lies above 0."""
        return self.low > 0


def leak_table(
    events: Sequence[PlantedEvent], train: Sequence[PlantedEvent], level: float = 0.99
) -> dict[str, Leak]:
    """Each metadata ranker's precision@5 on ``events`` (people pooled) against chance."""
    table = {}
    for name, ranker in rankers(train).items():
        prec, chance = zip(
            *(precision_and_chance(ranker(e.profiles), e, seed=s) for s, e in enumerate(events)), strict=True
        )
        p, c = np.concatenate(prec), np.concatenate(chance)
        low, high = bootstrap_mean(p - c, level=level)
        table[name] = Leak(float(p.mean()), float(c.mean()), low, high)
    return table


def format_table(table: dict[str, Leak]) -> str:
    """A Markdown table of :func:`leak_table`."""
    lines = [
        "| metadata ranker | precision@5 | chance | difference, 99 % interval | better than chance |",
        "|---|---|---|---|---|",
    ]
    for name, leak in table.items():
        lines.append(
            f"| {name} | {leak.precision:.3f} | {leak.chance:.3f} | "
            f"{leak.precision - leak.chance:+.3f} ({leak.low:+.3f} to {leak.high:+.3f}) | "
            f"{'**yes: leak**' if leak.beats_chance else 'no'} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the leak table: ``python -m bench.leaks [--seeds 10 11 ...] [--train 0 1 2 3 4]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(10, 20)))
    parser.add_argument("--train", type=int, nargs="+", default=list(range(5)))
    parser.add_argument("--orgs", type=int, default=60)
    args = parser.parse_args()
    events = [generate_event(args.orgs, seed=s) for s in args.seeds]
    train = [generate_event(args.orgs, seed=s) for s in args.train]
    print(f"generate_event({args.orgs}, seed=s), s in {args.seeds}; fitted on seeds {args.train}")
    print(format_table(leak_table(events, train)))


if __name__ == "__main__":
    main()
