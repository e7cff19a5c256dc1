"""Persistent embedding vectors, so a re-run embeds only new or changed texts.

Example:
    >>> import tempfile
    >>> cache = EmbeddingCache(Path(tempfile.mkdtemp()) / "vectors.sqlite3")
    >>> cache.count()
    0
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.encoders.base import FloatMatrix


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

    def discard(self, texts: Sequence[str]) -> int:
        """Remove the vectors of ``texts`` under every model (e.g. when the text's owner asks
        for erasure); returns how many were removed.

        Example:
            >>> import tempfile
            >>> cache = EmbeddingCache(Path(tempfile.mkdtemp()) / "vectors.sqlite3")
            >>> cache.put("m", ["a", "b"], np.ones((2, 2), dtype=np.float32))
            >>> cache.discard(["a", "zzz"]), cache.count()
            (1, 1)
        """
        keys = [self.key(t) for t in texts]
        removed = 0
        conn = self._connect()
        try:
            with conn:
                for start in range(0, len(keys), self._CHUNK):
                    chunk = keys[start : start + self._CHUNK]
                    marks = ",".join("?" * len(chunk))
                    removed += conn.execute(
                        f"DELETE FROM vectors WHERE text_sha IN ({marks})", chunk
                    ).rowcount
        finally:
            conn.close()
        return removed

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
