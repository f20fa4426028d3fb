"""Login attempts, shared by every worker through the database, for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inspect_app.extensions import db
from inspect_app.models.base import utcnow


class LoginAttempt(db.Model):
    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_ip_at", "username", "ip", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the username as typed, lower-cased (also for unknown users).
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.username}@{self.ip} ok={self.succeeded}>"
