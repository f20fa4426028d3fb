"""Checklist templates (phiếu kiểm tra) and their items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import utcnow


class ChecklistTemplate(db.Model):
    """A versioned checklist; immutable once an inspection uses it."""

    __tablename__ = "checklist_templates"
    __table_args__ = (
        UniqueConstraint("name", "version", name="uq_checklist_templates_name_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    standard: Mapped[str] = mapped_column(String(64), default="TCVN ISO 9001:2015")
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: the version this one was copied from.
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_templates.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="template", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<ChecklistTemplate {self.name!r} v{self.version}>"


class ChecklistItem(db.Model):
    __tablename__ = "checklist_items"
    __table_args__ = (
        UniqueConstraint("template_id", "code", name="uq_checklist_items_template_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("checklist_templates.id", ondelete="CASCADE"), index=True
    )
    #: e.g. "A.1" (legal checks) or "4.3" (ISO 9001:2015 clause).
    code: Mapped[str] = mapped_column(String(16))
    group_code: Mapped[str] = mapped_column(String(16))
    group_title: Mapped[str] = mapped_column(String(255))
    group_title_en: Mapped[str] = mapped_column(String(255), default="")
    text: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    guidance: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<ChecklistItem {self.code}>"
