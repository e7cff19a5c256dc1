"""The embedding model and the pair scores that suggestions and plans start from.

Example:
    >>> from matcher import Profile
    >>> people = [Profile(id=str(i), organisation=str(i), sector="public", offers=("x",)) for i in range(3)]
    >>> score(people, load_encoder("hashing", cache_dir=None)).shape
    (3, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlmodel import Session

from api.settings import Settings
from api.workflows.errors import FieldError
from matcher import Embedder, Profile, TextEncoder, affinity
from matcher.embed import english_minilm
from matcher.routing import EnglishModel
from models.profiles import event_profiles


class EventEncoder:
    """The embedding model, and the English model that also reads English pairs when the
    installation asks for it (``KOHTAAMO_ENGLISH_PAIRS``): a text encoder itself (it encodes
    with the main model), so it goes wherever an encoder goes, and :func:`english_of` finds
    the English model again at the two places that score pairs."""

    def __init__(self, encoder: TextEncoder, english: EnglishModel | None = None) -> None:
        self.encoder = encoder
        self.english = english

    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def encode(self, texts: list[str]) -> Any:
        return self.encoder.encode(texts)


def english_of(encoder: TextEncoder) -> EnglishModel | None:
    """The English model an encoder carries (:class:`EventEncoder`, or a wrapper such as the
    command line's progress bar that passes ``english`` on), else ``None``."""
    english = getattr(encoder, "english", None)
    return english if isinstance(english, EnglishModel) else None


def load_encoder(model: str | None, *, cache_dir: Path | None, english_pairs: bool = False) -> EventEncoder:
    """The embedding model by its registered name (``None``: the default), with the persistent
    vector cache under ``cache_dir`` (``None``: the default folder); with ``english_pairs``,
    MiniLM for English pairs too (:func:`matcher.embed.english_minilm`; a clear error where the
    ``st`` extra is missing). Weights load on first use."""
    english = None
    if english_pairs:
        try:
            english = english_minilm(cache_dir=cache_dir)
        except RuntimeError as exc:
            raise FieldError("KOHTAAMO_ENGLISH_PAIRS", f"{exc} (the st extra)") from exc
    return EventEncoder(Embedder(model, cache_dir=cache_dir), english)


def settings_encoder(settings: Settings, model: str | None = None) -> EventEncoder:
    """:func:`load_encoder` as the installation's settings say (``model`` overrides
    ``settings.model``, as the command line's ``--model`` does)."""
    return load_encoder(
        model if model is not None else settings.model,
        cache_dir=settings.cache_dir,
        english_pairs=settings.english_pairs,
    )


def score(profiles: Sequence[Profile], encoder: TextEncoder) -> npt.NDArray[np.float64]:
    """Affinity of every pair (``matcher.affinity``); colleagues score ``-inf``, which both
    planners treat as "never together"."""
    scores = affinity(list(profiles), encoder, english=english_of(encoder))
    return np.asarray(scores.matrix, dtype=np.float64)


def plan_inputs(
    session: Session, event_id: int, *, present_only: bool, encoder: TextEncoder
) -> tuple[list[Profile], npt.NDArray[Any]]:
    """The people to seat (see :mod:`models.participation`) and their pair scores; fewer than
    two is an error naming the people."""
    profiles = seatable_profiles(session, event_id, present_only=present_only)
    return profiles, score(profiles, encoder)


def seatable_profiles(session: Session, event_id: int, *, present_only: bool) -> list[Profile]:
    """The people to seat (see :mod:`models.participation`); fewer than two is an error naming
    the people."""
    profiles = event_profiles(session, event_id, present_only=present_only)
    if len(profiles) < 2:
        who = "present" if present_only else "registered"
        raise FieldError("people", f"{len(profiles)} {who} participant(s) to seat; at least 2 are needed")
    return profiles
