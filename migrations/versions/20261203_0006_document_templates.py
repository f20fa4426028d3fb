"""document templates: the department's own Word templates of the official documents

Revision ID: 0006_document_templates
Revises: 0005_offline_safety
Create Date: 2026-12-03 06:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0006_document_templates"
down_revision = "0005_offline_safety"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"],
            name=op.f("fk_document_templates_uploaded_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_templates")),
        sa.UniqueConstraint("kind", name=op.f("uq_document_templates_kind")),
    )


def downgrade():
    op.drop_table("document_templates")
