"""The lexical channel and dense+lexical fusion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matcher import HashingEmbedder, LexicalSpace, fused_similarity
from matcher.lexical import (
    DEFAULT_FUSION_WEIGHT,
    Calibration,
    ChannelCalibration,
    recommended_fusion_weight,
)

CORPUS = [
    "Tarjoamme kotihoidon yöpartiointia",
    "Etsimme kumppania kotihoidon yöpalveluihin",
    "Ruokapalvelu ikääntyneiden kotiin",
    "Digitaalisen asiakaspalvelun kehittäminen",
    "Mielenterveyskuntoutujien työhönvalmennus",
]


def test_rows_are_unit_length_and_sparse() -> None:
    m = LexicalSpace().fit_transform(CORPUS)
    assert m.shape[0] == len(CORPUS) and m.dtype == np.float32
    np.testing.assert_allclose(np.sqrt(m.multiply(m).sum(axis=1)).A1, 1.0, atol=1e-5)


def test_inflected_forms_match_their_stem() -> None:
    space = LexicalSpace().fit(CORPUS)
    sims = space.similarity(["kotihoito yöllä"], CORPUS)
    assert sims.shape == (1, len(CORPUS))
    assert int(np.argmax(sims[0])) in (0, 1)  # both speak of kotihoidon (home care)
    assert sims[0, 0] > sims[0, 2] and sims[0, 0] > sims[0, 3]


def test_identical_text_has_cosine_one_and_unrelated_near_zero() -> None:
    space = LexicalSpace().fit(CORPUS)
    sims = space.similarity(CORPUS, CORPUS)
    np.testing.assert_allclose(np.diag(sims), 1.0, atol=1e-5)
    assert sims[2, 4] < 0.2


def test_unseen_or_empty_text_gives_zero_row() -> None:
    space = LexicalSpace().fit(CORPUS)
    assert space.similarity(["", "xyzq"], CORPUS).max() == 0.0


def test_transform_before_fit_and_bad_input() -> None:
    with pytest.raises(RuntimeError, match="fit"):
        LexicalSpace().transform(["a"])
    with pytest.raises(ValueError, match="non-empty"):
        LexicalSpace().fit(["", " "])
    with pytest.raises(TypeError, match="not one string"):
        LexicalSpace().fit("kotihoito")


def test_quantile_calibration_is_monotone_cdf() -> None:
    values = np.linspace(0.7, 0.95, 101)
    cal = ChannelCalibration.fit(values)
    out = cal.apply(values)
    assert out[0] == 0.0 and out[-1] == pytest.approx(1.0)
    assert np.all(np.diff(out) >= 0)
    assert cal.apply(np.array([0.5, 2.0])).tolist() == [0.0, 1.0]
    assert np.isneginf(cal.apply(np.array([-np.inf]))[0])


def test_zscore_calibration() -> None:
    cal = ChannelCalibration.fit(np.array([1.0, 2.0, 3.0]), "zscore")
    np.testing.assert_allclose(cal.apply(np.array([2.0, 3.0])), [0.0, 1.2247449], atol=1e-6)
    with pytest.raises(ValueError, match="method"):
        ChannelCalibration.fit(np.array([1.0]), "rank")  # type: ignore[arg-type]


def test_fusion_endpoints_are_the_single_channels() -> None:
    dense = HashingEmbedder(64).encode(CORPUS)
    space = LexicalSpace().fit(CORPUS)
    lex = space.transform(CORPUS)
    cosines = np.clip(dense @ dense.T, -1, 1)
    cal = Calibration.fit(cosines, space.similarity(CORPUS, CORPUS))
    only_dense = fused_similarity(dense, dense, lex, lex, weight=1.0, calibration=cal)
    only_lex = fused_similarity(dense, dense, lex, lex, weight=0.0, calibration=cal)
    np.testing.assert_allclose(only_dense, cal.dense.apply(cosines))
    np.testing.assert_allclose(only_lex, cal.lexical.apply(space.similarity(CORPUS, CORPUS)))
    half = fused_similarity(dense, dense, lex, lex, weight=0.5, calibration=cal)
    np.testing.assert_allclose(half, 0.5 * only_dense + 0.5 * only_lex, atol=1e-6)


def test_reused_calibration_gives_same_row_as_full_matrix() -> None:
    """A walk-in's single new row, scored with the event's calibration, equals the full computation."""
    dense = HashingEmbedder(32).encode(CORPUS)
    lex = LexicalSpace().fit(CORPUS).transform(CORPUS)
    cal = Calibration.fit(dense @ dense.T, (lex @ lex.T).toarray())
    full = fused_similarity(dense, dense, lex, lex, 0.7, calibration=cal)
    walk_in = fused_similarity(dense[3:4], dense[:3], lex[3:4], lex[:3], 0.7, calibration=cal)
    np.testing.assert_allclose(walk_in[0], full[3, :3], atol=1e-5)


def test_fusion_rejects_bad_arguments() -> None:
    e = np.eye(3, dtype=np.float32)
    with pytest.raises(ValueError, match="weight"):
        fused_similarity(e, e, e, e, weight=1.5)
    with pytest.raises(ValueError, match="lex_a"):
        fused_similarity(e, e, e[:2], e, weight=0.5)
    with pytest.raises(ValueError, match="dense_a"):
        fused_similarity(e, np.eye(4, dtype=np.float32), e, e, weight=0.5)


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float32, (6, 5), elements=st.floats(-1, 1, width=32)),
    arrays(np.float32, (6, 5), elements=st.floats(0, 1, width=32)),
    st.floats(0, 1),
)
def test_quantile_fusion_stays_in_unit_interval_and_is_monotone(
    dense: np.ndarray, lex: np.ndarray, weight: float
) -> None:
    cal = Calibration.fit(dense, lex, "quantile")
    fused = cal.fuse(dense, lex, weight)
    assert fused.shape == dense.shape and fused.dtype == np.float32
    assert fused.min() >= -1e-6 and fused.max() <= 1 + 1e-6
    bumped = cal.fuse(dense + np.float32(0.01), lex, weight)  # more dense similarity never lowers the score
    assert np.all(bumped >= fused - 1e-6)
    z = Calibration.fit(dense, lex, "zscore")
    assert np.all(z.fuse(dense, lex + np.float32(0.01), weight) >= z.fuse(dense, lex, weight) - 1e-5)


def test_recommended_weights() -> None:
    assert recommended_fusion_weight("multilingual-e5-small/st/x") == DEFAULT_FUSION_WEIGHT
    assert recommended_fusion_weight("all-MiniLM-L6-v2/st/gt-0.1.0") < DEFAULT_FUSION_WEIGHT
