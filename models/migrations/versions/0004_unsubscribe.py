"""person.unsubscribed_at: when someone asked for no more e-mail (kept apart from the consent
flag, so a re-import that says "consent: yes" does not undo it)

Revision ID: 0004_unsubscribe
Revises: 0003_plan_kind
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision: str = "0004_unsubscribe"
down_revision: str | None = "0003_plan_kind"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("unsubscribed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("unsubscribed_at")
