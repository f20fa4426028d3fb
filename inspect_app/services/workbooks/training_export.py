"""Training workbooks (xlsxwriter): the course register and the training-needs list.

Pure functions: domain objects in, bytes out; the route only sends them. User text is made
inert with `exports.safe_text` (a leading = + - @ would be read as a formula).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _

from inspect_app.models import TrainingCourse
from inspect_app.services.training import TrainingNeed
from inspect_app.services.workbooks.tally_export import safe_text


class _Book:
    """An in-memory workbook with the styles of the department's annexes."""

    def __init__(self) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        add = self.workbook.add_format
        self.header = add({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1})
        self.title = add({"bold": True, "font_size": 13})
        self.cell = add({"text_wrap": True, "valign": "top", "border": 1})
        self.day = add({"num_format": "dd/mm/yyyy", "valign": "top", "border": 1})

    def sheet(self, name: str, title: str, headers: list[tuple[str, int]]):
        """A sheet with a title line, a frozen header row on row 3; returns (sheet, first row)."""
        sheet = self.workbook.add_worksheet(name)
        sheet.write_string(0, 0, title, self.title)
        header_row = 2
        for column, (text, width) in enumerate(headers):
            sheet.write_string(header_row, column, text, self.header)
            sheet.set_column(column, column, width)
        sheet.freeze_panes(header_row + 1, 0)
        return sheet, header_row + 1

    def write(self, sheet, row: int, values: list) -> None:
        """One row: numbers as numbers, dates as dates, text made inert."""
        for column, value in enumerate(values):
            if value is None or value == "":
                sheet.write_blank(row, column, None, self.cell)
            elif isinstance(value, bool):
                sheet.write_string(row, column, _("Có") if value else _("Không"), self.cell)
            elif isinstance(value, int | float):
                sheet.write_number(row, column, value, self.cell)
            elif isinstance(value, date):
                sheet.write_datetime(row, column, value, self.day)
            else:
                sheet.write_string(row, column, safe_text(str(value)), self.cell)

    def close(self) -> bytes:
        self.workbook.close()
        return self.buffer.getvalue()


def register_xlsx(courses: Iterable[TrainingCourse], title: str) -> bytes:
    """The register: sheet `Khóa đào tạo` (one row per course) and `Học viên` (per person)."""
    book = _Book()
    courses = list(courses)
    sheet, first = book.sheet(
        _("Khóa đào tạo"),
        title,
        [
            (_("STT"), 6),
            (_("Tên khóa đào tạo"), 48),
            (_("Loại khóa"), 30),
            (_("Từ ngày"), 12),
            (_("Đến ngày"), 12),
            (_("Địa điểm"), 30),
            (_("Đơn vị tổ chức"), 28),
            (_("Giảng viên"), 30),
            (_("Đối tượng"), 14),
            (_("Quyết định"), 22),
            (_("Số học viên"), 10),
            (_("Số có mặt"), 10),
        ],
    )
    for number, course in enumerate(courses, start=1):
        decision = course.decision
        book.write(
            sheet,
            first + number - 1,
            [
                number,
                course.title,
                str(course.kind.label),
                course.start_on,
                course.end_on,
                course.location,
                course.organizer,
                course.trainers,
                str(course.audience_level.label) if course.audience_level else _("Mọi cấp"),
                f"{decision.number} ({decision.signed_on:%d/%m/%Y})" if decision else "",
                len(course.participants),
                sum(1 for p in course.participants if p.attended),
            ],
        )
    sheet, first = book.sheet(
        _("Học viên"),
        title,
        [
            (_("STT"), 6),
            (_("Khóa đào tạo"), 40),
            (_("Từ ngày"), 12),
            (_("Họ và tên"), 26),
            (_("Chức vụ"), 26),
            (_("Mã cơ quan"), 14),
            (_("Cơ quan"), 36),
            (_("Cấp"), 12),
            (_("Có mặt"), 9),
            (_("Cán bộ phụ trách ISO"), 12),
        ],
    )
    row = first
    for course in courses:
        for participant in course.participants:
            book.write(
                sheet,
                row,
                [
                    row - first + 1,
                    course.title,
                    course.start_on,
                    participant.name,
                    participant.position,
                    participant.agency.code,
                    participant.agency.name,
                    str(participant.agency.level.label),
                    participant.attended,
                    participant.iso_officer_id is not None,
                ],
            )
            row += 1
    return book.close()


def needs_xlsx(needs: Iterable[TrainingNeed], title: str) -> bytes:
    """The agencies that need training, one row each, with the reasons in words."""
    book = _Book()
    sheet, first = book.sheet(
        _("Nhu cầu đào tạo"),
        title,
        [
            (_("STT"), 6),
            (_("Mã cơ quan"), 14),
            (_("Tên cơ quan"), 40),
            (_("Cấp"), 12),
            (_("Cán bộ phụ trách ISO"), 26),
            (_("Phụ trách từ ngày"), 14),
            (_("Lý do"), 50),
            (_("Lần đào tạo gần nhất"), 14),
        ],
    )
    for number, need in enumerate(needs, start=1):
        officer = need.officer
        book.write(
            sheet,
            first + number - 1,
            [
                number,
                need.agency.code,
                need.agency.name,
                str(need.agency.level.label),
                officer.name if officer else "",
                officer.since if officer else None,
                "; ".join(str(label) for label in need.reason_labels),
                need.last_trained_on,
            ],
        )
    return book.close()
