"""Login throttling, kept in the database so that every gunicorn worker sees the same count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import LoginAttempt
from inspect_app.models.base import utcnow

WINDOW = timedelta(minutes=15)
#: failures of one account from one address within the window.
MAX_FAILURES_PER_ACCOUNT = 10
#: failures from one address over all accounts (password spraying).
MAX_FAILURES_PER_IP = 50


def _failures_since(*conditions) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.at >= utcnow() - WINDOW, *conditions)
    )


def is_throttled(username: str, ip: str) -> bool:
    """Too many recent failures for this account from this address, or from this address."""
    username = username.strip().lower()[:64]
    account = _failures_since(LoginAttempt.username == username, LoginAttempt.ip == ip)
    return account >= MAX_FAILURES_PER_ACCOUNT or _failures_since(LoginAttempt.ip == ip) >= (
        MAX_FAILURES_PER_IP
    )


def record_attempt(username: str, ip: str, succeeded: bool) -> None:
    db.session.add(
        LoginAttempt(username=username.strip().lower()[:64], ip=ip[:64], succeeded=succeeded)
    )
    db.session.flush()


def window_minutes() -> int:
    return int(WINDOW.total_seconds() // 60)
