"""The planted events do not give their answer away in the metadata (issue 14).

Rankers that read no text (theme overlap, keyword overlap, the engine's sector weights, and a
table of good-pair rates learnt on other seeds) must do no better, and no worse, than chance at
finding the planted partners; else a method could score on the benchmark by reading the labels.
The generator before issue 14 failed this: a theme-overlap ranker had precision@5 0.229 against
chance 0.017.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bench.leaks import RANKERS, bootstrap_mean, jaccard, leak_table, precision_and_chance
from bench.planted import PlantedEvent, generate_event, topics


@pytest.fixture(scope="module")
def train() -> list[PlantedEvent]:
    return [generate_event(60, seed=s) for s in range(5)]


@pytest.fixture(scope="module")
def held_out() -> list[PlantedEvent]:
    return [generate_event(60, seed=s) for s in range(10, 30)]


def test_no_metadata_ranker_finds_the_planted_partners(
    train: list[PlantedEvent], held_out: list[PlantedEvent]
) -> None:
    table = leak_table(held_out, train)
    assert set(table) == set(RANKERS)
    for name, leak in table.items():
        assert leak.low <= 0.0 <= leak.high, (
            f"{name}: precision@5 {leak.precision:.3f}, chance {leak.chance:.3f}"
        )


def _themes_from_topics(event: PlantedEvent) -> PlantedEvent:
    """The old generator's rule: themes of every offered and needed topic (partners share them)."""
    themes = {t.code: t.themes for t in topics()}
    profiles = [
        replace(
            p,
            themes=tuple(
                dict.fromkeys(
                    th for c in sorted(event.offer_topics[p.id] | event.need_topics[p.id]) for th in themes[c]
                )
            )[:4],
        )
        for p in event.profiles
    ]
    return replace(event, profiles=profiles)


def test_the_check_catches_themes_built_from_the_topics(
    train: list[PlantedEvent], held_out: list[PlantedEvent]
) -> None:
    leaky = [_themes_from_topics(e) for e in held_out[:8]]
    table = leak_table(leaky, [_themes_from_topics(e) for e in train])
    assert table["theme Jaccard"].low > 0, table["theme Jaccard"]
    assert table["fitted metadata table"].low > 0


def test_the_check_catches_the_old_generators_sector_prior() -> None:
    """The old default planted 85 % cross-sector pairs where chance gives about 70 %."""
    events = [generate_event(60, seed=s, cross_share=0.85) for s in range(10, 40)]
    table = leak_table(events, [generate_event(60, seed=s, cross_share=0.85) for s in range(5)])
    assert table["engine sector weights"].beats_chance and table["fitted metadata table"].beats_chance


def test_chance_is_the_expected_precision_of_a_random_ranker() -> None:
    event = generate_event(30, seed=3)
    chance = precision_and_chance(np.zeros((len(event.profiles),) * 2), event)[1]
    draws = np.mean(
        [precision_and_chance(np.zeros((len(event.profiles),) * 2), event, seed=s)[0] for s in range(400)],
        axis=0,
    )
    assert np.allclose(draws, chance, atol=0.03)


def test_perfect_scores_reach_the_best_possible_precision() -> None:
    event = generate_event(30, seed=4)
    index = {p.id: i for i, p in enumerate(event.profiles)}
    y = np.zeros((len(index),) * 2)
    for pid, partners in event.good_partners.items():
        y[index[pid], [index[q] for q in partners]] = 1.0
    prec, _ = precision_and_chance(y, event)
    best = [min(len(event.good_partners[p.id]), 5) / 5 for p in event.profiles]
    assert np.allclose(prec, best)


def test_jaccard_and_bootstrap_on_known_cases() -> None:
    j = jaccard([frozenset({"a", "b"}), frozenset({"b"}), frozenset()])
    assert j[0, 1] == pytest.approx(0.5) and j[2, 2] == 0.0 and j[0, 0] == 1.0
    lo, hi = bootstrap_mean(np.r_[np.zeros(50), np.ones(50)])
    assert lo < 0.5 < hi and hi - lo < 0.35
    assert bootstrap_mean(np.full(10, 2.0)) == (2.0, 2.0)
