"""The printable inspection record (biên bản kiểm tra)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    Conclusion,
    Finding,
    InspectionStatus,
    Result,
    Role,
    Severity,
)
from inspect_app.services import records


def text(response) -> str:
    return response.get_data(as_text=True)


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def concluded(make_agency, make_user, make_plan, make_decision, make_inspection, make_template):
    decision = make_decision(
        "728/QĐ-UBND",
        signed_on=date(2017, 4, 20),
        issuer="UBND tỉnh Quảng Ngãi",
        summary="Phê duyệt Kế hoạch kiểm tra việc áp dụng HTQLCL năm 2017",
    )
    plan = make_plan(2017, decision=decision, title="Kế hoạch kiểm tra năm 2017")
    lead = make_user(Role.INSPECTOR, full_name="Nguyễn Văn Trưởng")
    member = make_user(Role.INSPECTOR, full_name="Trần Thị Thành")
    agency = make_agency("Sở Tư pháp tỉnh Quảng Ngãi")
    template = make_template(5)  # A.1, A.2 (group A); 4.2, 4.3, 4.4 (group 4)
    inspection = make_inspection(
        plan=plan,
        agency=agency,
        lead=lead,
        members=[member],
        template=template,
        status=InspectionStatus.CONCLUDED,
        conducted_on=date(2017, 5, 9),
        concluded_on=date(2017, 5, 10),
        conclusion=Conclusion.PASSED_WITH_RECOMMENDATIONS,
        conclusion_summary="Cơ quan duy trì HTQLCL phù hợp; cần cập nhật quy trình.",
        record_number="15/BB-KT",
        external_members="Lê Văn Chuyên Gia",
        agency_representatives="Ông Phạm Văn Giám Đốc, Giám đốc\nBà Võ Thị ISO, cán bộ ISO",
    )
    items = {item.code: item for item in template.items}
    results = {
        "A.1": Result.CONFORM,
        "A.2": Result.NONCONFORM,
        "4.2": Result.CONFORM,
        "4.3": Result.OBSERVATION,
        "4.4": Result.NOT_APPLICABLE,
    }
    for code, result in results.items():
        db.session.add(Answer(inspection=inspection, item=items[code], result=result))
    db.session.add(
        Finding(
            inspection=inspection,
            item=items["A.2"],
            severity=Severity.MINOR,
            requirement="A.2",
            description="Hai quy trình viện dẫn văn bản hết hiệu lực.",
            corrective_action_required="Cập nhật hai quy trình.",
            due_on=date(2017, 6, 10),
        )
    )
    db.session.commit()
    return {"inspection": inspection, "lead": lead, "member": member, "agency": agency}


def test_results_per_group(concluded):
    groups = records.results_by_group(concluded["inspection"])

    assert [(g.code, g.total) for g in groups] == [("A", 2), ("4", 3)]
    group_a, group_4 = groups
    assert group_a.counts[Result.CONFORM] == 1 and group_a.counts[Result.NONCONFORM] == 1
    assert group_4.counts == {
        Result.CONFORM: 1,
        Result.NONCONFORM: 0,
        Result.OBSERVATION: 1,
        Result.NOT_APPLICABLE: 1,
    }
    assert group_a.unanswered == group_4.unanswered == 0
    total = records.total_results(groups)
    assert total.total == 5 and total.counts[Result.CONFORM] == 2


def test_unanswered_items_are_counted(make_inspection):
    inspection = make_inspection()

    groups = records.results_by_group(inspection)

    assert [(g.code, g.total, g.unanswered) for g in groups] == [("A", 2, 2), ("4", 1, 1)]


def test_record_shows_everything_the_paper_needs(client, login, concluded):
    login(concluded["lead"])

    response = client.get(f"/inspections/{concluded['inspection'].id}/record")

    assert response.status_code == 200
    page = squash(text(response))
    for expected in (
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BB-KT",
        "Quảng Ngãi, ngày 09 tháng 05 năm 2017",
        "BIÊN BẢN KIỂM TRA",
        "Căn cứ Quyết định số 728/QĐ-UBND ngày 20/04/2017 của UBND tỉnh Quảng Ngãi",
        "Sở Tư pháp tỉnh Quảng Ngãi",
        "Nguyễn Văn Trưởng: Trưởng đoàn",
        "Trần Thị Thành: Thành viên",
        "Lê Văn Chuyên Gia: Thành viên",
        "Ông Phạm Văn Giám Đốc, Giám đốc",
        "Bà Võ Thị ISO, cán bộ ISO",
        "Hai quy trình viện dẫn văn bản hết hiệu lực.",
        "Cập nhật hai quy trình.",
        "10/06/2017",
        "Đạt nhưng có khuyến nghị",
        "Cơ quan duy trì HTQLCL phù hợp; cần cập nhật quy trình.",
        "ĐẠI DIỆN CƠ QUAN ĐƯỢC KIỂM TRA",
        "TRƯỞNG ĐOÀN KIỂM TRA",
    ):
        assert expected in page, expected
    assert "Chưa đánh giá" not in page


def _row_counts(page: str, group: str) -> dict[str, str]:
    row = re.search(rf'<tr[^>]*data-group="{re.escape(group)}"[^>]*>(.*?)</tr>', page, re.S)
    return dict(re.findall(r'data-result="(\w+)">(\d+)<', row.group(1)))


def test_record_prints_the_counts_per_group(client, login, concluded):
    login(concluded["member"])

    page = text(client.get(f"/inspections/{concluded['inspection'].id}/record"))

    assert _row_counts(page, "A") == {
        "conform": "1",
        "nonconform": "1",
        "observation": "0",
        "not_applicable": "0",
    }
    assert _row_counts(page, "4") == {
        "conform": "1",
        "nonconform": "0",
        "observation": "1",
        "not_applicable": "1",
    }
    assert _row_counts(page, "total") == {
        "conform": "2",
        "nonconform": "1",
        "observation": "1",
        "not_applicable": "1",
    }


def test_record_of_an_unfinished_inspection_is_a_draft(client, login, make_user, make_inspection):
    lead = make_user(Role.INSPECTOR)
    inspection = make_inspection(lead=lead)
    login(lead)

    page = squash(text(client.get(f"/inspections/{inspection.id}/record")))

    assert "bản nháp" in page
    assert "Số: …/BB-KT" in page
    assert "Chưa đánh giá" in page
    assert "(Chưa có kết luận.)" in page


def test_record_uses_no_inline_script_or_style(client, login, concluded):
    login(concluded["lead"])

    page = text(client.get(f"/inspections/{concluded['inspection'].id}/record"))

    assert "style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert "/static/js/findings.js" in page


RECORD_ACCESS = {
    "lead": 200,
    "member": 200,
    "admin": 200,
    "viewer": 200,
    "agency_own": 200,
    "outsider": 404,
    "agency_other": 404,
}


@pytest.mark.parametrize(("who", "expected"), sorted(RECORD_ACCESS.items()))
def test_who_may_read_the_record(client, login, make_user, make_agency, concluded, who, expected):
    people = {
        "lead": concluded["lead"],
        "member": concluded["member"],
        "admin": make_user(Role.ADMIN),
        "viewer": make_user(Role.VIEWER),
        "agency_own": make_user(Role.AGENCY, agency=concluded["agency"]),
        "outsider": make_user(Role.INSPECTOR),
        "agency_other": make_user(Role.AGENCY, agency=make_agency()),
    }
    login(people[who])

    assert client.get(f"/inspections/{concluded['inspection'].id}/record").status_code == expected


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Lê Văn Chuyên Gia", "Ông/Bà Lê Văn Chuyên Gia: Thành viên"),
        (
            "Bà Võ Thị Lan, Chuyên viên Sở Nội vụ",
            "Bà Võ Thị Lan, Chuyên viên Sở Nội vụ: Thành viên",
        ),
        (
            "Ông Hồ Minh, Phó Giám đốc, Sở Tư pháp",
            "Ông Hồ Minh, Phó Giám đốc, Sở Tư pháp: Thành viên",
        ),
        ("Ông/Bà Trần An", "Ông/Bà Trần An: Thành viên"),
        ("Ông", "Ông/Bà Ông: Thành viên"),
    ],
)
def test_a_member_from_outside_the_app_is_named_as_typed(typed, printed):
    assert str(records.external_line(typed)) == printed


def test_the_record_names_the_team_with_title_and_position(client, login, concluded):
    lead = concluded["lead"]
    lead.honorific, lead.position = "Ông", "Phó Chi cục trưởng Chi cục TĐC"
    db.session.commit()
    login(lead)
    page = squash(text(client.get(f"/inspections/{concluded['inspection'].id}/record")))
    assert "<li>Ông Nguyễn Văn Trưởng, Phó Chi cục trưởng Chi cục TĐC: Trưởng đoàn;</li>" in page
    assert "<li>Ông/Bà Trần Thị Thành: Thành viên;</li>" in page
    assert "<li>Ông/Bà Lê Văn Chuyên Gia: Thành viên;</li>" in page
