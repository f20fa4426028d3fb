"""Reading the historical import workbook (CONTRACTS 5.5): header, columns, every bad row."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook

from inspect_app.models import AgencyLevel, Conclusion, InspectionMode
from inspect_app.services.workbooks.history_import import (
    conclusion_from_text,
    read_history_workbook,
)

HEADER = [
    "Năm",
    "Tên cơ quan",
    "Mã cơ quan",
    "Cấp",
    "Hình thức kiểm tra",
    "Ngày kiểm tra",
    "Kết luận",
    "Số quyết định",
]
TODAY = date(2026, 6, 1)


def workbook(rows, header=HEADER, preamble=(("DANH SÁCH CƠ QUAN ĐƯỢC KIỂM TRA",), ())) -> bytes:
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


def read(data: bytes):
    return read_history_workbook(data, today=TODAY)


def test_a_good_workbook(app):
    data = workbook(
        [
            [2017, "Sở Tư pháp", "SO-TP", "Cấp tỉnh", "Kiểm tra tại trụ sở", datetime(2017, 6, 1)],
            ["2017", "UBND xã Tịnh Khê", None, "xã", "Kiểm tra qua hồ sơ, báo cáo", "05/09/2017"],
            [2018.0, "UBND huyện Sơn Tịnh", None, "Cấp huyện", "Hồ sơ", None, "Không đạt"],
            [None, None, None, None, None],  # blank rows are skipped
        ]
    )

    result = read(data)

    assert result.ok, result.errors
    assert [(r.row, r.year, r.mode) for r in result.rows] == [
        (4, 2017, InspectionMode.ON_SITE),
        (5, 2017, InspectionMode.DOSSIER),
        (6, 2018, InspectionMode.DOSSIER),
    ]
    assert result.rows[1].conducted_on == date(2017, 9, 5)
    assert result.rows[1].level is AgencyLevel.COMMUNE
    assert result.rows[2].conclusion is Conclusion.FAILED
    assert result.counts() == [
        {"year": 2017, "on_site": 1, "dossier": 1, "new": 2, "existing": 0},
        {"year": 2018, "on_site": 0, "dossier": 1, "new": 1, "existing": 0},
    ]
    assert len(result.new_agencies) == 3
    assert result.new_plan_years == [2017, 2018]


def test_headers_are_matched_without_case_diacritics_or_spaces_in_any_order(app):
    header = ["  HINH THUC KIEM TRA ", "ten co quan", "nam", "Ghi chú"]
    result = read(workbook([["Tại trụ sở", "Sở Y tế", 2019, "x"]], header=header, preamble=()))

    assert result.ok, result.errors
    assert result.rows[0].name == "Sở Y tế" and result.rows[0].year == 2019


def test_not_an_xlsx(app):
    result = read(b"Nam,Ten co quan\n2017,So Y te\n")

    assert not result.ok
    assert result.errors == [
        "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dưới dạng .xlsx."
    ]


def test_no_nam_header(app):
    result = read(workbook([["Sở Y tế", "Tại trụ sở"]], header=["Tên cơ quan", "Hình thức"]))

    assert result.errors == ["Không tìm thấy dòng tiêu đề có ô “Năm”."]


def test_missing_required_columns(app):
    result = read(workbook([[2017, "Sở Y tế"]], header=["Năm", "Tên cơ quan"]))

    assert result.errors == ["Thiếu cột: “Hình thức kiểm tra”."]


def test_an_empty_sheet(app):
    result = read(workbook([]))

    assert result.errors == ["Bảng tính không có dòng dữ liệu nào."]


def test_every_bad_row_is_listed_with_its_excel_row_number(app):
    data = workbook(
        [
            [2017, "Sở Y tế", None, None, "Tại trụ sở"],  # row 4: fine
            [2017, "Sở Nội vụ", None, None, "Kiểm tra trực tuyến"],  # row 5: unknown mode
            [2017, "   ", None, None, "Tại trụ sở"],  # row 6: empty agency name
            ["hai nghìn", "Sở Tài chính", None, None, "Hồ sơ"],  # row 7: non-numeric year
            [2019, "Sở Xây dựng", None, None, "Hồ sơ", "31/02/2019"],  # row 8: impossible date
            [2019, "Sở Công Thương", None, None, "Hồ sơ", "2019-03-01"],  # row 9: bad format
            [2019, "Sở GTVT", None, None, "Hồ sơ", "01/03/2018"],  # row 10: other year
            [2099, "Sở Du lịch", None, None, "Hồ sơ"],  # row 11: future year
            [2017, "Sở Y tế", None, None, "Hồ sơ"],  # row 12: same agency again in 2017
            [2018, "Sở Nông nghiệp", None, None, None],  # row 13: no mode
        ]
    )

    result = read(data)

    assert not result.ok
    errors = result.errors
    assert [line.split(":")[0] for line in errors] == [
        "row 5",
        "row 6",
        "row 7",
        "row 8",
        "row 9",
        "row 10",
        "row 11",
        "row 12",
        "row 13",
    ]
    assert (
        "“Kiểm tra trực tuyến” không phải là kiểm tra tại trụ sở hay thông qua hồ sơ" in errors[0]
    )
    assert "thiếu “Tên cơ quan”" in errors[1]
    assert "“Năm” phải là một năm" in errors[2] and "hai nghìn" in errors[2]
    assert "31/02/2019" in errors[3] and "không phải là ngày có thật" in errors[3]
    assert "dd/mm/yyyy" in errors[4]
    assert "không thuộc năm 2019" in errors[5]
    assert "nằm ngoài khoảng" in errors[6]
    assert "đã có ở dòng 4" in errors[7]
    assert "thiếu “Hình thức kiểm tra”" in errors[8]


def test_agencies_match_by_code_else_by_name_within_the_level(app, make_agency):
    tp = make_agency("Sở Tư pháp", code="SO-TP")
    binh_minh_xa = make_agency("UBND xã Bình Minh", level=AgencyLevel.COMMUNE)
    make_agency("UBND xã Bình Minh", level=AgencyLevel.DISTRICT)
    data = workbook(
        [
            [2017, "Tên khác", "so-tp", None, "Tại trụ sở"],
            [2017, "ubnd  XÃ  bình minh", None, "Cấp xã", "Hồ sơ"],
            [2018, "UBND xã Bình Minh", None, None, "Hồ sơ"],  # two matches without a level
            [2018, "UBND phường Mới", None, "Phường", "Hồ sơ"],
            [2019, "UBND phường  mới", None, "phường", "Hồ sơ"],  # the same new agency
        ]
    )

    result = read(data)

    assert result.errors == [
        "row 6: tên cơ quan “UBND xã Bình Minh” khớp nhiều cơ quan; hãy ghi “Mã cơ quan” hoặc "
        "“Cấp”."
    ]
    agencies = {row.row: row.agency for row in result.rows}
    assert agencies[4] == tp.id
    assert agencies[5] == binh_minh_xa.id
    assert agencies[7] == agencies[8] == ("new", 0)
    assert [(a.name, a.level) for a in result.new_agencies] == [
        ("UBND phường Mới", AgencyLevel.COMMUNE)
    ]


@pytest.mark.parametrize(
    ("text", "conclusion"),
    [
        (None, Conclusion.PASSED),
        ("Đạt", Conclusion.PASSED),
        ("Đạt, có khuyến nghị", Conclusion.PASSED_WITH_RECOMMENDATIONS),
        ("Còn tồn tại cần khắc phục", Conclusion.PASSED_WITH_RECOMMENDATIONS),
        ("KHÔNG ĐẠT", Conclusion.FAILED),
    ],
)
def test_conclusions(text, conclusion):
    assert conclusion_from_text(text) is conclusion
