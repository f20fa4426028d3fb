"""Public announcements of QMS conformity (công bố HTQLCL phù hợp TCVN ISO 9001)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import enum_type, utcnow
from inspect_app.models.enums import AnnouncementStatus, Standard


class ConformityAnnouncement(db.Model):
    __tablename__ = "conformity_announcements"
    __table_args__ = (
        CheckConstraint(
            "(status = 'returned') = (return_reason IS NOT NULL)", name="returned_has_reason"
        ),
        CheckConstraint(
            "status <> 'acknowledged' OR acknowledged_at IS NOT NULL", name="acknowledged_has_date"
        ),
        CheckConstraint(
            "procedures_count IS NULL OR procedures_count >= 0", name="procedures_count"
        ),
        CheckConstraint("supersedes_id IS NULL OR supersedes_id <> id", name="not_supersede_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    announced_on: Mapped[date] = mapped_column(Date)
    standard: Mapped[Standard] = mapped_column(enum_type(Standard, "standard"))
    scope: Mapped[str] = mapped_column(Text)
    #: administrative procedures (TTHC) covered by the QMS scope.
    procedures_count: Mapped[int | None] = mapped_column(Integer)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_files.id"))
    status: Mapped[AnnouncementStatus] = mapped_column(
        enum_type(AnnouncementStatus, "announcement_status"), default=AnnouncementStatus.SUBMITTED
    )
    return_reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("conformity_announcements.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    agency = relationship("Agency")
    file = relationship("EvidenceFile")
    supersedes: Mapped[ConformityAnnouncement | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<ConformityAnnouncement {self.number} agency={self.agency_id}>"
