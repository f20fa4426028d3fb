"""Login throttling, kept in the database so that every gunicorn worker sees the same count.

Three caps, each over a sliding window of recent failures:
- one account from one address (guessing one password from one machine);
- one account from any address (the same guessing spread over many addresses, or behind
  `PROXY_FIX` with forged `X-Forwarded-For` headers), except from an address the account
  signed in from lately, so that its owner is not locked out by someone else's guessing;
- one address over all accounts (password spraying), over a shorter window and again not
  for the accounts that signed in from that address lately: an office behind one address is
  never locked out for long by one of its machines.
The message is the same whether or not the account exists.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, func, select

from inspect_app.extensions import db
from inspect_app.models import LoginAttempt
from inspect_app.models.base import utcnow

WINDOW = timedelta(minutes=15)
#: failures of one account from one address within WINDOW.
MAX_FAILURES_PER_ACCOUNT = 10
#: failures of one account from every address together within WINDOW.
MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS = 20
#: failures from one address over all accounts within IP_WINDOW (password spraying).
MAX_FAILURES_PER_IP = 50
IP_WINDOW = timedelta(minutes=5)
#: an address the account signed in from within this time is a known address.
KNOWN_ADDRESS_DAYS = timedelta(days=30)


def _normal(username: str) -> str:
    return username.strip().lower()[:64]


def _failures_since(window: timedelta, *conditions) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.at >= utcnow() - window, *conditions)
    )


def _is_known_address(username: str, ip: str) -> bool:
    return db.session.scalar(
        select(
            exists().where(
                LoginAttempt.username == username,
                LoginAttempt.ip == ip,
                LoginAttempt.succeeded.is_(True),
                LoginAttempt.at >= utcnow() - KNOWN_ADDRESS_DAYS,
            )
        )
    )


def is_throttled(username: str, ip: str) -> bool:
    """Whether this attempt must wait (see the module docstring for the three caps)."""
    username = _normal(username)
    by_account = LoginAttempt.username == username
    if _failures_since(WINDOW, by_account, LoginAttempt.ip == ip) >= MAX_FAILURES_PER_ACCOUNT:
        return True
    if _is_known_address(username, ip):
        return False
    if _failures_since(WINDOW, by_account) >= MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS:
        return True
    return _failures_since(IP_WINDOW, LoginAttempt.ip == ip) >= MAX_FAILURES_PER_IP


def record_attempt(username: str, ip: str, succeeded: bool) -> None:
    db.session.add(LoginAttempt(username=_normal(username), ip=ip[:64], succeeded=succeeded))
    db.session.flush()


def window_minutes() -> int:
    return int(WINDOW.total_seconds() // 60)
