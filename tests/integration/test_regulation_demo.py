"""The tracker on the demo: the report's documents, and the issue's "done when" end to end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import IsoProcess, LegalChange, Role, User
from inspect_app.seed.demo import AGENCY_USER_AGENCY
from inspect_app.services import regulations


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()


def test_the_reports_documents_with_their_dates(seeded):
    expected = {
        "19/2014/QĐ-TTg": date(2014, 3, 5),
        "34/2016/NĐ-CP": date(2016, 5, 14),
        "903/QĐ-UBND": date(2018, 6, 7),
        "599/QĐ-UBND": date(2019, 4, 26),
        "971/QĐ-UBND": date(2020, 7, 3),
        "2093/QĐ-UBND": date(2018, 11, 23),
        "1757/QĐ-UBND": date(2019, 11, 19),
    }
    for number, signed_on in expected.items():
        assert regulations.find_document(number).signed_on == signed_on, number
    amendment = regulations.find_document("971/QĐ-UBND")
    assert [(c.target.number, c.change) for c in amendment.changes] == [
        ("599/QĐ-UBND", LegalChange.AMENDED)
    ]


def test_some_stale_some_updated_some_missing(seeded):
    today = regulations.today()
    stale = regulations.stale_processes(today)
    agency_user = db.session.scalar(select(User).where(User.username == "agency"))
    [impact] = regulations.change_impacts(today)

    assert {s.process.agency.code for s in stale} >= {AGENCY_USER_AGENCY, "SO-TP", "SO-CT"}
    assert regulations.stale_processes(today, agency_id=agency_user.agency_id)
    assert impact.updated > 0 and impact.still_stale > 0
    missing = regulations.missing_procedures(today)
    assert [m.agency.code for m in missing] == ["SO-KHCN", "SO-KHCN"]
    assert {m.name for m in missing} == {
        "Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
        "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh, cấp cơ sở sử dụng "
        "ngân sách nhà nước và nhiệm vụ khoa học và công nghệ do quỹ của Nhà nước trong lĩnh "
        "vực khoa học và công nghệ tài trợ thuộc phạm vi quản lý của tỉnh, thành phố trực thuộc "
        "trung ương",
    }


def test_done_when_on_the_demo(seeded, client, login):
    """A new document amending one cited by several agencies' processes makes exactly those
    stale; each agency sees its list; a new version clears it; the report counts it."""
    today = regulations.today()
    before = {s.process.id for s in regulations.stale_processes(today)}
    cited = regulations.find_document("19/2014/QĐ-TTg")
    expected = {
        p.id
        for p in db.session.scalars(select(IsoProcess))
        if cited in p.legal_bases and p.version_date < today
    }
    assert len({db.session.get(IsoProcess, i).agency_id for i in expected}) > 5
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    login(admin)

    response = client.post(
        "/regulations/documents/new",
        data={
            "number": "1/2026/QĐ-TEST",
            "kind": "decision",
            "summary": "Văn bản thử sửa đổi Quyết định 19/2014/QĐ-TTg (chỉ dùng trong kiểm thử)",
            "issuer": "Cơ quan thử",
            "signed_on": today.strftime("%d/%m/%Y"),
            "effective_on": today.strftime("%d/%m/%Y"),
            "amends": "19/2014/QĐ-TTg",
        },
    )
    assert response.status_code == 302

    now_stale = {s.process.id for s in regulations.stale_processes(today)}
    assert now_stale - before == expected - before
    assert now_stale == before | expected
    officer = db.session.scalar(select(User).where(User.username == "agency"))
    login(officer)
    own = regulations.stale_processes(today, agency_id=officer.agency_id)
    home = client.get("/").get_data(as_text=True)
    for row in own:
        assert row.process.code in home
    assert "1/2026/QĐ-TEST" in home  # the notice and the reasons name it

    for row in own:
        client.post(
            f"/portal/processes/{row.process.id}/version",
            data={
                "issued_on": today.strftime("%d/%m/%Y"),
                "number": "09",
                "bases": "19/2014/QĐ-TTg",
            },
        )
    assert regulations.stale_processes(today, agency_id=officer.agency_id) == []

    [figures] = regulations.yearly_figures(today.year, today.year, today)
    assert figures.changes == 1
    # a process already waiting since 2020 stays in its 2020 period: only the newly stale count
    assert figures.made_stale == len(expected - before)
    assert figures.on_time + figures.late == len(own)  # two had waited since 2020: late
    login(admin)
    report = client.get(f"/reports/?from={today.year}&to={today.year}").get_data(as_text=True)
    assert "Thay đổi văn bản pháp luật và cập nhật quy trình" in report
    assert "paragraph-legal" in report


def test_due_dates_follow_the_setting_on_the_demo(seeded, app):
    app.config["PROCESS_UPDATE_DAYS"] = 10
    stale = regulations.stale_processes(regulations.today())
    assert all(s.due_on == s.stale_since + timedelta(days=10) for s in stale)
    assert Role.AGENCY
