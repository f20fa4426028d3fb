"""The agency portal (issue 5): home, notifications, dossier submission, corrective actions."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    AuditLog,
    EvidenceFile,
    FindingStatus,
    InspectionStatus,
    Notification,
    PlanStatus,
    Role,
    Severity,
)
from inspect_app.services import findings, notifications, portal
from inspect_app.services.portal import PortalError
from tests.integration.portal_world import PDF, PNG, build_world, multipart


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def world(make_agency, make_user, make_plan, make_inspection):
    return build_world(make_agency, make_user, make_plan, make_inspection)


def dossier_upload(client, inspection, name="Sổ tay chất lượng.pdf", content=PDF, **fields):
    values = {
        "file": (name, content),
        "document_type": "Báo cáo đánh giá nội bộ",
        "effective_on": "15/01/2025",
        **fields,
    }
    return multipart(client, f"/portal/dossiers/{inspection.id}/files", values)


# --- home ----------------------------------------------------------------------


def test_home_shows_inspections_dossiers_findings_announcements_and_notifications(
    client, login, world
):
    login(world.a.user)

    page = text(client.get("/portal/"))

    assert world.a.agency.name in page
    assert world.b.agency.name not in page
    assert f"/inspections/{world.a.dossier.id}" in page
    assert f"/inspections/{world.a.concluded.id}" in page
    assert "Hiện tại" in page and "Đã kết thúc" in page
    assert f"/portal/dossiers/{world.a.dossier.id}" in page
    assert world.a.dossier.dossier_due.strftime("%d/%m/%Y") in page
    assert "Chờ nộp" in page
    assert f"/portal/findings/{world.a.finding.id}" in page
    assert world.a.finding.due_on.strftime("%d/%m/%Y") in page
    assert world.a.announcement.number in page
    assert "Thông báo cho UBND xã Tịnh Khê" in page
    assert "Thông báo cho UBND phường Cẩm Thành" not in page


def test_the_root_page_is_the_same_home_for_agency_users(client, login, world):
    login(world.a.user)

    page = text(client.get("/"))

    assert f"/portal/dossiers/{world.a.dossier.id}" in page
    assert "Thông báo cho UBND xã Tịnh Khê" in page


def test_overdue_findings_and_dossiers_stand_out(client, login, world):
    world.a.finding.due_on = date.today() - timedelta(days=2)
    world.a.dossier.dossier_due = date.today() - timedelta(days=1)
    db.session.commit()
    login(world.a.user)

    page = text(client.get("/portal/"))

    assert "border-danger is-overdue" in page
    assert "table-danger is-overdue" in page
    assert page.count("Quá hạn") >= 2


def test_home_hides_findings_of_a_draft_plan(client, login, world, make_plan, make_inspection):
    draft = make_plan(date.today().year + 1, status=PlanStatus.DRAFT)
    hidden = make_inspection(agency=world.a.agency, plan=draft, lead=world.lead)
    findings.create_finding(
        hidden,
        severity=Severity.MINOR,
        description="Phát hiện của kế hoạch dự thảo",
        corrective_action_required="Khắc phục",
        due_on=date.today(),
        by=world.lead,
    )
    db.session.commit()
    login(world.a.user)

    assert "Phát hiện của kế hoạch dự thảo" not in text(client.get("/portal/"))


def test_a_finished_inspection_shows_the_day_it_took_place(
    client, login, world, make_plan, make_inspection
):
    from inspect_app.models import InspectionStatus

    plan = make_plan(2024, status=PlanStatus.CLOSED)
    past = make_inspection(
        agency=world.a.agency,
        plan=plan,
        lead=world.lead,
        status=InspectionStatus.CONCLUDED,
        planned_from=date(2024, 5, 6),
        planned_to=date(2024, 5, 7),
        conducted_on=date(2024, 6, 18),
        concluded_on=date(2024, 6, 20),
    )
    db.session.commit()
    login(world.a.user)

    page = text(client.get("/portal/"))
    finished = page[page.index("Đã kết thúc") :]
    row = finished[finished.index(f"/inspections/{past.id}") :].split("</tr>")[0]
    assert "Ngày kiểm tra" in finished and "18/06/2024" in row and "06/05/2024" not in row


@pytest.mark.parametrize("role", [Role.ADMIN, Role.INSPECTOR, Role.VIEWER])
def test_only_agency_users_have_a_home(client, login, make_user, role):
    login(make_user(role))

    assert client.get("/portal/").status_code == 403


def test_visitors_are_sent_to_login(client):
    response = client.get("/portal/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- notifications ----------------------------------------------------------------------


def test_unread_notifications_come_first_and_can_be_marked_read(client, login, world):
    older = world.a.notification
    unread_before = notifications.unread_count(world.a.user)
    newer = notifications.notify(
        agency=world.a.agency, message="Thông báo mới hơn", link="/portal/"
    )
    personal = notifications.notify(user=world.a.user, message="Riêng cho cán bộ", link="")
    db.session.commit()
    login(world.a.user)

    response = client.post(f"/portal/notifications/{newer.id}/read", data={"next": "/portal/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"
    assert newer.read_at is not None
    page = text(client.get("/portal/notifications"))
    assert page.index(older.message) < page.index(newer.message)
    assert page.index(personal.message) < page.index(newer.message)
    assert notifications.unread_count(world.a.user) == unread_before + 1  # personal, not newer
    assert count(AuditLog, AuditLog.object_type == "notifications", AuditLog.action == "read") == 1


def test_open_a_notification_marks_it_read_and_follows_its_link(client, login, world):
    login(world.a.user)

    response = client.post(f"/portal/notifications/{world.a.notification.id}/open")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/portal/dossiers/{world.a.dossier.id}"
    assert world.a.notification.read_at is not None


def test_mark_all_read(client, login, world):
    unread_b = notifications.unread_count(world.b.user)
    notifications.notify(user=world.a.user, message="Một", link="")
    db.session.commit()
    login(world.a.user)

    response = client.post("/portal/notifications/read-all", data={"next": "https://evil.example/"})

    assert response.headers["Location"] == "/portal/notifications"
    assert notifications.unread_count(world.a.user) == 0
    assert notifications.unread_count(world.b.user) == unread_b


def test_staff_see_their_own_notifications(client, login, world):
    notifications.notify_dossier_submitted(world.a.dossier)
    db.session.commit()
    login(world.lead)

    page = text(client.get("/portal/notifications"))

    assert "UBND xã Tịnh Khê đã nộp hồ sơ kiểm tra." in page
    assert "Thông báo cho" not in page


def test_hook_helpers_notify_the_agency(world):
    finding = world.a.finding
    baseline = db.session.scalar(select(func.max(Notification.id))) or 0
    notifications.notify_dossier_requested(world.a.dossier)
    notifications.notify_finding_raised(finding)
    notifications.notify_finding_closed(finding)
    notifications.notify_finding_reopened(finding)
    db.session.commit()

    rows = db.session.scalars(
        select(Notification)
        .where(Notification.agency_id == world.a.agency.id, Notification.id > baseline)
        .order_by(Notification.id)
    ).all()
    assert [row.link for row in rows] == [
        f"/portal/dossiers/{world.a.dossier.id}",
        f"/portal/findings/{finding.id}",
        f"/portal/findings/{finding.id}",
        f"/portal/findings/{finding.id}",
    ]
    assert "hạn nộp " + world.a.dossier.dossier_due.strftime("%d/%m/%Y") in rows[0].message
    assert all(row.user_id is None for row in rows)


def test_hooks_stay_silent_for_a_draft_plan(world, make_plan, make_inspection):
    draft = make_plan(date.today().year + 2, status=PlanStatus.DRAFT)
    hidden = make_inspection(agency=world.a.agency, plan=draft, lead=world.lead)
    before = count(Notification)

    assert notifications.notify_dossier_requested(hidden) is None
    assert count(Notification) == before


# --- dossier ----------------------------------------------------------------------


def test_upload_several_dossier_files_with_type_and_date(client, login, world):
    inspection = world.a.dossier
    login(world.a.user)

    first = dossier_upload(client, inspection)
    second = dossier_upload(
        client,
        inspection,
        "Ảnh hiện trường.png",
        PNG,
        document_type="Quy trình giải quyết thủ tục hành chính",
        effective_on="01/02/2025",
    )

    assert first.status_code == second.status_code == 302
    rows = portal.dossier_files(inspection)
    assert [r.original_name for r in rows] == [
        "Báo cáo XA-A.pdf",
        "Sổ tay chất lượng.pdf",
        "Ảnh hiện trường.png",
    ]
    assert (rows[1].document_type, rows[1].effective_on) == (
        "Báo cáo đánh giá nội bộ",
        date(2025, 1, 15),
    )
    assert rows[2].effective_on == date(2025, 2, 1)
    assert {r.purpose for r in rows} == {"dossier"}
    assert {r.agency_id for r in rows} == {world.a.agency.id}
    page = text(client.get(f"/portal/dossiers/{inspection.id}"))
    assert "Sổ tay chất lượng.pdf" in page and "Quy trình giải quyết thủ tục hành chính" in page
    assert "01/02/2025" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"document_type": ""}, "Vui lòng nhập loại tài liệu."),
        ({"document_type": "Thư tình"}, "Giá trị đã chọn không hợp lệ."),
        ({"effective_on": ""}, "Vui lòng nhập ngày ban hành / hiệu lực."),
        ({"effective_on": "2025-01-15"}, "Ngày phải có dạng dd/mm/yyyy"),
        ({"file": ("virus.exe", b"MZ\x90\x00")}, "Chỉ nhận tệp PDF"),
    ],
)
def test_bad_dossier_input_is_refused_with_a_message(app, client, login, world, fields, message):
    login(world.a.user)
    before = count(EvidenceFile)

    response = dossier_upload(client, world.a.dossier, **fields)

    assert response.status_code == 422
    assert message in text(response)
    assert count(EvidenceFile) == before


def test_submit_dossier_moves_the_inspection_and_notifies_the_team(client, login, world):
    inspection = world.a.dossier
    login(world.a.user)

    response = client.post(f"/portal/dossiers/{inspection.id}/submit")

    assert response.status_code == 302
    assert inspection.status is InspectionStatus.DOSSIER_RECEIVED
    assert inspection.dossier_received_at is not None
    team_notes = db.session.scalars(
        select(Notification).where(Notification.user_id.is_not(None))
    ).all()
    assert {n.user_id for n in team_notes} == {world.lead.id, world.member.id}
    assert all(n.link == f"/inspections/{inspection.id}" for n in team_notes)
    assert count(AuditLog, AuditLog.action == "transition:dossier_received") == 1
    page = text(client.get(f"/portal/dossiers/{inspection.id}", follow_redirects=True))
    assert "Đã nộp hồ sơ; đoàn kiểm tra đã được thông báo." in page
    assert "Đã nhận hồ sơ" in page

    again = client.post(f"/portal/dossiers/{inspection.id}/submit", follow_redirects=True)
    assert "Hồ sơ không còn nhận tệp" in text(again)
    late = dossier_upload(client, inspection, "Bổ sung.pdf", PDF + b"late")
    assert late.status_code == 409
    assert "Hồ sơ không còn nhận tệp" in text(late)


def test_submitting_an_empty_dossier_is_refused(client, login, world):
    inspection = world.a.dossier
    db.session.delete(world.a.dossier_file)
    db.session.commit()
    login(world.a.user)

    response = client.post(f"/portal/dossiers/{inspection.id}/submit", follow_redirects=True)

    assert "Hồ sơ chưa có tệp nào" in text(response)
    assert inspection.status is InspectionStatus.DOSSIER_REQUESTED
    assert count(Notification, Notification.user_id.is_not(None)) == 0


def test_remove_a_dossier_file_before_submitting(client, login, world):
    login(world.a.user)
    stored = world.a.dossier_file

    response = client.post(f"/portal/dossiers/{world.a.dossier.id}/files/{stored.id}/delete")

    assert response.status_code == 302
    assert db.session.get(EvidenceFile, stored.id) is None
    assert count(AuditLog, AuditLog.action == "delete") == 1


def test_the_team_sees_the_dossier_on_the_inspection_page(client, login, world):
    login(world.a.user)
    dossier_upload(client, world.a.dossier)
    login(world.lead)

    page = text(client.get(f"/inspections/{world.a.dossier.id}"))

    assert "Sổ tay chất lượng.pdf" in page
    assert "Báo cáo đánh giá nội bộ" in page


def test_service_refuses_other_agencies_and_closed_dossiers(world):
    with pytest.raises(PortalError):
        portal.submit_dossier(world.a.dossier, world.b.user)
    world.a.dossier.status = InspectionStatus.DOSSIER_RECEIVED
    with pytest.raises(PortalError) as error:
        portal.submit_dossier(world.a.dossier, world.a.user)
    assert error.value.status_code == 409


# --- evidence rules from the portal side (issue 5 §3) --------------------------------------


def test_oversized_dossier_file_is_413_with_a_vietnamese_message(app, client, login, world):
    app.config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=1024 * 1024 + 64 * 1024)
    login(world.a.user)
    files_before = stored_files(app)

    response = dossier_upload(client, world.a.dossier, content=PDF + b"0" * (1024 * 1024))

    assert response.status_code == 413
    page = text(response)
    assert '<html lang="vi">' in page
    assert "Tệp vượt quá dung lượng cho phép (tối đa 1 MB)." in page
    assert len(portal.dossier_files(world.a.dossier)) == 1
    assert stored_files(app) == files_before


def test_request_beyond_max_content_length_is_413_in_vietnamese(app, client, login, world):
    app.config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=1024 * 1024 + 64 * 1024)
    login(world.a.user)

    response = dossier_upload(client, world.a.dossier, content=PDF + b"0" * (2 * 1024 * 1024))

    assert response.status_code == 413
    assert "Tệp tải lên quá lớn." in text(response)
    assert len(portal.dossier_files(world.a.dossier)) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", b"<!doctype html><script>alert(1)</script>", "không đúng định dạng .pdf"),
        ("rong.pdf", b"", "Tệp rỗng"),
        ("anh.png", PDF, "không đúng định dạng .png"),
    ],
)
def test_bad_dossier_files_are_refused(app, client, login, world, name, content, message):
    login(world.a.user)
    files_before = stored_files(app)

    response = dossier_upload(client, world.a.dossier, name, content)

    assert response.status_code == 422
    assert message in text(response)
    assert len(portal.dossier_files(world.a.dossier)) == 1
    assert stored_files(app) == files_before


def test_the_same_file_twice_in_a_dossier_is_refused(client, login, world):
    login(world.a.user)
    assert dossier_upload(client, world.a.dossier).status_code == 302

    response = dossier_upload(client, world.a.dossier, "Bản sao.pdf")

    assert response.status_code == 422
    assert "Tệp này đã được tải lên trước đó" in text(response)


def test_agency_downloads_its_file_as_an_attachment_with_its_vietnamese_name(client, login, world):
    login(world.a.user)
    dossier_upload(client, world.a.dossier, "Sổ tay chất lượng.pdf")
    row = portal.dossier_files(world.a.dossier)[-1]

    response = client.get(f"/evidence/{row.id}")

    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('Sổ tay chất lượng.pdf')}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


# --- corrective actions ----------------------------------------------------------------------


def respond(client, finding, files=(("Quy trình mới.pdf", PDF + b"fix"),), **fields):
    values = [
        ("root_cause", fields.get("root_cause", "Chưa rà soát văn bản khi có văn bản mới.")),
        ("action_taken", fields.get("action_taken", "Đã cập nhật 2 quy trình, ban hành lại.")),
        *(("files", f) for f in files),
    ]
    return multipart(client, f"/portal/findings/{finding.id}/respond", values)


def test_agency_answers_a_finding_with_cause_action_and_evidence(client, login, world):
    finding = world.a.finding
    login(world.a.user)

    response = respond(
        client,
        finding,
        files=[("Quy trình mới.pdf", PDF + b"fix"), ("Ảnh bảng tin.png", PNG)],
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/portal/findings/{finding.id}"
    assert finding.status is FindingStatus.RESPONDED
    assert finding.root_cause == "Chưa rà soát văn bản khi có văn bản mới."
    assert finding.agency_response == "Đã cập nhật 2 quy trình, ban hành lại."
    files = portal.response_files(finding)
    assert [f.original_name for f in files] == ["Quy trình mới.pdf", "Ảnh bảng tin.png"]
    assert {f.finding_id for f in files} == {finding.id}
    assert [e.kind for e in finding.events] == ["created", "responded"]
    team = db.session.scalars(select(Notification).where(Notification.user_id.is_not(None)))
    assert {n.user_id for n in team} == {world.lead.id, world.member.id}
    page = text(client.get(f"/portal/findings/{finding.id}"))
    assert "Đã gửi phản hồi; đoàn kiểm tra đang xác minh." in page
    assert "Quy trình mới.pdf" in page and "Cơ quan phản hồi" in page


def test_a_nonconformity_needs_evidence(client, login, world):
    login(world.a.user)

    response = respond(client, world.a.finding, files=())

    assert response.status_code == 422
    assert "Vui lòng đính kèm ít nhất một tệp bằng chứng khắc phục." in text(response)
    assert world.a.finding.status is FindingStatus.OPEN


def test_an_observation_may_be_answered_in_words(client, login, world):
    world.a.finding.severity = Severity.OBSERVATION
    db.session.commit()
    login(world.a.user)

    response = respond(client, world.a.finding, files=())

    assert response.status_code == 302
    assert world.a.finding.status is FindingStatus.RESPONDED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"root_cause": "  "}, "Vui lòng nêu nguyên nhân."),
        ({"action_taken": ""}, "Vui lòng nêu hành động khắc phục đã thực hiện."),
    ],
)
def test_missing_text_is_refused(client, login, world, fields, message):
    login(world.a.user)

    response = respond(client, world.a.finding, **fields)

    assert response.status_code == 422
    assert message in text(response)
    assert count(EvidenceFile, EvidenceFile.purpose == "response") == 0


def test_a_bad_second_file_leaves_nothing_half_written(client, login, world):
    login(world.a.user)

    response = respond(
        client,
        world.a.finding,
        files=[("tot.pdf", PDF + b"good"), ("xau.pdf", b"<html>not a pdf</html>")],
    )

    assert response.status_code == 422
    assert "không đúng định dạng .pdf" in text(response)
    db.session.expire_all()
    assert world.a.finding.status is FindingStatus.OPEN
    assert count(EvidenceFile, EvidenceFile.purpose == "response") == 0
    assert count(Notification, Notification.user_id.is_not(None)) == 0


def test_answering_twice_waits_for_verification(client, login, world):
    login(world.a.user)
    assert respond(client, world.a.finding).status_code == 302

    response = respond(client, world.a.finding, files=[("khac.pdf", PDF + b"other")])

    assert response.status_code == 409
    assert "không chờ phản hồi" in text(response)
    assert count(EvidenceFile, EvidenceFile.purpose == "response") == 1


def test_full_thread_stays_visible_after_verification_and_reopening(client, login, world):
    finding = world.a.finding
    login(world.a.user)
    respond(client, finding)
    findings.reopen_finding(finding, world.lead, "Chưa ban hành lại quy trình 3.")
    db.session.commit()

    page = text(client.get(f"/portal/findings/{finding.id}"))
    assert "Chưa ban hành lại quy trình 3." in page
    assert "Gửi phản hồi" in page  # reopened: the agency may answer again

    respond(client, finding, files=[("Quy trình 3.pdf", PDF + b"three")])
    findings.close_finding(finding, world.lead, "Đạt yêu cầu.")
    db.session.commit()
    page = text(client.get(f"/portal/findings/{finding.id}"))
    for label in ("Tạo phát hiện", "Cơ quan phản hồi", "Mở lại", "Xác minh và đóng"):
        assert label in page
    assert "Đạt yêu cầu." in page
    assert "Quy trình mới.pdf" in page and "Quy trình 3.pdf" in page
    assert "Gửi phản hồi" not in page


def test_the_team_sees_the_response_on_the_finding_page(client, login, world):
    login(world.a.user)
    respond(client, world.a.finding)
    login(world.member)

    page = text(client.get(f"/findings/{world.a.finding.id}"))

    assert "Đã cập nhật 2 quy trình, ban hành lại." in page
    assert "Quy trình mới.pdf" in page
