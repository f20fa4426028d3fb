"""Issue 5 in Chromium: the agency hands in a dossier file and answers a finding through its
portal; the inspector then finds both on the inspection and finding pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Conclusion,
    Decision,
    DecisionKind,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    Role,
    Severity,
)
from inspect_app.models.base import utcnow
from inspect_app.services.users import create_user

PASSWORD = "portal-pass-123"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
DOSSIER_FILE = "Sổ tay chất lượng.pdf"
RESPONSE = "Đã rà soát và ban hành lại 2 quy trình theo Nghị định mới."


def _plan(year: int, status: PlanStatus, number: str) -> InspectionPlan:
    decision = Decision(
        number=number,
        signed_on=date(year, 3, 1),
        year=year,
        issuer="Sở KH&CN",
        kind=DecisionKind.PLAN_APPROVAL,
    )
    return InspectionPlan(
        year=year,
        title=f"Kế hoạch kiểm tra năm {year}",
        status=status,
        decision=decision,
        approved_at=utcnow(),
        closed_at=utcnow() if status is PlanStatus.CLOSED else None,
    )


@pytest.fixture
def portal_world(live_server):
    with live_server.app.app_context():
        inspector = create_user(
            "inspector", role=Role.INSPECTOR, password=PASSWORD, full_name="Lê Văn Kiểm"
        )
        agency = Agency(code="XA-21211", name="UBND xã Tịnh Khê", level=AgencyLevel.COMMUNE)
        create_user("agency", role=Role.AGENCY, password=PASSWORD, agency=agency)
        year = date.today().year
        dossier = Inspection(
            plan=_plan(year, PlanStatus.APPROVED, "35/QĐ-KHCN"),
            agency=agency,
            mode=InspectionMode.DOSSIER,
            status=InspectionStatus.DOSSIER_REQUESTED,
            lead=inspector,
            dossier_request="Báo cáo tình hình áp dụng HTQLCL và sổ tay chất lượng.",
            dossier_due=date.today() + timedelta(days=14),
            dossier_requested_at=utcnow(),
        )
        concluded = Inspection(
            plan=_plan(year - 1, PlanStatus.CLOSED, "20/QĐ-KHCN"),
            agency=agency,
            mode=InspectionMode.ON_SITE,
            status=InspectionStatus.CONCLUDED,
            lead=inspector,
            conducted_on=date(year - 1, 6, 1),
            concluded_on=date(year - 1, 6, 2),
            conclusion=Conclusion.PASSED_WITH_RECOMMENDATIONS,
        )
        finding = Finding(
            inspection=concluded,
            severity=Severity.MINOR,
            description="Hai quy trình viện dẫn văn bản đã hết hiệu lực.",
            requirement="7.5.3",
            corrective_action_required="Cập nhật quy trình theo văn bản đang có hiệu lực.",
            due_on=date.today() + timedelta(days=30),
            status=FindingStatus.OPEN,
            created_by=inspector,
        )
        db.session.add_all([dossier, concluded, finding])
        db.session.commit()
        return {"dossier": dossier.id, "finding": finding.id}


def log_in(page, username):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_agency_hands_in_a_dossier_and_answers_a_finding_then_the_inspector_sees_both(
    browser, live_server, page, portal_world
):
    log_in(page, "agency")
    page.goto("/portal/")
    page.get_by_role("link", name="Nộp hồ sơ").click()

    page.get_by_label("Tệp tài liệu").set_input_files(
        {"name": DOSSIER_FILE, "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Loại tài liệu").select_option("Báo cáo đánh giá nội bộ")
    page.get_by_label("Ngày ban hành / hiệu lực").fill("15/01/2025")
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("link", name=DOSSIER_FILE)).to_be_visible()
    # the file answers none of the requested documents: the page says so, and asks first.
    requested = "Báo cáo tình hình áp dụng HTQLCL và sổ tay chất lượng"
    expect(page.locator("#dossier-missing")).to_contain_text(requested)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text(f"Hồ sơ còn thiếu: {requested}. Vẫn nộp?")
    dialog.get_by_role("button", name="Quay lại").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Nộp hồ sơ")).to_be_enabled()
    with live_server.app.app_context():
        assert db.session.get(Inspection, portal_world["dossier"]).dossier_received_at is None

    page.get_by_label("Tệp tài liệu").set_input_files(
        {"name": "Báo cáo 2025.pdf", "mimeType": "application/pdf", "buffer": PDF + b"r"}
    )
    page.get_by_label("Loại tài liệu").select_option(requested)
    page.get_by_label("Ngày ban hành / hiệu lực").fill("20/01/2025")
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#dossier-missing")).to_have_count(0)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(dialog).to_contain_text("Nộp hồ sơ cho đoàn kiểm tra?")
    dialog.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_text("Đã nộp hồ sơ; đoàn kiểm tra đã được thông báo.")).to_be_visible()

    page.goto("/portal/")
    page.get_by_role("link", name="Hai quy trình viện dẫn văn bản đã hết hiệu lực.").click()
    page.get_by_label("Nguyên nhân").fill("Chưa rà soát quy trình khi có văn bản mới.")
    page.get_by_label("Hành động khắc phục đã thực hiện").fill(RESPONSE)
    page.get_by_label("Tệp bằng chứng khắc phục").set_input_files(
        {"name": "Quy trình đã sửa.pdf", "mimeType": "application/pdf", "buffer": PDF + b"v2"}
    )
    page.get_by_role("button", name="Gửi phản hồi").click()
    expect(page.get_by_text("Đã gửi phản hồi hành động khắc phục")).to_be_visible()

    inspector = browser.new_context(base_url=live_server.url, locale="vi-VN")
    try:
        other = inspector.new_page()
        other.set_default_timeout(10_000)
        log_in(other, "inspector")
        other.goto(f"/inspections/{portal_world['dossier']}")
        expect(other.get_by_role("link", name=DOSSIER_FILE)).to_be_visible()
        expect(other.get_by_text("Báo cáo đánh giá nội bộ")).to_be_visible()
        other.goto(f"/findings/{portal_world['finding']}")
        expect(other.get_by_text(RESPONSE).first).to_be_visible()
        expect(other.get_by_role("link", name="Quy trình đã sửa.pdf")).to_be_visible()
        other.goto("/portal/notifications")
        expect(other.get_by_text("UBND xã Tịnh Khê đã nộp hồ sơ kiểm tra.")).to_be_visible()
    finally:
        inspector.close()

    with live_server.app.app_context():
        assert db.session.get(Inspection, portal_world["dossier"]).status is (
            InspectionStatus.DOSSIER_RECEIVED
        )
        assert db.session.get(Finding, portal_world["finding"]).status is FindingStatus.RESPONDED
