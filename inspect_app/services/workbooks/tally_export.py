"""Excel exports: the shared cell rules and the tally workbook (CONTRACTS 5.6).

Exports are pure functions: they read the database and write bytes (or into a file object);
the route or command only moves the bytes. Large sheets are written with xlsxwriter's
`constant_memory` mode (one row in memory at a time, rows strictly in order) and streamed
from the query with `yield_per`, so memory stays flat whatever the number of inspections.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Conclusion,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    Severity,
    TrainingCourse,
    TrainingKind,
    TrainingParticipant,
    User,
)
from inspect_app.services import finding_kpis, progress, tallies
from inspect_app.services.spreadsheet_safety import safe_cell

#: a cell from user text starting with one of these would be read as a formula.
#: rows fetched from the database per round trip while streaming a sheet.
STREAM_BATCH = 2000
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS = tuple(AgencyLevel)


def safe_text(value: str | None) -> str:
    """User text made inert for spreadsheets (see services.spreadsheet_safety)."""
    return safe_cell(value)


def tally_filename(first: int, last: int) -> str:
    return f"tong-hop-kiem-tra-{first}-{last}.xlsx"


class _Styles:
    """The workbook's formats, created once."""

    def __init__(self, workbook):
        self.header = workbook.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "vcenter",
                "border": 1,
                "bg_color": "#E8EEF7",
            }
        )
        self.text = workbook.add_format({"valign": "top"})
        self.wrap = workbook.add_format({"valign": "top", "text_wrap": True})
        self.number = workbook.add_format({"num_format": "0", "valign": "top"})
        self.day = workbook.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
        self.percent = workbook.add_format({"num_format": "0.0%", "valign": "top"})
        self.total_label = workbook.add_format({"bold": True, "top": 1})
        self.total_number = workbook.add_format({"bold": True, "top": 1, "num_format": "0"})
        self.title = workbook.add_format({"bold": True, "font_size": 13})


class _Sheet:
    """A worksheet written row by row (constant_memory: strictly in order)."""

    def __init__(self, workbook, name: str, styles: _Styles, columns: list[tuple[str, int]]):
        self.sheet = workbook.add_worksheet(name)
        self.styles = styles
        self.columns = columns
        self.row = 0
        for index, (title, width) in enumerate(columns):
            self.sheet.set_column(index, index, width)
            self.sheet.write_string(0, index, title, styles.header)
        self.sheet.set_row(0, 32)
        self.sheet.freeze_panes(1, 0)
        print_setup(self.sheet)

    def write(self, values) -> None:
        """One data row: str → neutralised text, int/float → number, date → dd/mm/yyyy."""
        self.row += 1
        sheet, styles, row = self.sheet, self.styles, self.row
        for column, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(row, column, value, styles.text)
            elif isinstance(value, int | float):
                sheet.write_number(row, column, value, styles.number)
            elif isinstance(value, datetime):
                sheet.write_datetime(row, column, value.replace(tzinfo=None), styles.day)
            elif isinstance(value, date):
                sheet.write_datetime(row, column, value, styles.day)
            else:
                sheet.write_string(row, column, safe_text(str(value)), styles.text)

    def finish(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row, 1), len(self.columns) - 1)


def print_setup(sheet, *, one_page: bool = False) -> None:
    """A4 landscape, one page wide, the header row on every page, page numbers in the
    footer; `one_page` keeps a short sheet and its chart on a single page."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.fit_to_pages(1, 1 if one_page else 0)
    sheet.repeat_rows(0)
    sheet.set_footer("&C&P / &N")
    sheet.center_horizontally()


def _label(enum_cls, value) -> str:
    if value is None:
        return ""
    return str(enum_cls(value).label)


# -- sheet 1: Tổng hợp ------------------------------------------------------------------------

SUMMARY_HEADERS = (
    "Năm",
    "Tổng số cơ quan được kiểm tra",
    "Kiểm tra tại trụ sở",
    "Kiểm tra qua hồ sơ, báo cáo",
)


def _summary_columns() -> list[tuple[str, list, int]]:
    """(header, path into a year row, width) of the columns after A–D."""
    columns = [
        (_("Kiểm tra: %(level)s", level=level.label), ["by_level", level.value, "inspected"], 14)
        for level in LEVELS
    ]
    columns += [
        (_("Số cơ quan trong kế hoạch"), ["planned"], 14),
        (_("Chưa thực hiện"), ["not_done"], 12),
        (_("Đã hủy"), ["cancelled"], 10),
    ]
    columns += [
        (_("Kết luận: %(c)s", c=conclusion.label), ["conclusions", conclusion.value], 14)
        for conclusion in Conclusion
    ]
    columns += [(str(severity.label), ["findings", severity.value], 14) for severity in Severity]
    columns += [
        (_("Khóa đào tạo"), ["training", "courses"], 11),
        (_("Học viên"), ["training", "participants"], 11),
    ]
    return columns


def _dig(row: dict, path: list):
    for key in path:
        row = row[key]
    return row


def _write_summary(workbook, styles: _Styles, report: dict) -> None:
    # Contract 5.6: the sheet's name and columns A–D are fixed (never translated).
    sheet = workbook.add_worksheet("Tổng hợp")
    extra = _summary_columns()
    widths = [8, 18, 14, 16] + [width for _title, _path, width in extra]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.set_row(0, 45)
    for index, title in enumerate(list(SUMMARY_HEADERS) + [t for t, _p, _w in extra]):
        sheet.write_string(0, index, title, styles.header)
    sheet.freeze_panes(1, 1)
    row = 0
    for year_row in report["years"]:
        row += 1
        values = [year_row["year"], year_row["inspected"], year_row["on_site"], year_row["dossier"]]
        values += [_dig(year_row, path) for _t, path, _w in extra]
        for column, value in enumerate(values):
            sheet.write_number(row, column, value, styles.number)
    last_year_row = row
    row += 1
    total = report["total"]
    sheet.write_string(row, 0, "Tổng cộng", styles.total_label)
    values = [total["inspected"], total["on_site"], total["dossier"]]
    values += [_dig(total, path) for _t, path, _w in extra]
    for column, value in enumerate(values, start=1):
        sheet.write_number(row, column, value, styles.total_number)
    sheet.autofilter(0, 0, last_year_row, len(widths) - 1)
    _insert_chart(workbook, sheet, last_year_row, row + 2)
    print_setup(sheet, one_page=True)
    # the chart (about 18 rows below the total) belongs to the printed page.
    sheet.print_area(0, 0, row + 2 + CHART_ROWS, len(widths) - 1)


#: rows the 340 px chart covers at the default row height (20 px).
CHART_ROWS = 18


def _insert_chart(workbook, sheet, last_year_row: int, at_row: int) -> None:
    """A native column chart: on-site and dossier stacked per year."""
    chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
    for column, color in ((2, "#1F4E79"), (3, "#9DC3E6")):
        chart.add_series(
            {
                "name": ["Tổng hợp", 0, column],
                "categories": ["Tổng hợp", 1, 0, last_year_row, 0],
                "values": ["Tổng hợp", 1, column, last_year_row, column],
                "fill": {"color": color},
                "data_labels": {"value": True},
            }
        )
    chart.set_title({"name": _("Số cơ quan được kiểm tra theo năm")})
    chart.set_y_axis({"name": _("Số cơ quan"), "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 340})
    sheet.insert_chart(at_row, 0, chart)


# -- sheet 2: Danh sách kiểm tra --------------------------------------------------------------


def _finding_counts():
    def when(severity):
        return func.sum(case((Finding.severity == severity, 1), else_=0))

    return (
        select(
            Finding.inspection_id.label("inspection_id"),
            when(Severity.MAJOR).label("major"),
            when(Severity.MINOR).label("minor"),
            when(Severity.OBSERVATION).label("observation"),
        )
        .group_by(Finding.inspection_id)
        .subquery("finding_counts")
    )


def inspection_rows_query(first: int, last: int):
    """Every inspection of the period as plain columns, ready to stream."""
    counts = _finding_counts()
    lead = aliased(User)
    return (
        select(
            InspectionPlan.year,
            Agency.code,
            Agency.name,
            Agency.level,
            Inspection.mode,
            Inspection.status,
            Inspection.planned_from,
            Inspection.planned_to,
            Inspection.conducted_on,
            Inspection.concluded_on,
            Inspection.conclusion,
            func.coalesce(counts.c.major, 0),
            func.coalesce(counts.c.minor, 0),
            func.coalesce(counts.c.observation, 0),
            lead.full_name,
            Inspection.record_number,
        )
        .select_from(Inspection)
        .join(Inspection.plan)
        .join(Inspection.agency)
        .outerjoin(counts, counts.c.inspection_id == Inspection.id)
        .outerjoin(lead, lead.id == Inspection.lead_id)
        .where(InspectionPlan.year.between(first, last))
        .order_by(InspectionPlan.year, Inspection.id)
    )


INSPECTION_COLUMNS = [
    ("Năm", 7),
    ("Mã cơ quan", 13),
    ("Tên cơ quan", 42),
    ("Cấp", 11),
    ("Hình thức kiểm tra", 30),
    ("Trạng thái", 14),
    ("Dự kiến từ ngày", 12),
    ("Dự kiến đến ngày", 12),
    ("Ngày kiểm tra", 12),
    ("Ngày kết luận", 12),
    ("Kết luận", 22),
    ("Không phù hợp nặng", 11),
    ("Không phù hợp nhẹ", 11),
    ("Khuyến nghị", 11),
    ("Trưởng đoàn", 24),
    ("Số biên bản", 14),
]


def _stream(query):
    rows = db.session.execute(query.execution_options(yield_per=STREAM_BATCH))
    return progress.counted(rows, "write")


def _write_inspections(workbook, styles: _Styles, first: int, last: int) -> None:
    sheet = _Sheet(workbook, "Danh sách kiểm tra", styles, _translated(INSPECTION_COLUMNS))
    level_labels = {level: str(level.label) for level in AgencyLevel}
    mode_labels = {mode: str(mode.label) for mode in InspectionMode}
    status_labels = {status: str(status.label) for status in InspectionStatus}
    conclusion_labels = {c: str(c.label) for c in Conclusion}
    for row in _stream(inspection_rows_query(first, last)):
        (year, code, name, level, mode, status, p_from, p_to, conducted, concluded,
         conclusion, major, minor, observation, lead, record) = row  # fmt: skip
        sheet.write(
            (
                year,
                code,
                name,
                level_labels[AgencyLevel(level)],
                mode_labels[InspectionMode(mode)],
                status_labels[InspectionStatus(status)],
                p_from,
                p_to,
                conducted,
                concluded,
                conclusion_labels[Conclusion(conclusion)] if conclusion else None,
                int(major),
                int(minor),
                int(observation),
                lead,
                record,
            )
        )
    sheet.finish()


def _translated(columns: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(_(title), width) for title, width in columns]


# -- sheet 3: Phát hiện -----------------------------------------------------------------------

FINDING_COLUMNS = [
    ("Năm", 7),
    ("Mã cơ quan", 13),
    ("Tên cơ quan", 40),
    ("Mức độ", 20),
    ("Yêu cầu (điều khoản)", 14),
    ("Nội dung", 60),
    ("Hạn khắc phục", 12),
    ("Trạng thái", 16),
    ("Ngày xác nhận", 12),
]


def finding_rows_query(first: int, last: int):
    return (
        select(
            InspectionPlan.year,
            Agency.code,
            Agency.name,
            Finding.severity,
            Finding.requirement,
            Finding.description,
            Finding.due_on,
            Finding.status,
            Finding.verified_at,
        )
        .select_from(Finding)
        .join(Finding.inspection)
        .join(Inspection.plan)
        .join(Inspection.agency)
        .where(InspectionPlan.year.between(first, last))
        .order_by(InspectionPlan.year, Finding.inspection_id, Finding.id)
    )


def _write_findings(workbook, styles: _Styles, first: int, last: int) -> None:
    sheet = _Sheet(workbook, "Phát hiện", styles, _translated(FINDING_COLUMNS))
    severity_labels = {s: str(s.label) for s in Severity}
    status_labels = {s: str(s.label) for s in FindingStatus}
    for year, code, name, severity, requirement, text, due, status, verified in _stream(
        finding_rows_query(first, last)
    ):
        sheet.write(
            (
                year,
                code,
                name,
                severity_labels[Severity(severity)],
                requirement,
                text,
                due,
                status_labels[FindingStatus(status)],
                verified.date() if isinstance(verified, datetime) else verified,
            )
        )
    sheet.finish()


# -- sheet 4: Công bố -------------------------------------------------------------------------

COVERAGE_COLUMNS = [
    ("Năm", 7),
    ("Cấp", 14),
    ("Số cơ quan hoạt động (31/12)", 16),
    ("Đã công bố HTQLCL phù hợp", 16),
    ("Tỷ lệ", 10),
]


def _write_coverage(workbook, styles: _Styles, report: dict) -> None:
    sheet = _Sheet(workbook, "Công bố", styles, _translated(COVERAGE_COLUMNS))
    for year_row in report["years"]:
        for level in LEVELS:
            entry = year_row["coverage"][level.value]
            if not entry["total"]:
                continue
            sheet.write((year_row["year"], str(level.label), entry["total"], entry["announced"]))
            sheet.sheet.write_number(
                sheet.row, 4, entry["announced"] / entry["total"], styles.percent
            )
    sheet.finish()


# -- sheet 5: Đào tạo -------------------------------------------------------------------------

TRAINING_COLUMNS = [
    ("Năm", 7),
    ("Tên khóa đào tạo", 60),
    ("Loại", 34),
    ("Từ ngày", 12),
    ("Đến ngày", 12),
    ("Địa điểm", 36),
    ("Số học viên", 11),
    ("Số học viên tham dự", 11),
]


def _write_training(workbook, styles: _Styles, first: int, last: int) -> None:
    sheet = _Sheet(workbook, "Đào tạo", styles, _translated(TRAINING_COLUMNS))
    people = (
        select(
            TrainingParticipant.course_id.label("course_id"),
            func.count().label("people"),
            func.sum(case((TrainingParticipant.attended.is_(True), 1), else_=0)).label("present"),
        )
        .group_by(TrainingParticipant.course_id)
        .subquery()
    )
    query = (
        select(
            TrainingCourse.start_on,
            TrainingCourse.title,
            TrainingCourse.kind,
            TrainingCourse.end_on,
            TrainingCourse.location,
            func.coalesce(people.c.people, 0),
            func.coalesce(people.c.present, 0),
        )
        .outerjoin(people, people.c.course_id == TrainingCourse.id)
        .where(
            TrainingCourse.start_on >= date(first, 1, 1),
            TrainingCourse.start_on <= date(last, 12, 31),
        )
        .order_by(TrainingCourse.start_on, TrainingCourse.id)
    )
    kind_labels = {k: str(k.label) for k in TrainingKind}
    for start, title, kind, end, location, count, present in _stream(query):
        sheet.write(
            (
                start.year,
                title,
                kind_labels[TrainingKind(kind)],
                start,
                end,
                location,
                int(count),
                int(present),
            )
        )
    sheet.finish()


# -- sheet 6: Văn bản pháp luật (5.11) -------------------------------------------------------

REGULATION_COLUMNS = [
    ("Năm", 7),
    ("Số lần văn bản bị thay thế, sửa đổi", 18),
    ("Quy trình cần cập nhật", 14),
    ("Cập nhật đúng hạn", 14),
    ("Cập nhật chậm", 14),
    ("Cơ quan quá hạn cập nhật", 16),
]


def _write_regulations(workbook, styles: _Styles, first: int, last: int) -> None:
    from inspect_app.services import regulations

    sheet = _Sheet(workbook, "Văn bản pháp luật", styles, _translated(REGULATION_COLUMNS))
    for row in regulations.yearly_figures(first, last, regulations.today()):
        sheet.write(
            (row.year, row.changes, row.made_stale, row.on_time, row.late, row.agencies_overdue)
        )
    sheet.finish()


# -- the workbook -----------------------------------------------------------------------------


def write_tally_workbook(first: int, last: int, target: IO[bytes] | str) -> dict:
    """Write the tally workbook of the period into a file object or path; returns the report."""
    import xlsxwriter

    report = tallies.tally_report(first, last)
    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "default_date_format": "dd/mm/yyyy", "strings_to_numbers": False},
    )
    try:
        styles = _Styles(workbook)
        _write_summary(workbook, styles, report)
        _write_inspections(workbook, styles, report["from"], report["to"])
        _write_findings(workbook, styles, report["from"], report["to"])
        _write_coverage(workbook, styles, report)
        _write_training(workbook, styles, report["from"], report["to"])
        finding_kpis.write_kpi_sheet(workbook, report["from"], report["to"])
        print_setup(workbook.get_worksheet_by_name("Khắc phục"))
        _write_regulations(workbook, styles, report["from"], report["to"])
        workbook.set_properties(
            {"title": _("Tổng hợp kết quả kiểm tra %(a)d - %(b)d", a=first, b=last)}
        )
    finally:
        workbook.close()
    return report


def tally_workbook(first: int, last: int) -> bytes:
    """The tally workbook of the period as bytes."""
    buffer = io.BytesIO()
    write_tally_workbook(first, last, buffer)
    return buffer.getvalue()
