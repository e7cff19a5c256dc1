"""The learned re-scorer bench: its pair features are the engine's own components, its labels
are the planted or hand-written partners, and a re-scorer that is handed the answer as a
feature ranks the answer first (so the comparison can show a learned score winning)."""

from __future__ import annotations

import dataclasses

import numpy as np

from bench import rescorer as bench
from bench.planted import generate_event
from matcher.embed import Embedder
from matcher.encoders import HashingEmbedder

EVENT = generate_event(24, seed=3)


def _table() -> bench.PairTable:
    return bench.pair_table(EVENT.profiles, Embedder(HashingEmbedder(dimension=64), cache_dir=False))


def test_features_are_the_engines_components_in_both_directions() -> None:
    t = _table()
    f = {name: t.features[..., i] for i, name in enumerate(bench.FEATURES)}
    comp = t.affinity.components["complementarity"]
    assert np.allclose(f["complementarity i→j"], comp) and np.allclose(f["complementarity j→i"], comp.T)
    assert np.allclose(f["hand-set score"][t.allowed], t.affinity.matrix[t.allowed])
    assert not t.allowed.diagonal().any()


def test_training_rows_label_exactly_the_planted_partners() -> None:
    t = _table()
    is_partner = bench._planted(EVENT)
    x, y = bench.training_rows(t, range(len(EVENT.profiles)), is_partner)
    ids = [p.id for p in EVENT.profiles]
    expected = sum(
        ids[j] in EVENT.good_partners[ids[i]] for i in range(len(ids)) for j in np.flatnonzero(t.allowed[i])
    )
    assert x.shape == (int(t.allowed.sum()), len(bench.FEATURES)) and int(y.sum()) == expected > 0


def test_a_rescorer_given_the_answer_ranks_the_partners_first() -> None:
    t = _table()
    is_partner = bench._planted(EVENT)
    n = len(EVENT.profiles)
    answer = np.array([[float(is_partner(i, j)) for j in range(n)] for i in range(n)])
    told = dataclasses.replace(t, features=np.concatenate([t.features, answer[..., None]], axis=-1))
    people = range(n)
    rescorer = bench.fit([bench.training_rows(told, people, is_partner)])
    learned = bench.ranked(told, bench.learned_scores(told, rescorer))["plain top-5"]
    hand = bench.ranked(told, None)["plain top-5"]
    best = np.array([min(len(EVENT.good_partners[p.id]), bench.K) / bench.K for p in EVENT.profiles])
    assert np.allclose(bench.precision(learned, people, is_partner), best)
    assert bench.precision(hand, people, is_partner).mean() < best.mean()


def test_precision_counts_partners_among_the_first_five() -> None:
    lists = [[1, 2, 3, 4, 5, 6], [0]]
    got = bench.precision(lists, [0, 1], lambda i, j: j in {2, 6} or (i, j) == (1, 0))
    assert got.tolist() == [0.2, 0.2]
