"""Evidence files: metadata here, bytes in storage under generated ids."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import utcnow


class EvidenceFile(db.Model):
    __tablename__ = "evidence_files"
    __table_args__ = (
        CheckConstraint("size > 0", name="not_empty"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the agency the file belongs to; NULL for the department's own files (decisions).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    #: set when the file is evidence for one checklist item of the inspection.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_items.id"))
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    #: set for the department's scan of a decision.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    #: "evidence", "dossier", "announcement", "decision" or "response".
    purpose: Mapped[str] = mapped_column(String(16), default="evidence")
    #: kind of document for dossiers (e.g. "Sổ tay chất lượng").
    document_type: Mapped[str | None] = mapped_column(String(255))
    effective_on: Mapped[date | None] = mapped_column(Date)
    original_name: Mapped[str] = mapped_column(String(255))
    #: generated storage id of the blob; several rows may share one blob (same sha256).
    stored_id: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(128))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the id a device gave an upload it may send more than once (a photo taken offline):
    #: a resend finds this row instead of storing the file again.
    upload_id: Mapped[str | None] = mapped_column(String(36), index=True, unique=True)

    agency = relationship("Agency")
    inspection = relationship("Inspection")
    uploaded_by = relationship("User")
    decision = relationship("Decision", back_populates="files")

    def __repr__(self) -> str:
        return f"<EvidenceFile {self.id} {self.original_name!r}>"
