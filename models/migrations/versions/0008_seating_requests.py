"""Meeting requests (who asked to meet whom), pairs kept apart at tables, and per registration a
pinned table (a host) and the facilitator mark

Revision ID: 0008_seating_requests
Revises: 0007_registration_marks
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision: str = "0008_seating_requests"
down_revision: str | None = "0007_registration_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person_pair_table(name: str, first: str, second: str, *extra: Any) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(first, sa.Integer(), nullable=False),
        sa.Column(second, sa.Integer(), nullable=False),
        *extra,
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name=f"fk_{name}_event_id_event"
        ),
        sa.ForeignKeyConstraint([first], ["person.id"], ondelete="CASCADE", name=f"fk_{name}_{first}_person"),
        sa.ForeignKeyConstraint(
            [second], ["person.id"], ondelete="CASCADE", name=f"fk_{name}_{second}_person"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        sa.UniqueConstraint("event_id", first, second, name=f"uq_{name}_pair"),
    )
    op.create_index(f"ix_{name}_event_id", name, ["event_id"])
    op.create_index(f"ix_{name}_{second}", name, [second])


def upgrade() -> None:
    _person_pair_table(
        "meeting_request",
        "requester_id",
        "requested_id",
        sa.Column("source", sa.String(16), nullable=False),
        sa.CheckConstraint("requester_id <> requested_id", name=op.f("ck_meeting_request_not_self")),
        sa.CheckConstraint("source IN ('organiser', 'participant')", name=op.f("ck_meeting_request_source")),
    )
    _person_pair_table(
        "apart_pair",
        "person_a_id",
        "person_b_id",
        sa.CheckConstraint("person_a_id < person_b_id", name=op.f("ck_apart_pair_ordered")),
    )
    with op.batch_alter_table("registration") as batch:
        batch.add_column(sa.Column("pinned_table", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("facilitator", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_check_constraint(
            op.f("ck_registration_pinned_table"), "pinned_table IS NULL OR pinned_table >= 1"
        )


def downgrade() -> None:
    with op.batch_alter_table("registration") as batch:
        batch.drop_constraint(op.f("ck_registration_pinned_table"), type_="check")
        batch.drop_column("facilitator")
        batch.drop_column("pinned_table")
    op.drop_index("ix_apart_pair_person_b_id", table_name="apart_pair")
    op.drop_index("ix_apart_pair_event_id", table_name="apart_pair")
    op.drop_table("apart_pair")
    op.drop_index("ix_meeting_request_requested_id", table_name="meeting_request")
    op.drop_index("ix_meeting_request_event_id", table_name="meeting_request")
    op.drop_table("meeting_request")
