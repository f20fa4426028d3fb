"""The plan annex (phụ lục): one row per planned inspection, as HTML rows or an .xlsx."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from inspect_app.models import Agency, Inspection, InspectionPlan, InspectionStatus
from inspect_app.services.agencies import LEVEL_RANK, level_order
from inspect_app.services.pagination import Page, paginate
from inspect_app.services.workbooks.tally_export import safe_text

#: the printable annex of a large plan comes in parts of this many rows (one page load each).
ANNEX_PART_ROWS = 500


@dataclass(frozen=True)
class AnnexRow:
    number: int
    code: str
    agency: str
    level: str
    mode: str
    planned_from: date | None
    planned_to: date | None
    lead: str
    members: list[str]

    @property
    def time(self) -> str:
        """The window as the department writes it (one day, or from–to)."""
        start, end = self.planned_from, self.planned_to
        if start is None:
            return ""
        if end is None or end == start:
            return start.strftime("%d/%m/%Y")
        return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"

    @property
    def team(self) -> list[str]:
        lead = [_("%(name)s (Trưởng đoàn)", name=self.lead)] if self.lead else []
        return lead + self.members


def _annex_row(number: int, insp: Inspection) -> AnnexRow:
    externals = [line for line in (insp.external_members or "").splitlines() if line.strip()]
    return AnnexRow(
        number=number,
        code=insp.agency.code,
        agency=insp.agency.name,
        level=str(insp.agency.level.label),
        mode=str(insp.mode.label),
        planned_from=insp.planned_from,
        planned_to=insp.planned_to,
        lead=insp.lead.full_name if insp.lead else "",
        members=[m.full_name for m in insp.members] + externals,
    )


def annex_rows(plan: InspectionPlan) -> list[AnnexRow]:
    """The plan's inspections that still stand, by level then name."""
    kept = [i for i in plan.inspections if i.status is not InspectionStatus.CANCELLED]
    kept.sort(key=lambda i: (LEVEL_RANK.get(i.agency.level, 3), i.agency.name_key, i.id))
    return [_annex_row(number, insp) for number, insp in enumerate(kept, start=1)]


def annex_page(plan: InspectionPlan, number: int, per_page: int | None = None) -> Page:
    """One part of the annex (`annex_rows` in the same order), numbered across the parts."""
    query = (
        select(Inspection)
        .join(Inspection.agency)
        .where(Inspection.plan_id == plan.id, Inspection.status != InspectionStatus.CANCELLED)
        .options(
            contains_eager(Inspection.agency),
            selectinload(Inspection.lead),
            selectinload(Inspection.members),
        )
        .order_by(level_order(), Agency.name_key, Inspection.id)
    )
    page = paginate(query, number, per_page or ANNEX_PART_ROWS)
    page.items = [
        _annex_row(page.first_index + offset, insp) for offset, insp in enumerate(page.items)
    ]
    return page


def annex_xlsx(plan: InspectionPlan) -> bytes:
    """The annex as an .xlsx workbook (Vietnamese headers, frozen header, dd/mm/yyyy)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Phụ lục"))
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1})
    title = workbook.add_format({"bold": True, "font_size": 13})
    cell = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    day = workbook.add_format({"num_format": "dd/mm/yyyy", "valign": "top", "border": 1})
    headers = [
        (_("STT"), 6),
        (_("Mã cơ quan"), 14),
        (_("Tên cơ quan"), 40),
        (_("Cấp"), 12),
        (_("Hình thức kiểm tra"), 30),
        (_("Từ ngày"), 12),
        (_("Đến ngày"), 12),
        (_("Trưởng đoàn"), 24),
        (_("Thành viên đoàn"), 36),
    ]
    sheet.write_string(0, 0, safe_text(plan.title), title)
    if plan.decision is not None:
        sheet.write_string(
            1,
            0,
            safe_text(
                _(
                    "(Kèm theo Quyết định số %(number)s ngày %(day)s của %(issuer)s)",
                    number=plan.decision.number,
                    day=plan.decision.signed_on.strftime("%d/%m/%Y"),
                    issuer=plan.decision.issuer,
                )
            ),
        )
    header_row = 3
    for column, (text, width) in enumerate(headers):
        sheet.write_string(header_row, column, text, bold)
        sheet.set_column(column, column, width)
    sheet.freeze_panes(header_row + 1, 0)
    for offset, row in enumerate(annex_rows(plan), start=header_row + 1):
        sheet.write_number(offset, 0, row.number, cell)
        sheet.write_string(offset, 1, safe_text(row.code), cell)
        sheet.write_string(offset, 2, safe_text(row.agency), cell)
        sheet.write_string(offset, 3, row.level, cell)
        sheet.write_string(offset, 4, row.mode, cell)
        for column, value in ((5, row.planned_from), (6, row.planned_to)):
            if value is None:
                sheet.write_blank(offset, column, None, cell)
            else:
                sheet.write_datetime(offset, column, value, day)
        sheet.write_string(offset, 7, safe_text(row.lead), cell)
        sheet.write_string(offset, 8, safe_text("\n".join(row.members)), cell)
    workbook.close()
    return buffer.getvalue()
