"""Issue 4's field scenario in Chromium: answers entered offline survive a reload and reach
the server exactly once when the network comes back."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Answer,
    AnswerHistory,
    Decision,
    DecisionKind,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    Role,
    SyncOp,
)
from inspect_app.models.base import utcnow
from inspect_app.services.checklist_content import build_default_template
from inspect_app.services.users import create_user

PASSWORD = "field-pass-123"
NOTES = {
    "A.1": "Phạm vi áp dụng đủ 45 TTHC",
    "A.2": "Quy trình chưa cập nhật theo Nghị định mới",
    "4.1": "Đã xác định bối cảnh",
}
CHOICES = {"A.1": "Phù hợp", "A.2": "Không phù hợp", "4.1": "Khuyến nghị"}


@pytest.fixture
def planned_inspection(live_server):
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


def fieldset(page, code):
    """The item's <fieldset>, found by its <legend>, which begins with the item code."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(code)}\. "))


def log_in(page):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("inspector")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


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
