"""Annual inspection plans and the decisions that amend them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import TimestampMixin, enum_type, utcnow
from inspect_app.models.enums import PlanStatus


class InspectionPlan(TimestampMixin, db.Model):
    __tablename__ = "inspection_plans"
    __table_args__ = (
        CheckConstraint("year BETWEEN 2000 AND 2200", name="year_range"),
        # Years imported from paper records may name no approving decision.
        CheckConstraint(
            "status = 'draft' OR decision_id IS NOT NULL OR is_historical",
            name="approved_has_decision",
        ),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[PlanStatus] = mapped_column(
        enum_type(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    #: the approving decision; required from approval on.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: created by the historical import for years kept on paper.
    is_historical: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    decision = relationship("Decision", foreign_keys=[decision_id])
    amendments: Mapped[list[PlanAmendment]] = relationship(
        back_populates="plan", order_by="PlanAmendment.id", cascade="all, delete-orphan"
    )
    inspections = relationship(
        "Inspection", back_populates="plan", order_by="Inspection.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<InspectionPlan {self.year} {self.status.value}>"


class PlanAmendment(db.Model):
    """An amending decision applied to an approved plan, with what it changed."""

    __tablename__ = "plan_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_plans.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    #: human-readable summary of the changes (added, cancelled inspections).
    changes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    plan: Mapped[InspectionPlan] = relationship(back_populates="amendments")
    decision = relationship("Decision")

    def __repr__(self) -> str:
        return f"<PlanAmendment plan={self.plan_id} decision={self.decision_id}>"
