"""The taxonomy's themes and cooperation types as a table, with their three labels.

Example:
    >>> theme_seed_rows()[0]["code"]
    'freedom_of_choice'
"""

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from matcher.taxonomy import COOPERATION_TYPES, THEMES
from models.types import one_of
from models.validation import THEME_KINDS, check_choice


class ThemeBase(SQLModel):
    """A theme or cooperation type of the taxonomy, with its three labels."""

    code: str = Field(max_length=64)
    kind: str = Field(default="theme", max_length=32)
    label_fi: str = Field(max_length=200)
    label_sv: str = Field(max_length=200)
    label_en: str = Field(max_length=200)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return check_choice(value, THEME_KINDS)


class Theme(ThemeBase, table=True):
    """Seeded from :data:`matcher.taxonomy.THEMES` and ``COOPERATION_TYPES`` by the first migration.

    A code is unique within its kind ("recruitment" is both a theme and a cooperation type).
    """

    __table_args__ = (
        sa.UniqueConstraint("kind", "code", name="uq_theme_kind_code"),
        sa.CheckConstraint(one_of("kind", THEME_KINDS), name="kind"),
    )
    id: int | None = Field(default=None, primary_key=True)


class ThemePublic(ThemeBase):
    id: int


def theme_seed_rows() -> list[dict[str, str]]:
    """Rows the theme table is seeded with: every theme, then every cooperation type."""
    rows = []
    for kind, table in (("theme", THEMES), ("cooperation_type", COOPERATION_TYPES)):
        for label in table.values():
            rows.append(
                {
                    "code": label.code,
                    "kind": kind,
                    "label_fi": label.fi,
                    "label_sv": label.sv,
                    "label_en": label.en,
                }
            )
    return rows


# --------------------------------------------------------------------------- Organisation
