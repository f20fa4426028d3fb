"""Issue 4's field scenario in Chromium: answers entered offline survive a reload and reach
the server exactly once when the network comes back."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    AnswerHistory,
    Inspection,
    InspectionStatus,
    SyncOp,
)
from tests.e2e.helpers import fieldset, log_in, wait_for_outbox

NOTES = {
    "A.1": "Phạm vi áp dụng đủ 45 TTHC",
    "A.2": "Quy trình chưa cập nhật theo Nghị định mới",
    "4.1": "Đã xác định bối cảnh",
}
CHOICES = {"A.1": "Phù hợp", "A.2": "Không phù hợp", "4.1": "Khuyến nghị"}
VALUES = {"A.1": "conform", "A.2": "nonconform", "4.1": "observation"}


def test_offline_answers_survive_reload_and_sync_once(live_server, page, planned_inspection):
    log_in(page)
    checklist_url = f"/inspections/{planned_inspection}/checklist"
    page.goto(checklist_url)
    expect(page.locator("#sync-status")).to_contain_text("Đã đồng bộ")
    # The page and its data are in the offline cache once the service worker runs.
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function(
        "async (url) => Boolean(await caches.match(url))", arg=checklist_url, timeout=10_000
    )

    page.context.set_offline(True)
    for code, choice in CHOICES.items():
        item = fieldset(page, code)
        item.get_by_label(choice, exact=True).check()
        item.get_by_label("Ghi chú").fill(NOTES[code])
        item.get_by_label("Ghi chú").blur()
    # The real condition: every value and note is in IndexedDB (the count alone is reached
    # before the notes' writes land).
    wait_for_outbox(page, {code: (VALUES[code], NOTES[code]) for code in CHOICES})
    expect(page.locator("#sync-status")).to_contain_text("3 thay đổi đang chờ gửi")

    page.reload()
    for code, choice in CHOICES.items():
        item = fieldset(page, code)
        expect(item.get_by_label(choice, exact=True)).to_be_checked()
        expect(item.get_by_label("Ghi chú")).to_have_value(NOTES[code])
    expect(page.locator("#sync-status")).to_contain_text("ngoại tuyến")

    page.context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("Đã đồng bộ", timeout=20_000)

    with live_server.app.app_context():
        answers = db.session.scalars(select(Answer).order_by(Answer.id)).all()
        by_code = {answer.item.code: answer for answer in answers}
        assert set(by_code) == set(CHOICES)
        for code, answer in by_code.items():
            assert answer.rev == 1, code
            assert answer.note == NOTES[code]
        assert {a.result.value for a in answers} == {"conform", "nonconform", "observation"}
        assert len(db.session.scalars(select(AnswerHistory)).all()) == 3
        assert len(db.session.scalars(select(SyncOp)).all()) == 3
        inspection = db.session.get(Inspection, planned_inspection)
        assert inspection.status is InspectionStatus.IN_PROGRESS
