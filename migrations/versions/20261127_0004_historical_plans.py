"""a historical plan (imported from paper records) may have no approving decision

Revision ID: 0004_historical_plans
Revises: 0003_audit_append_only
Create Date: 2026-11-27 12:40:00

"""

from alembic import op

revision = "0004_historical_plans"
down_revision = "0003_audit_append_only"
branch_labels = None
depends_on = None

NAME = "approved_has_decision"


def upgrade():
    with op.batch_alter_table("inspection_plans") as batch:
        batch.drop_constraint(op.f(f"ck_inspection_plans_{NAME}"), type_="check")
        batch.create_check_constraint(
            NAME, "status = 'draft' OR decision_id IS NOT NULL OR is_historical"
        )


def downgrade():
    with op.batch_alter_table("inspection_plans") as batch:
        batch.drop_constraint(op.f(f"ck_inspection_plans_{NAME}"), type_="check")
        batch.create_check_constraint(NAME, "status = 'draft' OR decision_id IS NOT NULL")
