"""The plan annex workbook (`import-plan`, CONTRACTS 5.3): read and check, then apply.

`read_plan_workbook` turns bytes into rows and errors (it looks agencies and inspectors up,
but writes nothing); `apply_plan_import` writes the draft plan (approved when a decision is
given) or raises, and the caller commits once. All rows or none.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    Decision,
    DecisionKind,
    InspectionMode,
    InspectionPlan,
    Role,
    User,
)
from inspect_app.models.base import search_key
from inspect_app.services import decisions, plans
from inspect_app.services.workbooks import reading
from inspect_app.services.workbooks.reading import ImportResult, SheetError, cell_text, row_cells

#: header text per field of the annex.
PLAN_COLUMNS = {
    "name": "Tên cơ quan",
    "code": "Mã cơ quan",
    "mode": "Hình thức kiểm tra",
    "window": "Thời gian dự kiến",
    "lead": "Trưởng đoàn",
}
DEFAULT_ISSUER = "Sở Khoa học và Công nghệ"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_QUARTER_RE = re.compile(r"^quy\s*(iv|iii|ii|i|[1-4])(?:\s*(?:/|-|nam)\s*(\d{4}))?$")
_MONTH_RE = re.compile(r"^(?:thang\s*)?(\d{1,2})\s*[/.-]\s*(\d{4})$")
_DAY_RE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_RANGE_RE = re.compile(r"\s+(?:-|–|—|den)\s+")


class WindowError(ValueError):
    """A `Thời gian dự kiến` cell that names no time of the plan's year."""


def mode_from_text(text: str | None) -> InspectionMode | None:
    """`… trụ sở …` → on-site, `… hồ sơ …` → dossier, anything else → None."""
    key = search_key(text)
    on_site, dossier = "tru so" in key, "ho so" in key
    if key in {m.value for m in InspectionMode}:
        return InspectionMode(key)
    if on_site == dossier:
        return None
    return InspectionMode.ON_SITE if on_site else InspectionMode.DOSSIER


def _month(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12:
        raise WindowError(_("tháng %(m)d không hợp lệ", m=month))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _one_window(text: str, year: int) -> tuple[date, date]:
    key = search_key(text)
    if match := _QUARTER_RE.match(key):
        quarter = ROMAN.get(match.group(1)) or int(match.group(1))
        if match.group(2) and int(match.group(2)) != year:
            raise WindowError(_("năm %(y)s khác năm kế hoạch", y=match.group(2)))
        first, _last = _month(year, 3 * quarter - 2)
        return first, _month(year, 3 * quarter)[1]
    if match := _DAY_RE.match(key):
        d, m, y = (int(g) for g in match.groups())
        try:
            day = date(y, m, d)
        except ValueError:
            raise WindowError(_("ngày %(text)s không có thật", text=text)) from None
        return day, day
    if match := _MONTH_RE.match(key):
        return _month(int(match.group(2)), int(match.group(1)))
    raise WindowError(
        _(
            "“%(text)s” không phải là ngày (dd/mm/yyyy), tháng (mm/yyyy) hay quý (Quý I–Quý IV)",
            text=text,
        )
    )


def window_from_cell(value, year: int, number_format: str | None = None):
    """The planned window a `Thời gian dự kiến` cell names, within `year`, or WindowError.

    Accepts an Excel date (a month when the cell is formatted without a day), `dd/mm/yyyy`,
    `mm/yyyy`, `Quý I`–`Quý IV` (or `Quý 1`–`Quý 4`), and two of those joined by ` - `.
    Returns (None, None) for a blank cell.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        fmt = (number_format or "").lower()
        if fmt and "d" not in fmt and "m" in fmt and "y" in fmt:
            first, last = _month(day.year, day.month)
        else:
            first = last = day
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise WindowError(_("“%(text)s” không phải là ngày", text=cell_text(value)))
    else:
        text = " ".join(str(value).split())
        parts = _RANGE_RE.split(search_key(text)) if _RANGE_RE.search(search_key(text)) else []
        if len(parts) == 2:
            first = _one_window(parts[0], year)[0]
            last = _one_window(parts[1], year)[1]
        else:
            first, last = _one_window(text, year)
    if first.year != year or last.year != year:
        raise WindowError(
            _(
                "thời gian dự kiến (%(a)s–%(b)s) nằm ngoài năm %(year)d",
                a=first.strftime("%d/%m/%Y"),
                b=last.strftime("%d/%m/%Y"),
                year=year,
            )
        )
    if last < first:
        raise WindowError(_("ngày kết thúc trước ngày bắt đầu"))
    return first, last


@dataclass
class PlanRow:
    """One data row of the annex and the inspection it would become."""

    row: int
    name: str | None = None
    code: str | None = None
    mode_text: str | None = None
    window_text: str | None = None
    lead_name: str | None = None
    agency: Agency | None = None
    mode: InspectionMode | None = None
    planned_from: date | None = None
    planned_to: date | None = None
    lead: User | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class PlanImport(ImportResult):
    """What reading the annex found: rows and every problem, file-level first."""

    year: int
    rows: list[PlanRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def on_site(self) -> int:
        return sum(1 for r in self.rows if r.mode is InspectionMode.ON_SITE and not r.errors)

    @property
    def dossier(self) -> int:
        return sum(1 for r in self.rows if r.mode is InspectionMode.DOSSIER and not r.errors)


def read_plan_workbook(data: bytes, year: int) -> PlanImport:
    """Read and check the annex for `year` against the register; writes nothing."""
    result = PlanImport(year=year)

    def read_rows(rows) -> None:
        columns = reading.find_header(rows, PLAN_COLUMNS, anchors=("name", "code"), cells=True)
        if columns is None:
            raise SheetError(
                _(
                    "Không tìm thấy dòng tiêu đề có cột “%(a)s” hoặc “%(b)s”.",
                    a=PLAN_COLUMNS["name"],
                    b=PLAN_COLUMNS["code"],
                )
            )
        if "mode" not in columns:
            raise SheetError(_("Thiếu cột “%(col)s”.", col=PLAN_COLUMNS["mode"]))
        for number, cells in rows:
            row = _read_row(number, row_cells(cells, columns), year)
            if row is not None:
                result.rows.append(row)

    if reading.read_sheet(data, result, read_rows, cells=True):
        check_rows(result)
    return result


def _read_row(number: int, cells: dict, year: int) -> PlanRow | None:
    texts = {
        name: cell_text(cell.value) if cell is not None else None for name, cell in cells.items()
    }
    if not any(texts.values()):
        return None
    row = PlanRow(
        row=number,
        name=texts.get("name"),
        code=texts.get("code"),
        mode_text=texts.get("mode"),
        window_text=texts.get("window"),
        lead_name=texts.get("lead"),
    )
    row.mode = mode_from_text(row.mode_text)
    if not row.mode_text:
        row.errors.append(_("thiếu “Hình thức kiểm tra”."))
    elif row.mode is None:
        row.errors.append(
            _(
                "“Hình thức kiểm tra” “%(text)s” không phải là kiểm tra tại trụ sở hay thông qua "
                "hồ sơ.",
                text=row.mode_text,
            )
        )
    window = cells.get("window")
    if window is not None:
        try:
            row.planned_from, row.planned_to = window_from_cell(
                window.value, year, getattr(window, "number_format", None)
            )
        except WindowError as exc:
            row.errors.append(_("“Thời gian dự kiến”: %(reason)s.", reason=exc))
    return row


def check_rows(result: PlanImport) -> None:
    """Resolve agencies and leads against the database and flag every bad row."""
    year = result.year
    all_agencies = list(db.session.scalars(select(Agency)))
    by_code = {a.code.lower(): a for a in all_agencies}
    by_name: dict[str, list[Agency]] = {}
    for agency in all_agencies:
        by_name.setdefault(agency.name_key, []).append(agency)
    users = {u.username.lower(): u for u in db.session.scalars(select(User))}
    first_row: dict[int, int] = {}
    for row in result.rows:
        row.agency = _resolve_agency(row, by_code, by_name, year)
        agency = row.agency
        if agency is not None:
            if not plans.active_in_year(agency, year):
                row.errors.append(
                    _(
                        "cơ quan %(name)s không hoạt động trong năm %(year)d.",
                        name=agency.name,
                        year=year,
                    )
                )
            elif row.planned_from and not agency.is_active_on(row.planned_from):
                row.errors.append(
                    _(
                        "cơ quan %(name)s không hoạt động vào ngày %(day)s.",
                        name=agency.name,
                        day=row.planned_from.strftime("%d/%m/%Y"),
                    )
                )
            if agency.id in first_row:
                row.errors.append(
                    _(
                        "cơ quan %(name)s trùng với dòng %(other)d.",
                        name=agency.name,
                        other=first_row[agency.id],
                    )
                )
            else:
                first_row[agency.id] = row.row
        if row.lead_name:
            lead = users.get(row.lead_name.lower())
            if lead is None:
                row.errors.append(
                    _("“Trưởng đoàn”: không có người dùng “%(name)s”.", name=row.lead_name)
                )
            elif lead.role is not Role.INSPECTOR or not lead.active:
                row.errors.append(
                    _(
                        "“Trưởng đoàn”: %(name)s không phải là kiểm tra viên đang hoạt động.",
                        name=row.lead_name,
                    )
                )
            else:
                row.lead = lead


def _resolve_agency(row: PlanRow, by_code, by_name, year: int) -> Agency | None:
    if row.code and row.code.lower() in by_code:
        return by_code[row.code.lower()]
    if row.name:
        matches = by_name.get(search_key(row.name), [])
        active = [a for a in matches if plans.active_in_year(a, year)]
        candidates = active or matches
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            row.errors.append(
                _("tên cơ quan “%(name)s” khớp nhiều cơ quan, hãy ghi mã cơ quan.", name=row.name)
            )
            return None
    if row.code or row.name:
        row.errors.append(
            _(
                "không tìm thấy cơ quan “%(ref)s” trong danh sách cơ quan (hãy nhập cơ quan "
                "trước).",
                ref=row.code or row.name,
            )
        )
    else:
        row.errors.append(_("thiếu “Tên cơ quan” hoặc “Mã cơ quan”."))
    return None


# -- applying ---------------------------------------------------------------------------------


def parse_signed_on(text: str | None) -> date:
    """A `--signed-on` value (dd/mm/yyyy), or DomainError."""
    try:
        return datetime.strptime((text or "").strip(), "%d/%m/%Y").date()
    except ValueError:
        raise DomainError(
            _("Ngày ký “%(text)s” phải có dạng dd/mm/yyyy.", text=text or "")
        ) from None


def approving_decision(
    number: str, signed_on: date, issuer: str = DEFAULT_ISSUER, summary: str = ""
) -> Decision:
    """The decision with this number in the year it was signed, created when missing."""
    key = decisions.number_key(number)
    for decision in db.session.scalars(select(Decision).where(Decision.year == signed_on.year)):
        if decisions.number_key(decision.number) == key:
            if decision.signed_on != signed_on:
                raise DomainError(
                    _(
                        "Quyết định số %(number)s đã có, ký ngày %(day)s (khác ngày đã nhập).",
                        number=decision.number,
                        day=decision.signed_on.strftime("%d/%m/%Y"),
                    )
                )
            return decision
    return decisions.create_decision(
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        kind=DecisionKind.PLAN_APPROVAL,
        summary=summary,
    )


def check_plan_year(result: PlanImport) -> None:
    """A year has one plan: an annex for a year that has one is a file error."""
    if plans.plan_for_year(result.year) is not None:
        result.file_errors.append(
            _("Đã có kế hoạch kiểm tra năm %(year)d; không tạo kế hoạch mới.", year=result.year)
        )


def apply_plan_import(
    result: PlanImport,
    *,
    decision_number: str | None = None,
    signed_on: date | None = None,
    issuer: str = DEFAULT_ISSUER,
    by=None,
) -> InspectionPlan:
    """Write the draft plan and its inspections, approved when a decision is given; flush only.

    Raises DomainError (every problem, one per line) so that nothing is written.
    """
    if decision_number and signed_on is None:
        raise DomainError(_("Có số quyết định thì phải có ngày ký (--signed-on dd/mm/yyyy)."))
    if signed_on is not None and not decision_number:
        raise DomainError(_("Có ngày ký thì phải có số quyết định (--decision)."))
    check_plan_year(result)
    if not result.ok:
        raise DomainError("\n".join(result.errors))
    plan = plans.create_plan(result.year, None, by)
    template = plans.default_template()
    for row in result.rows:
        try:
            plans.add_inspection(
                plan,
                row.agency,
                row.mode,
                row.planned_from,
                row.planned_to,
                row.lead,
                (),
                "",
                None,
                None,
                by,
                template=template,
            )
        except DomainError as exc:
            raise DomainError(f"row {row.row}: {exc.message}") from exc
    if decision_number:
        decision = approving_decision(
            decision_number,
            signed_on,
            issuer,
            summary=_("Phê duyệt kế hoạch kiểm tra năm %(year)d", year=result.year),
        )
        plans.approve(plan, decision, by)
    return plan
