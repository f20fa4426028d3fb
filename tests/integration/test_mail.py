"""Outgoing mail (5.10): queued in the database, delivered over real SMTP, nothing lost."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from inspect_app.extensions import db
from inspect_app.models import MailStatus, OutboundEmail, Role
from inspect_app.services import mail
from tests.followup_fixtures import as_utc


def _queue(to="iso@xa-tinh-khe.example.org", subject="[Kiểm tra HTQLCL] Nhắc việc"):
    message = mail.queue_message(
        to, subject, "Kính gửi anh Bình,\nhạn nộp hồ sơ 10/12/2026.", "<p>Kính gửi anh Bình</p>"
    )
    db.session.commit()
    return message


def test_a_queued_message_arrives_over_smtp_with_text_and_html(smtp_server, frozen_clock):
    message = _queue()
    report = mail.deliver_pending()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [received] = smtp_server.received
    assert received.recipients == ["iso@xa-tinh-khe.example.org"]
    assert received.subject == "[Kiểm tra HTQLCL] Nhắc việc"
    assert "hạn nộp hồ sơ 10/12/2026" in received.part("plain")
    assert "<p>Kính gửi anh Bình</p>" in received.part("html")
    assert received.message["Message-ID"] == message.message_id
    db.session.refresh(message)
    assert message.status is MailStatus.SENT and as_utc(message.sent_at) == frozen_clock.moment
    # Delivered once: a second run finds nothing to send.
    assert mail.deliver_pending().attempted == 0
    assert len(smtp_server.received) == 1


def test_an_smtp_outage_loses_nothing_and_retries_with_backoff(smtp_server, frozen_clock):
    first, second = _queue("a@example.org"), _queue("b@example.org")
    smtp_server.stop()
    report = mail.deliver_pending()
    assert (report.sent, report.retried) == (0, 2)
    for message in (first, second):
        db.session.refresh(message)
        assert message.status is MailStatus.QUEUED
        assert message.attempts == 1
        assert "Connection" in message.last_error or "refused" in message.last_error.lower()
        assert as_utc(message.next_attempt_at) == frozen_clock.moment + mail.BACKOFF[0]
    # Before the backoff ends nothing is tried, even with the server back.
    smtp_server.start()
    assert mail.deliver_pending().attempted == 0
    frozen_clock.set(frozen_clock.moment + mail.BACKOFF[0])
    assert mail.deliver_pending().sent == 2
    assert sorted(r.recipients[0] for r in smtp_server.received) == [
        "a@example.org",
        "b@example.org",
    ]


def test_backoff_grows_then_the_message_fails_and_an_admin_resends_it(
    smtp_server, frozen_clock, make_user
):
    message = _queue()
    smtp_server.refuse_with = "451 4.3.0 Mailbox temporarily unavailable"
    delays = []
    for _ in range(mail.MAX_ATTEMPTS):
        frozen_clock.set(as_utc(message.next_attempt_at))
        mail.deliver_pending()
        db.session.refresh(message)
        delays.append(as_utc(message.next_attempt_at) - frozen_clock.moment)
    assert message.status is MailStatus.FAILED
    assert message.attempts == mail.MAX_ATTEMPTS
    assert "451" in message.last_error
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15)]
    assert mail.failed_messages() == [message]
    smtp_server.refuse_with = None
    mail.resend(message, make_user(Role.ADMIN))
    db.session.commit()
    assert mail.deliver_pending().sent == 1
    assert [r.subject for r in smtp_server.received] == ["[Kiểm tra HTQLCL] Nhắc việc"]


def test_without_mail_server_messages_are_eml_files_under_instance(app, frozen_clock):
    app.config["MAIL_SERVER"] = None
    message = _queue()
    assert mail.deliver_pending().sent == 1
    [path] = (Path(app.config["INSTANCE_DIR"]) / "mail").glob("*.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["To"] == "iso@xa-tinh-khe.example.org"
    assert parsed["Message-ID"] == message.message_id
    assert "hạn nộp hồ sơ" in parsed.get_body(("plain",)).get_content()


def test_a_worker_that_died_mid_batch_gives_its_claim_back(smtp_server, frozen_clock):
    message = _queue()
    claimed = mail._claim_batch(frozen_clock.moment, 10)
    assert [m.id for m in claimed] == [message.id]
    # Another worker sees nothing while the claim is fresh …
    assert mail.deliver_pending().attempted == 0
    # … and takes the message over once the claim is stale.
    frozen_clock.set(frozen_clock.moment + mail.STALE_CLAIM + timedelta(seconds=1))
    assert mail.deliver_pending().sent == 1


@pytest.mark.parametrize("address", ["", "not-an-address", "a@b", "x y@example.org", "a@@b.vn"])
def test_an_unusable_address_is_refused_when_queued(app, address):
    with pytest.raises(mail.MailError):
        mail.queue_message(address, "s", "t")
    assert db.session.query(OutboundEmail).count() == 0


def test_deliver_mail_command_reports_what_it_did(runner, smtp_server, frozen_clock):
    _queue()
    result = runner.invoke(args=["deliver-mail"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert len(smtp_server.received) == 1
