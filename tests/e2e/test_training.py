"""In Chromium, the admin creates a course, imports participants from Excel and marks
attendance; the summary and the training-needs list follow (issue 7)."""

from datetime import date, timedelta

from playwright.sync_api import expect

from inspect_app.extensions import db
from inspect_app.models import AgencyLevel, Role
from inspect_app.services import agencies, training
from inspect_app.services.users import create_user
from tests.unit.test_training_import import participant_workbook

PASSWORD = "admin-pass-123"
TITLE = "Tập huấn duy trì, cải tiến HTQLCL cho cán bộ ISO mới"


def test_admin_creates_a_course_imports_participants_and_marks_attendance(
    live_server, page, tmp_path
):
    today = date.today()
    with live_server.app.app_context():
        create_user("admin", role=Role.ADMIN, password=PASSWORD, full_name="Nguyễn Văn Quản")
        justice = agencies.create_agency(
            code="STP", name="Sở Tư pháp", level=AgencyLevel.PROVINCIAL
        )
        agencies.set_officer(justice, name="Trần Văn Bình", since=today - timedelta(days=30))
        home = agencies.create_agency(code="SNV", name="Sở Nội vụ", level=AgencyLevel.PROVINCIAL)
        agencies.set_officer(home, name="Phạm Thị Dung", since=today - timedelta(days=60))
        agencies.create_agency(code="X001", name="UBND xã Tịnh Khê", level=AgencyLevel.COMMUNE)
        db.session.commit()
    workbook = tmp_path / "hoc-vien.xlsx"
    workbook.write_bytes(
        participant_workbook(
            (1, "Trần Văn Bình", "STP", "Chuyên viên", ""),
            (2, "Lê Thị Bích", "UBND xã Tịnh Khê", "Công chức Văn phòng", "x"),
            preamble=[("DANH SÁCH HỌC VIÊN",)],
        )
    )

    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()

    # Before: both departments' new officers need training.
    page.get_by_role("button", name="Danh mục").click()  # the registers menu
    page.get_by_role("link", name="Đào tạo", exact=True).first.click()
    page.get_by_role("link", name="Nhu cầu đào tạo").click()
    needs = page.locator("#training-needs")
    expect(needs).to_contain_text("Sở Tư pháp")
    expect(needs).to_contain_text("Sở Nội vụ")

    # The course.
    page.get_by_role("link", name="Khóa đào tạo", exact=True).click()
    page.get_by_role("link", name="Thêm khóa đào tạo").click()
    page.get_by_label("Loại khóa").select_option("maintain_improve")
    page.get_by_label("Tên khóa đào tạo").fill(TITLE)
    page.get_by_label("Từ ngày").fill(f"{today:%d/%m/%Y}")
    page.get_by_label("Đến ngày").fill(f"{today - timedelta(days=1):%d/%m/%Y}")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Ngày kết thúc không được trước ngày bắt đầu.")).to_be_visible()
    page.get_by_label("Đến ngày").fill(f"{today + timedelta(days=1):%d/%m/%Y}")
    page.get_by_label("Địa điểm").fill("Hội trường Sở KH&CN")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    # Participants from Excel, previewed first.
    page.get_by_role("link", name="Nhập học viên từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(workbook))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.locator("#import-summary")).to_have_text(
        "2 học viên sẽ được thêm, 1 có mặt, 1 khớp hồ sơ cán bộ phụ trách ISO."
    )
    page.get_by_role("button", name="Xác nhận và ghi dữ liệu").click()
    expect(page.get_by_text("Đã thêm 2 học viên.")).to_be_visible()  # the job page
    page.get_by_role("link", name="Xem dữ liệu đã nhập").click()
    rows = page.locator("#course-participants tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(f"Cán bộ ISO từ {today - timedelta(days=30):%d/%m/%Y}")
    expect(page.locator("#course-counts")).to_have_text("2 học viên, 1 có mặt")

    # Bình came after all.
    box = page.get_by_label("Có mặt: Trần Văn Bình")
    expect(box).not_to_be_checked()
    box.check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.get_by_text("Đã ghi nhận điểm danh: 2/2 học viên có mặt.")).to_be_visible()
    expect(page.get_by_label("Có mặt: Trần Văn Bình")).to_be_checked()

    # The summary counts the course.
    page.get_by_role("button", name="Danh mục").click()  # the registers menu
    page.get_by_role("link", name="Đào tạo", exact=True).first.click()
    page.get_by_role("link", name="Tổng hợp").click()
    summary = page.locator("#training-summary")
    expect(summary).to_contain_text("Khóa đào tạo 1")
    expect(summary).to_contain_text("Lượt học viên 2")
    expect(summary).to_contain_text("Có mặt 2 (100,0%)")
    expect(summary).to_contain_text("Cơ quan được đào tạo 2")
    kinds = page.locator("#summary-by-kind")
    expect(kinds.get_by_role("row", name="Duy trì, cải tiến HTQLCL")).to_contain_text("1")

    # The needs list no longer shows Sở Tư pháp; Sở Nội vụ still waits.
    page.get_by_role("link", name="Nhu cầu đào tạo").click()
    expect(page.locator("#training-needs")).to_contain_text("Sở Nội vụ")
    expect(page.locator("#training-needs")).not_to_contain_text("Sở Tư pháp")

    with live_server.app.app_context():
        [need] = training.training_needs()
        assert need.agency.code == "SNV"
