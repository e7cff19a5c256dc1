"""The engine's view of one participant: a plain, frozen record with no database in it.

``models`` maps its rows to :class:`Profile` (one per registered person, carrying the
organisation's offers, needs and themes); everything in ``matcher`` works on these.

Example:
    >>> p = Profile(id="p1", organisation="Hoivapalvelu Oy", sector="private",
    ...             offers=("kotihoidon yöpartiointi",), needs=("digitaalinen asiakaspalvelu",))
    >>> p.sector
    'private'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.taxonomy import LANGUAGES, SECTORS, THEMES


@dataclass(frozen=True)
class Profile:
    """One participant as the engine sees it.

    ``offers`` and ``needs`` are single statements (one service, one wish each), because
    complementarity is scored statement by statement; :func:`split_statements` turns a
    free-text field into such items. ``themes`` are codes of :data:`matcher.taxonomy.THEMES`;
    ``keywords`` are free words. ``organisation`` is the key for "same organisation"
    exclusions, so two people of one organisation are never suggested to each other.
    """

    id: str
    organisation: str
    sector: str
    region: str | None = None
    description: str = ""
    offers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    language: str = "fi"

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("id: must not be empty")
        if self.sector not in SECTORS:
            raise ValueError(f"sector: {self.sector!r} of profile {self.id!r} is not one of {SECTORS}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language: {self.language!r} of profile {self.id!r} is not fi, sv or en")
        unknown = [t for t in self.themes if t not in THEMES]
        if unknown:
            raise ValueError(f"themes: {unknown!r} of profile {self.id!r} are not taxonomy codes")
        for name in ("offers", "needs", "themes", "keywords"):
            if isinstance(getattr(self, name), str):
                raise TypeError(f"{name}: give a tuple of strings, not one string (profile {self.id!r})")


def split_statements(text: str) -> tuple[str, ...]:
    """Split a free-text offers/needs field into single statements.

    Organisers' spreadsheets hold one cell per field; people separate items with new
    lines, semicolons, bullets or full stops. Empty pieces are dropped.

    Example:
        >>> split_statements("kotihoito; yöpartiointi\\n- kuntoutus. Ruokapalvelu")
        ('kotihoito', 'yöpartiointi', 'kuntoutus', 'Ruokapalvelu')
    """
    pieces = re.split(r"[\n;•]+|(?<=[.!?])\s+|^\s*[-*]\s+", text, flags=re.MULTILINE)
    items = []
    for piece in pieces:
        cleaned = piece.strip().lstrip("-*").strip().rstrip(".").strip()
        if cleaned:
            items.append(cleaned)
    return tuple(items)
