"""Helpers shared by the browser tests."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

PASSWORD = "field-pass-123"


def fieldset(page, code):
    """The item's <fieldset>, found by its <legend>, which begins with the item code."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)}\. "))


def log_in(page, username="inspector", *, remember=False):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    if remember:
        page.get_by_label("Ghi nhớ đăng nhập trên máy này").check()
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def log_out(page, *, confirm=True):
    page.get_by_role("button", name="Đăng xuất").click()
    anyway = page.locator("#confirm-dialog").get_by_role("button", name="Vẫn đăng xuất")
    logged_out = page.get_by_role("button", name="Đăng nhập")
    if confirm:
        expect(logged_out.or_(anyway)).to_be_visible()
        if anyway.is_visible():
            anyway.click()
        expect(logged_out).to_be_visible()


def confirm(page, label):
    """Accept the confirmation dialog (#confirm-dialog) with its button `label`."""
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=label, exact=True).click()
    expect(dialog).to_be_hidden()


def answer(page, code, choice, note=None):
    """Choose a result (and type a note) the way an inspector does."""
    item = fieldset(page, code)
    item.get_by_label(choice, exact=True).check()
    if note is not None:
        item.get_by_label("Ghi chú").fill(note)
        item.get_by_label("Ghi chú").blur()


OUTBOX_JS = """(owner) => new Promise((resolve, reject) => {
    const open = indexedDB.open("inspect_app");
    open.onsuccess = () => {
        const db = open.result;
        const request = db.transaction("outbox").objectStore("outbox").getAll();
        request.onsuccess = () => {
            db.close();
            resolve(request.result
                .filter((op) => owner === null || op.owner === owner)
                .sort((a, b) => a.seq - b.seq));
        };
        request.onerror = () => reject(request.error);
    };
    open.onerror = () => reject(open.error);
})"""


def outbox(page, owner=None):
    """What this browser's outbox holds (all users', or one user's), in sequence order."""
    return page.evaluate(OUTBOX_JS, owner)


def wait_for_outbox(page, expected, owner="inspector"):
    """Wait until the user's pending entries hold exactly these values: {code: (result, note)}.

    The real condition, not a status text: the status counts entries before a note's
    debounced write has landed.
    """
    page.wait_for_function(
        """async ([owner, expected]) => {
            const open = await new Promise((resolve, reject) => {
                const request = indexedDB.open("inspect_app");
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
            const rows = await new Promise((resolve) => {
                const request = open.transaction("outbox").objectStore("outbox").getAll();
                request.onsuccess = () => resolve(request.result);
            });
            open.close();
            const latest = {};
            for (const op of rows.filter((op) => op.owner === owner && op.state === "pending")
                                 .sort((a, b) => a.seq - b.seq)) latest[op.item] = op;
            const codes = Object.keys(expected);
            return Object.keys(latest).length === codes.length && codes.every((code) =>
                latest[code] && latest[code].result === expected[code][0]
                && latest[code].note === expected[code][1]);
        }""",
        arg=[owner, expected],
        timeout=10_000,
    )


def status(page):
    return page.locator("#sync-status")


def expect_synced(page, timeout=20_000):
    expect(status(page)).to_contain_text("Đã đồng bộ", timeout=timeout)


def wait_until(page, condition, timeout=15.0):
    """Poll a condition on the Python side while the browser keeps running."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(100)


def open_checklist(page, inspection_id):
    """Open an inspection's checklist, synced, and wait until it is kept for offline use."""
    url = f"/inspections/{inspection_id}/checklist"
    page.goto(url)
    expect_synced(page)
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("async (url) => Boolean(await caches.match(url))", arg=url)
    return url
