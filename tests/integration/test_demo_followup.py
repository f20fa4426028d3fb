"""The demo shows follow-up (5.10): queues with content, reminders to a local SMTP server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import Inspection, IsoOfficer, User
from inspect_app.services import reminder_targets, reminders, work_queues

TODAY = date(2026, 12, 3)


@pytest.fixture
def demo(runner, frozen_clock):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    return result


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_every_role_has_a_queue_with_content(demo):
    counts = {
        name: {q.key: q.count for q in work_queues.queues_for(_user(name), clock.today())}
        for name in ("admin", "viewer", "inspector", "agency", "agency2")
    }
    for key in (
        "overdue_actions",
        "responses_to_verify",
        "dossiers_received",
        "conflicts_waiting",
        "announcements_to_acknowledge",
        "plans_without_decision",
        "bad_officer_addresses",
    ):
        assert counts["admin"][key] > 0, key
    for key in (
        "inspections_this_week",
        "inspections_this_month",
        "responses_to_verify",
        "dossiers_received",
        "conflicts_to_resolve",
    ):
        assert counts["inspector"][key] > 0, key
    assert counts["agency"]["returned_announcements"] == 1
    assert counts["agency2"]["open_findings"] == 2
    assert counts["viewer"]["overdue_actions"] == counts["admin"]["overdue_actions"]


def test_demo_addresses_are_on_the_reserved_domain(demo):
    assert _user("agency").email == "agency@quangngai.example"
    assert _user("inspector").email == "inspector@skhcn.quangngai.example"
    officers = db.session.scalars(select(IsoOfficer).where(IsoOfficer.until.is_(None))).all()
    assert officers and all(o.email.startswith("iso.") for o in officers)


def test_send_reminders_on_the_demo_then_none(demo, runner, smtp_server):
    expected = set()
    for inspection in db.session.scalars(reminder_targets.dossiers_awaiting()):
        kind = reminders.reminder_kind((inspection.dossier_due - TODAY).days)
        if kind:
            expected.add(("dossier", inspection.agency.name, kind))
    for finding in db.session.scalars(reminder_targets.findings_awaiting()):
        kind = reminders.reminder_kind((finding.due_on - TODAY).days)
        if kind:
            expected.add(("finding", finding.inspection.agency.name, kind))
    assert {
        ("dossier", "UBND xã Tư Nghĩa", "overdue"),
        ("dossier", "UBND xã Trà Bồng", "before_3"),
        ("dossier", "UBND xã Sơn Hà", "before_7"),
        ("finding", "UBND xã Sơn Tịnh", "overdue"),
        ("finding", "UBND xã Sơn Tịnh", "before_7"),
    } <= expected

    result = runner.invoke(args=["send-reminders", "--today", "03/12/2026"])
    assert result.exit_code == 0, result.output
    print(result.output)  # the list of what was sent, for the record
    received = [(r.recipients[0], r.subject) for r in smtp_server.received]
    # Each reminder reaches the agency's ISO officer (and its users who have an address).
    lines = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert len(lines) == len(received)
    assert len(received) >= len(expected) + 1  # + the lead's digest
    for _, agency, _ in expected:
        assert any(agency in subject for _, subject in received), agency
    assert [s for a, s in received if a == "agency2@quangngai.example"]
    assert any(
        a == "inspector@skhcn.quangngai.example" and "Việc quá hạn" in s for a, s in received
    )

    again = runner.invoke(args=["send-reminders", "--today", "03/12/2026"])
    assert "Queued 0 messages for 0 reminders" in again.output
    assert len(smtp_server.received) == len(received)
    # Inspections with a due date in the past were not left without their reminder.
    assert db.session.scalar(select(Inspection).where(Inspection.dossier_due < TODAY))
