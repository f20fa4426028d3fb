"""Browser tests: a live server on a fresh SQLite database, driven by Debian's Chromium.

Chromium is found at CHROMIUM_PATH or /usr/bin/chromium. Without it these tests are
skipped, unless E2E_REQUIRED=1 (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from inspect_app import create_app
from inspect_app.extensions import db
from tests.conftest import _config, upgrade_to_head

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
