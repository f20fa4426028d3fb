"""The admin logs in through the real form and lands on the admin overview."""

from playwright.sync_api import expect

from inspect_app.extensions import db
from inspect_app.models import Role
from inspect_app.services.users import create_user

PASSWORD = "admin-pass-123"


def test_admin_logs_in_and_sees_landing_page(live_server, page):
    with live_server.app.app_context():
        create_user("admin", role=Role.ADMIN, password=PASSWORD, full_name="Nguyễn Văn Quản")
        db.session.commit()

    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill("wrong-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()

    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tổng quan năm")
    expect(page.get_by_text("Nguyễn Văn Quản")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
