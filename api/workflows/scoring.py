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

from api.workflows.errors import FieldError
from matcher import Embedder, Profile, TextEncoder, affinity
from models.profiles import event_profiles


def load_encoder(model: str | None, *, cache_dir: Path | None) -> TextEncoder:
    """The embedding model by its registered name (``None``: the default), with the persistent
    vector cache under ``cache_dir`` (``None``: the default folder). Weights load on first use."""
    return Embedder(model, cache_dir=cache_dir)


def score(profiles: Sequence[Profile], encoder: TextEncoder) -> npt.NDArray[np.float64]:
    """Affinity of every pair (``matcher.affinity``); colleagues score ``-inf``, which both
    planners treat as "never together"."""
    return np.asarray(affinity(list(profiles), encoder).matrix, dtype=np.float64)


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
