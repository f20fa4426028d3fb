"""Findings (điểm không phù hợp, khuyến nghị) and the corrective-action thread."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import TimestampMixin, enum_type, utcnow
from inspect_app.models.enums import FindingStatus, Severity


class Finding(TimestampMixin, db.Model):
    __tablename__ = "findings"
    __table_args__ = (
        CheckConstraint(
            "status <> 'closed' OR (verified_at IS NOT NULL AND verified_by_id IS NOT NULL)",
            name="closed_is_verified",
        ),
        CheckConstraint(
            "status <> 'responded' OR responded_at IS NOT NULL", name="responded_has_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_items.id"))
    severity: Mapped[Severity] = mapped_column(enum_type(Severity, "finding_severity"))
    description: Mapped[str] = mapped_column(Text)
    #: the requirement not met, usually an ISO 9001:2015 clause such as "7.5.3".
    requirement: Mapped[str] = mapped_column(String(255), default="")
    corrective_action_required: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[FindingStatus] = mapped_column(
        enum_type(FindingStatus, "finding_status"), default=FindingStatus.OPEN, index=True
    )
    root_cause: Mapped[str | None] = mapped_column(Text)
    #: what the agency did (hành động khắc phục).
    agency_response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    inspection = relationship("Inspection")
    item = relationship("ChecklistItem")
    responded_by = relationship("User", foreign_keys=[responded_by_id])
    verified_by = relationship("User", foreign_keys=[verified_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    events: Mapped[list[FindingEvent]] = relationship(
        back_populates="finding", order_by="FindingEvent.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Finding {self.id} {self.severity.value} {self.status.value}>"


class FindingEvent(db.Model):
    """One step of the corrective-action thread: response, verification, reopening."""

    __tablename__ = "finding_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: "created", "responded", "closed", "reopened" or "comment".
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="events")
    author = relationship("User")

    def __repr__(self) -> str:
        return f"<FindingEvent {self.kind} finding={self.finding_id}>"
