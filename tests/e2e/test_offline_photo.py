"""A photo on a checklist item (issue 16, point 9): taken offline, it waits on the device
with the answers and reaches the server exactly once, even when the answer to its upload
is lost."""

from __future__ import annotations

import hashlib

from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import AuditLog, ChecklistItem, EvidenceFile
from tests.e2e.helpers import (
    expect_synced,
    fieldset,
    log_in,
    open_checklist,
    status,
    wait_until,
)

#: a JPEG's first bytes are enough for the server's content check.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8
EVIDENCE_URL = "**/api/v1/evidence"

PHOTOS_JS = """async () => {
    const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open("inspect_app");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    const rows = await new Promise((resolve) => {
        const request = db.transaction("photos").objectStore("photos").getAll();
        request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return rows.map((row) => ({ item: row.item, name: row.name, state: row.state,
                                size: row.size, attempted: row.attempted }));
}"""


def stored_files(live_server):
    with live_server.app.app_context():
        rows = db.session.execute(
            select(EvidenceFile, ChecklistItem.code).join(
                ChecklistItem, ChecklistItem.id == EvidenceFile.item_id
            )
        ).all()
        return [(row.EvidenceFile.sha256, row.code, row.EvidenceFile.upload_id) for row in rows]


def test_photo_taken_offline_is_uploaded_once(live_server, page, planned_inspection):
    log_in(page)
    open_checklist(page, planned_inspection)
    page.context.set_offline(True)

    item = fieldset(page, "A.1")
    item.get_by_label("Không phù hợp", exact=True).check()
    item.locator("input.item-photo").set_input_files(
        files=[{"name": "image.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}]
    )
    waiting = item.locator("li.is-waiting")
    expect(waiting).to_contain_text("anh-A.1-")
    expect(waiting).to_contain_text("chờ tải lên")
    expect(status(page)).to_contain_text("1 ảnh/tệp đang chờ tải lên")
    [kept] = page.evaluate(PHOTOS_JS)
    assert kept["item"] == "A.1" and kept["size"] == len(PHOTO) and kept["state"] == "pending"

    # The laptop's page is reloaded in the field: the photo is still there, from the device.
    page.reload()
    expect(fieldset(page, "A.1").locator("li.is-waiting")).to_contain_text("chờ tải lên")
    assert stored_files(live_server) == []

    # Back online, the first upload reaches the server but its answer is lost.
    lost = []

    def lose_the_answer(route):
        route.fetch()
        lost.append(True)
        route.abort("connectionreset")

    page.route(EVIDENCE_URL, lose_the_answer, times=1)
    page.context.set_offline(False)
    wait_until(page, lambda: lost)
    assert len(stored_files(live_server)) == 1
    [in_doubt] = page.evaluate(PHOTOS_JS)
    assert in_doubt["attempted"] and in_doubt["state"] == "pending"

    # The next sync sends it again under the same id: the server answers with the same file.
    page.get_by_role("button", name="Đồng bộ ngay").click()
    expect_synced(page)
    assert page.evaluate(PHOTOS_JS) == []
    link = fieldset(page, "A.1").locator("li.item-file a")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("anh-A.1-")
    [(sha256, code, upload_id)] = stored_files(live_server)
    assert sha256 == hashlib.sha256(PHOTO).hexdigest() and code == "A.1" and upload_id
    with live_server.app.app_context():
        uploads = db.session.scalars(select(AuditLog).where(AuditLog.action == "upload")).all()
        assert len(uploads) == 1

    # Opened again online, the page shows the file from the server, once.
    page.reload()
    expect(fieldset(page, "A.1").locator("li.item-file a")).to_have_count(1)


def test_a_file_of_a_kind_the_server_refuses_is_not_kept(live_server, page, planned_inspection):
    log_in(page)
    open_checklist(page, planned_inspection)
    item = fieldset(page, "A.2")
    item.locator("input.item-attach").set_input_files(
        files=[{"name": "ghi-chu.txt", "mimeType": "text/plain", "buffer": b"ghi chu"}]
    )
    expect(item.get_by_role("alert")).to_contain_text("không được nhận")
    assert page.evaluate(PHOTOS_JS) == []
    assert stored_files(live_server) == []
