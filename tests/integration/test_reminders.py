"""send-reminders (5.10): 7, 3, 1 days before and the day after, once each, over real SMTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import (
    Finding,
    FindingStatus,
    InspectionMode,
    InspectionStatus,
    IsoOfficer,
    Role,
    SentReminder,
    Severity,
)
from inspect_app.models.base import utcnow
from inspect_app.services import reminders, work_queues

#: the frozen clock (20:00 UTC on 02/12) makes this Vietnam's today.
TODAY = date(2026, 12, 3)


@pytest.fixture
def world(frozen_clock, make_agency, make_user, make_inspection):
    agency = make_agency("UBND xã Tịnh Khê")
    officer = IsoOfficer(
        agency=agency,
        name="Trần Văn Bình",
        email="binh.iso@tinhkhe.example.org",
        since=date(2024, 1, 1),
    )
    db.session.add(officer)
    iso_user = make_user(Role.AGENCY, agency=agency, email="vanthu@tinhkhe.example.org")
    lead = make_user(Role.INSPECTOR, email="lead@skhcn.example.org", full_name="Nguyễn Lan")
    dossier = make_inspection(
        agency=agency,
        lead=lead,
        mode=InspectionMode.DOSSIER,
        status=InspectionStatus.DOSSIER_REQUESTED,
        dossier_due=TODAY + timedelta(days=7),
        dossier_requested_at=utcnow(),
    )
    # Another plan's concluded inspection (one inspection per agency per plan).
    on_site = make_inspection(agency=agency, lead=lead, status=InspectionStatus.CONCLUDED)

    def finding(due, status=FindingStatus.OPEN, **fields):
        row = Finding(
            inspection=on_site,
            severity=Severity.MINOR,
            description="Chưa kiểm soát tài liệu",
            requirement="7.5.3",
            corrective_action_required="Cập nhật danh mục tài liệu",
            due_on=due,
            status=status,
            **fields,
        )
        db.session.add(row)
        return row

    in_three = finding(TODAY + timedelta(days=3))
    overdue = finding(TODAY - timedelta(days=1))
    answered = finding(
        TODAY + timedelta(days=1),
        FindingStatus.RESPONDED,
        responded_at=utcnow(),
        agency_response="Đã cập nhật",
    )
    far = finding(TODAY + timedelta(days=30))
    db.session.commit()
    return {
        "agency": agency,
        "officer": officer,
        "user": iso_user,
        "lead": lead,
        "dossier": dossier,
        "in_three": in_three,
        "overdue": overdue,
        "answered": answered,
        "far": far,
    }


def test_today_is_vietnams_date_at_20_utc(frozen_clock):
    assert frozen_clock.moment == datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    assert clock.today() == TODAY


@pytest.mark.parametrize(
    ("days_left", "kind"),
    [
        (8, None),
        (7, "before_7"),
        (4, "before_7"),
        (3, "before_3"),
        (2, "before_3"),
        (1, "before_1"),
        (0, None),
        (-1, "overdue"),
        (-7, "overdue"),
        (-8, None),
    ],
)
def test_reminder_kind_by_days_left(days_left, kind):
    assert reminders.reminder_kind(days_left) == kind


def test_send_reminders_sends_the_expected_messages_then_none(runner, smtp_server, world):
    result = runner.invoke(args=["send-reminders", "--today", "03/12/2026"])
    assert result.exit_code == 0, result.output
    agency_addresses = ["vanthu@tinhkhe.example.org", "binh.iso@tinhkhe.example.org"]
    # dossier (7 days), finding due in 3 days, the overdue finding: to both agency addresses;
    # the lead's digest of what is overdue. Not the answered finding, not the one in 30 days.
    got = sorted((r.recipients[0], r.subject) for r in smtp_server.received)
    expected_per_agency_address = 3
    for address in agency_addresses:
        subjects = [s for a, s in got if a == address]
        assert len(subjects) == expected_per_agency_address, got
        assert any("hồ sơ kiểm tra HTQLCL năm 2026" in s and "còn 7 ngày" in s for s in subjects)
        assert any(
            f"phát hiện #{world['in_three'].id}" in s and "còn 3 ngày" in s for s in subjects
        )
        assert any(
            f"phát hiện #{world['overdue'].id}" in s and "đã quá hạn 1 ngày" in s for s in subjects
        )
        assert all(s.startswith("[Kiểm tra HTQLCL] UBND xã Tịnh Khê: ") for s in subjects)
    [digest] = smtp_server.to("lead@skhcn.example.org")
    assert "Việc quá hạn" in digest.subject and "1 mục" in digest.subject
    assert f"/findings/{world['overdue'].id}" in digest.part("plain")
    assert len(smtp_server.received) == 7
    assert "Queued 7 messages for 4 reminders (03/12/2026)." in result.output
    assert "7 sent" in result.output
    # Every message: Vietnamese plain text and HTML, with a link built from APP_BASE_URL.
    dossier_mail = next(r for r in smtp_server.to(agency_addresses[1]) if "hồ sơ" in r.subject)
    link = f"http://127.0.0.1:5000/portal/dossiers/{world['dossier'].id}"
    assert link in dossier_mail.part("plain")
    assert f'href="{link}"' in dossier_mail.part("html")
    assert "Kính gửi Trần Văn Bình" in dossier_mail.part("plain")

    again = runner.invoke(args=["send-reminders", "--today", "03/12/2026"])
    assert again.exit_code == 0, again.output
    assert "Queued 0 messages for 0 reminders" in again.output
    assert len(smtp_server.received) == 7


def test_the_next_days_send_only_what_became_due(smtp_server, world, frozen_clock):
    reminders.send_reminders(TODAY)
    db.session.commit()
    # 04/12: nothing new (dossier 6 days, finding 2 days: their ranges were reminded).
    assert reminders.send_reminders(TODAY + timedelta(days=1)).reminders == [
        ("digest", world["lead"].id, "digest:2026-12-04")
    ]
    db.session.commit()
    # 05/12: the finding has 1 day left; the dossier 5.
    run = reminders.send_reminders(TODAY + timedelta(days=2))
    assert ("finding", world["in_three"].id, "before_1") in run.reminders
    assert not any(obj == "dossier" for obj, _, _ in run.reminders)


def test_an_object_answered_in_the_meantime_is_not_reminded(smtp_server, world):
    run = reminders.send_reminders(TODAY)
    assert run.queued == 7
    # The agency answers before the worker delivers: the queued reminders are dropped.
    finding = world["in_three"]
    finding.status, finding.responded_at = FindingStatus.RESPONDED, utcnow()
    db.session.commit()
    from inspect_app.services import mail

    report = mail.deliver_pending()
    assert report.cancelled == 2
    assert not any(f"#{finding.id} " in r.subject for r in smtp_server.received)


def test_a_user_who_opted_out_gets_nothing(smtp_server, world):
    world["user"].email_reminders = False
    world["lead"].email_reminders = False
    db.session.commit()
    run = reminders.send_reminders(TODAY)
    assert {address for address, _ in run.messages} == {"binh.iso@tinhkhe.example.org"}


def test_a_bad_officer_address_is_reported_not_silently_skipped(
    runner, smtp_server, world, make_user
):
    world["officer"].email = "binh.iso@@tinhkhe"
    db.session.commit()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "unusable e-mail address" in result.output
    assert "binh.iso@@tinhkhe" in result.output
    admin = make_user(Role.ADMIN)
    queue = work_queues.build(work_queues.BY_KEY["bad_officer_addresses"], admin, TODAY)
    assert queue.count == 1 and "binh.iso@@tinhkhe" in queue.rows[0].detail


@pytest.mark.parametrize("day", ["03/12/2062", "01/01/2020", "32/12/2026", "2026-12-03"])
def test_a_run_far_from_today_or_badly_written_is_refused(runner, world, day):
    result = runner.invoke(args=["send-reminders", "--today", day])
    assert result.exit_code != 0
    assert "--today" in result.output
    assert db.session.query(SentReminder).count() == 0
