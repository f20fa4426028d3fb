"""The inspection record on paper (issue 16, point 10), printed by Chromium to PDF: the
team named with title and position, page numbers from page 2, and the signatures never
alone on the last page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf

from inspect_app.extensions import db
from inspect_app.models import Inspection, Severity, User
from inspect_app.services.findings import create_finding
from tests.e2e.helpers import log_in

FINDINGS = 14


def long_record(live_server, inspection_id):
    """A record of several pages: many findings, a team with titles and positions."""
    with live_server.app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        lead = db.session.scalar(db.select(User).where(User.username == "inspector"))
        lead.honorific, lead.position = "Bà", "Phó Chi cục trưởng Chi cục TĐC"
        inspection.external_members = "Ông Võ Minh Tâm, Chuyên viên Sở Nội vụ\nHồ Thị Lan"
        items = inspection.template.items
        for number in range(FINDINGS):
            create_finding(
                inspection,
                item=items[number],
                severity=Severity.MINOR,
                description=f"Phát hiện số {number + 1}: hồ sơ chưa đầy đủ theo quy định. " * 3,
                corrective_action_required="Bổ sung hồ sơ và báo cáo kết quả khắc phục về Sở.",
                due_on=date.today() + timedelta(days=30),
                by=lead,
            )
        db.session.commit()


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_the_printed_record_numbers_its_pages_and_keeps_the_signatures_company(
    live_server, page, planned_inspection
):
    long_record(live_server, planned_inspection)
    log_in(page)
    page.goto(f"/inspections/{planned_inspection}/record")
    team = page.locator(".record-people").first
    assert team.inner_text().splitlines() == [
        "Bà Nguyễn Văn Trưởng, Phó Chi cục trưởng Chi cục TĐC: Trưởng đoàn;",
        "Ông/Bà Trần Thị Thành: Thành viên;",
        "Ông Võ Minh Tâm, Chuyên viên Sở Nội vụ: Thành viên;",
        "Ông/Bà Hồ Thị Lan: Thành viên;",
    ]

    page.emulate_media(media="print")
    texts = pages_of(page.pdf(format="A4", prefer_css_page_size=True))
    assert len(texts) >= 3
    first_lines = [text.strip().splitlines()[0].strip() for text in texts]
    assert first_lines[0] == "UBND TỈNH QUẢNG NGÃI"  # no number on the first page
    assert first_lines[1:] == [str(n) for n in range(2, len(texts) + 1)]
    # The totals row once, at the end of the table, not repeated on every page.
    assert sum(text.count("Tổng cộng") for text in texts) == 1
    [signed] = [text for text in texts if "TRƯỞNG ĐOÀN KIỂM TRA" in text]
    assert "III. KẾT LUẬN" in signed and "Biên bản được lập thành 02 bản" in signed
    assert f"Phát hiện số {FINDINGS}" in "".join(texts)
