"""The agency workbook import: reading rules, all-or-nothing, re-import, CLI (CONTRACTS 5.3)."""

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Agency, AgencyLevel, AuditLog, IsoOfficer
from inspect_app.services import agencies
from inspect_app.services.workbooks.agency_import import (
    apply_agency_import,
    level_from_text,
    read_agency_workbook,
)

HEADER = [
    "Mã cơ quan",
    "Tên cơ quan",
    "Cấp",
    "Cơ quan cấp trên",
    "Cán bộ phụ trách ISO",
    "Điện thoại",
    "Email",
]
TODAY = date(2026, 3, 2)


def workbook(*rows, header=HEADER, preamble=()) -> bytes:
    """An xlsx: optional title lines, the header row, then the data rows."""
    book = Workbook()
    sheet = book.active
    for line in preamble:
        sheet.append(line)
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_bytes(data: bytes, today=TODAY):
    result = read_agency_workbook(data)
    if result.ok:
        apply_agency_import(result, today=today)
        db.session.commit()
    else:
        db.session.rollback()
    return result


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def by_code(code) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


PROVINCE_ROWS = [
    ("UBT", "UBND tỉnh Quảng Ngãi", "Cấp tỉnh", None, None, None, None),
    (
        "SKHCN",
        "Sở Khoa học và Công nghệ",
        "Sở, ban, ngành",
        "UBT",
        "Nguyễn Văn A",
        "0255 3822 111",
        "a@example.vn",
    ),
    ("HSTB", "UBND huyện Sơn Tịnh", "Cấp huyện", "UBT", None, None, None),
    ("XTK", "UBND xã Tịnh Khê", "Cấp xã", "UBND huyện Sơn Tịnh", "Trần Thị B", None, None),
]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Cấp tỉnh", AgencyLevel.PROVINCIAL),
        ("Sở", AgencyLevel.PROVINCIAL),
        ("BAN", AgencyLevel.PROVINCIAL),
        ("  cap huyen ", AgencyLevel.DISTRICT),
        ("Xã", AgencyLevel.COMMUNE),
        ("Phường", AgencyLevel.COMMUNE),
        ("Thị trấn", AgencyLevel.COMMUNE),
        ("Đặc khu", AgencyLevel.COMMUNE),
        ("commune", AgencyLevel.COMMUNE),
        ("Đơn vị sự nghiệp", AgencyLevel.OTHER),
        ("", None),
        (None, None),
    ],
)
def test_level_words_follow_the_contract(text, level):
    assert level_from_text(text) is level


def test_new_agencies_are_created_with_parents_and_officers(app):
    result = import_bytes(workbook(*PROVINCE_ROWS, preamble=[["Danh sách cơ quan"], []]))

    assert result.errors == []
    assert (result.new, result.updated, result.unchanged) == (4, 0, 0)
    commune = by_code("XTK")
    assert commune.level is AgencyLevel.COMMUNE
    assert commune.parent.code == "HSTB"
    assert commune.parent.parent.code == "UBT"
    department = by_code("SKHCN")
    assert department.level is AgencyLevel.PROVINCIAL
    officer = department.current_officer
    assert (officer.name, officer.phone, officer.email, officer.since) == (
        "Nguyễn Văn A",
        "0255 3822 111",
        "a@example.vn",
        TODAY,
    )
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.object_type == "agencies")
        )
        == 4
    )


def test_parent_written_later_in_the_file_is_found(app):
    rows = [PROVINCE_ROWS[3], PROVINCE_ROWS[2], PROVINCE_ROWS[0]]

    result = import_bytes(workbook(*rows))

    assert result.errors == []
    assert by_code("XTK").parent.code == "HSTB"


def test_reimport_updates_by_code_and_never_duplicates(app):
    import_bytes(workbook(*PROVINCE_ROWS))
    officers_before = count(IsoOfficer)

    again = import_bytes(workbook(*PROVINCE_ROWS))

    assert again.errors == []
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert count(Agency) == 4
    assert count(IsoOfficer) == officers_before

    renamed = [list(row) for row in PROVINCE_ROWS]
    renamed[1][1] = "Sở KH&CN tỉnh Quảng Ngãi"
    third = import_bytes(workbook(*renamed))

    assert (third.new, third.updated, third.unchanged) == (0, 1, 3)
    assert count(Agency) == 4
    assert by_code("SKHCN").name == "Sở KH&CN tỉnh Quảng Ngãi"


def test_codes_match_without_case(app, make_agency):
    make_agency("Sở Tư pháp", code="STP")

    result = import_bytes(workbook(("stp", "Sở Tư pháp tỉnh Quảng Ngãi", "Sở")))

    assert (result.new, result.updated) == (0, 1)
    assert count(Agency) == 1
    assert by_code("STP").name == "Sở Tư pháp tỉnh Quảng Ngãi"


def test_officer_change_closes_the_old_period(app):
    import_bytes(workbook(*PROVINCE_ROWS))
    rows = [list(row) for row in PROVINCE_ROWS]
    rows[1][4:7] = ["Lê Văn C", "0905 000 111", None]

    result = import_bytes(workbook(*rows), today=date(2026, 9, 1))

    assert result.updated == 1
    department = by_code("SKHCN")
    history = sorted(department.officers, key=lambda o: o.since)
    assert [(o.name, o.since, o.until) for o in history] == [
        ("Nguyễn Văn A", TODAY, date(2026, 8, 31)),
        ("Lê Văn C", date(2026, 9, 1), None),
    ]


def test_same_officer_with_new_phone_updates_contacts_only(app):
    import_bytes(workbook(*PROVINCE_ROWS))
    rows = [list(row) for row in PROVINCE_ROWS]
    rows[1][4:7] = ["nguyen van a", "0911 222 333", None]

    result = import_bytes(workbook(*rows), today=date(2026, 9, 1))

    assert result.updated == 1
    officers = by_code("SKHCN").officers
    assert len(officers) == 1
    assert (officers[0].phone, officers[0].email) == ("0911 222 333", "a@example.vn")


def test_all_or_nothing_lists_every_bad_row(app):
    rows = [
        PROVINCE_ROWS[0],
        ("X1", None, "Cấp xã", "UBT"),  # row 3: no name
        ("X2", "UBND xã Nghĩa Hà", "Cấp xã", "KHONGCO"),  # row 4: unknown parent
        ("UBT", "Trùng mã", "Cấp tỉnh"),  # row 5: code repeated
        ("X3", "UBND xã Bình Sơn", None, "UBT"),  # row 6: no level for a new agency
        ("X4", "UBND xã Ba Tơ", "Cấp xã", "UBT", "Phạm D", None, "khong-phai-email"),  # row 7
    ]

    result = import_bytes(workbook(*rows))

    assert not result.ok
    assert [line.split(":")[0] for line in result.errors] == [
        "row 3",
        "row 4",
        "row 5",
        "row 6",
        "row 7",
    ]
    assert "Tên cơ quan" in result.errors[0]
    assert "KHONGCO" in result.errors[1]
    assert "trùng với dòng 2" in result.errors[2]
    assert "Cấp" in result.errors[3]
    assert "Email" in result.errors[4]
    assert count(Agency) == 0
    with pytest.raises(DomainError):
        apply_agency_import(result, today=TODAY)


def test_level_rules_and_cycles_are_row_errors(app):
    rows = [
        ("C3", "UBND xã Tịnh Ấn", "Cấp xã"),
        ("P", "UBND tỉnh", "Cấp tỉnh", "C3"),  # row 3: a province under a commune
        ("C", "UBND xã Tịnh Khê", "Cấp xã", "C3"),  # row 4: a commune under a commune
        ("A", "Cơ quan A", "Khác", "B"),  # rows 5 and 6: a cycle
        ("B", "Cơ quan B", "Khác", "A"),
        ("S", "Cơ quan S", "Khác", "S"),  # row 7: its own parent
    ]

    result = import_bytes(workbook(*rows))

    rows_with_errors = sorted({int(line.split(":")[0][4:]) for line in result.errors})
    assert rows_with_errors == [3, 4, 5, 6, 7]
    assert count(Agency) == 0


def test_parent_name_without_diacritics_and_ambiguity(app, make_agency):
    make_agency("UBND huyện Tư Nghĩa", code="HTN", level=AgencyLevel.DISTRICT)
    make_agency("Phòng Nội vụ", code="PNV1", level=AgencyLevel.DISTRICT)
    make_agency("Phòng Nội vụ", code="PNV2", level=AgencyLevel.DISTRICT)
    rows = [
        ("XNH", "UBND xã Nghĩa Hà", "Cấp xã", "ubnd huyen tu nghia"),
        ("XNT", "UBND xã Nghĩa Thuận", "Cấp xã", "Phòng Nội vụ"),
    ]

    result = read_agency_workbook(workbook(*rows))

    assert result.rows[0].parent_code == "HTN"
    assert result.errors == [result.errors[0]]
    assert result.errors[0].startswith("row 3:") and "nhiều cơ quan" in result.errors[0]


def test_not_an_xlsx_is_a_clear_error(app):
    result = read_agency_workbook(b"Ma co quan;Ten co quan\nA;B\n")

    assert result.rows == []
    assert result.errors == [
        "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dưới dạng .xlsx."
    ]


def test_missing_header_row(app):
    result = read_agency_workbook(workbook(("A", "B"), header=["Mã", "Tên"]))

    assert len(result.errors) == 1
    assert "Mã cơ quan" in result.errors[0]


def test_header_found_without_case_diacritics_or_spaces(app):
    header = ["  ma CO quan ", "TÊN CƠ QUAN", "cap", "Co quan cap tren"]

    result = import_bytes(workbook(("T1", "Sở Y tế", "Sở", None), header=header))

    assert result.errors == []
    assert by_code("T1").level is AgencyLevel.PROVINCIAL


def test_missing_name_column(app):
    result = read_agency_workbook(workbook(("A",), header=["Mã cơ quan", "Cấp"]))

    assert result.errors == ["Thiếu cột: “Tên cơ quan”."]


def test_numeric_codes_are_read_as_text(app):
    result = import_bytes(workbook((1001, "Sở Tài chính", "Sở")))

    assert result.errors == []
    assert by_code("1001") is not None


# -- the CLI -------------------------------------------------------------------------------


def test_cli_imports_and_prints_counts(app, runner, tmp_path):
    path = tmp_path / "agencies.xlsx"
    path.write_bytes(workbook(*PROVINCE_ROWS))

    result = runner.invoke(args=["import-agencies", str(path)])

    assert result.exit_code == 0, result.output
    assert "4 new, 0 updated" in result.output
    assert count(Agency) == 4


def test_cli_bad_rows_exit_non_zero_and_write_nothing(app, runner, tmp_path):
    path = tmp_path / "agencies.xlsx"
    path.write_bytes(workbook(PROVINCE_ROWS[0], ("X", "UBND xã X", "Cấp xã", "KHONGCO")))

    result = runner.invoke(args=["import-agencies", str(path)])

    assert result.exit_code != 0
    assert "row 3:" in result.stderr
    assert "KHONGCO" in result.stderr
    assert count(Agency) == 0


def test_cli_not_an_xlsx(app, runner, tmp_path):
    path = tmp_path / "agencies.xlsx"
    path.write_text("not a workbook")

    result = runner.invoke(args=["import-agencies", str(path)])

    assert result.exit_code != 0
    assert ".xlsx" in result.stderr
    assert "Traceback" not in result.output


def test_cli_missing_file(app, runner, tmp_path):
    result = runner.invoke(args=["import-agencies", str(tmp_path / "nope.xlsx")])

    assert result.exit_code != 0
    assert "nope.xlsx" in result.stderr


def test_service_refuses_a_cycle_directly(app, make_agency):
    top = make_agency("Cơ quan A", code="A", level=AgencyLevel.OTHER)
    child = agencies.create_agency(code="B", name="Cơ quan B", level=AgencyLevel.OTHER, parent=top)

    with pytest.raises(DomainError):
        agencies.update_agency(
            top, code="A", name="Cơ quan A", level=AgencyLevel.OTHER, parent=child
        )
