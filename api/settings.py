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
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.spreadsheet import SheetLimits


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
    english_pairs: bool = Field(
        default=False,
        description=(
            "Also read need-offer pairs whose two statements are both English with MiniLM, as an even"
            " mix with the main model (matcher.routing); needs the st extra."
        ),
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "kohtaamo",
        description="Where embeddings and prepared model weights are kept between runs.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Signs participants' links and dashboard log-ins. Unset: a random key kept in"
            " cache_dir/secret_key (0600); `serve` beyond loopback needs it set."
        ),
    )
    link_token_days: int = Field(default=30, ge=1, description="How long a participant link stays valid.")
    bad_token_limit_per_minute: int = Field(
        default=30,
        ge=1,
        description="401 answers (bad tokens, links, log-ins) a client may get a minute before 429s.",
    )
    retention_months: int = Field(
        default=24, ge=1, description="`kohtaamo event purge` default: purge events older than this."
    )
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="Base of links in e-mails.")

    # E-mail to participants (api/mail/). Sending needs smtp_host and mail_from; a dry run needs neither.
    smtp_host: str | None = Field(default=None, description="SMTP server; unset: only dry runs (.eml files).")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port (587 STARTTLS, 465 TLS).")
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="starttls (upgrade after connecting), tls (from the start) or none."
    )
    smtp_username: str | None = Field(default=None, description="SMTP login, if the server wants one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, description="SMTP connect and reply timeout.")
    mail_from: str | None = Field(
        default=None, description='Sender of participants\' e-mails, e.g. "Soteuttamo <kohtaamo@example.fi>".'
    )
    mail_rate_per_minute: int = Field(default=120, ge=1, description="At most this many messages a minute.")
    mail_max_attempts: int = Field(default=5, ge=1, description="Tries per message on temporary failures.")
    outbox_dir: Path = Field(default=Path("outbox"), description="Where dry runs write their .eml files.")
    followup_months: int = Field(
        default=4, ge=1, le=24, description="Months after an event that its follow-up is due."
    )

    # The organisers' dashboard (api/pages/).
    session_max_age_hours: int = Field(default=12, ge=1, description="How long a dashboard log-in lasts.")
    session_cookie_secure: bool = Field(
        default=False, description="Send the dashboard cookie over HTTPS only (set it behind TLS)."
    )

    # Uploads and imports (api/routes/imports.py, kohtaamo import): over a limit is a 413.
    upload_max_mib: int = Field(default=20, ge=1, description="Largest registration file accepted, in MiB.")
    import_max_rows: int = Field(default=20_000, ge=1, description="Most data rows in one imported file.")
    import_max_unpacked_mib: int = Field(
        default=100, ge=1, description="Most an XLSX file may unpack to, in MiB (refuses zip bombs)."
    )

    # Background jobs (api/jobs.py): a job whose worker is silent this long is marked failed.
    job_heartbeat_seconds: float = Field(
        default=15.0, gt=0, description="How often workers renew their jobs."
    )
    job_stale_seconds: float = Field(
        default=120.0,
        gt=0,
        description="Silence after which a job's worker counts as dead (at least 2 beats).",
    )

    def sheet_limits(self) -> SheetLimits:
        """The import limits as the spreadsheet reader takes them."""
        mib = 1024 * 1024
        return SheetLimits(
            max_bytes=self.upload_max_mib * mib,
            max_rows=self.import_max_rows,
            max_unpacked_bytes=self.import_max_unpacked_mib * mib,
        )

    def body_max_bytes(self) -> int:
        """The largest request body: an upload at the limit plus its multipart framing."""
        return self.upload_max_mib * 1024 * 1024 + 64 * 1024


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
