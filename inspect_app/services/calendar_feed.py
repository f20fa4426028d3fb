"""The iCalendar feed of an inspector's inspections (a per-user secret URL, DESIGN 5.10).

Outlook and Google Calendar subscribe to the URL; it carries a secret, of which only the
sha256 is kept (like API tokens), so the address is shown once when it is made.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import (
    Inspection,
    InspectionMode,
    InspectionStatus,
    Role,
    User,
    inspection_members,
)
from inspect_app.permissions import visible_inspections
from inspect_app.services import audit

#: planned windows older than this are left out of the feed.
PAST_DAYS = 365


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_feed_secret(user: User) -> str:
    """Make (or replace) the user's feed secret; returns it once. Flushes, never commits."""
    secret = secrets.token_urlsafe(32)
    user.calendar_token = _digest(secret)
    db.session.flush()
    audit.record("calendar_feed", user, after={"feed": "new"}, user=user)
    return secret


def revoke_feed(user: User) -> None:
    user.calendar_token = None
    db.session.flush()
    audit.record("calendar_feed", user, after={"feed": "revoked"}, user=user)


def user_for_secret(secret: str) -> User | None:
    """The active user whose feed this secret opens, or None."""
    if not secret or len(secret) > 100:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == _digest(secret)))
    return user if user is not None and user.active else None


def feed_inspections(user: User, today: date) -> list[Inspection]:
    """The inspections of the user's teams (an agency user: its own), with a planned window."""
    if user.role is Role.AGENCY:
        query = visible_inspections(user)
    else:
        member = exists().where(
            inspection_members.c.inspection_id == Inspection.id,
            inspection_members.c.user_id == user.id,
        )
        query = select(Inspection).where(or_(Inspection.lead_id == user.id, member))
    query = query.where(
        or_(Inspection.planned_from.is_not(None), Inspection.dossier_due.is_not(None)),
        or_(
            Inspection.planned_to >= today - timedelta(days=PAST_DAYS),
            Inspection.planned_from >= today - timedelta(days=PAST_DAYS),
            Inspection.dossier_due >= today - timedelta(days=PAST_DAYS),
        ),
    ).options(selectinload(Inspection.agency), selectinload(Inspection.lead))
    return list(db.session.scalars(query.order_by(Inspection.planned_from, Inspection.id)))


# --- RFC 5545 text ---------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF + space, never splitting a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _event(
    uid: str,
    start: date,
    end: date,
    summary: str,
    description: str,
    url: str,
    cancelled: bool,
    stamp: str,
) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_day(start)}",
        # DTEND of an all-day event is the day after the last one.
        f"DTEND;VALUE=DATE:{_day(end + timedelta(days=1))}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def feed_text(user: User, today: date | None = None) -> str:
    """The user's calendar as iCalendar text (CRLF line ends)."""
    today = today or clock.today()
    base = current_app.config["APP_BASE_URL"]
    host = base.split("://", 1)[-1].split("/", 1)[0] or "inspect_app"
    stamp = clock.utc_now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//inspect_app//Kiem tra HTQLCL//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape('Kiểm tra HTQLCL – ' + user.full_name)}",
        f"X-WR-TIMEZONE:{current_app.config['APP_TIMEZONE']}",
    ]
    for inspection in feed_inspections(user, today):
        url = f"{base}/inspections/{inspection.id}"
        cancelled = inspection.status is InspectionStatus.CANCELLED
        lead = inspection.lead.full_name if inspection.lead else "–"
        description = (
            f"{inspection.mode.label} – {inspection.status.label}\nTrưởng đoàn: {lead}\n{url}"
        )
        if inspection.planned_from:
            end = inspection.planned_to or inspection.planned_from
            summary = f"Kiểm tra HTQLCL: {inspection.agency.name} ({inspection.mode.label})"
            lines += _event(
                f"inspection-{inspection.id}@{host}",
                inspection.planned_from,
                end,
                summary,
                description,
                url,
                cancelled,
                stamp,
            )
        if inspection.mode is InspectionMode.DOSSIER and inspection.dossier_due:
            summary = f"Hạn nộp hồ sơ: {inspection.agency.name}"
            lines += _event(
                f"dossier-due-{inspection.id}@{host}",
                inspection.dossier_due,
                inspection.dossier_due,
                summary,
                description,
                url,
                cancelled,
                stamp,
            )
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
