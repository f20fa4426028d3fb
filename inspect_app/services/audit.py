"""Recording changes in the append-only audit log."""

from __future__ import annotations

import enum
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user

from inspect_app.extensions import db
from inspect_app.models import AuditLog

#: column names whose values never reach the log.
SECRET_FIELDS = frozenset({"password_hash", "token_hash", "password", "token"})
#: the client address of the request being served; the web layer sets and clears it
#: (web/security.py), so that this service never reads the request.
client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str] | None = None) -> dict:
    """The object's column values as plain JSON, secrets left out."""
    columns = fields or [c.key for c in obj.__table__.columns]
    return {name: _plain(getattr(obj, name)) for name in columns if name not in SECRET_FIELDS}


def record(
    action: str,
    obj: Any | None = None,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    user=None,
) -> AuditLog:
    """Append one audit row describing a change by the current (or given) user."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    entry = AuditLog(
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        before=_plain(before) if before else None,
        after=_plain(after) if after else None,
        user_id=getattr(user, "id", None),
        ip=client_address.get() if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the fields that changed, for a compact before → after."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
