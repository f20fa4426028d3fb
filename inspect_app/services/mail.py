"""Outgoing e-mail (DESIGN 5.10): queued in the database first, delivered by the worker.

`queue_message` only adds a row in the caller's unit of work, so a rolled-back change sends
nothing. `deliver_pending(now)` is what the worker runs every minute (and `deliver-mail` on
the command line): it claims a batch, sends it over SMTP (or writes `.eml` files under
`instance/mail/` when `MAIL_SERVER` is unset), and records the outcome. An SMTP error never
loses a message: it goes back to the queue with a growing delay, and after the last attempt
it waits as `failed` on the admin page until someone resends it.
"""

from __future__ import annotations

import logging
import re
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import MailStatus, OutboundEmail
from inspect_app.services import audit, reminder_targets

log = logging.getLogger(__name__)

#: delay before attempt n+1 after n failures; the last entry repeats until MAX_ATTEMPTS.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
)
MAX_ATTEMPTS = 10
#: a claim older than this belongs to a worker that died mid-batch; the rows go back.
STALE_CLAIM = timedelta(minutes=15)
BATCH_SIZE = 50
SMTP_TIMEOUT = 30
#: deliberately simple: one @, a dot in the domain, no spaces or angle brackets.
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}$")


def is_valid_address(address: str | None) -> bool:
    """Whether an address can be written on an envelope (what reminders rely on)."""
    return bool(address) and EMAIL_RE.match(address.strip()) is not None


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


class MailError(ValueError):
    """A message that cannot be queued (no usable address)."""


# --- queueing (inside the caller's unit of work) ---------------------------------------------


def queue_message(
    to: str,
    subject: str,
    text: str,
    html: str = "",
    *,
    kind: str = "other",
    object_type: str | None = None,
    object_id: int | None = None,
) -> OutboundEmail:
    """Add one message to the queue; flushed, not committed."""
    address = (to or "").strip()
    if not is_valid_address(address):
        raise MailError(f"invalid e-mail address: {to!r}")
    domain = address.rpartition("@")[2]
    message = OutboundEmail(
        to_address=address,
        subject=subject.replace("\n", " ")[:500],
        body_text=text,
        body_html=html,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        status=MailStatus.QUEUED,
        attempts=0,
        next_attempt_at=clock.utc_now(),
        message_id=make_msgid(domain=_sender_domain() or domain),
    )
    db.session.add(message)
    db.session.flush()
    return message


def _sender_domain() -> str:
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    return sender.rpartition("@")[2].rstrip(">").strip()


# --- delivering (the worker's unit of work) --------------------------------------------------


def deliver_pending(now: datetime | None = None, *, limit: int = 500) -> DeliveryReport:
    """Send what is due at `now`, in batches; commits after each batch (a job's boundary)."""
    now = now or clock.utc_now()
    report = DeliveryReport()
    _release_stale_claims(now)
    while report.attempted + report.cancelled < limit:
        batch = _claim_batch(now, min(BATCH_SIZE, limit - report.attempted - report.cancelled))
        if not batch:
            break
        _deliver_batch(batch, now, report)
        db.session.commit()
    return report


def _release_stale_claims(now: datetime) -> None:
    db.session.execute(
        update(OutboundEmail)
        .where(
            OutboundEmail.status == MailStatus.SENDING,
            OutboundEmail.claimed_at < now - STALE_CLAIM,
        )
        .values(status=MailStatus.QUEUED, claim=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _claim_batch(now: datetime, size: int) -> list[OutboundEmail]:
    """Mark up to `size` due messages as ours and commit, so no other worker sends them."""
    token = str(uuid.uuid4())
    due = (
        select(OutboundEmail.id)
        .where(OutboundEmail.status == MailStatus.QUEUED, OutboundEmail.next_attempt_at <= now)
        .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
        .limit(size)
    )
    ids = list(db.session.scalars(due))
    if not ids:
        return []
    db.session.execute(
        update(OutboundEmail)
        # Re-checking the status makes a row that another worker claimed meanwhile not ours.
        .where(OutboundEmail.id.in_(ids), OutboundEmail.status == MailStatus.QUEUED)
        .values(status=MailStatus.SENDING, claim=token, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboundEmail).where(OutboundEmail.claim == token).order_by(OutboundEmail.id)
        )
    )


def _deliver_batch(batch: list[OutboundEmail], now: datetime, report: DeliveryReport) -> None:
    wanted = []
    for message in batch:
        if reminder_targets.is_obsolete(message.object_type, message.object_id, message.kind):
            message.status, message.claim = MailStatus.CANCELLED, None
            report.cancelled += 1
        else:
            wanted.append(message)
    if not wanted:
        return
    try:
        outcomes = transport().send(wanted)
    except (OSError, smtplib.SMTPException) as exc:
        # The server could not be reached at all: every message of the batch waits.
        outcomes = {message.id: _describe(exc) for message in wanted}
    for message in wanted:
        error = outcomes.get(message.id)
        message.claim = None
        if error is None:
            message.status, message.sent_at = MailStatus.SENT, now
            message.attempts += 1
            message.last_error = None
            report.sent += 1
        else:
            _record_failure(message, error, now, report)


def _record_failure(message: OutboundEmail, error: str, now: datetime, report) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MailStatus.FAILED
        report.failed += 1
        log.warning("mail %s to %s failed for good: %s", message.id, message.to_address, error)
    else:
        message.status = MailStatus.QUEUED
        message.next_attempt_at = now + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
        report.retried += 1
        log.info("mail %s to %s will be retried: %s", message.id, message.to_address, error)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def resend(message: OutboundEmail, by) -> OutboundEmail:
    """Put a failed message back in the queue, with its attempts counted afresh."""
    if message.status is not MailStatus.FAILED:
        raise MailError("only a failed message can be resent")
    message.status = MailStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = clock.utc_now()
    db.session.flush()
    audit.record("resend", message, user=by)
    return message


def failed_messages() -> list[OutboundEmail]:
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(OutboundEmail.status == MailStatus.FAILED)
            .order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
        )
    )


def waiting_messages() -> list[OutboundEmail]:
    """Queued messages that already failed at least once (the SMTP server is in trouble)."""
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(OutboundEmail.status == MailStatus.QUEUED, OutboundEmail.attempts > 0)
            .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
        )
    )


# --- transports ------------------------------------------------------------------------------


def build_email(message: OutboundEmail) -> EmailMessage:
    """The MIME message: plain text, with an HTML alternative when there is one."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.utc_now())
    email["Message-ID"] = message.message_id
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


class SmtpTransport:
    """One SMTP connection per batch; an error on one recipient fails only that message."""

    def __init__(self, config) -> None:
        self.host = config["MAIL_SERVER"]
        self.port = config["MAIL_PORT"]
        self.use_tls = config["MAIL_USE_TLS"]
        self.username = config["MAIL_USERNAME"]
        self.password = config["MAIL_PASSWORD"]

    def send(self, messages: Iterable[OutboundEmail]) -> dict[int, str]:
        pending = list(messages)
        errors: dict[int, str] = {}
        smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        try:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            for index, message in enumerate(pending):
                try:
                    refused = smtp.send_message(build_email(message))
                except smtplib.SMTPServerDisconnected as exc:
                    # This one and the rest of the batch were not sent: they wait.
                    errors.update({rest.id: _describe(exc) for rest in pending[index:]})
                    break
                except smtplib.SMTPException as exc:
                    errors[message.id] = _describe(exc)
                else:
                    if refused:
                        errors[message.id] = f"refused: {refused}"
        finally:
            # A failing QUIT must not turn messages already accepted into failures.
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        return errors


class FileTransport:
    """The embedded default: each message becomes an `.eml` file under `instance/mail/`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, messages: Iterable[OutboundEmail]) -> dict[int, str]:
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in messages:
            path = self.directory / f"{message.id:08d}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(bytes(build_email(message)))
            tmp.replace(path)
        return {}


def transport():
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FileTransport(mail_directory())


def mail_directory() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "mail"
