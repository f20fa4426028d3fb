"""The participant workbook of a course: reading rules, row errors, all or nothing (issue 7)."""

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import AgencyLevel, IsoOfficer, TrainingKind, TrainingParticipant
from inspect_app.services import training
from inspect_app.services.workbooks.participant_import import (
    apply_participant_import,
    attended_from_text,
    parse_participant_sheet,
    read_participant_workbook,
)

HEADER = ["STT", "Họ và tên", "Cơ quan", "Chức vụ", "Có mặt"]


def participant_workbook(*rows, header=HEADER, preamble=()) -> bytes:
    """An xlsx: optional title lines, the header row, then the data rows."""
    book = Workbook()
    sheet = book.active
    for line in preamble:
        sheet.append(list(line))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def count_participants() -> int:
    return db.session.scalar(select(func.count()).select_from(TrainingParticipant))


@pytest.fixture
def course(app):
    course = training.create_course(
        title="Tập huấn duy trì HTQLCL 2026",
        kind=TrainingKind.MAINTAIN_IMPROVE,
        start_on=date(2026, 5, 12),
        end_on=date(2026, 5, 13),
    )
    db.session.commit()
    return course


@pytest.fixture
def register(make_agency):
    """Two agencies with ISO officers; one name shared by two agencies of different periods."""
    justice = make_agency("Sở Tư pháp", code="STP")
    commune = make_agency("UBND xã Tịnh Khê", code="X001", level=AgencyLevel.COMMUNE)
    db.session.add_all(
        [
            IsoOfficer(agency=justice, name="Nguyễn Thị Hạnh", since=date(2019, 1, 2)),
            IsoOfficer(agency=commune, name="Trần Văn Bình", since=date(2025, 7, 15)),
        ]
    )
    make_agency(
        "UBND xã Tịnh Kỳ", code="X-OLD", level=AgencyLevel.COMMUNE, active_to=date(2025, 6, 30)
    )
    make_agency(
        "UBND xã Tịnh Kỳ", code="X-NEW", level=AgencyLevel.COMMUNE, active_from=date(2025, 7, 1)
    )
    make_agency(
        "UBND huyện Sơn Tịnh", code="H-ST", level=AgencyLevel.DISTRICT, active_to=date(2025, 6, 30)
    )
    db.session.commit()
    return {"justice": justice, "commune": commune}


# -- the `Có mặt` cell ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["x", "X", " x ", "có", "Có", "CO", "1", 1, 1.0, "yes", "Có mặt", "đạt", True]
)
def test_present_words(text):
    assert attended_from_text(text) is True


@pytest.mark.parametrize("text", [None, "", "  ", "không", "Không", "0", 0, "vắng", "no", False])
def test_absent_words(text):
    assert attended_from_text(text) is False


@pytest.mark.parametrize("text", ["maybe", "2", "chưa rõ"])
def test_other_words_are_not_understood(text):
    assert attended_from_text(text) is None


# -- reading the sheet ---------------------------------------------------------------------


def test_header_row_found_below_title_lines_and_columns_in_any_order(app):
    data = participant_workbook(
        ("Phạm Văn An", "Chuyên viên", "STP", "x"),
        header=["  HỌ VÀ TÊN ", "Chức vụ", "co quan", "Có mặt"],
        preamble=[("DANH SÁCH HỌC VIÊN",), ()],
    )

    result = parse_participant_sheet(data)

    assert result.ok
    [row] = result.rows
    assert (row.row, row.name, row.agency_ref, row.position, row.attended) == (
        4,
        "Phạm Văn An",
        "STP",
        "Chuyên viên",
        True,
    )


def test_blank_rows_are_skipped_and_attendance_is_optional(app):
    data = participant_workbook(
        (1, "Phạm Văn An", "STP", "", None),
        (None, None, None, None, None),
        (2, "Lê Thị Bích", "X001"),
        header=HEADER,
    )

    result = parse_participant_sheet(data)

    assert [(r.row, r.name, r.attended) for r in result.rows] == [
        (2, "Phạm Văn An", False),
        (4, "Lê Thị Bích", False),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"%PDF-1.4 not a workbook",
            "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dưới dạng .xlsx.",
        ),
        (
            participant_workbook(header=["Tên", "Cơ quan"]),
            "Không tìm thấy dòng tiêu đề có cột “Họ và tên”.",
        ),
        (
            participant_workbook(("An", "x"), header=["Họ và tên", "Có mặt"]),
            "Thiếu cột: “Cơ quan”.",
        ),
        (participant_workbook(), "Bảng tính không có dòng dữ liệu nào."),
    ],
)
def test_file_level_problems(app, data, message):
    result = parse_participant_sheet(data)

    assert not result.ok
    assert result.errors == [message]


def test_an_attendance_word_it_does_not_understand_is_a_row_error(app):
    result = parse_participant_sheet(participant_workbook((1, "An", "STP", "", "có lẽ")))

    assert result.errors == [
        "row 2: “Có mặt” “có lẽ” không hiểu được (ghi x, có, 1 nếu có mặt; để trống, không, 0 "
        "nếu vắng)."
    ]


# -- checking rows against the register ----------------------------------------------------


def test_agencies_by_code_or_name_and_officers_matched(course, register):
    data = participant_workbook(
        (1, "NGUYEN THI HANH", "stp", "Chuyên viên", "x"),
        (2, "Lê Văn Cường", "ubnd xa tinh khe", "Công chức", "có"),
        (3, "Võ Thị Dung", "UBND xã Tịnh Kỳ", "", ""),
    )

    result = read_participant_workbook(course, data)

    assert result.ok, result.errors
    codes = [row.agency.code for row in result.rows]
    assert codes == ["STP", "X001", "X-NEW"]  # the name of two agencies: the one active then
    assert result.rows[0].officer is register["justice"].officers[0]
    assert result.rows[1].officer is None
    assert (result.attended, result.linked) == (2, 1)
    assert count_participants() == 0  # reading writes nothing


def test_every_bad_row_is_listed(course, register):
    training.add_participant(course, agency=register["justice"], name="Phạm Văn An")
    db.session.commit()
    data = participant_workbook(
        (1, "Lê Văn Cường", "X001", "", "x"),
        (2, "", "STP", "", ""),
        (3, "Hồ Văn Em", "Sở Không Có", "", ""),
        (4, "le van cuong", "UBND xã Tịnh Khê", "", ""),
        (5, "Phạm văn AN", "STP", "", ""),
        (6, "Đỗ Văn Giang", "H-ST", "", ""),
        (7, "Đinh Thị Hoa", "", "", ""),
    )

    result = read_participant_workbook(course, data)

    assert result.errors == [
        "row 3: thiếu “Họ và tên”.",
        "row 4: không tìm thấy cơ quan “Sở Không Có” trong danh sách cơ quan.",
        "row 5: le van cuong (UBND xã Tịnh Khê) trùng với dòng 2.",
        "row 6: Phạm văn AN (Sở Tư pháp) đã có trong danh sách học viên của khóa đào tạo.",
        "row 7: cơ quan UBND huyện Sơn Tịnh không hoạt động trong thời gian của khóa đào tạo.",
        "row 8: thiếu “Cơ quan”.",
    ]


def test_a_name_shared_by_two_agencies_active_together_asks_for_the_code(course, make_agency):
    make_agency("UBND phường Nghĩa Lộ", code="P1", level=AgencyLevel.COMMUNE)
    make_agency("UBND phường Nghĩa Lộ", code="P2", level=AgencyLevel.COMMUNE)

    result = read_participant_workbook(
        course, participant_workbook((1, "An", "UBND phường Nghĩa Lộ", "", ""))
    )

    assert result.errors == [
        "row 2: tên cơ quan “UBND phường Nghĩa Lộ” khớp nhiều cơ quan, hãy ghi mã cơ quan."
    ]


# -- applying --------------------------------------------------------------------------------


def test_apply_writes_every_row_with_attendance_and_officer_links(course, register):
    data = participant_workbook(
        (1, "Nguyễn Thị Hạnh", "STP", "Chuyên viên", "1"),
        (2, "Lê Văn Cường", "X001", "Công chức", "không"),
    )
    result = read_participant_workbook(course, data)

    added = apply_participant_import(course, result)
    db.session.commit()

    assert [(p.name, p.agency.code, p.attended, p.invited) for p in added] == [
        ("Nguyễn Thị Hạnh", "STP", True, False),
        ("Lê Văn Cường", "X001", False, False),
    ]
    assert added[0].iso_officer is register["justice"].officers[0]
    assert added[1].iso_officer is None
    assert count_participants() == 2


def test_apply_with_any_bad_row_writes_nothing(course, register):
    data = participant_workbook((1, "Nguyễn Thị Hạnh", "STP", "", "x"), (2, "An", "NOPE", "", ""))
    result = read_participant_workbook(course, data)

    with pytest.raises(DomainError) as info:
        apply_participant_import(course, result)
    db.session.rollback()

    assert "row 3: không tìm thấy cơ quan “NOPE”" in info.value.message
    assert count_participants() == 0


def test_importing_the_same_file_twice_is_refused_the_second_time(course, register):
    data = participant_workbook((1, "Nguyễn Thị Hạnh", "STP", "", "x"))
    apply_participant_import(course, read_participant_workbook(course, data))
    db.session.commit()

    again = read_participant_workbook(course, data)

    assert again.errors == [
        "row 2: Nguyễn Thị Hạnh (Sở Tư pháp) đã có trong danh sách học viên của khóa đào tạo."
    ]
    assert count_participants() == 1
