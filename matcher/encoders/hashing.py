"""A deterministic, model-free text encoder: hashed character n-grams (for tests and dry runs).

Registered as the model name ``"hashing"`` (:mod:`matcher.encoders.registry`), so
``matcher.Embedder("hashing")`` and ``KOHTAAMO_MODEL=hashing`` need no model weights.

Example:
    >>> HashingEmbedder(dimension=8).encode(["kotihoito"]).shape
    (1, 8)
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from matcher.encoders.base import FloatMatrix, check_texts


class HashingEmbedder:
    """Deterministic, model-free embedder for tests: hashed character n-grams, L2-normalised.

    Texts that share words or word pieces get a higher cosine, so ranking tests behave
    sensibly, but there is no semantics (no translation, no synonyms). Stable across runs,
    processes and platforms (BLAKE2 hashing, never Python's salted ``hash``).

    Example:
        >>> e = HashingEmbedder(dimension=32)
        >>> v = e.encode(["kotihoito", "kotihoito", "ruokapalvelu"])
        >>> bool(np.allclose(v[0], v[1])), round(float(v[0] @ v[0]), 5)
        (True, 1.0)
    """

    def __init__(self, dimension: int = 64, *, ngram_range: tuple[int, int] = (3, 5), seed: int = 0):
        if dimension < 2:
            raise ValueError(f"dimension: must be at least 2, got {dimension}")
        lo, hi = ngram_range
        if not 1 <= lo <= hi:
            raise ValueError(f"ngram_range: need 1 <= low <= high, got {ngram_range}")
        self._dimension = dimension
        self.ngram_range = ngram_range
        self.seed = seed
        self._salt = seed.to_bytes(8, "little", signed=True)
        self._slots: dict[str, tuple[int, float]] = {}  # memo: n-gram -> (index, sign)

    @property
    def name(self) -> str:
        lo, hi = self.ngram_range
        return f"hashing-d{self._dimension}-n{lo}{hi}-s{self.seed}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def _features(self, text: str) -> list[str]:
        words = re.findall(r"\w+", text.lower())
        lo, hi = self.ngram_range
        grams: list[str] = []
        for word in words:
            padded = f" {word} "
            grams.append(word)
            for n in range(lo, hi + 1):
                grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 0)))
        return grams or ["\x00empty"]

    def _vector(self, text: str) -> FloatMatrix:
        vec = np.zeros(self._dimension, dtype=np.float64)
        for gram in self._features(text):
            slot = self._slots.get(gram)
            if slot is None:
                digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8, salt=self._salt).digest()
                value = int.from_bytes(digest, "little")
                slot = self._slots[gram] = (value % self._dimension, 1.0 if (value >> 63) & 1 else -1.0)
            vec[slot[0]] += slot[1]
        if not vec.any():  # every feature cancelled out: still give a unit vector
            vec[int.from_bytes(hashlib.blake2b(text.encode("utf-8")).digest()[:4], "little") % len(vec)] = 1
        return (vec / np.linalg.norm(vec)).astype(np.float32)

    def encode(self, texts: list[str]) -> FloatMatrix:
        """Embed ``texts`` as an ``(n, dimension)`` float32 array with unit rows."""
        items = check_texts(texts)
        if not items:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in items])
