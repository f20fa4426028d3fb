"""Issue 11 in Chromium: nothing an inspector enters offline is lost, doubled, or sent under
someone else's name. Each test plays one field scenario and then reads the database."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.blueprints.inspections import offline as offline_views
from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    AnswerConflict,
    AnswerHistory,
    ChecklistItem,
    DeviceReport,
    Inspection,
    InspectionStatus,
    Result,
    SyncOp,
    User,
)
from inspect_app.services import sync
from tests.e2e.helpers import (
    OUTBOX_JS,
    answer,
    confirm,
    expect_synced,
    fieldset,
    log_in,
    log_out,
    open_checklist,
    outbox,
    status,
    wait_for_outbox,
    wait_until,
)

ANSWERS_URL = "**/api/v1/inspections/*/answers"


# ---- reading the database -------------------------------------------------------------


def db_answers(live_server, inspection_id):
    """{code: (result, note, rev, username)} of the inspection's current answers."""
    with live_server.app.app_context():
        rows = db.session.scalars(select(Answer).where(Answer.inspection_id == inspection_id))
        return {
            a.item.code: (
                a.result.value if a.result else None,
                a.note,
                a.rev,
                a.updated_by.username,
            )
            for a in rows
        }


def db_history(live_server, inspection_id):
    """[(code, rev, result, username)] in the order the values were written."""
    with live_server.app.app_context():
        rows = db.session.execute(
            select(ChecklistItem.code, AnswerHistory.rev, AnswerHistory.result, User.username)
            .join(Answer, Answer.id == AnswerHistory.answer_id)
            .join(ChecklistItem, ChecklistItem.id == Answer.item_id)
            .join(User, User.id == AnswerHistory.changed_by_id)
            .where(Answer.inspection_id == inspection_id)
            .order_by(AnswerHistory.id)
        )
        return [
            (code, rev, result.value if result else None, user) for code, rev, result, user in rows
        ]


def db_ops(live_server):
    """[(status, username, content)] of every sync op the server saw."""
    with live_server.app.app_context():
        rows = db.session.execute(
            select(SyncOp.status, User.username, SyncOp.content)
            .join(User, User.id == SyncOp.user_id)
            .order_by(SyncOp.id)
        )
        return [(s, u, json.loads(c) if c else None) for s, u, c in rows]


def db_conflicts(live_server):
    """[(code, kind, client result, client note, submitter, resolution)]."""
    with live_server.app.app_context():
        rows = db.session.scalars(select(AnswerConflict).order_by(AnswerConflict.id))
        return [
            (
                c.item.code,
                c.kind.value,
                c.client_result.value if c.client_result else None,
                c.client_note,
                c.submitted_by.username,
                c.resolution.value if c.resolution else None,
            )
            for c in rows
        ]


def conducted_with_every_item_answered(live_server, inspection_id):
    """The team has answered every item (as the lead) and finished on-site work."""
    with live_server.app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        lead = inspection.lead
        for item in inspection.template.items:
            sync.store_answer(inspection, item, None, Result.CONFORM, "", lead, source="web")
        inspection.status = InspectionStatus.CONDUCTED
        inspection.conducted_on = date.today() - timedelta(days=1)
        db.session.commit()


# ---- 1. silent loss -----------------------------------------------------------------------


def test_answers_arriving_after_conclusion_stay_on_the_device_and_reach_the_lead(
    live_server, page, new_page, planned_inspection
):
    conducted_with_every_item_answered(live_server, planned_inspection)
    member = page
    log_in(member, "inspector2")
    open_checklist(member, planned_inspection)
    # The member's answers cannot get through (a flaky network); a short report does.
    member.context.route(ANSWERS_URL, lambda route: route.abort())
    answer(member, "A.1", "Không phù hợp", "Thiếu 2 quy trình")
    answer(member, "A.2", "Khuyến nghị", "Nên rà soát lại")
    answer(member, "4.1", "Không áp dụng", "")
    wait_for_outbox(
        member,
        {
            "A.1": ("nonconform", "Thiếu 2 quy trình"),
            "A.2": ("observation", "Nên rà soát lại"),
            "4.1": ("not_applicable", ""),
        },
        owner="inspector2",
    )
    member.get_by_role("button", name="Đồng bộ ngay").click()

    def reported():
        with live_server.app.app_context():
            return db.session.scalar(select(DeviceReport.pending)) == 3

    wait_until(member, reported)

    lead = new_page()
    log_in(lead, "inspector")
    lead.goto(f"/inspections/{planned_inspection}")
    expect(lead.locator("#unsent-warning")).to_contain_text("Trần Thị Thành: 3 thay đổi")
    lead.get_by_label("Tóm tắt kết luận").fill("Hệ thống được duy trì.")
    lead.get_by_role("button", name="Kết luận").click()
    confirm(lead, "Kết luận")
    expect(lead.locator(".alert-danger")).to_contain_text("báo còn thay đổi chưa gửi")
    lead.get_by_label("Vẫn kết luận, dù thiết bị của thành viên còn thay đổi chưa gửi").check()
    lead.get_by_label("Tóm tắt kết luận").fill("Hệ thống được duy trì.")
    lead.get_by_role("button", name="Kết luận").click()
    confirm(lead, "Kết luận")
    expect(lead.locator(".alert-success")).to_contain_text("Đã chuyển sang trạng thái")

    member.context.unroute(ANSWERS_URL)
    member.get_by_role("button", name="Đồng bộ ngay").click()
    expect(status(member)).to_contain_text("3 thay đổi không được máy chủ nhận", timeout=20_000)
    expect(status(member)).not_to_contain_text("Đã đồng bộ")
    refused = member.locator(".item-refused").filter(has_text="A.1:")
    expect(refused).to_contain_text("Cuộc kiểm tra đã kết luận")
    expect(refused).to_contain_text("Thiếu 2 quy trình")
    with member.expect_download() as download:
        member.get_by_role("button", name="Lưu bản sao các thay đổi chưa gửi").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert sorted((op["item"], op["state"]) for op in exported["ops"]) == [
        ("4.1", "rejected"),
        ("A.1", "rejected"),
        ("A.2", "rejected"),
    ]

    # The database: the record is what was concluded; the late answers are all kept.
    answers = db_answers(live_server, planned_inspection)
    assert answers["A.1"] == ("conform", "", 1, "inspector")
    ops = db_ops(live_server)
    assert [(s, u) for s, u, _ in ops] == [("rejected", "inspector2")] * 3
    assert {c["item"]: c["note"] for _, _, c in ops} == {
        "A.1": "Thiếu 2 quy trình",
        "A.2": "Nên rà soát lại",
        "4.1": "",
    }
    assert sorted(db_conflicts(live_server)) == [
        ("4.1", "late", "not_applicable", "", "inspector2", None),
        ("A.1", "late", "nonconform", "Thiếu 2 quy trình", "inspector2", None),
        ("A.2", "late", "observation", "Nên rà soát lại", "inspector2", None),
    ]

    lead.reload()
    conflicts = lead.locator("#conflicts")
    expect(conflicts.locator("tbody tr")).to_have_count(3)
    expect(conflicts).to_contain_text("Gửi sau khi đã khóa")
    expect(conflicts).to_contain_text("Thiếu 2 quy trình")
    conflicts.locator("tr", has_text="A.1").get_by_role(
        "button", name="Giữ giá trị trên máy chủ"
    ).click()
    expect(lead.locator(".alert-success")).to_contain_text("A.1")
    assert ("A.1", "late", "nonconform", "Thiếu 2 quy trình", "inspector2", "keep_server") in (
        db_conflicts(live_server)
    )


# ---- 2. someone else's changes --------------------------------------------------------------


def test_changes_are_sent_only_by_the_user_who_made_them(live_server, page, planned_inspection):
    log_in(page, "inspector2")
    url = open_checklist(page, planned_inspection)
    page.context.set_offline(True)
    answer(page, "A.1", "Không phù hợp", "Của thành viên")
    answer(page, "A.2", "Phù hợp")
    answer(page, "A.3", "Khuyến nghị")
    wait_for_outbox(
        page,
        {
            "A.1": ("nonconform", "Của thành viên"),
            "A.2": ("conform", ""),
            "A.3": ("observation", ""),
        },
        owner="inspector2",
    )
    page.context.clear_cookies()  # the session expired while offline
    page.context.set_offline(False)

    log_in(page, "inspector")  # the lead takes the same laptop
    page.goto(url)
    expect(status(page)).to_contain_text("3 thay đổi của người dùng khác (inspector2)")
    expect_synced(page)
    expect(fieldset(page, "A.1").get_by_label("Không phù hợp", exact=True)).not_to_be_checked()
    expect(fieldset(page, "A.1").get_by_label("Ghi chú")).to_have_value("")
    with page.expect_download() as download:
        page.get_by_role("button", name="Lưu bản sao các thay đổi chưa gửi").click()
    assert json.loads(Path(download.value.path()).read_text(encoding="utf-8"))["ops"] == []
    assert db_answers(live_server, planned_inspection) == {} and db_ops(live_server) == []
    log_out(page)

    log_in(page, "viewer")  # a read-only user next: sees that changes wait, not what they are
    page.goto(url)
    expect(status(page)).to_contain_text("3 thay đổi của người dùng khác (inspector2)")
    expect(page.get_by_text("Của thành viên")).to_have_count(0)
    # a reader's checklist offers neither sending nor saving a copy of anyone's changes
    expect(page.get_by_role("button", name="Lưu bản sao các thay đổi chưa gửi")).to_have_count(0)
    expect(page.get_by_role("button", name="Đồng bộ ngay")).to_have_count(0)
    assert db_answers(live_server, planned_inspection) == {}
    log_out(page)

    log_in(page, "inspector2")  # back in their own session, any page sends them
    wait_until(page, lambda: len(db_answers(live_server, planned_inspection)) == 3)
    assert db_answers(live_server, planned_inspection) == {
        "A.1": ("nonconform", "Của thành viên", 1, "inspector2"),
        "A.2": ("conform", "", 1, "inspector2"),
        "A.3": ("observation", "", 1, "inspector2"),
    }
    assert {user for *_, user in db_history(live_server, planned_inspection)} == {"inspector2"}
    assert [(s, u) for s, u, _ in db_ops(live_server)] == [("applied", "inspector2")] * 3
    page.goto(url)
    expect_synced(page)
    expect(status(page)).not_to_contain_text("người dùng khác")


# ---- 3. the answer to an applied batch is lost ------------------------------------------------


def test_own_edit_after_a_lost_answer_wins_without_a_conflict(
    live_server, page, planned_inspection
):
    log_in(page)
    open_checklist(page, planned_inspection)
    page.context.set_offline(True)
    first = {
        "A.1": ("conform", "lần 1"),
        "A.2": ("nonconform", "lần 1"),
        "A.3": ("observation", "lần 1"),
    }
    labels = {
        "conform": "Phù hợp",
        "nonconform": "Không phù hợp",
        "observation": "Khuyến nghị",
        "not_applicable": "Không áp dụng",
    }
    for code, (result, note) in first.items():
        answer(page, code, labels[result], note)
    wait_for_outbox(page, first)
    crashed = []

    def crash_after_commit(route):
        route.fetch()  # the server applies the batch and commits...
        live_server.stop()  # ...and is killed before its answer reaches the browser
        crashed.append(True)
        route.abort("connectionreset")

    page.route(ANSWERS_URL, crash_after_commit, times=1)
    page.context.set_offline(False)
    page.get_by_role("button", name="Đồng bộ ngay").click()
    wait_until(page, lambda: crashed)
    assert {code: v[:2] for code, v in db_answers(live_server, planned_inspection).items()} == first

    second = {
        "A.1": ("not_applicable", "lần 2"),
        "A.2": ("conform", "lần 2"),
        "A.3": ("nonconform", "lần 2"),
    }
    for code, (result, note) in second.items():  # re-edited while the server is down
        answer(page, code, labels[result], note)
    wait_for_outbox(page, second)
    expect(status(page)).to_contain_text("3 thay đổi đang chờ gửi")

    live_server.start()
    page.get_by_role("button", name="Đồng bộ ngay").click()
    expect_synced(page)
    assert db_answers(live_server, planned_inspection) == {
        code: (result, note, 2, "inspector") for code, (result, note) in second.items()
    }
    assert db_conflicts(live_server) == []
    assert sorted(db_history(live_server, planned_inspection)) == sorted(
        [(code, 1, first[code][0], "inspector") for code in first]
        + [(code, 2, second[code][0], "inspector") for code in second]
    )
    assert [s for s, _, _ in db_ops(live_server)] == ["applied"] * 6
    page.reload()
    for code, (result, note) in second.items():
        expect(fieldset(page, code).get_by_label(labels[result], exact=True)).to_be_checked()
        expect(fieldset(page, code).get_by_label("Ghi chú")).to_have_value(note)


# ---- 4. the device clock --------------------------------------------------------------------

SHIFTED_CLOCK = """(() => {
  const RealDate = Date;
  let offset = 0;
  window.__setClockOffset = (ms) => { offset = ms; };
  class DeviceDate extends RealDate {
    constructor(...args) { if (args.length) super(...args); else super(RealDate.now() + offset); }
    static now() { return RealDate.now() + offset; }
  }
  window.Date = DeviceDate;
})();"""


def test_changes_go_out_in_the_order_made_whatever_the_clock_says(
    live_server, page, planned_inspection
):
    page.context.add_init_script(SHIFTED_CLOCK)
    log_in(page)
    open_checklist(page, planned_inspection)
    page.evaluate("window.__setClockOffset(3 * 3600 * 1000)")  # the laptop's clock is 3 h fast
    failed = []

    def unreachable(route):
        failed.append(True)
        route.abort()

    page.route(ANSWERS_URL, unreachable)
    answer(page, "A.1", "Phù hợp")
    wait_until(page, lambda: failed)  # sent once, answer lost: the entry is kept as sent
    page.wait_for_function(
        f"""async () => {{
            const rows = await ({OUTBOX_JS})("inspector");
            return rows.length === 1 && rows[0].attempted;
        }}"""
    )
    page.evaluate("window.__setClockOffset(0)")  # the clock is corrected: 3 h back
    answer(page, "A.1", "Không phù hợp")
    wait_for_outbox(page, {"A.1": ("nonconform", "")})
    entries = outbox(page, "inspector")
    assert [op["result"] for op in entries] == ["conform", "nonconform"]
    assert entries[0]["seq"] < entries[1]["seq"]
    assert entries[1]["createdAt"] < entries[0]["createdAt"]  # the clock says the opposite

    page.unroute(ANSWERS_URL)
    page.get_by_role("button", name="Đồng bộ ngay").click()
    expect_synced(page)
    assert db_answers(live_server, planned_inspection) == {
        "A.1": ("nonconform", "", 2, "inspector")
    }
    assert db_history(live_server, planned_inspection) == [
        ("A.1", 1, "conform", "inspector"),
        ("A.1", 2, "nonconform", "inspector"),
    ]
    assert db_conflicts(live_server) == []


# ---- 5. a new release -----------------------------------------------------------------------


def test_a_new_release_keeps_downloaded_inspections(
    live_server, page, planned_inspection, monkeypatch
):
    log_in(page)
    detail = f"/inspections/{planned_inspection}"
    checklist = f"{detail}/checklist"
    page.goto(detail)
    page.evaluate("navigator.serviceWorker.ready")
    page.get_by_role("button", name="Tải về để làm việc ngoại tuyến").click()
    expect(page.locator("#offline-download-status")).to_contain_text("Đã tải về")
    # A release before this one kept downloads in its versioned cache: put the checklist there.
    page.evaluate(
        """async (url) => {
            const data = await caches.open(document.body.dataset.offlineCache);
            const response = await data.match(url);
            const legacy = await caches.open("inspect-app-0123456789ab");
            await legacy.put(url, response);
            await data.delete(url);
        }""",
        checklist,
    )

    monkeypatch.setattr(offline_views, "asset_version", lambda: "release-two")
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    page.wait_for_function(
        """async () => {
            const keys = await caches.keys();
            return keys.includes("inspect-app-shell-release-two")
                && !keys.some((k) => k.startsWith("inspect-app-shell-")
                                     && k !== "inspect-app-shell-release-two")
                && !keys.includes("inspect-app-0123456789ab");
        }""",
        timeout=15_000,
    )

    page.context.set_offline(True)
    page.goto(checklist)
    expect(fieldset(page, "A.1")).to_be_visible()
    answer(page, "A.1", "Phù hợp", "sau khi cập nhật phiên bản")
    wait_for_outbox(page, {"A.1": ("conform", "sau khi cập nhật phiên bản")})
    page.goto(detail)
    expect(page.get_by_role("heading", name="UBND xã Tịnh Khê")).to_be_visible()
    page.goto("/offline")
    row = page.locator("#downloads-table tbody tr", has_text="UBND xã Tịnh Khê")
    expect(row).to_contain_text("Có")
    expect(row.locator("td").nth(3)).to_have_text("1")
    expect(page.locator("#entries-table")).to_contain_text("sau khi cập nhật phiên bản")

    page.context.set_offline(False)
    page.goto(checklist)
    expect_synced(page)
    assert db_answers(live_server, planned_inspection) == {
        "A.1": ("conform", "sau khi cập nhật phiên bản", 1, "inspector")
    }


# ---- 6. storage that fails -------------------------------------------------------------------

NO_INDEXEDDB = """IDBFactory.prototype.open = function () {
  throw new DOMException("The user denied permission to access the database.", "UnknownError");
};"""
FULL_DISK = """navigator.storage.estimate = async () =>
  ({ quota: 50 * 1024 * 1024, usage: 50 * 1024 * 1024 - 10 });"""
FAILING_WRITES = """(() => {
  const realAdd = IDBObjectStore.prototype.add;
  IDBObjectStore.prototype.add = function (...args) {
    if (window.__failWrites) {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    }
    return realAdd.apply(this, args);
  };
})();"""


@pytest.mark.parametrize("script", [NO_INDEXEDDB, FULL_DISK], ids=["no-indexeddb", "disk-full"])
def test_a_checklist_that_cannot_keep_entries_is_read_only(
    live_server, page, planned_inspection, script
):
    page.context.add_init_script(script)
    log_in(page)
    page.goto(f"/inspections/{planned_inspection}/checklist")
    expect(status(page)).to_contain_text("không lưu được dữ liệu")
    expect(page.locator("#sync-alert")).to_contain_text("phiếu chỉ để xem")
    expect(fieldset(page, "A.1").get_by_label("Phù hợp", exact=True)).to_be_disabled()
    expect(fieldset(page, "A.1").get_by_label("Ghi chú")).to_be_disabled()
    assert db_answers(live_server, planned_inspection) == {}


def test_a_failed_write_shows_as_not_saved_and_is_kept_once_storage_works(
    live_server, page, planned_inspection
):
    page.context.add_init_script(FAILING_WRITES)
    log_in(page)
    open_checklist(page, planned_inspection)
    page.context.set_offline(True)
    page.evaluate("window.__failWrites = true")
    answer(page, "A.1", "Không phù hợp", "Ghi khi bộ nhớ đầy")
    item = fieldset(page, "A.1")
    expect(item.locator(".item-state")).to_have_text("Chưa lưu được trên máy này")
    expect(status(page)).to_contain_text("CHƯA LƯU được")
    expect(status(page)).not_to_contain_text("Đã đồng bộ")
    expect(page.locator("#sync-alert")).to_contain_text("CHƯA được ghi lại")
    assert outbox(page) == []

    page.evaluate("window.__failWrites = false")  # space was freed
    page.get_by_role("button", name="Đồng bộ ngay").click()  # retries what was not kept
    wait_for_outbox(page, {"A.1": ("nonconform", "Ghi khi bộ nhớ đầy")})
    expect(item.locator(".item-state")).to_have_text("Chưa gửi")
    page.context.set_offline(False)
    page.get_by_role("button", name="Đồng bộ ngay").click()
    expect_synced(page)
    assert db_answers(live_server, planned_inspection) == {
        "A.1": ("nonconform", "Ghi khi bộ nhớ đầy", 1, "inspector")
    }


# ---- 7. conflicts as the member sees them -----------------------------------------------------


def test_member_sees_own_value_in_a_conflict_until_the_lead_resolves_it(
    live_server, page, new_page, planned_inspection
):
    member = page
    log_in(member, "inspector2")
    open_checklist(member, planned_inspection)
    member.context.set_offline(True)
    answer(member, "A.1", "Không phù hợp", "Chưa cập nhật quy trình")
    answer(member, "A.2", "Khuyến nghị")
    wait_for_outbox(
        member,
        {"A.1": ("nonconform", "Chưa cập nhật quy trình"), "A.2": ("observation", "")},
        owner="inspector2",
    )
    lead = new_page()
    log_in(lead, "inspector")
    open_checklist(lead, planned_inspection)
    answer(lead, "A.1", "Phù hợp", "Đã kiểm tra")
    answer(lead, "A.2", "Phù hợp")
    wait_until(lead, lambda: len(db_answers(live_server, planned_inspection)) == 2)

    member.context.set_offline(False)
    member.get_by_role("button", name="Đồng bộ ngay").click()
    expect(status(member)).to_contain_text(
        "2 mục đang chờ trưởng đoàn xử lý xung đột", timeout=20_000
    )
    expect(status(member)).not_to_contain_text("Đã đồng bộ")
    a1 = fieldset(member, "A.1")
    expect(a1.get_by_label("Không phù hợp", exact=True)).to_be_checked()  # their own value
    expect(a1.get_by_label("Ghi chú")).to_have_value("Chưa cập nhật quy trình")
    expect(a1.locator(".item-state")).to_contain_text("đang chờ trưởng đoàn")
    expect(a1.locator(".item-state")).to_contain_text("Phù hợp — «Đã kiểm tra», inspector")

    lead.goto(f"/inspections/{planned_inspection}")
    rows = lead.locator("#conflicts tbody tr")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text="A.1")
    expect(row.locator("td").nth(1)).to_contain_text("Đã kiểm tra")
    expect(row.locator("td").nth(2)).to_contain_text("Chưa cập nhật quy trình")
    row.get_by_role("button", name="Giữ giá trị trên máy chủ").click()
    expect(lead.locator(".alert-success")).to_contain_text("A.1")

    member.get_by_role("button", name="Đồng bộ ngay").click()  # or the next timer tick
    expect(status(member)).to_contain_text("1 mục đang chờ trưởng đoàn xử lý xung đột")
    expect(a1.get_by_label("Phù hợp", exact=True)).to_be_checked()  # cleared: the lead decided
    expect(a1.locator(".item-state")).to_have_text("")

    # The member, having seen the lead's value, edits A.2 again while the lead's page still
    # shows the old conflict: the member's newer value is what counts, and the lead is told.
    answer(member, "A.2", "Không áp dụng")
    expect_synced(member)
    lead.locator("#conflicts tbody tr", has_text="A.2").get_by_role(
        "button", name="Giữ giá trị trên máy chủ"
    ).click()
    expect(lead.locator(".alert-danger")).to_contain_text("Xung đột này đã được xử lý.")
    assert db_answers(live_server, planned_inspection) == {
        "A.1": ("conform", "Đã kiểm tra", 1, "inspector"),
        "A.2": ("not_applicable", "", 2, "inspector2"),
    }
    assert sorted(db_conflicts(live_server)) == [
        ("A.1", "conflict", "nonconform", "Chưa cập nhật quy trình", "inspector2", "keep_server"),
        ("A.2", "conflict", "observation", "", "inspector2", "superseded"),
    ]


# ---- 8. closing the browser ---------------------------------------------------------------------


@pytest.mark.parametrize("remember", [True, False], ids=["remembered", "not-remembered"])
def test_a_browser_restart_keeps_the_login_only_when_remembered(
    live_server, profile, planned_inspection, remember
):
    page = profile.open()
    log_in(page, remember=remember)
    url = open_checklist(page, planned_inspection)
    profile.close()  # the laptop's browser is closed in the field

    page = profile.open()
    page.context.set_offline(True)
    page.goto(url)
    answer(page, "A.1", "Phù hợp", "sau khi mở lại trình duyệt")
    wait_for_outbox(page, {"A.1": ("conform", "sau khi mở lại trình duyệt")})
    page.context.set_offline(False)
    if remember:
        expect_synced(page)
        assert db_answers(live_server, planned_inspection) == {
            "A.1": ("conform", "sau khi mở lại trình duyệt", 1, "inspector")
        }
    else:
        expect(status(page)).to_contain_text("Tạm dừng đồng bộ", timeout=20_000)
        expect(page.locator("#sync-login")).to_be_visible()
        assert db_answers(live_server, planned_inspection) == {}
        assert len(outbox(page, "inspector")) == 1


# ---- bad input: damaged or foreign entries ----------------------------------------------

INJECT = """async (entries) => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("inspect_app");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  await new Promise((ok, ko) => {
    const tx = db.transaction(["outbox", "meta"], "readwrite");
    const meta = tx.objectStore("meta");
    const read = meta.get("seq");
    read.onsuccess = () => {
      let seq = read.result ? read.result.value : 0;
      for (const entry of entries) {
        seq += 1;
        tx.objectStore("outbox").put({
          client_ts: new Date().toISOString(), createdAt: Date.now(), attempted: false,
          state: "pending", error: null, base_op: null, note: "", base_rev: 0, ...entry, seq,
        });
      }
      meta.put({ key: "seq", value: seq });
    };
    tx.oncomplete = ok; tx.onerror = () => ko(tx.error);
  });
  db.close();
}"""


def test_damaged_or_foreign_entries_are_shown_and_never_block_the_others(
    live_server, page, planned_inspection
):
    log_in(page)
    open_checklist(page, planned_inspection)
    page.context.set_offline(True)
    ids = [
        "6f1c2a9e-0b4d-4c1e-9a7f-1d2e3f4a5b61",
        "6f1c2a9e-0b4d-4c1e-9a7f-1d2e3f4a5b62",
        "6f1c2a9e-0b4d-4c1e-9a7f-1d2e3f4a5b63",
        "6f1c2a9e-0b4d-4c1e-9a7f-1d2e3f4a5b64",
    ]
    page.evaluate(
        INJECT,
        [
            {
                "op_id": ids[0],
                "owner": "inspector",
                "inspectionId": 999999,
                "item": "A.1",
                "result": "conform",
            },
            {
                "op_id": ids[1],
                "owner": "inspector",
                "inspectionId": planned_inspection,
                "item": "Z.9",
                "result": "conform",
            },
            {
                "op_id": ids[2],
                "owner": "inspector",
                "inspectionId": planned_inspection,
                "item": "A.2",
                "result": "maybe",
            },
            {
                "op_id": ids[3],
                "owner": "inspector",
                "inspectionId": planned_inspection,
                "item": "A.3",
                "result": "observation",
                "note": "hợp lệ",
            },
        ],
    )
    page.context.set_offline(False)
    page.goto("/offline")
    expect(page.locator("#offline-status")).to_contain_text(
        "0 thay đổi đang chờ gửi", timeout=20_000
    )
    rows = page.locator("#entries-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Z.9")).to_contain_text("Không được nhận")
    expect(rows.filter(has_text="A.2")).to_contain_text("Không được nhận")
    expect(rows.filter(has_text="#999999")).to_contain_text("Không được nhận")
    assert db_answers(live_server, planned_inspection) == {
        "A.3": ("observation", "hợp lệ", 1, "inspector")
    }
    kept = {op["op_id"]: op["state"] for op in outbox(page, "inspector")}
    assert kept == {ids[0]: "refused", ids[1]: "invalid", ids[2]: "invalid"}
    rows.filter(has_text="Z.9").get_by_role("button", name="Bỏ", exact=True).click()
    page.locator("#confirm-dialog").get_by_role("button", name="Bỏ", exact=True).click()
    expect(rows).to_have_count(2)
    assert ids[1] not in {op["op_id"] for op in outbox(page, "inspector")}
