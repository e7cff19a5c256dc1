"""Routing by language: English need-offer pairs are scored by the English model, put on the
multilingual model's scale, and every other pair is left exactly as it was."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matcher.affinity import affinity
from matcher.affinity_config import AffinityConfig
from matcher.embed import Embedder
from matcher.encoders import HashingEmbedder
from matcher.encoders.sentence_transformer import minilm_vocabulary
from matcher.language import english_share, is_english
from matcher.profile import Profile
from matcher.routing import EnglishModel, Route, route_english, route_pair_vectors, scale_map
from matcher.statements import Statements

VOCABULARY = frozenset(
    {"home", "care", "at", "night", "for", "older", "people", "meals", "school", "lunches"}
)


def _unit(x: np.ndarray) -> np.ndarray:
    x = x + 1e-3  # no zero rows
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@settings(max_examples=60)
@given(
    st.integers(1, 7),
    st.integers(1, 7),
    st.integers(0, 2**32 - 1),
    st.data(),
    st.sampled_from([0.25, 0.5, 1.0]),
)
def test_routed_products_equal_the_pairwise_rule(
    n: int, k: int, seed: int, data: st.DataObject, weight: float
) -> None:
    rng = np.random.default_rng(seed)
    m_l, e_l = _unit(rng.normal(size=(n, 4))), _unit(rng.normal(size=(n, 4)))
    m_r, e_r = _unit(rng.normal(size=(k, 4))), _unit(rng.normal(size=(k, 4)))
    f_l = data.draw(arrays(np.bool_, n))
    f_r = data.draw(arrays(np.bool_, k))
    left, right = route_pair_vectors(m_l, m_r, e_l, e_r, f_l, f_r, weight)
    got = left @ right.T
    multi, english = m_l @ m_r.T, e_l @ e_r.T
    both = f_l[:, None] & f_r[None, :]
    if both.any():
        a, b = scale_map(multi[np.ix_(f_l, f_r)].ravel(), english[np.ix_(f_l, f_r)].ravel())
        expected = np.where(both, (1 - weight) * multi + weight * (a * english + b), multi)
    else:
        expected = multi
    assert np.allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_scale_map_matches_median_and_spread() -> None:
    source = np.array([0.1, 0.2, 0.4, 0.8, 1.6], np.float32)
    target = 3 * source - 1
    a, b = scale_map(target, source)
    assert a == pytest.approx(3.0, rel=1e-5) and b == pytest.approx(-1.0, abs=1e-5)


def test_english_is_told_from_finnish_and_swedish() -> None:
    assert is_english("Home care at night for older people", VOCABULARY)
    assert not is_english("Kotihoidon yöpartiointi ikääntyneille", VOCABULARY)
    assert not is_english("Vi söker en partner för hemvård", VOCABULARY | {"vi", "en", "partner"})
    assert not is_english("", VOCABULARY) and english_share("", VOCABULARY) == 0.0
    assert english_share("home care 24/7 kotihoito", VOCABULARY) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="threshold"):
        is_english("home", VOCABULARY, threshold=0.0)


def test_the_model_checks_its_parameters() -> None:
    encoder = HashingEmbedder(8)
    with pytest.raises(ValueError, match="weight"):
        EnglishModel(encoder, VOCABULARY, weight=0.0)
    with pytest.raises(ValueError, match="vocabulary"):
        EnglishModel(encoder, frozenset())


class Knowing:
    """An "English model" that puts each text on the axis of its topic word (home / meals)."""

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [[1.0, 0.1] if ("home" in t or "night" in t) else [0.1, 1.0] for t in texts]
        return _unit(np.array(rows))


def english_event() -> list[Profile]:
    """Three English profiles, where the English model (:class:`Knowing`) finds the night care at home,
    and two Finnish ones (shared with ``tests/test_english_pairs_setting.py``)."""

    def p(pid: str, sector: str, needs: tuple[str, ...], offers: tuple[str, ...]) -> Profile:
        return Profile(id=pid, organisation=pid, sector=sector, needs=needs, offers=offers)

    return [
        p("seeker", "public", ("home care at night",), ("school lunches",)),
        p("right", "private", ("meals for older people",), ("night care at home",)),
        p("wrong", "third_sector", ("home care",), ("meals for older people",)),
        p("fi-a", "public", ("kotihoidon yöpartiointi",), ("kouluruokailu",)),
        p("fi-b", "private", ("ikääntyneiden ateriapalvelu",), ("yöhoito kotona",)),
    ]


def test_routing_changes_english_pairs_and_leaves_the_others_alone() -> None:
    profiles = english_event()
    config = AffinityConfig(lexical_weight=0.0, joined_weight=0.0)
    embedder = Embedder(HashingEmbedder(16), cache_dir=False)
    model = EnglishModel(Knowing(), VOCABULARY)
    routed = affinity(profiles, embedder, config, english=model)
    comp = routed.components["complementarity"]
    assert comp[0, 1] > comp[0, 2]  # the knowing model finds the night care at home
    plain = affinity(profiles, embedder, config).scorer.dense
    statements = Statements.of(profiles)
    route = Route.detect(statements, model)
    mixed = ~(route.needs[:, None] & route.offers[None, :])
    before = plain.needs @ plain.offers.T
    after = routed.scorer.dense.needs @ routed.scorer.dense.offers.T
    assert mixed.sum() > 0 and (~mixed).sum() > 0
    assert np.allclose(after[mixed], before[mixed], atol=1e-6)
    assert not np.allclose(after[~mixed], before[~mixed], atol=1e-3)


def test_only_english_texts_are_embedded_and_a_finnish_event_is_untouched() -> None:
    finnish = [p for p in english_event() if p.id.startswith("fi-")]
    statements = Statements.of(finnish)
    embedder = Embedder(HashingEmbedder(16), cache_dir=False)
    dense = affinity(finnish, embedder, AffinityConfig(lexical_weight=0.0)).scorer.dense

    class Refusing:
        def encode(self, texts: list[str]) -> np.ndarray:
            raise AssertionError(f"asked to embed {texts}")

    routed, route = route_english(statements, dense, EnglishModel(Refusing(), VOCABULARY))
    assert routed is dense and not route.needs.any() and not route.offers.any()
    english = Route.detect(Statements.of(english_event()), EnglishModel(Refusing(), VOCABULARY))
    assert english.texts(Statements.of(english_event()))[:2] == [
        "home care at night",
        "meals for older people",
    ]


def test_minilm_vocabulary_holds_whole_english_words_only() -> None:
    words = minilm_vocabulary()
    assert {"care", "home", "older", "people"} <= words
    assert not any(w.startswith("##") or w.startswith("[") for w in words) and len(words) > 15000
    assert is_english("Digital skills guidance for older members", words)
    assert not is_english("Digitaitojen opastusta ikääntyville jäsenille", words)


def test_a_routed_model_is_frozen() -> None:
    model = EnglishModel(HashingEmbedder(8), VOCABULARY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.weight = 0.5  # type: ignore[misc]
