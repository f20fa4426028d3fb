"""Issue 17 in Chromium: the department records an amendment, the agency sees which of its
processes went stale and records a new version, and the inspector sees it beside A.2."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from inspect_app.extensions import db
from inspect_app.models import Agency, AgencyLevel, Inspection, Role
from inspect_app.services import regulations
from inspect_app.services.regulations import DocumentData
from inspect_app.services.users import create_user
from tests.e2e.helpers import PASSWORD, log_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def tracker_world(live_server, planned_inspection):
    with live_server.app.app_context():
        create_user("admin", role=Role.ADMIN, password=PASSWORD, full_name="Cán bộ Sở")
        agency = db.session.get(Inspection, planned_inspection).agency
        create_user("agency", role=Role.AGENCY, password=PASSWORD, agency=agency)
        other = Agency(code="SO-TP", name="Sở Tư pháp", level=AgencyLevel.PROVINCIAL)
        db.session.add(other)
        plan = regulations.save_document(
            None,
            DocumentData(
                "599/QĐ-UBND",
                "Kế hoạch chuyển đổi, áp dụng HTQLCL theo TCVN ISO 9001:2015 (2019 – 2020)",
                date(2019, 4, 26),
                date(2019, 4, 26),
                issuer="UBND tỉnh Quảng Ngãi",
            ),
        )
        for owner in (agency, other):
            regulations.create_process(
                owner,
                code="QT-01",
                name="Quy trình kiểm soát tài liệu",
                issued_on=date(2019, 6, 1),
                bases=[plan],
            )
        db.session.commit()
    return planned_inspection


def test_an_amendment_reaches_the_agency_and_the_inspector(page, new_page, tracker_world):
    log_in(page, "admin")
    page.goto("/regulations/documents/new")
    page.get_by_label("Số hiệu", exact=True).fill("971/QĐ-UBND")
    page.get_by_label("Loại văn bản", exact=True).select_option("decision")
    page.get_by_label("Trích yếu", exact=True).fill(
        "Sửa đổi, bổ sung Kế hoạch ban hành kèm theo QĐ 599/QĐ-UBND"
    )
    page.get_by_label("Ngày ban hành", exact=True).fill("03/07/2020")
    page.get_by_label("Ngày hiệu lực", exact=True).fill("03/07/2020")
    page.get_by_label("Sửa đổi, bổ sung văn bản").fill("599/QĐ-UBND")
    page.get_by_role("button", name="Lưu").click()
    expect(
        page.get_by_text("Đã thông báo cho 2 cơ quan có quy trình cần cập nhật.")
    ).to_be_visible()
    expect(
        page.get_by_text("Văn bản này làm 2 quy trình của 2 cơ quan cần cập nhật; 0 đã cập nhật")
    ).to_be_visible()
    page.get_by_role("button", name="Danh mục").click()  # the registers menu
    page.get_by_role("link", name="Văn bản & quy trình").click()
    expect(page.locator("table.by-agency")).to_contain_text("UBND xã Tịnh Khê")

    agency = new_page()
    log_in(agency, "agency")
    stale = agency.locator("section.regulation-summary table.stale-processes")
    expect(stale).to_contain_text("QT-01")
    expect(stale).to_contain_text("971/QĐ-UBND")
    stale.get_by_role("link", name="Ghi phiên bản mới").click()
    agency.get_by_label("Ngày ban hành", exact=True).fill("20/07/2020")
    agency.get_by_label("Lần ban hành", exact=True).fill("02")
    agency.get_by_label("Căn cứ pháp lý").fill("599/QĐ-UBND; 971/QĐ-UBND")
    agency.get_by_label("Tệp quy trình (không bắt buộc)").set_input_files(
        {"name": "QT-01 lần 2.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    agency.get_by_role("button", name="Lưu").click()
    expect(
        agency.get_by_text("Đã ghi phiên bản ngày 20/07/2020 của quy trình QT-01.")
    ).to_be_visible()
    expect(agency.locator("table.process-catalogue")).to_contain_text("Còn phù hợp")

    inspector = new_page()
    log_in(inspector, "inspector")
    inspector.goto(f"/inspections/{tracker_world}/checklist")
    hint = inspector.locator('details.regulation-hint[data-item="A.2"]')
    expect(hint).to_contain_text("0 quy trình cần cập nhật")
    page.goto("/regulations/")
    expect(page.locator("table.by-document")).to_contain_text(
        "Làm 2 quy trình của 2 cơ quan cần cập nhật; 1 đã cập nhật."
    )
