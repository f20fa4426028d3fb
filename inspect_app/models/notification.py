"""In-app notifications: something needs a user's or an agency's attention."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inspect_app.extensions import db
from inspect_app.models.base import utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR agency_id IS NOT NULL", name="has_recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a single recipient, or every user of an agency.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    #: a path inside the app.
    link: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<Notification {self.id} user={self.user_id} agency={self.agency_id}>"
