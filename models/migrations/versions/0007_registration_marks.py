"""Event-day marks on the registration itself (checked_out_at, no_show, moved from the
separate attendance table, which goes), and a heartbeat on background jobs so that a job
whose worker died is not left "running" forever

Revision ID: 0007_registration_marks
Revises: 0006_link_tokens
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision: str = "0007_registration_marks"
down_revision: str | None = "0006_link_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch rebuild: on SQLite a rebuild drops the old table, and with
    # foreign keys on that would cascade-delete the attendance rows before they are copied.
    op.add_column("registration", sa.Column("checked_out_at", UTCDateTime(), nullable=True))
    no_show: sa.Column[bool] = sa.Column("no_show", sa.Boolean(), nullable=False, server_default=sa.false())
    op.add_column("registration", no_show)
    mark = "(SELECT a.{} FROM attendance a WHERE a.registration_id = registration.id)"
    op.execute(
        f"UPDATE registration SET checked_out_at = {mark.format('checked_out_at')},"
        f" no_show = COALESCE({mark.format('no_show')}, no_show)"
    )
    op.drop_table("attendance")
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("heartbeat_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("heartbeat_at")
    # The marks wait in a table without foreign keys while SQLite rebuilds registration.
    op.execute(
        "CREATE TABLE attendance_restore AS SELECT id AS registration_id, checked_out_at, no_show"
        " FROM registration WHERE checked_out_at IS NOT NULL OR no_show"
    )
    with op.batch_alter_table("registration") as batch:
        batch.drop_column("no_show")
        batch.drop_column("checked_out_at")
    op.create_table(
        "attendance",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("checked_out_at", UTCDateTime(), nullable=True),
        sa.Column("no_show", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            ondelete="CASCADE",
            name="fk_attendance_registration_id_registration",
        ),
        sa.PrimaryKeyConstraint("registration_id", name="pk_attendance"),
    )
    op.execute(
        "INSERT INTO attendance (registration_id, checked_out_at, no_show, updated_at)"
        " SELECT registration_id, checked_out_at, no_show, CURRENT_TIMESTAMP FROM attendance_restore"
    )
    op.drop_table("attendance_restore")
