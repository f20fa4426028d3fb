"""Browser tests: a live server on a fresh SQLite database, driven by Debian's Chromium.

Chromium is found at CHROMIUM_PATH or /usr/bin/chromium. Without it these tests are
skipped, unless E2E_REQUIRED=1 (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from inspect_app import create_app
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Decision,
    DecisionKind,
    Inspection,
    InspectionMode,
    InspectionPlan,
    PlanStatus,
    Role,
)
from inspect_app.models.base import utcnow
from inspect_app.seed.checklist_content import build_default_template
from inspect_app.services.users import create_user
from tests.conftest import _config, upgrade_to_head
from tests.e2e.helpers import PASSWORD

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def playwright_driver():
    path = chromium_path()
    if path is None:
        message = "Chromium not found (set CHROMIUM_PATH or install Debian's chromium)"
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message + "; E2E_REQUIRED=1 makes this a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    instance = playwright_driver.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
    )
    yield instance
    instance.close()


def _buffered(app):
    """Each response read whole and closed before it is sent. Werkzeug's server skips
    `close()` when the browser drops a connection while it drains the request (the page
    navigated away, a route aborted), which leaves a static file open; with warnings as
    errors that would fail whichever test runs next."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


class LiveServer:
    """The app served by werkzeug in a thread, on a free port of 127.0.0.1.

    `stop()` takes the server down as a crash would (connections refused) and `start()`
    brings it back on the same port, so that the browser's pages and service worker stay.
    """

    def __init__(self, app):
        self.app = app
        self.wsgi = _buffered(app)
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = None

    def start(self) -> LiveServer:
        if self.server is None:
            self.server = make_server("127.0.0.1", self.port, self.wsgi, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.server = None


@pytest.fixture
def live_server(tmp_path):
    """A fresh, migrated SQLite database behind a real HTTP server, with CSRF on."""
    config = _config(tmp_path, f"sqlite:///{tmp_path / 'e2e.db'}")
    config.update({"WTF_CSRF_ENABLED": True, "TESTING": False})
    app = create_app(config)
    upgrade_to_head(app)
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in further browser contexts: another person on another laptop."""
    contexts = []

    def _new_page():
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        contexts.append(context)
        opened = context.new_page()
        opened.set_default_timeout(10_000)
        return opened

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def profile(playwright_driver, live_server, tmp_path):
    """A persistent Chromium profile (a real user data folder), reopened like a laptop's
    browser after a restart: `profile.open()` starts it, `profile.close()` quits it."""

    class Profile:
        def __init__(self):
            self.path = tmp_path / "profile"
            self.context = None

        def open(self):
            self.context = playwright_driver.chromium.launch_persistent_context(
                str(self.path),
                executable_path=chromium_path(),
                headless=True,
                args=CHROMIUM_FLAGS,
                base_url=live_server.url,
                locale="vi-VN",
            )
            self.context.set_default_timeout(10_000)
            pages = self.context.pages
            return pages[0] if pages else self.context.new_page()

        def close(self):
            if self.context is not None:
                self.context.close()
                self.context = None

    instance = Profile()
    yield instance
    instance.close()


@pytest.fixture
def planned_inspection(live_server):
    """A planned on-site inspection led by `inspector`, with the default checklist; its
    team member is `inspector2`, and `viewer` reads everything."""
    with live_server.app.app_context():
        inspector = create_user(
            "inspector", role=Role.INSPECTOR, password=PASSWORD, full_name="Nguyễn Văn Trưởng"
        )
        member = create_user(
            "inspector2", role=Role.INSPECTOR, password=PASSWORD, full_name="Trần Thị Thành"
        )
        create_user("viewer", role=Role.VIEWER, password=PASSWORD, full_name="Lãnh đạo Sở")
        agency = Agency(code="XA-21211", name="UBND xã Tịnh Khê", level=AgencyLevel.COMMUNE)
        year = date.today().year
        decision = Decision(
            number="35/QĐ-KHCN",
            signed_on=date(year, 3, 1),
            year=year,
            issuer="Sở KH&CN",
            kind=DecisionKind.PLAN_APPROVAL,
        )
        plan = InspectionPlan(
            year=year,
            title=f"Kế hoạch kiểm tra năm {year}",
            status=PlanStatus.APPROVED,
            decision=decision,
            approved_at=utcnow(),
        )
        inspection = Inspection(
            plan=plan,
            agency=agency,
            mode=InspectionMode.ON_SITE,
            lead=inspector,
            members=[member],
            template=build_default_template(),
        )
        db.session.add(inspection)
        db.session.commit()
        return inspection.id
