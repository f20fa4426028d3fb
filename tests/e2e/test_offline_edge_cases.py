"""Issue 4's hard cases in Chromium: two tabs offline, and a session that expires mid-work."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import Answer, SyncOp
from tests.e2e.helpers import fieldset, log_in, open_checklist, outbox


def stored_answers(live_server):
    with live_server.app.app_context():
        rows = db.session.scalars(select(Answer)).all()
        ops = db.session.scalars(select(SyncOp)).all()
        return {a.item.code: (a.result.value, a.note, a.rev) for a in rows}, ops


def test_two_tabs_offline_keep_both_entries(live_server, page, planned_inspection):
    log_in(page)
    url = open_checklist(page, planned_inspection)
    context = page.context
    context.set_offline(True)
    second = context.new_page()
    second.goto(url)  # served by the service worker from its cache

    fieldset(page, "A.1").get_by_label("Phù hợp", exact=True).check()
    fieldset(second, "A.2").get_by_label("Không phù hợp", exact=True).check()
    fieldset(second, "A.2").get_by_label("Ghi chú").fill("Thiếu quy trình")
    fieldset(second, "A.2").get_by_label("Ghi chú").blur()
    for tab in (page, second):
        expect(tab.locator("#sync-status")).to_contain_text("2 thay đổi đang chờ gửi")
    # Each tab shows what the other entered (they share IndexedDB).
    expect(fieldset(second, "A.1").get_by_label("Phù hợp", exact=True)).to_be_checked()

    context.set_offline(False)
    for tab in (page, second):
        tab.get_by_role("button", name="Đồng bộ ngay").click()
        expect(tab.locator("#sync-status")).to_contain_text("Đã đồng bộ", timeout=20_000)
    answers, ops = stored_answers(live_server)
    assert answers == {"A.1": ("conform", "", 1), "A.2": ("nonconform", "Thiếu quy trình", 1)}
    assert len(ops) == 2 and len({op.op_id for op in ops}) == 2


def test_expired_session_pauses_sync_without_losing_entries(
    live_server,
    page,
    planned_inspection,
):
    log_in(page)
    open_checklist(page, planned_inspection)
    page.context.clear_cookies()  # the session is gone, as after a timeout or a logout

    fieldset(page, "A.3").get_by_label("Khuyến nghị", exact=True).check()
    expect(page.locator("#sync-status")).to_contain_text("Tạm dừng đồng bộ", timeout=20_000)
    expect(page.locator("#sync-alert")).to_be_visible()
    expect(page.locator("#sync-login")).to_be_visible()
    expect(page.locator("#sync-status")).to_contain_text("1 thay đổi đang chờ gửi")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Lưu bản sao các thay đổi chưa gửi").click()
    exported = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert [(op["item"], op["result"]) for op in exported["ops"]] == [("A.3", "observation")]

    login_tab = page.context.new_page()
    log_in(login_tab)
    login_tab.close()
    page.get_by_role("button", name="Đồng bộ ngay").click()
    expect(page.locator("#sync-status")).to_contain_text("Đã đồng bộ", timeout=20_000)
    answers, ops = stored_answers(live_server)
    assert answers == {"A.3": ("observation", "", 1)} and len(ops) == 1
    page.reload()
    expect(fieldset(page, "A.3").get_by_label("Khuyến nghị", exact=True)).to_be_checked()


def test_logout_warns_forgets_cached_pages_but_keeps_unsent_answers(
    live_server, page, planned_inspection
):
    log_in(page)
    url = open_checklist(page, planned_inspection)
    page.context.set_offline(True)
    fieldset(page, "A.4").get_by_label("Không áp dụng", exact=True).check()
    expect(page.locator("#sync-status")).to_contain_text("1 thay đổi đang chờ gửi")
    page.context.set_offline(False)
    # The server refuses answers for now (it is failing): the entry cannot leave.
    page.context.route("**/api/v1/inspections/*/answers", lambda route: route.abort())

    page.get_by_role("button", name="Đăng xuất").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Còn 1 thay đổi của bạn chưa được máy chủ nhận")
    dialog.get_by_role("button", name="Quay lại").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()  # still logged in

    page.get_by_role("button", name="Đăng xuất").click()
    dialog.get_by_role("button", name="Vẫn đăng xuất").click()
    expect(page.locator("body[data-offline-cleared='true']")).to_have_count(1)
    assert page.evaluate("async (url) => Boolean(await caches.match(url))", url) is False
    kept = outbox(page)
    assert [(op["owner"], op["item"], op["result"]) for op in kept] == [
        ("inspector", "A.4", "not_applicable")
    ]
    answers, ops = stored_answers(live_server)
    assert answers == {} and ops == []
