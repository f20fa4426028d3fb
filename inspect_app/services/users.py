"""Users, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Agency, ApiToken, Role, User
from inspect_app.models.base import utcnow
from inspect_app.models.user import HONORIFICS
from inspect_app.services import audit

TOKEN_BYTES = 32
MIN_PASSWORD_LENGTH = 8
#: checked when the username is unknown, so both failures take the same time.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH))


def create_user(
    username: str,
    *,
    role: Role,
    password: str,
    full_name: str | None = None,
    agency: Agency | None = None,
    email: str | None = None,
    password_hash: str | None = None,
    set_by_admin: bool = False,
    honorific: str | None = None,
    position: str | None = None,
) -> User:
    """Create a user; an `agency` user must be bound to exactly one agency.

    A password an admin chose (`set_by_admin`) must be changed at the first login."""
    username = username.strip()
    if not username:
        raise DomainError(_("Tên đăng nhập không được để trống."))
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DomainError(_("Tên đăng nhập %(u)s đã tồn tại.", u=username))
    check_role_binding(role, agency)
    if password_hash is None:
        validate_password(password)
        password_hash = hash_password(password)
    user = User(
        username=username,
        full_name=(full_name or username).strip(),
        honorific=_honorific(honorific),
        position=_position(position),
        role=role,
        agency=agency,
        email=email,
        password_hash=password_hash,
        must_change_password=set_by_admin,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("create", user, after=audit.snapshot(user))
    return user


def check_role_binding(role: Role, agency: Agency | None) -> None:
    """An `agency` user is bound to exactly one agency; nobody else is bound to one."""
    if role is Role.AGENCY and agency is None:
        raise DomainError(_("Người dùng vai trò cơ quan phải gắn với một cơ quan."))
    if role is not Role.AGENCY and agency is not None:
        raise DomainError(_("Chỉ người dùng vai trò cơ quan mới gắn với cơ quan."))


PROFILE_FIELDS = ["full_name", "honorific", "position", "email", "role", "agency_id", "active"]


def _honorific(value: str | None) -> str | None:
    """ "Ông", "Bà", or None (not recorded)."""
    value = (value or "").strip()
    if not value:
        return None
    if value not in HONORIFICS:
        raise DomainError(_("Danh xưng phải là “Ông” hoặc “Bà”."))
    return value


def _position(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    if len(value) > 255:
        raise DomainError(_("Chức vụ dài quá 255 ký tự."))
    return value or None


def update_user(
    user: User,
    *,
    full_name: str,
    email: str | None,
    role: Role,
    agency: Agency | None,
    active: bool,
    honorific: str | None,
    position: str | None,
) -> None:
    """Change a user's profile; a new role or a deactivation ends the user's sessions."""
    check_role_binding(role, agency)
    before = audit.snapshot(user, PROFILE_FIELDS)
    ends_sessions = role is not user.role or (user.active and not active)
    user.full_name = full_name.strip()
    user.honorific = _honorific(honorific)
    user.position = _position(position)
    user.email = (email or "").strip() or None
    user.role = role
    user.agency = agency
    user.active = active
    if ends_sessions:
        user.session_version += 1
    db.session.flush()
    old, new = audit.changes(before, audit.snapshot(user, PROFILE_FIELDS))
    audit.record("update", user, before=old, after=new)


def user_tokens(user: User) -> list[ApiToken]:
    """The user's API tokens, newest first (revoked ones too, for the admin page)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.record("revoke", token, after={"user_id": token.user_id, "prefix": token.prefix})


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None; timing does not reveal which failed."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH["hash"], password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def set_password(user: User, password: str, *, by_admin: bool = False) -> None:
    """Change the password and end every existing session and token of the user.

    A password an admin set (`by_admin`) is one the user must change at the next login;
    the user's own change clears that."""
    validate_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.must_change_password = by_admin
    db.session.flush()
    audit.record("password_change", user)


def set_active(user: User, active: bool) -> None:
    before = audit.snapshot(user, ["active"])
    user.active = active
    if not active:
        user.session_version += 1
    db.session.flush()
    audit.record("update", user, before=before, after=audit.snapshot(user, ["active"]))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token; the clear token is returned once and only its hash is kept."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        user=user,
        token_hash=_token_digest(token),
        prefix=token[:8],
        name=name,
        session_version=user.session_version,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("create", row, after={"user_id": user.id, "prefix": row.prefix, "name": name})
    return row, token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None when invalid or revoked."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = row.user
    if not user.active or row.session_version != user.session_version:
        return None
    return user
