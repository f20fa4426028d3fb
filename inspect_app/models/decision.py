"""Decisions (quyết định) that approve or amend plans, or back other acts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import enum_type, utcnow
from inspect_app.models.enums import DecisionKind


class Decision(db.Model):
    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("issuer", "year", "number", name="uq_decisions_issuer_year_number"),
        CheckConstraint("year BETWEEN 1945 AND 2200", name="year_range"),
        CheckConstraint("amends_id IS NULL OR amends_id <> id", name="not_amends_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: as printed, e.g. "728/QĐ-UBND".
    number: Mapped[str] = mapped_column(String(64))
    signed_on: Mapped[date] = mapped_column(Date)
    #: the year of signed_on, stored so that uniqueness per issuer and year is a constraint.
    year: Mapped[int] = mapped_column(Integer)
    issuer: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[DecisionKind] = mapped_column(enum_type(DecisionKind, "decision_kind"))
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    amends: Mapped[Decision | None] = relationship(remote_side=[id])
    #: the scanned decision, if uploaded (EvidenceFile.decision_id points here).
    files = relationship("EvidenceFile", back_populates="decision", order_by="EvidenceFile.id")

    def __repr__(self) -> str:
        return f"<Decision {self.number} {self.signed_on}>"
