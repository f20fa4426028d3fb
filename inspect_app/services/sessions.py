"""Server-side sessions (DESIGN §7): logout, idle and absolute lifetimes end a session.

The signed session cookie (and the remember cookie) carry "user id:session version:token".
The token names a UserSession row; logging out marks the row ended, so a copied cookie stops
working at once, and a session also ends after a time without requests (idle) and after a
fixed time whatever happens (absolute). A remembered login ("Ghi nhớ đăng nhập", for field
laptops) has its own, longer pair of lifetimes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from inspect_app.extensions import db
from inspect_app.models import User, UserSession
from inspect_app.models.base import utcnow

TOKEN_BYTES = 32
#: last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lifetimes(remember: bool) -> tuple[timedelta, timedelta]:
    """(idle, absolute) lifetimes from the settings."""
    config = current_app.config
    if remember:
        return (
            timedelta(days=config["REMEMBER_IDLE_DAYS"]),
            config["REMEMBER_COOKIE_DURATION"],
        )
    return (
        timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        timedelta(hours=config["SESSION_MAX_HOURS"]),
    )


def start_session(user: User, *, remember: bool = False) -> str:
    """A new session for `user`; sets `user.session_token` (read by `get_id`) and returns it."""
    _forget_finished(user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token), remember=remember))
    db.session.flush()
    user.session_token = token
    return token


def _forget_finished(user: User) -> None:
    """Drop the user's ended sessions and those past any lifetime, so the table stays small."""
    oldest = utcnow() - max(lifetimes(True)[1], lifetimes(False)[1])
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.ended_at.is_not(None), UserSession.created_at < oldest),
        )
    )


def end_session(token: str | None) -> None:
    """Logout: the session's cookie, wherever it was copied, no longer logs anyone in."""
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def open_session(user_id: int, token: str) -> UserSession | None:
    """The user's session for this token, when not ended and within both lifetimes."""
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    idle, absolute = lifetimes(row.remember)
    now = utcnow()
    if now - _aware(row.created_at) > absolute or now - _aware(row.last_seen_at) > idle:
        return None
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        _touch(row.id, now)
    return row


def _touch(session_id: int, now: datetime) -> None:
    """Record activity in its own short transaction: a GET request commits nothing else."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
            )
    except SQLAlchemyError:  # best effort: a busy database must not fail the request
        current_app.logger.warning("could not record session activity", exc_info=True)
