"""Follow-up indicators (DESIGN 5.10) for the reports page and the tally workbook.

Per plan year of the period: findings raised, corrective actions closed, the share closed on
time (verified on or before the due date, among those due by today or closed), and the
median days from raising to closing; and, as of today, the agencies with an overdue action.
"""

from __future__ import annotations

from datetime import date
from statistics import median

from sqlalchemy import distinct, func, select

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import Agency, Finding, FindingStatus, Inspection, InspectionPlan
from inspect_app.services.reminder_targets import overdue_condition


def opened_on(created_at, concluded_on: date | None, conducted_on: date | None) -> date:
    """The day a finding was raised: its creation, or the inspection's day when that is earlier
    (findings recorded after the fact, such as imported paper records)."""
    opened = clock.local(created_at).date()
    inspection_day = concluded_on or conducted_on
    return min(opened, inspection_day) if inspection_day else opened


def _empty(year) -> dict:
    return {"year": year, "raised": 0, "closed": 0, "due": 0, "on_time": 0, "days": []}


def kpis(first: int, last: int, today=None) -> dict:
    """The indicators of plan years `first`–`last`; `agencies_overdue` is as of today."""
    today = today or clock.today()
    rows = db.session.execute(
        select(
            InspectionPlan.year,
            Finding.status,
            Finding.due_on,
            Finding.created_at,
            Finding.verified_at,
            Inspection.concluded_on,
            Inspection.conducted_on,
        )
        .join(Finding.inspection)
        .join(Inspection.plan)
        .where(InspectionPlan.year.between(first, last))
    )
    years = {year: _empty(year) for year in range(first, last + 1)}
    for year, status, due, created, verified, concluded_on, conducted_on in rows:
        entry = years[year]
        entry["raised"] += 1
        closed = status is FindingStatus.CLOSED and verified is not None
        if closed:
            entry["closed"] += 1
            closed_on = clock.local(verified).date()
            opened = opened_on(created, concluded_on, conducted_on)
            entry["days"].append(max((closed_on - opened).days, 0))
        if due is not None and (closed or due < today):
            entry["due"] += 1
            if closed and closed_on <= due:
                entry["on_time"] += 1
    total = _empty(None)
    for entry in years.values():
        for key in ("raised", "closed", "due", "on_time"):
            total[key] += entry[key]
        total["days"] += entry["days"]
    return {
        "from": first,
        "to": last,
        "years": [_finish(entry) for entry in years.values()],
        "total": _finish(total),
        "agencies_overdue": agencies_with_overdue_action(today),
    }


def _finish(entry: dict) -> dict:
    days = entry.pop("days")
    entry["median_days_to_close"] = median(days) if days else None
    entry["on_time_share"] = entry["on_time"] / entry["due"] if entry["due"] else None
    return entry


def agencies_with_overdue_action(today) -> list[dict]:
    """Agencies with at least one finding past its due date and not closed, most first."""
    rows = db.session.execute(
        select(Agency.code, Agency.name, func.count(distinct(Finding.id)))
        .join(Inspection, Inspection.agency_id == Agency.id)
        .join(Finding, Finding.inspection_id == Inspection.id)
        .where(overdue_condition(today))
        .group_by(Agency.id, Agency.code, Agency.name)
        .order_by(func.count(distinct(Finding.id)).desc(), Agency.name)
    )
    return [{"code": code, "name": name, "overdue": n} for code, name, n in rows]


HEADERS = (
    "Năm",
    "Phát hiện",
    "Đã khắc phục (đóng)",
    "Đến hạn hoặc đã đóng",
    "Đóng đúng hạn",
    "Tỷ lệ đóng đúng hạn",
    "Số ngày khắc phục (trung vị)",
)


def write_kpi_sheet(workbook, first: int, last: int, today=None) -> None:
    """Sheet `Khắc phục` of the tally workbook: the indicators per year, then the agencies."""
    data = kpis(first, last, today)
    sheet = workbook.add_worksheet("Khắc phục")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1})
    percent = workbook.add_format({"num_format": "0.0%"})
    total_fmt = workbook.add_format({"bold": True, "top": 1})
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 6, 16)
    sheet.write_row(0, 0, HEADERS, bold)
    row = 1
    for entry in [*data["years"], {**data["total"], "year": "Tổng cộng"}]:
        style = total_fmt if entry["year"] == "Tổng cộng" else None
        sheet.write(row, 0, entry["year"], style)
        for col, key in enumerate(("raised", "closed", "due", "on_time"), start=1):
            sheet.write_number(row, col, entry[key], style)
        if entry["on_time_share"] is not None:
            sheet.write_number(row, 5, entry["on_time_share"], percent)
        if entry["median_days_to_close"] is not None:
            sheet.write_number(row, 6, entry["median_days_to_close"], style)
        row += 1
    row += 1
    sheet.write(row, 0, "Cơ quan có hành động khắc phục quá hạn", total_fmt)
    sheet.write_number(row, 1, len(data["agencies_overdue"]), total_fmt)
    row += 1
    sheet.write_row(row, 0, ("Mã cơ quan", "Tên cơ quan", "Số phát hiện quá hạn"), bold)
    for agency in data["agencies_overdue"]:
        row += 1
        sheet.write_string(row, 0, agency["code"])
        sheet.write_string(row, 1, agency["name"])
        sheet.write_number(row, 2, agency["overdue"])
