"""users: the title (Ông/Bà) and position printed in the inspection record

Revision ID: 0014_user_title_position
Revises: 0013_evidence_upload_id
Create Date: 2026-12-07 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014_user_title_position"
down_revision = "0013_evidence_upload_id"
branch_labels = None
depends_on = None


def upgrade():
    # nullable ADD COLUMNs: no table rebuild on SQLite
    op.add_column("users", sa.Column("honorific", sa.String(length=8), nullable=True))
    op.add_column("users", sa.Column("position", sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("position")
        batch.drop_column("honorific")
