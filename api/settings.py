"""The one settings object. Read only in ``api/``; algorithms receive plain parameters.

Every field can be set by an environment variable with the ``KOHTAAMO_`` prefix
(``DATABASE_URL`` is also accepted without it) or in a ``.env`` file.

Example:
    >>> Settings(database_url="sqlite:///x.db").database_url
    'sqlite:///x.db'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of a Kohtaamo installation."""

    model_config = SettingsConfigDict(env_prefix="KOHTAAMO_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///kohtaamo.db",
        validation_alias=AliasChoices("KOHTAAMO_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL; SQLite by default, PostgreSQL for several workers or hosts.",
    )
    model: str | None = Field(
        default=None,
        description="Embedding model: a backend name or a sentence-transformers directory/name.",
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "kohtaamo",
        description="Where embeddings and prepared model weights are kept between runs.",
    )
    secret_key: str = Field(
        default="change-me-in-production",
        description="Signs participants' personal link tokens.",
    )
    link_token_days: int = Field(default=30, ge=1, description="How long a participant link stays valid.")
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="Base of links in e-mails.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
