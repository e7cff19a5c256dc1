"""Kohtaamo's pure matching engine: profiles in, scores, suggestions and seating plans out.

Nothing here imports a database, a web framework or e-mail code (a test enforces it).
Each public name is re-exported from the module that owns it.
"""

from matcher.profile import Profile, split_statements
from matcher.taxonomy import COOPERATION_TYPES, REGIONS, SECTORS, THEMES

__all__ = [
    "COOPERATION_TYPES",
    "REGIONS",
    "SECTORS",
    "THEMES",
    "Profile",
    "split_statements",
]
