"""Flask-Login wiring: sessions carry the user's session version."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from inspect_app.extensions import db
from inspect_app.models import AnonymousUser, User
from inspect_app.services import sessions


def load_user(session_id: str) -> User | None:
    """Resolve "id:version:token"; a stale version (password changed, user disabled), an
    ended session (logout) or one past its idle or absolute lifetime logs out."""
    user_id, version, token = (session_id.split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not version.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    if sessions.open_session(user.id, token) is None:
        return None
    user.session_token = token
    return user


def configure_login_manager(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.anonymous_user = AnonymousUser
    manager.login_view = "auth.login"
    manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    manager.login_message_category = "warning"
    manager.session_protection = "basic"
