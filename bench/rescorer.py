"""Does a re-scorer learned over pair features beat the hand-set score? (issue 9;
``python -m bench.rescorer``)

Each ordered pair (i, j) is described by what the engine already computes: complementarity
both ways (fused, dense channel alone, lexical channel alone), the profile-text similarity,
shared themes, the sector weight, the region factor, the cosine of one vector of i's needs
against one of j's offers (both ways), and the hand-set score itself (:data:`FEATURES`). A
logistic regression (:class:`matcher.learning.FeedbackRescorer`) learns from them which pairs
are partners. Its scores rank each person's list in two ways: plain top-5, and through
:func:`matcher.suggest.suggest_from_affinity` with the default settings (flow, exposure cap,
cross-sector quota, one per organisation), against the hand-set score ranked the same two ways.

Three held-out tests, all measured in one run:

- **planted**: fitted on the planted dev seeds, measured on the held-out seeds;
- **look-alike, 5 folds**: fitted on 16 of the 20 hand-written cases' seekers, measured on the
  other 4, five times;
- **transfer**: fitted on the planted dev seeds, measured on the look-alike set, a set written
  in other words by other hands (no refit).

The learned scores would replace the hand-set ones only where they do better on every held-out
test; the difference of precision@5 is given with a 95 % paired bootstrap interval over people.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from bench import baselines, lookalikes
from bench.leaks import bootstrap_mean
from bench.planted import PlantedEvent, generate_event
from bench.quality import DEV_SEEDS, HELD_OUT_SEEDS, K, Lists, top_k, warm
from bench.report import load, machine, now, write_section
from matcher.affinity import Affinity, affinity
from matcher.affinity_config import AffinityConfig
from matcher.embed import Embedder
from matcher.learning import FeedbackRescorer, rescaled_affinity
from matcher.profile import Profile
from matcher.suggest import SuggestConfig, suggest_from_affinity

F64 = NDArray[np.float64]
FEATURES = (
    "complementarity i→j",
    "complementarity j→i",
    "dense complementarity i→j",
    "dense complementarity j→i",
    "lexical complementarity i→j",
    "lexical complementarity j→i",
    "similarity",
    "themes",
    "sector weight",
    "region factor",
    "needs vector → offers vector, both ways",
    "hand-set score",
)
FOLDS = 5


@dataclass(frozen=True)
class PairTable:
    """One event's pair features (n, n, len(FEATURES)), its hand-set affinity, and the pairs that
    may be suggested (not the same organisation, not excluded)."""

    features: F64
    affinity: Affinity
    allowed: NDArray[np.bool_]


def pair_table(profiles: Sequence[Profile], embedder: Embedder) -> PairTable:
    """:data:`FEATURES` of every ordered pair of ``profiles``.

    Example:
        >>> from matcher.encoders import HashingEmbedder
        >>> ev = generate_event(12, seed=0)
        >>> t = pair_table(ev.profiles, Embedder(HashingEmbedder(32), cache_dir=False))
        >>> n = len(ev.profiles)
        >>> t.features.shape == (n, n, len(FEATURES)), bool(t.allowed.diagonal().any())
        (True, False)
    """
    ps = list(profiles)
    defaults = AffinityConfig()
    full = affinity(ps, embedder, defaults)
    dense = affinity(ps, embedder, replace(defaults, lexical_weight=0.0)).components["complementarity"]
    lexical = affinity(ps, embedder, replace(defaults, dense_weight=0.0)).components["complementarity"]
    c = full.components
    score = np.where(np.isfinite(full.matrix), full.matrix, 0.0)
    joined = baselines.dense_needs_offers(ps, embedder)
    columns = [
        c["complementarity"],
        c["complementarity"].T,
        dense,
        dense.T,
        lexical,
        lexical.T,
        c["similarity"],
        c["theme"],
        c["sector"],
        c["region"],
        joined,
        score,
    ]
    features = np.stack([np.asarray(x, dtype=np.float64) for x in columns], axis=-1)
    return PairTable(features, full, np.isfinite(full.matrix) & ~np.eye(len(ps), dtype=np.bool_))


def training_rows(
    table: PairTable, people: Sequence[int], is_partner: Callable[[int, int], bool]
) -> tuple[F64, NDArray[np.bool_]]:
    """The allowed pairs (i, j) of ``people`` i as rows of features, and whether j is i's partner."""
    rows = [(i, j) for i in people for j in np.flatnonzero(table.allowed[i])]
    x = np.array([table.features[i, j] for i, j in rows])
    y = np.array([is_partner(i, int(j)) for i, j in rows], dtype=np.bool_)
    return x, y


def fit(parts: Sequence[tuple[F64, NDArray[np.bool_]]]) -> FeedbackRescorer:
    """A re-scorer fitted on all rows of ``parts`` (seeded, deterministic)."""
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return FeedbackRescorer(C=1.0, random_state=0).fit(x, y)


def learned_scores(table: PairTable, rescorer: FeedbackRescorer) -> F64:
    """The re-scorer's log-odds of every pair (``-inf`` where a pair may not be suggested)."""
    n = table.features.shape[0]
    z = rescorer.decision(table.features.reshape(n * n, -1)).reshape(n, n)
    return np.where(table.allowed, z, -np.inf)


def ranked(table: PairTable, scores: F64 | None) -> dict[str, Lists]:
    """Each person's 5 by plain top-5 and through the suggestion flow, for the hand-set score
    (``scores`` None) or the given learned scores."""
    ps = list(table.affinity.profiles)
    aff = (
        table.affinity
        if scores is None
        else rescaled_affinity(table.affinity, np.where(np.isfinite(scores), scores, 0.0))
    )
    plain = np.where(table.allowed, aff.matrix if scores is None else scores, -np.inf)
    index = aff.index
    flow = suggest_from_affinity(aff, K, config=SuggestConfig())
    return {
        "plain top-5": top_k(np.asarray(plain, dtype=np.float64), ps),
        "suggestion flow": [[index[s.target_id] for s in lst] for lst in flow],
    }


def precision(lists: Lists, people: Sequence[int], is_partner: Callable[[int, int], bool]) -> F64:
    """Per person of ``people``: partners among the first 5 of its list, over 5."""
    return np.array([sum(is_partner(i, j) for j in lists[i][:K]) / K for i in people])


def _planted(event: PlantedEvent) -> Callable[[int, int], bool]:
    ps = event.profiles
    return lambda i, j: ps[j].id in event.good_partners[ps[i].id]


def _lookalike(event: lookalikes.LookalikeEvent) -> Callable[[int, int], bool]:
    return lambda i, j: j in event.good.get(i, frozenset())


@dataclass
class Comparison:
    """Per-person precision@5 of the hand-set and the learned scores, per ranking."""

    hand: dict[str, list[float]]
    learned: dict[str, list[float]]

    def add(self, hand: dict[str, F64], learned: dict[str, F64]) -> None:
        for key in hand:
            self.hand.setdefault(key, []).extend(hand[key].tolist())
            self.learned.setdefault(key, []).extend(learned[key].tolist())

    def difference(self, ranking: str) -> float:
        """Mean learned − hand-set precision@5 for ``ranking``."""
        return float(np.mean(self.learned[ranking]) - np.mean(self.hand[ranking]))

    def row(self, test: str, ranking: str) -> str:
        h, m = np.array(self.hand[ranking]), np.array(self.learned[ranking])
        low, high = bootstrap_mean(m - h, seed=0, level=0.95)
        return f"| {test} | {ranking} | {len(h)} | {h.mean():.3f} | {m.mean():.3f} | {m.mean() - h.mean():+.3f} ({low:+.3f} to {high:+.3f}) |"


def _measure(
    table: PairTable,
    rescorer: FeedbackRescorer,
    people: Sequence[int],
    is_partner: Callable[[int, int], bool],
    out: Comparison,
) -> None:
    hand, learned = ranked(table, None), ranked(table, learned_scores(table, rescorer))
    out.add(
        {k: precision(v, people, is_partner) for k, v in hand.items()},
        {k: precision(v, people, is_partner) for k, v in learned.items()},
    )


def planted_test(
    dev: Sequence[PairTable],
    held: Sequence[PairTable],
    dev_events: Sequence[PlantedEvent],
    held_events: Sequence[PlantedEvent],
) -> tuple[Comparison, FeedbackRescorer]:
    """Fit on the dev events, measure on the held-out ones."""
    rescorer = fit(
        [training_rows(t, range(len(e.profiles)), _planted(e)) for t, e in zip(dev, dev_events, strict=True)]
    )
    out = Comparison({}, {})
    for t, e in zip(held, held_events, strict=True):
        _measure(t, rescorer, range(len(e.profiles)), _planted(e), out)
    return out, rescorer


def lookalike_folds(table: PairTable, event: lookalikes.LookalikeEvent) -> Comparison:
    """Five folds over the cases: fit on the other cases' seekers, measure on the fold's."""
    seekers = list(event.seekers)
    out = Comparison({}, {})
    for fold in range(FOLDS):
        test = seekers[fold::FOLDS]
        train = [s for s in seekers if s not in test]
        rescorer = fit([training_rows(table, train, _lookalike(event))])
        _measure(table, rescorer, test, _lookalike(event), out)
    return out


def verdict(tests: dict[str, Comparison]) -> str:
    """Whether the learned scores may replace the hand-set ones: only if they do better on every
    held-out test and both rankings; otherwise, which tests they lose.

    Example:
        >>> up = Comparison({"flow": [0.2]}, {"flow": [0.4]})
        >>> down = Comparison({"flow": [0.4]}, {"flow": [0.2]})
        >>> verdict({"a": up, "b": down})
        'the hand-set score stays: the learned one does worse on b (flow -0.200)'
    """
    losses = [
        f"{test} ({ranking} {c.difference(ranking):+.3f})"
        for test, c in tests.items()
        for ranking in c.hand
        if c.difference(ranking) <= 0
    ]
    if not losses:
        return "the learned score does better on every held-out test"
    return "the hand-set score stays: the learned one does worse on " + ", ".join(losses)


def weights(rescorer: FeedbackRescorer) -> str:
    """The fitted weights on the standardised features, largest first."""
    coef = rescorer.model_.coef_[0]
    order = np.argsort(-np.abs(coef))
    return ", ".join(f"{FEATURES[i]} {coef[i]:+.2f}" for i in order)


def main() -> None:
    """``python -m bench.rescorer [--no-write]``: the three tests, printed and written to RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orgs", type=int, default=60)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    before = load()
    embedder = Embedder(None)
    dev_events = [generate_event(args.orgs, seed=s) for s in DEV_SEEDS]
    held_events = [generate_event(args.orgs, seed=s) for s in HELD_OUT_SEEDS]
    look = lookalikes.build_event(lookalikes.load())
    warm([*dev_events, *held_events, look], embedder)
    dev = [pair_table(e.profiles, embedder) for e in dev_events]
    held = [pair_table(e.profiles, embedder) for e in held_events]
    look_table = pair_table(look.profiles, embedder)
    planted, rescorer = planted_test(dev, held, dev_events, held_events)
    folds = lookalike_folds(look_table, look)
    transfer = Comparison({}, {})
    _measure(look_table, rescorer, look.seekers, _lookalike(look), transfer)
    lines = [
        "| held-out test | ranking | people | hand-set precision@5 | learned precision@5 | learned − hand-set (95 % paired interval) |",
        "|---|---|---|---|---|---|",
    ]
    tests = {
        "planted held-out seeds": planted,
        "look-alike set, 5 folds over cases": folds,
        "transfer: planted dev → look-alike set": transfer,
    }
    for test, comparison in tests.items():
        lines += [comparison.row(test, ranking) for ranking in ("plain top-5", "suggestion flow")]
    body = "\n".join(
        [
            f"Run of {now()}, load {before} → {load()}, {machine()} (`python -m bench.rescorer`). Model `{embedder.name}`; "
            f"planted events `generate_event({args.orgs}, seed=s)`, dev s in {DEV_SEEDS[0]}-{DEV_SEEDS[-1]}, held out "
            f"{HELD_OUT_SEEDS[0]}-{HELD_OUT_SEEDS[-1]}.",
            "",
            *lines,
            "",
            f"Weights fitted on the planted dev seeds (standardised features): {weights(rescorer)}.",
            "",
            f"Verdict (learned scores only where they do better on every held-out test): {verdict(tests)}.",
        ]
    )
    print(body)
    if not args.no_write:
        write_section("rescorer", "## Learned re-scorer against the hand-set score (issue 9)\n\n" + body)


if __name__ == "__main__":
    main()
