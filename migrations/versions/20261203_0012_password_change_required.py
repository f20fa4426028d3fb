"""users: a password set by an admin must be changed at the next login

Revision ID: 0012_password_change_required
Revises: 0011_jobs
Create Date: 2026-12-03 13:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_password_change_required"
down_revision = "0011_jobs"
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN (with a default, so NOT NULL holds for the rows already there):
    # no table rebuild on SQLite
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
