"""The proposal as a plan annex workbook that `import-plan` reads unchanged (DESIGN 5.12).

First sheet: the selected agencies under the annex headers `import-plan` looks for
(`Mã cơ quan`, `Tên cơ quan`, `Hình thức kiểm tra`, `Thời gian dự kiến` as `Quý I`–`Quý IV`,
`Trưởng đoàn` left blank). Second sheet: every reason with its points. Always Vietnamese:
the annex is an official document and the importer reads Vietnamese headers.
"""

from __future__ import annotations

import io

from flask_babel import force_locale
from flask_babel import gettext as _

from inspect_app.services.plan_proposal import QUARTER_NAMES, Proposal
from inspect_app.services.workbooks.plan_import import PLAN_COLUMNS
from inspect_app.services.workbooks.tally_export import safe_text


def proposal_filename(year: int) -> str:
    return f"de-xuat-ke-hoach-{year}.xlsx"


def proposal_xlsx(proposal: Proposal) -> bytes:
    """The selected agencies as an annex, and their reasons on a second sheet."""
    import xlsxwriter

    buffer = io.BytesIO()
    with force_locale("vi"):
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        _annex_sheet(workbook, proposal)
        _reasons_sheet(workbook, proposal)
        workbook.close()
    return buffer.getvalue()


def _printable(sheet, header_row: int) -> None:
    """A4 landscape, one page wide, the header row repeated on every page."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)


def _formats(workbook):
    return (
        workbook.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1}),
        workbook.add_format({"text_wrap": True, "valign": "top", "border": 1}),
        workbook.add_format({"bold": True, "font_size": 13}),
    )


def _annex_sheet(workbook, proposal: Proposal) -> None:
    head, cell, title = _formats(workbook)
    sheet = workbook.add_worksheet(_("Phụ lục"))
    sheet.write_string(
        0, 0, _("Đề xuất danh sách cơ quan kiểm tra năm %(year)d", year=proposal.year), title
    )
    sheet.write_string(
        1,
        0,
        _(
            "(Đề xuất theo mức độ rủi ro; %(n)d cơ quan: %(a)d tại trụ sở, %(b)d qua hồ sơ)",
            n=proposal.totals()["selected"],
            a=proposal.totals()["on_site"],
            b=proposal.totals()["dossier"],
        ),
    )
    headers = [
        (_("STT"), 6),
        (PLAN_COLUMNS["code"], 14),
        (PLAN_COLUMNS["name"], 42),
        (_("Cấp"), 12),
        (PLAN_COLUMNS["mode"], 34),
        (PLAN_COLUMNS["window"], 16),
        (PLAN_COLUMNS["lead"], 18),
        (_("Điểm rủi ro"), 10),
    ]
    header_row = 3
    for column, (text, width) in enumerate(headers):
        sheet.write_string(header_row, column, text, head)
        sheet.set_column(column, column, width)
    sheet.freeze_panes(header_row + 1, 0)
    _printable(sheet, header_row)
    for number, item in enumerate(proposal.selected(), start=1):
        row = header_row + number
        sheet.write_number(row, 0, number, cell)
        sheet.write_string(row, 1, safe_text(item.code), cell)
        sheet.write_string(row, 2, safe_text(item.name), cell)
        sheet.write_string(row, 3, str(item.level.label), cell)
        sheet.write_string(row, 4, str(item.mode.label), cell)
        sheet.write_string(row, 5, QUARTER_NAMES[item.quarter], cell)
        sheet.write_blank(row, 6, None, cell)
        sheet.write_number(row, 7, item.score, cell)


def _reasons_sheet(workbook, proposal: Proposal) -> None:
    head, cell, _title = _formats(workbook)
    sheet = workbook.add_worksheet(_("Lý do đề xuất"))
    headers = [
        (_("Mã cơ quan"), 14),
        (_("Tên cơ quan"), 42),
        (_("Tổng điểm"), 10),
        (_("Mã lý do"), 24),
        (_("Lý do"), 70),
        (_("Điểm"), 8),
    ]
    for column, (text, width) in enumerate(headers):
        sheet.write_string(0, column, text, head)
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    _printable(sheet, 0)
    row = 0
    for item in proposal.selected():
        notes = [(None, item.note, None)] if item.note else []
        for code, text, points in [(h.code, h.text, h.points) for h in item.reasons] + notes:
            row += 1
            sheet.write_string(row, 0, safe_text(item.code), cell)
            sheet.write_string(row, 1, safe_text(item.name), cell)
            sheet.write_number(row, 2, item.score, cell)
            sheet.write_string(row, 3, code or "", cell)
            sheet.write_string(row, 4, text, cell)
            if points is None:
                sheet.write_blank(row, 5, None, cell)
            else:
                sheet.write_number(row, 5, points, cell)
