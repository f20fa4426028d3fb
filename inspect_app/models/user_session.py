"""Sessions kept on the server, so that logging out ends a session wherever its cookie is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import utcnow


class UserSession(db.Model):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 hex of the random token the signed cookie carries; the token is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "Ghi nhớ đăng nhập": the longer lifetimes of a field laptop apply.
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: last request seen, updated at most every few minutes (for the idle lifetime).
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: set by logout; an ended session never comes back.
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")

    def __repr__(self) -> str:
        state = "ended" if self.ended_at else "open"
        return f"<UserSession {self.id} user={self.user_id} {state}>"
