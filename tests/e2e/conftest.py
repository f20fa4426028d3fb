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
from inspect_app.services.checklist_content import build_default_template
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
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium not found (set CHROMIUM_PATH or install Debian's chromium)"
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message + "; E2E_REQUIRED=1 makes this a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


class LiveServer:
    """The app served by werkzeug in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


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
def planned_inspection(live_server):
    """A planned on-site inspection led by `inspector`, with the default checklist."""
    with live_server.app.app_context():
        inspector = create_user("inspector", role=Role.INSPECTOR, password=PASSWORD)
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
            template=build_default_template(),
        )
        db.session.add(inspection)
        db.session.commit()
        return inspection.id
