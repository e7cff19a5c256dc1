"""API tables: organisers and their events, stored suggestions, feedback, jobs, table plans,
attendance marks (check-out, no-show)

Revision ID: 0002_api
Revises: 0001_initial
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision: str = "0002_api"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organiser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organiser")),
    )
    op.create_index("ix_organiser_email", "organiser", ["email"], unique=True)
    op.create_table(
        "event_organiser",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name="fk_event_organiser_event_id_event"
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organiser.id"],
            ondelete="CASCADE",
            name="fk_event_organiser_organiser_id_organiser",
        ),
        sa.PrimaryKeyConstraint("event_id", "organiser_id", name="pk_event_organiser"),
    )
    op.create_table(
        "stored_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name="fk_stored_suggestion_event_id_event"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], ondelete="CASCADE", name="fk_stored_suggestion_person_id_person"
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["person.id"], ondelete="CASCADE", name="fk_stored_suggestion_target_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stored_suggestion"),
        sa.UniqueConstraint("event_id", "person_id", "rank", name="uq_stored_suggestion_rank"),
    )
    op.create_index("ix_stored_suggestion_event_person", "stored_suggestion", ["event_id", "person_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("usefulness", sa.Integer(), nullable=True),
        sa.Column("cooperation_agreed", sa.Boolean(), nullable=False),
        sa.Column("cooperation_types", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name="fk_feedback_event_id_event"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], ondelete="CASCADE", name="fk_feedback_person_id_person"
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["person.id"], ondelete="CASCADE", name="fk_feedback_target_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.UniqueConstraint("event_id", "person_id", "target_id", name="uq_feedback_pair"),
    )
    op.create_index("ix_feedback_event_id", "feedback", ["event_id"])
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.String(2000), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE", name="fk_job_event_id_event"),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["organiser.id"], ondelete="SET NULL", name="fk_job_organiser_id_organiser"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_job"),
    )
    op.create_index("ix_job_event_id", "job", ["event_id"])
    op.create_table(
        "stored_table_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("person_ids", sa.JSON(), nullable=False),
        sa.Column("assignment", sa.JSON(), nullable=False),
        sa.Column("locked_rounds", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("violations", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name="fk_stored_table_plan_event_id_event"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stored_table_plan"),
    )
    op.create_index("ix_stored_table_plan_event_id", "stored_table_plan", ["event_id"])
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


def downgrade() -> None:
    op.drop_table("attendance")
    op.drop_index("ix_stored_table_plan_event_id", table_name="stored_table_plan")
    op.drop_table("stored_table_plan")
    op.drop_index("ix_job_event_id", table_name="job")
    op.drop_table("job")
    op.drop_index("ix_feedback_event_id", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_stored_suggestion_event_person", table_name="stored_suggestion")
    op.drop_table("stored_suggestion")
    op.drop_table("event_organiser")
    op.drop_index("ix_organiser_email", table_name="organiser")
    op.drop_table("organiser")
