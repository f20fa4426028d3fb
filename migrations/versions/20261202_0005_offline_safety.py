"""offline safety: late answers and superseded conflicts, refused ops' content, device reports

Revision ID: 0005_offline_safety
Revises: 0004_historical_plans
Create Date: 2026-12-02 21:31:57

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_offline_safety"
down_revision = "0004_historical_plans"
branch_labels = None
depends_on = None

RESOLUTION_CHECK = "ck_answer_conflicts_conflict_resolution"


def upgrade():
    op.create_table(
        "device_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("pending >= 0", name=op.f("ck_device_reports_pending_not_negative")),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_device_reports_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_device_reports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_reports")),
        sa.UniqueConstraint(
            "inspection_id", "user_id", "device_id", name="uq_device_reports_device"
        ),
    )
    with op.batch_alter_table("device_reports") as batch:
        batch.create_index(batch.f("ix_device_reports_inspection_id"), ["inspection_id"])

    with op.batch_alter_table("answer_conflicts") as batch:
        batch.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "conflict",
                    "late",
                    name="conflict_kind",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="conflict",
            )
        )
        batch.drop_constraint(op.f(RESOLUTION_CHECK), type_="check")
        batch.create_check_constraint(
            "conflict_resolution", "resolution IN ('keep_server', 'take_client', 'superseded')"
        )
    with op.batch_alter_table("answer_conflicts") as batch:
        batch.alter_column("kind", server_default=None)

    with op.batch_alter_table("sync_ops") as batch:
        batch.add_column(sa.Column("content", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("sync_ops") as batch:
        batch.drop_column("content")
    op.execute("DELETE FROM answer_conflicts WHERE resolution = 'superseded' OR kind = 'late'")
    with op.batch_alter_table("answer_conflicts") as batch:
        batch.drop_constraint(op.f(RESOLUTION_CHECK), type_="check")
        batch.create_check_constraint(
            "conflict_resolution", "resolution IN ('keep_server', 'take_client')"
        )
        batch.drop_constraint(op.f("ck_answer_conflicts_conflict_kind"), type_="check")
        batch.drop_column("kind")
    with op.batch_alter_table("device_reports") as batch:
        batch.drop_index(batch.f("ix_device_reports_inspection_id"))
    op.drop_table("device_reports")
