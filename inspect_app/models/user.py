"""Users, their roles, and API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import TimestampMixin, enum_type, utcnow
from inspect_app.models.enums import Role

#: how a person is named in the department's documents ("Ông Nguyễn Văn A"); a person whose
#: title is not recorded prints as "Ông/Bà".
HONORIFICS = ("Ông", "Bà")
UNKNOWN_HONORIFIC = "Ông/Bà"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'agency') = (agency_id IS NOT NULL)", name="agency_role_has_agency"
        ),
        CheckConstraint("session_version >= 1", name="session_version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    #: "Ông" or "Bà" (HONORIFICS), printed before the name in records; NULL when not given.
    honorific: Mapped[str | None] = mapped_column(String(8))
    #: the person's position ("Chuyên viên Phòng Quản lý Tiêu chuẩn Chất lượng").
    position: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    #: the one agency an `agency` user works for; NULL for every other role.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    #: bumped on password change or deactivation, which ends existing sessions.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: reminders and digests by e-mail (5.10); the user turns them off on the account page.
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: the password was set by an admin (new account, reset): changed at the next login.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    #: sha256 of the secret in the user's iCalendar feed URL; NULL until they ask for one.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    agency = relationship("Agency")
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def title_and_name(self) -> str:
        """ "Bà Trần Thị Hoa", or "Ông/Bà Trần Thị Hoa" when the title is not recorded."""
        return f"{self.honorific or UNKNOWN_HONORIFIC} {self.full_name}"

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    #: the server-side session of the current request (services.sessions), not a column.
    session_token = None

    def get_id(self) -> str:
        # The session stores id and version, so bumping the version logs the user out
        # everywhere, and the token of its server-side session, which logout ends.
        return f"{self.id}:{self.session_version}:{self.session_token or ''}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class AnonymousUser(AnonymousUserMixin):
    """The visitor without a login: has no role, so every role check is simply false."""

    role = None
    agency_id = None
    is_admin = False

    def has_role(self, *roles: Role) -> bool:
        return False


class ApiToken(db.Model):
    """A bearer token for /api/v1; only its sha256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 hex of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters of the token, to tell tokens apart in lists.
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(255), default="")
    #: the user's session_version at creation; a password change invalidates the token.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… user={self.user_id}>"
