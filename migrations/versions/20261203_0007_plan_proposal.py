"""plan proposal: its weights and thresholds, and the admin's adjustments per year

Revision ID: 0007_plan_proposal
Revises: 0006_document_templates
Create Date: 2026-12-03 06:10:56

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_plan_proposal"
down_revision = "0006_document_templates"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proposal_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "on_site",
                "dossier",
                name="adjusted_mode",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "quarter BETWEEN 1 AND 4", name=op.f("ck_proposal_adjustments_quarter_range")
        ),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2200", name=op.f("ck_proposal_adjustments_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_proposal_adjustments_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_proposal_adjustments_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_adjustments")),
        sa.UniqueConstraint("year", "agency_id", name="uq_proposal_adjustments_year_agency"),
    )
    with op.batch_alter_table("proposal_adjustments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_adjustments_year"), ["year"], unique=False)

    op.create_table(
        "proposal_settings",
        sa.Column("key", sa.String(length=48), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_proposal_settings_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_proposal_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_proposal_settings")),
    )


def downgrade():
    op.drop_table("proposal_settings")
    with op.batch_alter_table("proposal_adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_adjustments_year"))

    op.drop_table("proposal_adjustments")
