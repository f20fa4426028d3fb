"""Work queues on every role's home (5.10), notifications in the bar, account, calendar feed."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from inspect_app.extensions import db
from inspect_app.models import (
    AnnouncementStatus,
    AnswerConflict,
    ConformityAnnouncement,
    Finding,
    FindingStatus,
    InspectionMode,
    InspectionStatus,
    MailStatus,
    PlanStatus,
    Role,
    Severity,
    Standard,
)
from inspect_app.models.base import utcnow
from inspect_app.services import mail, notifications, work_queues

TODAY = date(2026, 12, 3)  # a Thursday, in Vietnam, with the clock at 20:00 UTC on 02/12


@pytest.fixture
def queue_world(frozen_clock, make_agency, make_user, make_plan, make_inspection):
    agency = make_agency("UBND phường Trương Quang Trọng")
    lead, member = make_user(Role.INSPECTOR), make_user(Role.INSPECTOR)
    plan = make_plan(2026)
    this_week = make_inspection(
        plan=plan,
        agency=agency,
        lead=lead,
        members=[member],
        planned_from=TODAY + timedelta(days=1),
        planned_to=TODAY + timedelta(days=2),
        status=InspectionStatus.IN_PROGRESS,
    )
    later_this_month = make_inspection(
        plan=plan, lead=lead, planned_from=date(2026, 12, 20), planned_to=date(2026, 12, 21)
    )
    received = make_inspection(
        plan=plan,
        lead=lead,
        mode=InspectionMode.DOSSIER,
        status=InspectionStatus.DOSSIER_RECEIVED,
        dossier_received_at=utcnow(),
    )
    requested = make_inspection(
        plan=make_plan(2025),
        agency=agency,
        lead=lead,
        mode=InspectionMode.DOSSIER,
        status=InspectionStatus.DOSSIER_REQUESTED,
        dossier_requested_at=utcnow(),
        dossier_due=TODAY - timedelta(days=2),
        dossier_request="Báo cáo tình hình áp dụng HTQLCL",
    )
    make_plan(2027, status=PlanStatus.DRAFT, title="Kế hoạch kiểm tra năm 2027")
    item = this_week.template.items[0]
    db.session.add(
        AnswerConflict(
            inspection_id=this_week.id,
            item_id=item.id,
            op_id="00000000-0000-4000-8000-000000000001",
            server_rev=1,
            client_base_rev=0,
            submitted_by_id=member.id,
        )
    )
    overdue = Finding(
        inspection=this_week,
        severity=Severity.MAJOR,
        description="d",
        requirement="8.5",
        corrective_action_required="a",
        due_on=TODAY - timedelta(days=1),
        status=FindingStatus.OPEN,
    )
    responded = Finding(
        inspection=this_week,
        severity=Severity.MINOR,
        description="d",
        corrective_action_required="a",
        due_on=TODAY + timedelta(days=5),
        status=FindingStatus.RESPONDED,
        responded_at=utcnow(),
    )
    db.session.add_all([overdue, responded])
    db.session.add(
        ConformityAnnouncement(
            agency=agency,
            number="01/CB",
            announced_on=TODAY,
            standard=Standard.ISO_9001_2015,
            scope="Toàn bộ TTHC",
            status=AnnouncementStatus.RETURNED,
            return_reason="Thiếu phạm vi",
        )
    )
    failed = mail.queue_message("x@example.org", "Nhắc việc", "t")
    failed.status = MailStatus.FAILED
    db.session.commit()
    return {
        "lead": lead,
        "member": member,
        "agency": agency,
        "this_week": this_week,
        "later": later_this_month,
        "received": received,
        "requested": requested,
        "overdue": overdue,
        "responded": responded,
        "admin": make_user(Role.ADMIN),
        "viewer": make_user(Role.VIEWER),
        "agency_user": make_user(Role.AGENCY, agency=agency),
    }


def _counts(user) -> dict[str, int]:
    return {q.key: q.count for q in work_queues.queues_for(user, TODAY)}


def test_counts_per_role(queue_world):
    w = queue_world
    assert _counts(w["admin"]) == {
        "overdue_actions": 1,
        "responses_to_verify": 1,
        "dossiers_received": 1,
        "conflicts_waiting": 1,
        "announcements_to_acknowledge": 0,
        "plans_without_decision": 1,
        "bad_officer_addresses": 0,
        "failed_mail": 1,
    }
    assert _counts(w["lead"]) == {
        "overdue_actions": 1,
        "responses_to_verify": 1,
        "inspections_this_week": 1,
        "inspections_this_month": 2,
        "dossiers_received": 1,
        "conflicts_to_resolve": 1,
    }
    # A member is not the lead: no conflicts to resolve, and only the inspections of their team.
    member = _counts(w["member"])
    assert member["conflicts_to_resolve"] == 0 and member["inspections_this_month"] == 1
    assert _counts(w["agency_user"]) == {
        "dossiers_requested": 1,
        "open_findings": 1,
        "returned_announcements": 1,
    }
    assert "failed_mail" not in _counts(w["viewer"])


def test_queues_with_overdue_rows_come_first(queue_world):
    keys = [q.key for q in work_queues.queues_for(queue_world["agency_user"], TODAY)]
    assert keys[:2] == ["dossiers_requested", "open_findings"]
    [first] = work_queues.queues_for(queue_world["lead"], TODAY)[:1]
    assert first.key == "overdue_actions" and first.rows[0].overdue


@pytest.mark.parametrize("role", ["admin", "viewer", "lead", "agency_user"])
def test_home_page_shows_the_queue_and_every_count_is_a_link_that_works(
    client, login, queue_world, role
):
    login(queue_world[role])
    html = client.get("/").get_data(as_text=True)
    assert "Việc cần làm" in html
    links = re.findall(r'class="badge [^"]*queue-count"\s+href="([^"]+)"', html)
    assert links, html
    stat_links = re.findall(r'href="([^"#]+)" class="stretched-link', html)
    for link in links + stat_links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_a_queue_page_lists_every_row_and_others_are_404(client, login, queue_world):
    login(queue_world["lead"])
    html = client.get("/queues/inspections_this_month").get_data(as_text=True)
    assert f"/inspections/{queue_world['this_week'].id}" in html
    assert f"/inspections/{queue_world['later'].id}" in html
    assert client.get("/queues/failed_mail").status_code == 404
    assert client.get("/queues/no_such_queue").status_code == 404


def test_notifications_in_the_navigation_bar_for_staff_too(client, login, queue_world):
    lead = queue_world["lead"]
    notifications.notify(user=lead, message="UBND đã nộp hồ sơ kiểm tra.", link="/inspections/1")
    db.session.commit()
    login(lead)
    html = client.get("/").get_data(as_text=True)
    assert 'nav-notifications"' in html
    assert re.search(r"Thông báo</span>\s*<span class=\"badge text-bg-warning\">1</span>", html)
    page = client.get("/portal/notifications").get_data(as_text=True)
    assert "UBND đã nộp hồ sơ kiểm tra." in page


def test_account_page_turns_reminders_off_and_checks_the_address(client, login, queue_world):
    user = queue_world["agency_user"]
    login(user)
    assert client.get("/account").status_code == 200
    bad = client.post("/account", data={"email": "not an address", "email_reminders": "y"})
    assert bad.status_code == 422
    assert "Địa chỉ thư điện tử không hợp lệ." in bad.get_data(as_text=True)
    ok = client.post("/account", data={"email": "iso@phuong.example.org"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.email == "iso@phuong.example.org" and user.email_reminders is False


def test_calendar_feed_lists_the_team_inspections_behind_a_secret_url(client, login, queue_world):
    lead = queue_world["lead"]
    login(lead)
    html = client.post("/account/calendar", data={"create": "1"}).get_data(as_text=True)
    [url] = re.findall(r'id="feed-url" readonly value="([^"]+)"', html)
    path = url.removeprefix("http://127.0.0.1:5000")
    anonymous = client.application.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.count("BEGIN:VEVENT") == 5  # 4 windows + 1 dossier due date
    assert f"UID:inspection-{queue_world['this_week'].id}@127.0.0.1:5000" in text
    assert "DTSTART;VALUE=DATE:20261204\r\nDTEND;VALUE=DATE:20261206" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    # A new address ends the old one; so does revoking it.
    client.post("/account/calendar", data={"create": "1"})
    assert anonymous.get(path).status_code == 404
    assert anonymous.get("/calendar/guess.ics").status_code == 404


def test_admin_resends_a_failed_message(client, login, queue_world):
    login(queue_world["admin"])
    html = client.get("/admin/mail").get_data(as_text=True)
    assert "x@example.org" in html
    [message] = mail.failed_messages()
    assert client.post(f"/admin/mail/{message.id}/resend").status_code == 302
    db.session.refresh(message)
    assert message.status is MailStatus.QUEUED
