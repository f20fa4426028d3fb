"""Outgoing e-mail, queued in the database first, and the reminders already sent (5.10)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspect_app.extensions import db
from inspect_app.models.base import enum_type, utcnow
from inspect_app.models.enums import LabelledEnum


class MailStatus(LabelledEnum):
    QUEUED = "queued"
    #: claimed by a worker that is sending it right now.
    SENDING = "sending"
    SENT = "sent"
    #: gave up after the last retry; an admin may resend it.
    FAILED = "failed"
    #: not sent because what it reminded of was answered in the meantime.
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "queued": _l("Chờ gửi"),
            "sending": _l("Đang gửi"),
            "sent": _l("Đã gửi"),
            "failed": _l("Gửi lỗi"),
            "cancelled": _l("Đã hủy"),
        }


class OutboundEmail(db.Model):
    """One message to one address; sending it is retried until it goes or gives up."""

    __tablename__ = "outbound_emails"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: "reminder", "digest", …: what produced it.
    kind: Mapped[str] = mapped_column(String(32), default="other")
    #: the object a reminder is about ("dossier" → inspection id, "finding" → finding id).
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[MailStatus] = mapped_column(
        enum_type(MailStatus, "mail_status"), default=MailStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: the earliest moment the next attempt may run (backoff after an SMTP error).
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the worker's claim, so that two workers never send the same message.
    claim: Mapped[str | None] = mapped_column(String(36), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    #: fixed when queued, so a resend after a lost answer is the same message.
    message_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<OutboundEmail {self.id} {self.status.value} to={self.to_address!r}>"


class SentReminder(db.Model):
    """A reminder (object, kind) already queued: each goes once, however often the run."""

    __tablename__ = "sent_reminders"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "kind", name="uq_sent_reminders_object_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "dossier" (an inspection's dossier request), "finding", or "digest" (a team lead).
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    #: "before_7", "before_3", "before_1", "overdue", or "digest:<yyyy-mm-dd>".
    kind: Mapped[str] = mapped_column(String(32))
    #: the reminder run's "today".
    run_on: Mapped[date] = mapped_column(Date)
    #: how many messages it queued (0 when nobody had a usable address).
    messages: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<SentReminder {self.object_type}:{self.object_id} {self.kind}>"
