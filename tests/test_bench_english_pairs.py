"""The English-pairs bench's diagnosis counts, over (provider, distractor) pairs, how often the
distractor's best offer is closer to the need: 0 for a model that reads the answer, all for one
that reads it backwards."""

from __future__ import annotations

import numpy as np

from bench import english_pairs, lookalikes

EVENT = lookalikes.build_event(lookalikes.load()[:2])


class Oracle:
    """Needs on one axis; the providers' offers there too and the distractors' on another, or,
    ``backwards``, the other way round."""

    def __init__(self, backwards: bool = False) -> None:
        ps = EVENT.profiles
        self.distractor = {o for s in EVENT.seekers for d in EVENT.distractors[s] for o in ps[d].offers}
        self.needs = {n for s in EVENT.seekers for n in ps[s].needs}
        self.backwards = backwards

    def encode(self, texts: list[str]) -> np.ndarray:
        near = [t in self.needs or ((t in self.distractor) == self.backwards) for t in texts]
        return np.array([[1.0, 0.0] if n else [0.0, 1.0] for n in near], dtype=np.float32)


def test_a_model_that_reads_the_answer_never_ranks_a_distractor_first() -> None:
    assert english_pairs.distractor_above_provider(EVENT, Oracle()) == (0, 2 * 3 * 2)


def test_a_model_that_reads_it_backwards_always_does() -> None:
    assert english_pairs.distractor_above_provider(EVENT, Oracle(backwards=True)) == (12, 12)


def test_the_english_set_builds_english_profiles() -> None:
    event = lookalikes.build_event(lookalikes.load()[:1], language="en")
    assert {p.language for p in event.profiles} == {"en"}
