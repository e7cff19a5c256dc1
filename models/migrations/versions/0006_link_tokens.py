"""registration.link_nonce: the random value every personal link of a registration carries, so
one person's links can be revoked (a new nonce) without rotating the signing key

Revision ID: 0006_link_tokens
Revises: 0005_outbox
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_link_tokens"
down_revision: str | None = "0005_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registration") as batch:
        batch.add_column(sa.Column("link_nonce", sa.String(length=32), nullable=True))
    registration = sa.table("registration", sa.column("id", sa.Integer), sa.column("link_nonce", sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(registration.c.id)).scalars().all()
    if ids:  # each existing registration its own random nonce (links made before stop working)
        connection.execute(
            sa.update(registration).where(registration.c.id == sa.bindparam("rid")),
            [{"rid": rid, "link_nonce": secrets.token_urlsafe(16)} for rid in ids],
        )
    with op.batch_alter_table("registration") as batch:
        batch.alter_column("link_nonce", existing_type=sa.String(length=32), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("registration") as batch:
        batch.drop_column("link_nonce")
