"""Settings and the admin's adjustments of the risk-based plan proposal (DESIGN 5.12)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import enum_type, utcnow
from inspect_app.models.enums import InspectionMode


class ProposalSetting(db.Model):
    """One weight or threshold of the proposal; a key without a row takes its default.

    Key/value rows, so that a new risk reason brings its weight without a migration.
    """

    __tablename__ = "proposal_settings"
    __table_args__ = (CheckConstraint("value >= 0", name="value_not_negative"),)

    key: Mapped[str] = mapped_column(String(48), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    def __repr__(self) -> str:
        return f"<ProposalSetting {self.key}={self.value}>"


class ProposalAdjustment(db.Model):
    """What the admin changed in one agency's line of a year's proposal, until the draft."""

    __tablename__ = "proposal_adjustments"
    __table_args__ = (
        UniqueConstraint("year", "agency_id", name="uq_proposal_adjustments_year_agency"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("year BETWEEN 2000 AND 2200", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    selected: Mapped[bool] = mapped_column(Boolean)
    mode: Mapped[InspectionMode] = mapped_column(enum_type(InspectionMode, "adjusted_mode"))
    #: 1–4: the quarter of the planned window.
    quarter: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    agency = relationship("Agency")

    def __repr__(self) -> str:
        return f"<ProposalAdjustment {self.year} agency={self.agency_id} {self.selected}>"
