"""evidence_files: the device's id of an upload, so that a resend is stored once

Revision ID: 0013_evidence_upload_id
Revises: 0012_password_change_required
Create Date: 2026-12-07 01:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013_evidence_upload_id"
down_revision = "0012_password_change_required"
branch_labels = None
depends_on = None


def upgrade():
    # a nullable ADD COLUMN and an index: no table rebuild on SQLite
    op.add_column("evidence_files", sa.Column("upload_id", sa.String(length=36), nullable=True))
    op.create_index("ix_evidence_files_upload_id", "evidence_files", ["upload_id"], unique=True)


def downgrade():
    op.drop_index("ix_evidence_files_upload_id", table_name="evidence_files")
    with op.batch_alter_table("evidence_files") as batch:
        batch.drop_column("upload_id")
