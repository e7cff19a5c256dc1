"""Initial schema: organisations, people, events, registrations and the theme taxonomy.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.themes import theme_seed_rows

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SECTORS = "'private', 'public', 'third_sector', 'education_research', 'other'"


def upgrade() -> None:
    theme = op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("label_fi", sa.String(length=200), nullable=False),
        sa.Column("label_sv", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('theme', 'cooperation_type')", name=op.f("ck_theme_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("kind", "code", name="uq_theme_kind_code"),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("normalised_name", sa.String(length=300), nullable=False),
        sa.Column("business_id", sa.String(length=9), nullable=True),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("size_class", sa.String(length=16), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("offers", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.CheckConstraint(f"sector IN ({SECTORS})", name=op.f("ck_organisation_sector")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("business_id", name=op.f("uq_organisation_business_id")),
    )
    op.create_index(op.f("ix_organisation_normalised_name"), "organisation", ["normalised_name"], unique=True)
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint("status IN ('planning', 'live', 'closed')", name=op.f("ck_event_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("consent_email", sa.Boolean(), nullable=False),
        sa.Column("consent_share_contact", sa.Boolean(), nullable=False),
        sa.CheckConstraint("language IN ('fi', 'sv', 'en')", name=op.f("ck_person_language")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_person_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_index(op.f("ix_person_email"), "person", ["email"], unique=True)
    op.create_index(op.f("ix_person_organisation_id"), "person", ["organisation_id"], unique=False)
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.CheckConstraint("source IN ('pre_registered', 'walk_in')", name=op.f("ck_registration_source")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_registration_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_registration_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("person_id", "event_id", name="uq_registration_person_event"),
    )
    op.create_index(op.f("ix_registration_event_id"), "registration", ["event_id"], unique=False)
    op.bulk_insert(theme, theme_seed_rows())


def downgrade() -> None:
    op.drop_index(op.f("ix_registration_event_id"), table_name="registration")
    op.drop_table("registration")
    op.drop_index(op.f("ix_person_organisation_id"), table_name="person")
    op.drop_index(op.f("ix_person_email"), table_name="person")
    op.drop_table("person")
    op.drop_table("event")
    op.drop_index(op.f("ix_organisation_normalised_name"), table_name="organisation")
    op.drop_table("organisation")
    op.drop_table("theme")
