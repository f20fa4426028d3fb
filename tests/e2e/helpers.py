"""Helpers shared by the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import expect

PASSWORD = "field-pass-123"


def fieldset(page, code):
    """The item's <fieldset>, found by its <legend>, which begins with the item code."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)}\. "))


def log_in(page):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("inspector")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
