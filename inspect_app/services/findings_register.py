"""The findings register (DESIGN 5.10): every finding a user may see, filtered, with its age.

One query builder serves the page, `GET /api/v1/findings` and the workbook export, so the
three always agree. Filters are parsed here; a bad value is an error naming the field.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    Role,
    Severity,
)
from inspect_app.permissions import visible_inspections
from inspect_app.services.finding_kpis import opened_on
from inspect_app.services.reminder_targets import NOT_CLOSED, overdue_condition
from inspect_app.services.workbooks.tally_export import safe_text as safe_cell

#: the `status` filter value for every finding not closed yet (open, responded, reopened).
NOT_CLOSED_FILTER = "not_closed"
MIN_YEAR, MAX_YEAR = 2000, 2100


class FilterError(ValueError):
    """A filter value that is not allowed; `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RegisterFilters:
    year: int | None = None
    agency: str = ""
    level: str = ""
    severity: str = ""
    status: str = ""
    overdue: bool = False

    def as_args(self) -> dict:
        """The filters as query-string arguments (for links and `next` URLs)."""
        args = {
            "year": self.year,
            "agency": self.agency,
            "level": self.level,
            "severity": self.severity,
            "status": self.status,
            "overdue": 1 if self.overdue else None,
        }
        return {key: value for key, value in args.items() if value not in (None, "")}


def parse_filters(args) -> RegisterFilters:
    """Read the filters from a query string; raises FilterError naming the bad field."""

    def text(name: str) -> str:
        return (args.get(name) or "").strip()

    year = None
    if text("year"):
        try:
            year = int(text("year"))
        except ValueError:
            message = f"year must be a year such as 2026, got {text('year')!r}"
            raise FilterError("year", message) from None
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise FilterError("year", f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    choices = {
        "level": {m.value for m in AgencyLevel},
        "severity": {m.value for m in Severity},
        "status": {m.value for m in FindingStatus} | {NOT_CLOSED_FILTER},
    }
    for name, allowed in choices.items():
        if text(name) and text(name) not in allowed:
            raise FilterError(
                name, f"{name} must be one of {', '.join(sorted(allowed))}, got {text(name)!r}"
            )
    if len(text("agency")) > 32:
        raise FilterError("agency", "agency is an agency code (at most 32 characters)")
    overdue = text("overdue")
    if overdue not in ("", "0", "1"):
        raise FilterError("overdue", f"overdue must be 1 or 0, got {overdue!r}")
    return RegisterFilters(
        year=year,
        agency=text("agency"),
        level=text("level"),
        severity=text("severity"),
        status=text("status"),
        overdue=overdue == "1",
    )


def sees_everything(user) -> bool:
    """Admins and viewers see every inspection: no visibility filter to evaluate."""
    return user.is_authenticated and user.role in (Role.ADMIN, Role.VIEWER)


def register_query(user, filters: RegisterFilters, today: date | None = None) -> Select:
    """The findings `user` may see under `filters`: overdue first, then by due date."""
    today = today or clock.today()
    visible = visible_inspections(user).with_only_columns(Inspection.id)
    query = (
        select(Finding)
        .join(Finding.inspection)
        .join(Inspection.plan)
        .join(Inspection.agency)
        .options(
            contains_eager(Finding.inspection).contains_eager(Inspection.plan),
            contains_eager(Finding.inspection).contains_eager(Inspection.agency),
        )
    )
    if not sees_everything(user):
        query = query.where(Finding.inspection_id.in_(visible))
    if filters.year is not None:
        query = query.where(InspectionPlan.year == filters.year)
    if filters.agency:
        query = query.where(Agency.code == filters.agency)
    if filters.level:
        query = query.where(Agency.level == AgencyLevel(filters.level))
    if filters.severity:
        query = query.where(Finding.severity == Severity(filters.severity))
    if filters.status == NOT_CLOSED_FILTER:
        query = query.where(Finding.status.in_(NOT_CLOSED))
    elif filters.status:
        query = query.where(Finding.status == FindingStatus(filters.status))
    if filters.overdue:
        query = query.where(overdue_condition(today))
    return query


def ordered(query: Select, today: date) -> Select:
    """Overdue first (oldest due date first), then open ones by due date, closed last."""
    overdue_first = or_(~overdue_condition(today), Finding.due_on.is_(None))
    return query.order_by(
        overdue_first,
        Finding.status == FindingStatus.CLOSED,
        Finding.due_on.is_(None),
        Finding.due_on,
        Finding.id,
    )


def count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def is_overdue(finding: Finding, today: date) -> bool:
    return finding.status in NOT_CLOSED and finding.due_on is not None and finding.due_on < today


def days_open(finding: Finding, today: date) -> int:
    """Days from raising to closing (or to today while not closed)."""
    inspection = finding.inspection
    opened = opened_on(finding.created_at, inspection.concluded_on, inspection.conducted_on)
    if finding.status is FindingStatus.CLOSED and finding.verified_at is not None:
        end = clock.local(finding.verified_at).date()
    else:
        end = today
    return max((end - opened).days, 0)


def api_record(finding: Finding, today: date) -> dict:
    """One finding as `GET /api/v1/findings` lists it (contract 5.10)."""
    inspection = finding.inspection
    return {
        "id": finding.id,
        "inspection_id": finding.inspection_id,
        "year": inspection.plan.year,
        "agency": {"code": inspection.agency.code, "name": inspection.agency.name},
        "severity": finding.severity.value,
        "status": finding.status.value,
        "requirement": finding.requirement,
        "due_on": finding.due_on.isoformat() if finding.due_on else None,
        "overdue": is_overdue(finding, today),
        "days_open": days_open(finding, today),
    }


def page_after(query: Select, cursor: int | None, limit: int) -> tuple[list[Finding], int | None]:
    """Keyset pagination by id for the API: rows after `cursor`, and the next cursor."""
    if cursor is not None:
        query = query.where(Finding.id > cursor)
    rows = list(db.session.scalars(query.order_by(Finding.id).limit(limit + 1)).unique())
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].id
    return rows, None


# --- the workbook ----------------------------------------------------------------------------

HEADERS = (
    "Số",
    "Năm",
    "Mã cơ quan",
    "Tên cơ quan",
    "Cấp",
    "Mức độ",
    "Yêu cầu",
    "Mô tả",
    "Hành động khắc phục yêu cầu",
    "Hạn khắc phục",
    "Trạng thái",
    "Quá hạn",
    "Số ngày mở",
)


def write_register_workbook(user, filters: RegisterFilters, stream, today: date | None = None):
    """The register as an .xlsx workbook (sheet `Phát hiện`); returns the row count."""
    today = today or clock.today()
    workbook = xlsxwriter.Workbook(stream, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("Phát hiện")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADERS, bold)
    sheet.set_column(0, 2, 10)
    sheet.set_column(3, 3, 36)
    sheet.set_column(6, 8, 30)
    sheet.set_column(9, 12, 12)
    sheet.freeze_panes(1, 0)
    n = 0
    query = ordered(register_query(user, filters, today), today)
    for n, finding in enumerate(db.session.scalars(query.execution_options(yield_per=500)), 1):
        agency = finding.inspection.agency
        sheet.write_number(n, 0, finding.id)
        sheet.write_number(n, 1, finding.inspection.plan.year)
        sheet.write_string(n, 2, safe_cell(agency.code))
        sheet.write_string(n, 3, safe_cell(agency.name))
        sheet.write_string(n, 4, str(agency.level.label))
        sheet.write_string(n, 5, str(finding.severity.label))
        sheet.write_string(n, 6, safe_cell(finding.requirement))
        sheet.write_string(n, 7, safe_cell(finding.description))
        sheet.write_string(n, 8, safe_cell(finding.corrective_action_required))
        if finding.due_on:
            sheet.write_datetime(n, 9, finding.due_on, day)
        sheet.write_string(n, 10, str(finding.status.label))
        sheet.write_string(n, 11, "Có" if is_overdue(finding, today) else "")
        sheet.write_number(n, 12, days_open(finding, today))
    if n:
        sheet.autofilter(0, 0, n, len(HEADERS) - 1)
    workbook.close()
    return n


def register_workbook_bytes(user, filters: RegisterFilters, today: date | None = None) -> bytes:
    stream = io.BytesIO()
    write_register_workbook(user, filters, stream, today)
    return stream.getvalue()
