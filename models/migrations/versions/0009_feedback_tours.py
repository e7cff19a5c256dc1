"""Feedback and follow-up (a comment; did the cooperation happen, and what), the themes people
want next, tours of several events, the follow-up e-mail kind and the "other" cooperation type

Revision ID: 0009_feedback_tours
Revises: 0008_seating_requests
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision: str = "0009_feedback_tours"
down_revision: str | None = "0008_seating_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('before', 'live', 'feedback')"
NEW_KINDS = "kind IN ('before', 'live', 'feedback', 'followup')"
OTHER = {"kind": "cooperation_type", "code": "other"}


def _feedback_columns() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("comment", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("realised", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("realised_types", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("realised_note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("followed_up_at", UTCDateTime(), nullable=True))


def _mail_kinds(check: str) -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_constraint(op.f("ck_outbox_message_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_message_kind"), check)


def _seed_other(bind: sa.Connection) -> None:
    """Add the "other" cooperation type unless the first migration already seeded it (it seeds
    whatever the taxonomy holds when it runs)."""
    found = bind.execute(sa.text("SELECT 1 FROM theme WHERE kind = :kind AND code = :code"), OTHER).first()
    if found is None:
        bind.execute(
            sa.text(
                "INSERT INTO theme (code, kind, label_fi, label_sv, label_en)"
                " VALUES (:code, :kind, 'muu yhteistyö', 'annat samarbete', 'other cooperation')"
            ),
            OTHER,
        )


def upgrade() -> None:
    _feedback_columns()
    _mail_kinds(NEW_KINDS)
    _seed_other(op.get_bind())
    op.create_table(
        "theme_wish",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name="fk_theme_wish_event_id_event"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], ondelete="CASCADE", name="fk_theme_wish_person_id_person"
        ),
        sa.PrimaryKeyConstraint("event_id", "person_id", name="pk_theme_wish"),
    )
    op.create_table(
        "tour",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["organiser.id"], ondelete="SET NULL", name="fk_tour_organiser_id_organiser"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tour"),
    )
    op.create_table(
        "tour_event",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("tour_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], ondelete="CASCADE", name="fk_tour_event_event_id_event"
        ),
        sa.ForeignKeyConstraint(
            ["tour_id"], ["tour.id"], ondelete="CASCADE", name="fk_tour_event_tour_id_tour"
        ),
        sa.PrimaryKeyConstraint("event_id", name="pk_tour_event"),
    )
    op.create_index("ix_tour_event_tour_id", "tour_event", ["tour_id"])


def downgrade() -> None:
    op.drop_index("ix_tour_event_tour_id", table_name="tour_event")
    op.drop_table("tour_event")
    op.drop_table("tour")
    op.drop_table("theme_wish")
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM outbox_message WHERE kind = 'followup'"))
    _mail_kinds(OLD_KINDS)
    # The "other" cooperation type stays: the first migration may have seeded it, and feedback
    # rows may name it.
    with op.batch_alter_table("feedback") as batch:
        for column in ("followed_up_at", "realised_note", "realised_types", "realised", "comment"):
            batch.drop_column(column)
