"""Word templates the department uploaded in place of the shipped ones (contract 5.13)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import utcnow


class DocumentTemplate(db.Model):
    """One uploaded `.docx` per kind of document; no row means the shipped template is used."""

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "record", "notice", "annex" or "report" (inspect_app.documents.KINDS).
    kind: Mapped[str] = mapped_column(String(32), unique=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    #: the uploaded file's name, shown to admins only; never used as a path.
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    uploaded_by = relationship("User")

    def __repr__(self) -> str:
        return f"<DocumentTemplate {self.kind} {self.sha256[:8]}>"
