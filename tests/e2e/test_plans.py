"""In Chromium, the admin creates a plan, adds three agencies and approves it (issue 3)."""

from datetime import date

from playwright.sync_api import expect

from inspect_app.extensions import db
from inspect_app.models import AgencyLevel, PlanStatus, Role
from inspect_app.services.agencies import create_agency
from inspect_app.services.plans import plan_for_year
from inspect_app.services.users import create_user

PASSWORD = "admin-pass-123"
AGENCIES = [
    ("STP", "Sở Tư pháp", AgencyLevel.PROVINCIAL, "tu phap"),
    ("X001", "UBND xã Tịnh Khê", AgencyLevel.COMMUNE, "tinh khe"),
    ("X002", "UBND phường Trương Quang Trọng", AgencyLevel.COMMUNE, "truong quang"),
]


def test_admin_creates_adds_three_agencies_and_approves_a_plan(live_server, page):
    year = date.today().year + 1
    with live_server.app.app_context():
        create_user("admin", role=Role.ADMIN, password=PASSWORD, full_name="Nguyễn Văn Quản")
        create_user("ktv", role=Role.INSPECTOR, password=PASSWORD, full_name="Trần Kiểm Tra")
        for code, name, level, _query in AGENCIES:
            create_agency(code=code, name=name, level=level)
        db.session.commit()

    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()

    page.get_by_role("link", name="Kế hoạch kiểm tra").first.click()
    page.get_by_role("link", name="Tạo kế hoạch").click()
    page.get_by_label("Năm kế hoạch").fill(str(year))
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Kế hoạch kiểm tra năm {year}")
    expect(page.get_by_text("Dự thảo").first).to_be_visible()

    for index, (_code, name, _level, query) in enumerate(AGENCIES):
        page.get_by_role("link", name="Thêm cơ quan").click()
        page.get_by_label("Tìm cơ quan theo tên hoặc mã").fill(query)
        page.get_by_role("button", name="Tìm cơ quan").click()
        page.get_by_label("Cơ quan", exact=True).select_option(
            label=f"{name} ({_code}, {_level.label})"
        )
        mode = "on_site" if index == 0 else "dossier"
        page.get_by_label("Hình thức kiểm tra").select_option(mode)
        page.get_by_label("Dự kiến từ ngày").fill(f"0{index + 4}/05/{year}")
        page.get_by_label("Trưởng đoàn").select_option(label="Trần Kiểm Tra (ktv)")
        page.get_by_role("button", name="Thêm vào kế hoạch").click()
        expect(page.get_by_text(f"Đã thêm {name} vào kế hoạch.")).to_be_visible()

    rows = page.locator("#plan-inspections tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#plan-counts")).to_contain_text("3 cơ quan: 1 tại trụ sở, 2 qua hồ sơ")

    page.get_by_role("link", name="Phê duyệt").click()
    page.get_by_role("button", name="Phê duyệt kế hoạch").click()
    expect(
        page.get_by_text("Chọn một quyết định đã có hoặc nhập số hiệu quyết định.")
    ).to_be_visible()
    page.get_by_label("Số hiệu quyết định mới").fill("79/QĐ-KHCN")
    page.get_by_label("Ngày ký").fill(f"15/12/{year - 1}")
    page.get_by_role("button", name="Phê duyệt kế hoạch").click()

    expect(page.get_by_text(f"Đã phê duyệt kế hoạch năm {year}.")).to_be_visible()
    expect(page.get_by_text(f"Quyết định số 79/QĐ-KHCN ngày 15/12/{year - 1}")).to_be_visible()
    expect(page.get_by_text("Đã phê duyệt").first).to_be_visible()

    with live_server.app.app_context():
        plan = plan_for_year(year)
        assert plan.status is PlanStatus.APPROVED
        assert plan.decision.number == "79/QĐ-KHCN"
        assert sorted(i.agency.code for i in plan.inspections) == ["STP", "X001", "X002"]
