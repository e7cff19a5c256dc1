"""The e-mail outbox (every message recorded before it is sent) and round schedules (when
each round of an event's tables or 1:1 meetings happens)

Revision ID: 0005_outbox
Revises: 0004_unsubscribe
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision: str = "0005_outbox"
down_revision: str | None = "0004_unsubscribe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAIL_KINDS = "kind IN ('before', 'live', 'feedback')"
STATUSES = "status IN ('queued', 'sending', 'sent', 'deferred', 'failed', 'superseded')"


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(998), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("calendar_rounds", sa.JSON(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("smtp_code", sa.Integer(), nullable=True),
        sa.Column("smtp_reply", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name="fk_outbox_message_event_id_event"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], ondelete="CASCADE", name="fk_outbox_message_person_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_message"),
        sa.UniqueConstraint(
            "event_id", "person_id", "kind", "content_hash", "sequence", name="uq_outbox_message_key"
        ),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_message_id"),
        sa.CheckConstraint(MAIL_KINDS, name=op.f("ck_outbox_message_kind")),
        sa.CheckConstraint(STATUSES, name=op.f("ck_outbox_message_status")),
    )
    op.create_index("ix_outbox_message_person_id", "outbox_message", ["person_id"])
    op.create_index("ix_outbox_message_event_kind_status", "outbox_message", ["event_id", "kind", "status"])
    op.create_table(
        "round_schedule",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("round_minutes", sa.Integer(), nullable=False),
        sa.Column("gap_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name="fk_round_schedule_event_id_event"
        ),
        sa.PrimaryKeyConstraint("event_id", "kind", name="pk_round_schedule"),
        sa.CheckConstraint("kind IN ('tables', 'meetings')", name=op.f("ck_round_schedule_kind")),
    )


def downgrade() -> None:
    op.drop_table("round_schedule")
    op.drop_index("ix_outbox_message_event_kind_status", table_name="outbox_message")
    op.drop_index("ix_outbox_message_person_id", table_name="outbox_message")
    op.drop_table("outbox_message")
