"""The audit log in Chromium: an admin changes a user, then reads who did what, in
Vietnamese, filters it and follows the object's link."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from inspect_app.extensions import db
from inspect_app.models import Role
from inspect_app.services.users import create_user
from tests.e2e.helpers import PASSWORD, log_in


def test_admin_reads_a_change_as_before_and_after(page, live_server):
    with live_server.app.app_context():
        create_user("admin", role=Role.ADMIN, password=PASSWORD, full_name="Nguyễn Văn Quản")
        member = create_user(
            "thanh", role=Role.INSPECTOR, password=PASSWORD, full_name="Trần Thị Thành"
        )
        db.session.commit()
        member_id = member.id

    log_in(page, "admin")
    page.goto(f"/admin/users/{member_id}")
    page.get_by_label("Họ và tên").fill("Trần Thị Thanh Thủy")
    page.get_by_role("button", name="Lưu").click()

    page.get_by_role("link", name="Quản trị", exact=True).click()
    page.get_by_role("link", name=re.compile("^Nhật ký thay đổi")).click()
    page.get_by_label("Đối tượng", exact=True).select_option(label="Người dùng")
    page.get_by_label("Người thực hiện").fill("admin")
    page.get_by_role("button", name="Lọc").click()

    row = page.locator(".audit-table tbody tr").first
    expect(row).to_contain_text("Nguyễn Văn Quản")
    expect(row).to_contain_text("Sửa")
    expect(row.locator(".audit-changes")).to_contain_text("Họ và tên")
    expect(row.locator(".audit-changes")).to_contain_text("Trần Thị Thành → Trần Thị Thanh Thủy")
    expect(row.locator("td").first).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$"))

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename == "nhat-ky-thay-doi.xlsx"

    row.get_by_role("link", name=f"Người dùng #{member_id}").click()
    expect(page.get_by_label("Họ và tên")).to_have_value("Trần Thị Thanh Thủy")
