"""In Chromium, the admin adjusts next year's proposal and makes it the draft plan (5.12)."""

from datetime import date

from playwright.sync_api import expect

from inspect_app.extensions import db
from inspect_app.models import AgencyLevel, InspectionMode, InspectionPlan, PlanStatus, Role
from inspect_app.services.agencies import create_agency
from inspect_app.services.plans import plan_for_year
from inspect_app.services.users import create_user
from tests.e2e.helpers import PASSWORD, log_in

AGENCIES = [
    ("STP", "Sở Tư pháp", AgencyLevel.PROVINCIAL),
    ("X001", "UBND xã Tịnh Khê", AgencyLevel.COMMUNE),
    ("X002", "UBND phường Trương Quang Trọng", AgencyLevel.COMMUNE),
]


def row(page, name):
    return page.locator("tr[data-line]").filter(has_text=name)


def test_admin_adjusts_the_proposal_and_creates_the_draft_plan(live_server, page):
    year = date.today().year + 1
    with live_server.app.app_context():
        create_user("admin", role=Role.ADMIN, password=PASSWORD, full_name="Nguyễn Văn Quản")
        for code, name, level in AGENCIES:
            create_agency(code=code, name=name, level=level)
        # an older draft for the year: not overwritten without asking
        db.session.add(InspectionPlan(year=year, title="Dự thảo cũ", status=PlanStatus.DRAFT))
        db.session.commit()

    log_in(page, "admin")
    page.goto("/plans/")
    page.get_by_role("link", name="Đề xuất kế hoạch năm tới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Đề xuất kế hoạch kiểm tra năm {year}"
    )
    expect(row(page, "Sở Tư pháp")).to_contain_text("Chưa từng được kiểm tra")
    selected = page.locator('[data-total="selected"]')
    expect(selected).to_have_text("3")

    # untick one, send another by dossier in quarter III: the totals follow at once
    row(page, "UBND xã Tịnh Khê").get_by_role("checkbox").uncheck()
    expect(selected).to_have_text("2")
    other = row(page, "UBND phường Trương Quang Trọng")
    other.get_by_label("Hình thức kiểm tra").select_option("dossier")
    other.get_by_label("Quý kiểm tra").select_option("3")
    expect(page.locator('[data-total="dossier"]')).to_have_text("1")
    expect(page.get_by_text("Có thay đổi chưa lưu")).to_be_visible()

    page.get_by_role("button", name="Tạo kế hoạch dự thảo").click()
    expect(page.get_by_text("Hãy xác nhận thay thế dự thảo đó")).to_be_visible()
    with live_server.app.app_context():
        assert plan_for_year(year).title == "Dự thảo cũ"
    # the changes were saved: the page shows them again
    expect(selected).to_have_text("2")
    page.get_by_label("Thay thế dự thảo kế hoạch đã có của năm này").check()
    page.get_by_role("button", name="Tạo kế hoạch dự thảo").click()

    expect(
        page.get_by_text(f"Đã tạo dự thảo kế hoạch năm {year} với 2 cuộc kiểm tra.")
    ).to_be_visible()
    expect(page.locator("#plan-counts")).to_contain_text("2 cơ quan: 1 tại trụ sở, 1 qua hồ sơ")
    with live_server.app.app_context():
        plan = plan_for_year(year)
        assert plan.status is PlanStatus.DRAFT and plan.title != "Dự thảo cũ"
        got = {i.agency.code: (i.mode, i.planned_from) for i in plan.inspections}
        assert got["X002"] == (InspectionMode.DOSSIER, date(year, 7, 1))
        assert set(got) == {"STP", "X002"}
