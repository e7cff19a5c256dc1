"""The demo quotes no (need, offer) pair that the hand labels call a non-match (issue 9).

``bench/data/reason_labels.json`` holds 230 (need, offer) pairs of the sample event, each read
and judged once; ``python -m bench.reasons`` calibrates the reason threshold on them. Here the
sample event runs through the default engine as ``make demo`` does (k = 3) and with k = 5, and
every statement reason it shows must be a labelled match or unlabelled, never a labelled miss.
"""

from __future__ import annotations

import os

import pytest

from bench.reasons import STATEMENT_KINDS, load_labels, sample_profiles
from matcher.affinity import affinity
from matcher.suggest import suggest_from_affinity


def test_the_fixture_holds_enough_hand_labels_of_both_kinds() -> None:
    labels = load_labels()
    assert len(labels) >= 150
    assert 0.1 < sum(labels.values()) / len(labels) < 0.9
    assert labels[
        (
            "Digitaitojen opastusta ikääntyville jäsenille",
            "Digituki asiakkaille kirjastoissa ja järjestöjen tiloissa",
        )
    ]
    assert not labels[
        (
            "Digitaitojen opastusta ikääntyville jäsenille",
            "Kaatumisten ehkäisyn ryhmät ja tasapainoharjoittelu ikääntyneille",
        )
    ]


@pytest.mark.slow
def test_the_demo_shows_no_reason_labelled_a_non_match() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from matcher.embed import Embedder

    labels = load_labels()
    aff = affinity(sample_profiles(), Embedder())
    shown = []
    for k in (3, 5):
        for lst in suggest_from_affinity(aff, k=k):
            shown += [(r.other, r.phrase) for s in lst for r in s.reasons if r.kind in STATEMENT_KINDS]
    misses = sorted({p for p in shown if labels.get(p) is False})
    assert not misses, f"reasons quoting pairs labelled non-matches: {misses}"
    digital = "Digitaitojen opastusta ikääntyville jäsenille"
    assert all(not (need == digital and offer.startswith("Kaatumisten ehkäisyn")) for need, offer in shown)
