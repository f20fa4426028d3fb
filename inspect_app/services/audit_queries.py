"""Browsing the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import AuditLog, User
from inspect_app.models.base import search_key
from inspect_app.services.bounds import paginate


def object_types() -> list[str]:
    return list(
        db.session.scalars(select(AuditLog.object_type).distinct().order_by(AuditLog.object_type))
    )


def _start_of(day: date) -> datetime:
    # in UTC, as stored: SQLite keeps no offset and would compare local midnight as UTC.
    return datetime.combine(day, time.min, tzinfo=clock.app_timezone()).astimezone(UTC)


def audit_page(filters: dict, page: int, per_page: int):
    """Newest first, filtered by user, action, object and period (days in Vietnam time)."""
    query = select(AuditLog).options(selectinload(AuditLog.user)).order_by(AuditLog.id.desc())
    if filters.get("user"):
        query = query.join(AuditLog.user).where(User.username == filters["user"].strip())
    if filters.get("action"):
        query = query.where(AuditLog.action.like(f"%{search_key(filters['action'])}%"))
    if filters.get("object_type"):
        query = query.where(AuditLog.object_type == filters["object_type"])
    if filters.get("object_id"):
        query = query.where(AuditLog.object_id == int(filters["object_id"]))
    if filters.get("since"):
        query = query.where(AuditLog.at >= _start_of(filters["since"]))
    if filters.get("until"):
        query = query.where(AuditLog.at < _start_of(filters["until"] + timedelta(days=1)))
    return paginate(query, page, per_page)
