"""The benchmarks' own helpers: the vector cache, the registry profiles, writing results between markers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.registry_profiles import registry_profiles
from bench.report import write_section
from bench.vectors import CachedEncoder, texts_key
from matcher.embed import HashingEmbedder
from matcher.statements import Statements
from matcher.taxonomy import REGIONS


class Counting(HashingEmbedder):
    """A hashing embedder that counts the texts it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(16)
        self.seen = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen += len(texts)
        return super().encode(texts)


def test_cached_encoder_embeds_once_and_keys_on_every_text(tmp_path: Path) -> None:
    model = Counting()
    texts = ["kotihoito yöllä", "kuntoutus", "kotihoito yöllä"]
    first = CachedEncoder(model, root=tmp_path, chunk=1, progress=False).encode(texts)
    assert model.seen == 2 and first.shape == (3, 16)
    assert np.allclose(first, HashingEmbedder(16).encode(texts), atol=1e-6)
    again = CachedEncoder(model, root=tmp_path, progress=False)
    assert np.array_equal(again.encode(texts), first) and model.seen == 2  # read from the file
    again.encode(["kotihoito yöllä", "kuntoutusta"])  # one changed text: a new file, embedded
    assert model.seen == 4 and len(list(tmp_path.glob("*.npy"))) == 2
    assert texts_key("m", ["a", "b"]) != texts_key("m", ["ab"]) != texts_key("n", ["ab"])


def test_cached_encoder_refuses_a_file_of_the_wrong_shape(tmp_path: Path) -> None:
    enc = CachedEncoder(HashingEmbedder(8), root=tmp_path, progress=False)
    np.save(enc.path_for(["a"]), np.zeros((2, 8), np.float32))
    with pytest.raises(ValueError, match="shape"):
        enc.encode(["a"])


def test_registry_profiles_are_seeded_varied_and_valid() -> None:
    people = registry_profiles(300, seed=4)
    assert people == registry_profiles(300, seed=4)
    assert people[:50] == registry_profiles(50, seed=4)  # a smaller registry is a prefix of a larger one
    assert people != registry_profiles(300, seed=5)
    assert len({(p.offers, p.needs, p.description) for p in people}) == 300
    swedish = [p for p in people if p.language == "sv"]
    assert 0 < len(swedish) < 45 and all(
        p.region in {"uusimaa", "pohjanmaa", "varsinais_suomi", "ahvenanmaa"} for p in swedish
    )
    assert all(p.region in REGIONS and p.offers and p.needs for p in people)
    sectors = [p.sector for p in people]
    assert 0.35 < sectors.count("private") / 300 < 0.55
    statements = Statements.of(people)
    assert len(set(statements.offers)) > 200  # paraphrases and qualifiers, not a handful of sentences
    with pytest.raises(ValueError, match="n:"):
        registry_profiles(0)


def test_write_section_replaces_between_markers_or_appends(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text("# R\n\nbefore\n<!-- a:start -->\nold\n<!-- a:end -->\nafter\n", encoding="utf-8")
    write_section("a", "new\n", path)
    assert path.read_text(encoding="utf-8") == "# R\n\nbefore\n<!-- a:start -->\nnew\n<!-- a:end -->\nafter\n"
    write_section("b", "more", path)
    assert path.read_text(encoding="utf-8").endswith("after\n\n<!-- b:start -->\nmore\n<!-- b:end -->\n")
