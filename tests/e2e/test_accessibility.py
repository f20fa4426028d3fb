"""axe-core over every kind of page each role reaches, on the demo data, at a laptop's
and a phone's width: no serious or critical violation anywhere, and no page wider than
the phone's screen. The page's own CSP stays on while it is checked."""

from __future__ import annotations

import pytest

from inspect_app.extensions import db
from inspect_app.seed.demo import seed_demo
from tests.e2e.axe import AXE_JS, axe_violations, crawl, summary
from tests.e2e.helpers import PASSWORD

PHONE = {"width": 414, "height": 800}
LAPTOP = {"width": 1366, "height": 800}
SMALL_LAPTOP = {"width": 1280, "height": 800}
#: the tops of the bar's parts (brand, menu, language, bell, name, logout), in px.
BAR_TOPS_JS = """() => [...document.querySelectorAll(
    '.app-navbar .navbar-brand, #main-nav > *')].map((e) => e.getBoundingClientRect().top)"""


@pytest.fixture
def demo_server(live_server):
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `make install` (npm ci installs axe-core)")
    with live_server.app.app_context():
        seed_demo(PASSWORD)
        db.session.commit()
    return live_server


def log_in_as(page, username):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("role", ["admin", "inspector", "agency", "viewer", None])
def test_no_serious_accessibility_violation_on_any_page(browser, demo_server, role):
    context = browser.new_context(base_url=demo_server.url, locale="vi-VN", viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if role:
            log_in_as(page, role)
        report = crawl(page, demo_server.url)
        # every role has a menu to follow, so the crawl reaches well past the home page.
        assert len(report) >= (2 if role is None else 8), list(report)
        assert not {url: found for url, found in report.items() if found}, summary(report)

        # The bar is one line at 1280 px: every part starts within a few px of the others.
        page.set_viewport_size(SMALL_LAPTOP)
        page.goto("/")
        tops = page.evaluate(BAR_TOPS_JS)
        assert len(tops) >= 2 and max(tops) - min(tops) < 12, tops

        page.set_viewport_size(PHONE)
        narrow, too_wide = {}, {}
        for url in report:
            page.goto(url)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[url] = width
            if found := axe_violations(page):
                narrow[url] = found
        assert too_wide == {}
        assert narrow == {}, summary(narrow)
    finally:
        context.close()
