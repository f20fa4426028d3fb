"""The plan annex reader (`import-plan`, CONTRACTS 5.3): date forms, quarters, row errors."""

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import AgencyLevel, InspectionMode, InspectionPlan, PlanStatus, Role
from inspect_app.services.workbooks.plan_import import (
    WindowError,
    apply_plan_import,
    mode_from_text,
    read_plan_workbook,
    window_from_cell,
)

YEAR = 2026
HEADER = [
    "STT",
    "Tên cơ quan",
    "Mã cơ quan",
    "Hình thức kiểm tra",
    "Thời gian dự kiến",
    "Trưởng đoàn",
]


def workbook(rows, header=HEADER, preamble=(("PHỤ LỤC",), ())) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in preamble:
        sheet.append(list(line))
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15/05/2026", (date(2026, 5, 15), date(2026, 5, 15))),
        ("5/6/2026", (date(2026, 6, 5), date(2026, 6, 5))),
        (datetime(2026, 9, 3), (date(2026, 9, 3), date(2026, 9, 3))),
        (date(2026, 9, 3), (date(2026, 9, 3), date(2026, 9, 3))),
        ("05/2026", (date(2026, 5, 1), date(2026, 5, 31))),
        ("2/2026", (date(2026, 2, 1), date(2026, 2, 28))),
        ("Tháng 11/2026", (date(2026, 11, 1), date(2026, 11, 30))),
        ("Quý I", (date(2026, 1, 1), date(2026, 3, 31))),
        ("quý ii", (date(2026, 4, 1), date(2026, 6, 30))),
        ("Quý III", (date(2026, 7, 1), date(2026, 9, 30))),
        ("QUÝ IV", (date(2026, 10, 1), date(2026, 12, 31))),
        ("Quý 1", (date(2026, 1, 1), date(2026, 3, 31))),
        ("Quý 4", (date(2026, 10, 1), date(2026, 12, 31))),
        ("Quy 3/2026", (date(2026, 7, 1), date(2026, 9, 30))),
        ("01/03/2026 - 15/03/2026", (date(2026, 3, 1), date(2026, 3, 15))),
        ("Quý II - Quý III", (date(2026, 4, 1), date(2026, 9, 30))),
        (None, (None, None)),
        ("  ", (None, None)),
    ],
)
def test_window_forms(value, expected):
    assert window_from_cell(value, YEAR) == expected


def test_a_date_cell_formatted_as_a_month_means_the_month():
    assert window_from_cell(datetime(2026, 5, 1), YEAR, "mm/yyyy") == (
        date(2026, 5, 1),
        date(2026, 5, 31),
    )


@pytest.mark.parametrize(
    "value",
    [
        "15/05/2025",
        "13/2026",
        "31/02/2026",
        "Quý V",
        "Quý 5",
        "sớm",
        "01/2027",
        45000,
        "Quý I/2025",
        datetime(2027, 1, 2),
        "15/03/2026 - 01/03/2026",
    ],
)
def test_bad_windows(value):
    with pytest.raises(WindowError):
        window_from_cell(value, YEAR)


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Kiểm tra tại trụ sở cơ quan", InspectionMode.ON_SITE),
        ("tai tru so", InspectionMode.ON_SITE),
        ("Kiểm tra thông qua hồ sơ và báo cáo", InspectionMode.DOSSIER),
        ("Qua HỒ SƠ", InspectionMode.DOSSIER),
        ("dossier", InspectionMode.DOSSIER),
        ("Trực tuyến", None),
        ("trụ sở hoặc hồ sơ", None),
        (None, None),
    ],
)
def test_modes(text, mode):
    assert mode_from_text(text) is mode


@pytest.fixture
def register(make_agency, make_user):
    return {
        "tu_phap": make_agency("Sở Tư pháp", code="STP"),
        "tinh_khe": make_agency("UBND xã Tịnh Khê", code="X01", level=AgencyLevel.COMMUNE),
        "huyen": make_agency("UBND huyện Sơn Tịnh", code="H01", active_to=date(2025, 6, 30)),
        "lead": make_user(Role.INSPECTOR, username="ktv1"),
        "viewer": make_user(Role.VIEWER, username="lanhdao"),
    }


def test_a_good_annex_reads_into_rows(register):
    data = workbook(
        [
            (1, "Sở Tư pháp", None, "Kiểm tra tại trụ sở", "Quý II", "KTV1"),
            (2, "  ubnd XÃ tinh khe ", None, "Kiểm tra qua hồ sơ", "05/2026", None),
            (None, None, None, None, None, None),
        ]
    )
    result = read_plan_workbook(data, YEAR)

    assert result.errors == []
    first, second = result.rows
    assert (first.row, first.agency, first.mode, first.lead) == (
        4,
        register["tu_phap"],
        InspectionMode.ON_SITE,
        register["lead"],
    )
    assert (first.planned_from, first.planned_to) == (date(2026, 4, 1), date(2026, 6, 30))
    assert second.agency == register["tinh_khe"] and second.mode is InspectionMode.DOSSIER
    assert (result.on_site, result.dossier) == (1, 1)


def test_the_code_wins_over_the_name_and_headers_ignore_case_and_accents(register):
    header = ["ten co quan", " MÃ CƠ QUAN ", "hình thức KIỂM TRA", "Thoi gian du kien"]
    data = workbook([("Tên sai", "x01", "trụ sở", "01/06/2026")], header=header, preamble=())
    result = read_plan_workbook(data, YEAR)
    assert result.errors == []
    assert result.rows[0].agency == register["tinh_khe"] and result.rows[0].row == 2


def test_every_bad_row_is_listed_with_its_excel_row_number(register):
    data = workbook(
        [
            (1, "Sở Không Có", None, "tại trụ sở", "Quý I", None),
            (2, "Sở Tư pháp", None, "trực tuyến", "Quý I", None),
            (3, None, "X01", "hồ sơ", "15/05/2025", None),
            (4, None, "STP", "hồ sơ", "Quý III", "lanhdao"),
            (5, "UBND huyện Sơn Tịnh", None, "hồ sơ", None, "khongco"),
        ]
    )
    result = read_plan_workbook(data, YEAR)

    errors = result.errors
    assert errors[0].startswith("row 4: không tìm thấy cơ quan “Sở Không Có”")
    assert errors[1].startswith("row 5: “Hình thức kiểm tra” “trực tuyến”")
    assert errors[2].startswith("row 6: “Thời gian dự kiến”: thời gian dự kiến")
    assert "nằm ngoài năm 2026" in errors[2]
    assert any(e.startswith("row 7: cơ quan Sở Tư pháp trùng với dòng 5") for e in errors)
    assert any(
        e.startswith("row 7: “Trưởng đoàn”: lanhdao không phải là kiểm tra viên") for e in errors
    )
    assert any(e.startswith("row 8: cơ quan UBND huyện Sơn Tịnh không hoạt động") for e in errors)
    assert any(e.startswith("row 8: “Trưởng đoàn”: không có người dùng “khongco”") for e in errors)


def test_file_level_problems(app):
    assert read_plan_workbook(b"not a workbook", YEAR).errors[0].startswith("Tệp không phải")
    no_header = workbook([("a", "b")], header=["Cơ quan", "Ghi chú"])
    assert "Không tìm thấy dòng tiêu đề" in read_plan_workbook(no_header, YEAR).errors[0]
    no_mode = workbook([("Sở Tư pháp",)], header=["Tên cơ quan"])
    assert read_plan_workbook(no_mode, YEAR).errors == ["Thiếu cột “Hình thức kiểm tra”."]
    empty = workbook([], header=HEADER)
    assert read_plan_workbook(empty, YEAR).errors == ["Bảng tính không có dòng dữ liệu nào."]


def test_all_or_nothing(register):
    data = workbook(
        [
            (1, "Sở Tư pháp", None, "tại trụ sở", "Quý I", None),
            (2, "Sở Không Có", None, "tại trụ sở", "Quý I", None),
        ]
    )
    result = read_plan_workbook(data, YEAR)
    with pytest.raises(DomainError) as info:
        apply_plan_import(result)
    db.session.rollback()
    assert info.value.message.startswith("row 5: không tìm thấy cơ quan")
    assert db.session.query(InspectionPlan).count() == 0


def test_apply_creates_a_draft_or_an_approved_plan(register):
    rows = [(1, "Sở Tư pháp", None, "tại trụ sở", "Quý I", "ktv1")]
    plan = apply_plan_import(read_plan_workbook(workbook(rows), YEAR))
    db.session.commit()
    assert plan.status is PlanStatus.DRAFT and plan.title.endswith("năm 2026")
    assert plan.inspections[0].lead == register["lead"]

    approved = apply_plan_import(
        read_plan_workbook(workbook(rows), YEAR + 1),
        decision_number="79/QĐ-KHCN",
        signed_on=date(YEAR, 12, 20),
    )
    db.session.commit()
    assert approved.status is PlanStatus.APPROVED
    assert approved.decision.issuer == "Sở Khoa học và Công nghệ"
    with pytest.raises(DomainError, match="Đã có kế hoạch kiểm tra năm 2026"):
        apply_plan_import(read_plan_workbook(workbook(rows), YEAR))
    with pytest.raises(DomainError, match="ngày ký"):
        apply_plan_import(read_plan_workbook(workbook(rows), 2030), decision_number="1/QĐ")
