"""The tally workbook (CONTRACTS 5.6) read back: layout, zero years, dates, neutralisation."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from inspect_app.extensions import db
from inspect_app.models import (
    AgencyLevel,
    Finding,
    InspectionMode,
    InspectionStatus,
    Severity,
    TrainingCourse,
    TrainingKind,
    TrainingParticipant,
)
from inspect_app.services.workbooks import plan_annex_export, tally_export
from inspect_app.services.workbooks.tally_export import safe_text

CONTRACT_HEADER = (
    "Năm",
    "Tổng số cơ quan được kiểm tra",
    "Kiểm tra tại trụ sở",
    "Kiểm tra qua hồ sơ, báo cáo",
)


def read(data: bytes):
    return load_workbook(BytesIO(data), data_only=True)


@pytest.fixture
def small_world(make_agency, make_plan, make_inspection, make_user):
    """2019: 2 on-site + 1 dossier done, 1 planned, 1 cancelled; 2020: nothing; 2021: 1 dossier."""
    lead = make_user(full_name='=HYPERLINK("http://x")')
    plan_2019, plan_2021 = make_plan(2019), make_plan(2021)
    commune = make_agency("+UBND xã Công Thức", code="@XA01", level=AgencyLevel.COMMUNE)
    done = [
        make_inspection(plan=plan_2019, status=InspectionStatus.CONCLUDED, lead=lead),
        make_inspection(plan=plan_2019, status=InspectionStatus.CONDUCTED),
        make_inspection(
            plan=plan_2019,
            agency=commune,
            mode=InspectionMode.DOSSIER,
            status=InspectionStatus.CONCLUDED,
            conducted_on=date(2019, 8, 14),
        ),
    ]
    make_inspection(plan=plan_2019, status=InspectionStatus.PLANNED)
    make_inspection(plan=plan_2019, status=InspectionStatus.CANCELLED)
    make_inspection(plan=plan_2021, mode=InspectionMode.DOSSIER, status=InspectionStatus.CONCLUDED)
    db.session.add(
        Finding(
            inspection=done[0],
            severity=Severity.MINOR,
            description="-1 quy trình chưa cập nhật",
            requirement="7.5",
        )
    )
    course = TrainingCourse(
        title="Tập huấn 2019",
        kind=TrainingKind.MAINTAIN_IMPROVE,
        start_on=date(2019, 5, 6),
        end_on=date(2019, 5, 7),
    )
    course.participants = [
        TrainingParticipant(agency=commune, name="Nguyễn Văn A", name_key="nguyen van a")
    ]
    db.session.add(course)
    db.session.commit()
    return done


def test_summary_sheet_follows_contract_5_6(small_world):
    book = read(tally_export.tally_workbook(2019, 2021))

    assert book.sheetnames[0] == "Tổng hợp"
    sheet = book["Tổng hợp"]
    assert tuple(c.value for c in sheet[1][:4]) == CONTRACT_HEADER
    rows = [tuple(c.value for c in sheet[n][:4]) for n in (2, 3, 4, 5)]
    assert rows == [(2019, 3, 2, 1), (2020, 0, 0, 0), (2021, 1, 0, 1), ("Tổng cộng", 4, 2, 2)]
    for n in (2, 3, 4):
        assert all(isinstance(c.value, int) for c in sheet[n][:4])
    assert sheet.freeze_panes == "B2"


def test_summary_has_level_columns_a_native_chart_and_the_other_sheets(small_world):
    data = tally_export.tally_workbook(2019, 2021)
    book = read(data)

    assert book.sheetnames == [
        "Tổng hợp",
        "Danh sách kiểm tra",
        "Phát hiện",
        "Công bố",
        "Đào tạo",
        "Khắc phục",
        "Văn bản pháp luật",
    ]
    header = [c.value for c in book["Tổng hợp"][1]]
    assert "Kiểm tra: Cấp xã" in header
    commune = header.index("Kiểm tra: Cấp xã")
    assert book["Tổng hợp"][2][commune].value == 1
    # A native Excel chart is a drawing part inside the package.
    import zipfile

    names = zipfile.ZipFile(BytesIO(data)).namelist()
    assert any(name.startswith("xl/charts/chart") for name in names)


def test_inspection_list_has_every_inspection_with_real_dates(small_world):
    sheet = read(tally_export.tally_workbook(2019, 2021))["Danh sách kiểm tra"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Năm", "Mã cơ quan", "Tên cơ quan", "Cấp", "Hình thức kiểm tra"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 6  # planned and cancelled ones too
    conducted = header.index("Ngày kiểm tra")
    dossier = next(r for r in rows if r[1] == "'@XA01")
    assert dossier[conducted] == datetime(2019, 8, 14)
    cell = sheet.cell(row=rows.index(dossier) + 2, column=conducted + 1)
    assert cell.number_format == "dd/mm/yyyy"
    assert isinstance(dossier[0], int)
    minor = header.index("Không phù hợp nhẹ")
    assert sum(r[minor] for r in rows) == 1


def test_user_text_starting_with_formula_characters_is_neutralised(small_world):
    book = read(tally_export.tally_workbook(2019, 2021))
    values = [
        c.value
        for name in ("Danh sách kiểm tra", "Phát hiện")
        for row in book[name].iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, str)
    ]
    assert "'+UBND xã Công Thức" in values
    assert "'@XA01" in values
    assert '\'=HYPERLINK("http://x")' in values
    assert "'-1 quy trình chưa cập nhật" in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)


def test_coverage_and_training_sheets(small_world):
    book = read(tally_export.tally_workbook(2019, 2021))
    training = [[c.value for c in row] for row in book["Đào tạo"].iter_rows(min_row=2)]
    assert training == [
        [
            2019,
            "Tập huấn 2019",
            "Duy trì, cải tiến HTQLCL",
            datetime(2019, 5, 6),
            datetime(2019, 5, 7),
            None,
            1,
            0,
        ]
    ]
    coverage = [[c.value for c in row] for row in book["Công bố"].iter_rows(min_row=2)]
    assert [2019, "Cấp xã", 1, 0, 0] in coverage


def test_an_empty_period_still_has_every_year_and_the_total(app):
    sheet = read(tally_export.tally_workbook(2030, 2032))["Tổng hợp"]
    rows = [tuple(c.value for c in sheet[n][:4]) for n in (2, 3, 4, 5)]
    assert rows == [(2030, 0, 0, 0), (2031, 0, 0, 0), (2032, 0, 0, 0), ("Tổng cộng", 0, 0, 0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 905", "'+84 905"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("UBND", "UBND"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_text(text, expected):
    assert safe_text(text) == expected


def test_the_plan_annex_uses_the_shared_helper():
    assert plan_annex_export.safe_text is safe_text


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_row(small_world):
    book = load_workbook(BytesIO(tally_export.tally_workbook(2017, 2020)))

    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert setup.fitToWidth in (None, 1), sheet.title  # 1 is the default, left out
        assert sheet.print_title_rows.replace("$", "") == "1:1", sheet.title
        assert "&P" in sheet.oddFooter.center.text, sheet.title
    # the summary and its chart on one page; long lists run on as many pages as they need
    assert book["Tổng hợp"].page_setup.fitToHeight in (None, 1)  # default 1, left out
    assert book["Danh sách kiểm tra"].page_setup.fitToHeight == 0  # as many pages as needed
    assert book["Tổng hợp"].print_area
