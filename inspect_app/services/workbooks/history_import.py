"""The historical import (`import-inspections`, CONTRACTS 5.5): years kept on paper.

`read_history_workbook` reads and checks every row (rows in, errors out) and writes nothing;
`apply_history_import` writes everything or raises, and the caller commits once. Both are
built for 60,000 rows: openpyxl in read-only mode, agencies and existing inspections
preloaded into dictionaries (no SELECT per row), inserts in batches.

Rules: the header row is the first row with a cell reading `Năm`; columns are found by their
header text (without case, diacritics or surrounding spaces). Each row becomes a concluded
inspection in the plan of its year; a missing plan is created as a historical, closed plan.
Unknown agencies are created (matched by code, else by name within the level). A row whose
agency already has an inspection in that year's plan adds nothing, so importing the same
file twice adds nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Conclusion,
    Decision,
    DecisionKind,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
)
from inspect_app.models.base import search_key, utcnow
from inspect_app.services import audit, decisions, plans
from inspect_app.services.workbooks import reading
from inspect_app.services.workbooks.agency_import import level_from_text
from inspect_app.services.workbooks.plan_import import mode_from_text
from inspect_app.services.workbooks.reading import ImportResult, SheetError, cell_text, row_cells

#: header text per field (CONTRACTS 5.5).
HISTORY_COLUMNS = {
    "year": "Năm",
    "name": "Tên cơ quan",
    "code": "Mã cơ quan",
    "level": "Cấp",
    "mode": "Hình thức kiểm tra",
    "day": "Ngày kiểm tra",
    "conclusion": "Kết luận",
    "decision": "Số quyết định",
}
REQUIRED_COLUMNS = ("year", "name", "mode")
FIRST_YEAR = 2000
CODE_MAX, NAME_MAX, NUMBER_MAX = 32, 255, 64
#: rows per INSERT round trip.
BATCH = 5000
#: how often (in rows) progress is reported.
PROGRESS_EVERY = 5000
#: code prefix of agencies created by the import without a `Mã cơ quan`.
NEW_CODE_PREFIX = "LS-"
_DAY_RE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")

Progress = Callable[[str, int, int | None], None]


def _no_progress(_stage: str, _done: int, _total: int | None) -> None:
    return None


@dataclass(slots=True)
class HistoryRow:
    """One valid data row and the inspection it becomes."""

    row: int
    year: int
    name: str
    code: str | None
    level: AgencyLevel | None
    mode: InspectionMode
    conducted_on: date | None
    conclusion: Conclusion
    conclusion_text: str | None
    decision: str | None
    #: an existing agency id, or ("new", n) for an agency the import creates.
    agency: object = None
    #: False when the agency already has an inspection in that year's plan.
    new: bool = True


@dataclass
class NewAgency:
    code: str | None
    name: str
    level: AgencyLevel
    row: int
    name_key: str = ""


@dataclass
class HistoryImport(ImportResult):
    """What reading the workbook found: rows, counts and every problem."""

    rows: list[HistoryRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[tuple[int, str]] = field(default_factory=list)
    new_agencies: list[NewAgency] = field(default_factory=list)
    #: year → existing plan id (None: the import creates the plan).
    plans: dict[int, int | None] = field(default_factory=dict)
    #: year → decision number for the plans the import creates (None: not given).
    plan_decisions: dict[int, str | None] = field(default_factory=dict)

    def numbered_errors(self) -> list[tuple[int, str]]:
        # invalid rows are not kept, and checks against the register add problems later
        return sorted(self.row_errors)

    def has_rows(self) -> bool:
        return bool(self.rows or self.row_errors)

    def discard_rows(self) -> None:
        self.rows.clear()
        self.row_errors.clear()

    @property
    def new_rows(self) -> int:
        return sum(1 for row in self.rows if row.new)

    @property
    def existing_rows(self) -> int:
        return sum(1 for row in self.rows if not row.new)

    @property
    def new_plan_years(self) -> list[int]:
        return sorted(year for year, plan_id in self.plans.items() if plan_id is None)

    def counts(self) -> list[dict]:
        """Per year: new inspections on-site and dossier, and rows already imported."""
        table: dict[int, Counter] = defaultdict(Counter)
        for row in self.rows:
            key = row.mode.value if row.new else "existing"
            table[row.year][key] += 1
        return [
            {
                "year": year,
                "on_site": table[year]["on_site"],
                "dossier": table[year]["dossier"],
                "new": table[year]["on_site"] + table[year]["dossier"],
                "existing": table[year]["existing"],
            }
            for year in sorted(table)
        ]


# -- reading ----------------------------------------------------------------------------------


def _year(value, errors: list[str], last_year: int) -> int | None:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        value = int(value.strip())
    if not isinstance(value, int):
        errors.append(
            _("“Năm” phải là một năm (ví dụ 2018), không phải “%(text)s”.", text=cell_text(value))
        )
        return None
    if not FIRST_YEAR <= value <= last_year:
        errors.append(
            _("“Năm” %(year)d nằm ngoài khoảng %(a)d–%(b)d.", year=value, a=FIRST_YEAR, b=last_year)
        )
        return None
    return value


def _day(value, year: int | None, today: date, errors: list[str]) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = cell_text(value) or ""
        match = _DAY_RE.match(text)
        if not match or isinstance(value, int | float):
            errors.append(_("“Ngày kiểm tra” “%(text)s” phải là ngày dạng dd/mm/yyyy.", text=text))
            return None
        d, m, y = (int(group) for group in match.groups())
        try:
            day = date(y, m, d)
        except ValueError:
            errors.append(_("“Ngày kiểm tra” “%(text)s” không phải là ngày có thật.", text=text))
            return None
    if year is not None and day.year != year:
        errors.append(
            _(
                "“Ngày kiểm tra” %(day)s không thuộc năm %(year)d.",
                day=day.strftime("%d/%m/%Y"),
                year=year,
            )
        )
        return None
    if day > today:
        errors.append(_("“Ngày kiểm tra” %(day)s ở tương lai.", day=day.strftime("%d/%m/%Y")))
        return None
    return day


def conclusion_from_text(text: str | None) -> Conclusion:
    """`Không đạt` → failed; words of recommendation → passed with them; otherwise passed."""
    key = search_key(text)
    if "khong dat" in key:
        return Conclusion.FAILED
    if any(word in key for word in ("khuyen nghi", "ton tai", "khac phuc")):
        return Conclusion.PASSED_WITH_RECOMMENDATIONS
    return Conclusion.PASSED


def _read_row(number: int, cells: dict, today: date, errors: list[str]) -> HistoryRow | None:
    year = _year(cells.get("year"), errors, today.year)
    name = cell_text(cells.get("name"))
    if not name:
        errors.append(_("thiếu “Tên cơ quan”."))
    elif len(name) > NAME_MAX:
        errors.append(_("“Tên cơ quan” dài quá %(n)d ký tự.", n=NAME_MAX))
    code = cell_text(cells.get("code"))
    if code and len(code) > CODE_MAX:
        errors.append(_("“Mã cơ quan” dài quá %(n)d ký tự.", n=CODE_MAX))
    mode_text = cell_text(cells.get("mode"))
    mode = mode_from_text(mode_text)
    if not mode_text:
        errors.append(_("thiếu “Hình thức kiểm tra”."))
    elif mode is None:
        errors.append(
            _(
                "“Hình thức kiểm tra” “%(text)s” không phải là kiểm tra tại trụ sở hay thông qua "
                "hồ sơ.",
                text=mode_text,
            )
        )
    day = _day(cells.get("day"), year, today, errors)
    conclusion_text = cell_text(cells.get("conclusion"))
    decision = cell_text(cells.get("decision"))
    if decision and len(decision) > NUMBER_MAX:
        errors.append(_("“Số quyết định” dài quá %(n)d ký tự.", n=NUMBER_MAX))
    if errors:
        return None
    return HistoryRow(
        row=number,
        year=year,
        name=name,
        code=code,
        level=level_from_text(cell_text(cells.get("level"))),
        mode=mode,
        conducted_on=day,
        conclusion=conclusion_from_text(conclusion_text),
        conclusion_text=conclusion_text,
        decision=decision,
    )


def read_history_workbook(
    source: bytes | str | IO[bytes],
    *,
    today: date | None = None,
    progress: Progress = _no_progress,
) -> HistoryImport:
    """Read and check the workbook against the register; writes nothing."""
    today = today or clock.today()
    result = HistoryImport()

    def read_rows(rows) -> None:
        columns = reading.find_header(rows, HISTORY_COLUMNS, anchors=("year",))
        if columns is None:
            raise SheetError(
                _("Không tìm thấy dòng tiêu đề có ô “%(col)s”.", col=HISTORY_COLUMNS["year"])
            )
        reading.require_columns(columns, HISTORY_COLUMNS, REQUIRED_COLUMNS)
        count = 0
        for number, values in rows:
            cells = row_cells(values, columns)
            if not any(cell_text(value) for value in cells.values()):
                continue
            errors: list[str] = []
            row = _read_row(number, cells, today, errors)
            result.row_errors.extend((number, reason) for reason in errors)
            if row is not None:
                result.rows.append(row)
            count += 1
            if count % PROGRESS_EVERY == 0:
                progress("read", count, None)
        progress("read", count, count)

    if reading.read_sheet(source, result, read_rows):
        _resolve(result)
    return result


# -- checking against the database -----------------------------------------------------------


@dataclass(slots=True)
class _Known:
    id: int
    level: AgencyLevel
    active_from: date | None
    active_to: date | None

    def active_in(self, year: int) -> bool:
        started = self.active_from is None or self.active_from <= date(year, 12, 31)
        return started and (self.active_to is None or self.active_to >= date(year, 1, 1))


def _resolve(result: HistoryImport) -> None:
    """Match agencies, spot duplicates and rows already imported, check the plans' decisions."""
    by_code: dict[str, int] = {}
    by_name: dict[str, list[_Known]] = defaultdict(list)
    for agency_id, code, name_key, level, active_from, active_to in db.session.execute(
        select(
            Agency.id, Agency.code, Agency.name_key, Agency.level, Agency.active_from,
            Agency.active_to,
        )
    ):  # fmt: skip
        by_code[code.lower()] = agency_id
        by_name[name_key].append(_Known(agency_id, AgencyLevel(level), active_from, active_to))
    new_by_code: dict[str, tuple] = {}
    new_by_name: dict[tuple[str, AgencyLevel | None], tuple] = {}
    seen: dict[tuple[int, object], int] = {}
    kept: list[HistoryRow] = []
    for row in result.rows:
        ref = _match_agency(row, by_code, by_name, new_by_code, new_by_name, result)
        if ref is None:
            continue
        first_row = seen.setdefault((row.year, ref), row.row)
        if first_row != row.row:
            result.row_errors.append(
                (
                    row.row,
                    _(
                        "cơ quan “%(name)s” đã có ở dòng %(other)d trong cùng năm %(year)d.",
                        name=row.name,
                        other=first_row,
                        year=row.year,
                    ),
                )
            )
            continue
        row.agency = ref
        kept.append(row)
    result.rows = kept
    _check_plans(result)
    _mark_existing(result)


def _match_agency(row, by_code, by_name, new_by_code, new_by_name, result) -> object | None:
    """An existing agency id, a ("new", n) reference, or None after recording an error.

    With a code, the code decides (an unknown code is a new agency); without one, the name
    without case or extra spaces, within the level when `Cấp` is given.
    """
    if row.code:
        key = row.code.lower()
        if key in by_code:
            return by_code[key]
        if key in new_by_code:
            return new_by_code[key]
        return _new_agency(row, row.level or AgencyLevel.OTHER, new_by_code, new_by_name, result)
    name_key = search_key(row.name)
    candidates = [
        known
        for known in by_name.get(name_key, ())
        if row.level is None or known.level is row.level
    ]
    if len(candidates) > 1:
        candidates = [known for known in candidates if known.active_in(row.year)] or candidates
    if len(candidates) == 1:
        return candidates[0].id
    if len(candidates) > 1:
        result.row_errors.append(
            (
                row.row,
                _(
                    "tên cơ quan “%(name)s” khớp nhiều cơ quan; hãy ghi “Mã cơ quan” hoặc “Cấp”.",
                    name=row.name,
                ),
            )
        )
        return None
    level = row.level or AgencyLevel.OTHER
    if (name_key, level) in new_by_name:
        return new_by_name[(name_key, level)]
    return _new_agency(row, level, new_by_code, new_by_name, result)


def _new_agency(row, level, new_by_code, new_by_name, result) -> tuple:
    name_key = search_key(row.name)
    ref = ("new", len(result.new_agencies))
    result.new_agencies.append(NewAgency(row.code, row.name, level, row.row, name_key))
    if row.code:
        new_by_code[row.code.lower()] = ref
    else:
        new_by_name[(name_key, level)] = ref
    return ref


def _check_plans(result: HistoryImport) -> None:
    """A year has one plan; its decision number must agree with the rows that give one."""
    years = sorted({row.year for row in result.rows})
    existing = {
        plan.year: plan
        for plan in db.session.scalars(
            select(InspectionPlan)
            .where(InspectionPlan.year.in_(years))
            .order_by(InspectionPlan.id.desc())
        )
    }
    numbers: dict[int, tuple[str, int]] = {}
    for row in result.rows:
        if not row.decision:
            continue
        plan = existing.get(row.year)
        if plan is not None and plan.decision is not None:
            if decisions.number_key(plan.decision.number) != decisions.number_key(row.decision):
                result.row_errors.append(
                    (
                        row.row,
                        _(
                            "kế hoạch năm %(year)d đã được phê duyệt theo Quyết định số "
                            "%(number)s, khác “Số quyết định” %(given)s.",
                            year=row.year,
                            number=plan.decision.number,
                            given=row.decision,
                        ),
                    )
                )
            continue
        first = numbers.setdefault(row.year, (row.decision, row.row))
        if decisions.number_key(first[0]) != decisions.number_key(row.decision):
            result.row_errors.append(
                (
                    row.row,
                    _(
                        "“Số quyết định” %(given)s khác với dòng %(other)d (%(number)s); mỗi năm "
                        "có một kế hoạch.",
                        given=row.decision,
                        other=first[1],
                        number=first[0],
                    ),
                )
            )
    for year in years:
        plan = existing.get(year)
        result.plans[year] = plan.id if plan is not None else None
        if plan is None:
            number = numbers.get(year, (None, 0))[0]
            result.plan_decisions[year] = number
            if number:
                decision = _find_decision(number, year)
                if decision is not None and _approves_a_plan(decision):
                    result.row_errors.append(
                        (
                            numbers[year][1],
                            _(
                                "Quyết định số %(number)s đã phê duyệt kế hoạch của năm khác.",
                                number=decision.number,
                            ),
                        )
                    )


def _find_decision(number: str, year: int) -> Decision | None:
    """A plan-approval decision with this number signed in the plan's year or the one before."""
    key = decisions.number_key(number)
    candidates = db.session.scalars(
        select(Decision).where(Decision.year.in_((year - 1, year))).order_by(Decision.id)
    )
    for decision in candidates:
        if decisions.number_key(decision.number) == key:
            return decision
    return None


def _approves_a_plan(decision: Decision) -> bool:
    return (
        db.session.scalar(
            select(InspectionPlan.id).where(InspectionPlan.decision_id == decision.id)
        )
        is not None
    )


def _mark_existing(result: HistoryImport) -> None:
    plan_ids = [plan_id for plan_id in result.plans.values() if plan_id is not None]
    if not plan_ids:
        return
    done = {
        (year, agency_id)
        for year, agency_id in db.session.execute(
            select(InspectionPlan.year, Inspection.agency_id)
            .join(Inspection.plan)
            .where(Inspection.plan_id.in_(plan_ids))
        )
    }
    for row in result.rows:
        if isinstance(row.agency, int) and (row.year, row.agency) in done:
            row.new = False


# -- applying ---------------------------------------------------------------------------------


def _free_codes(count: int):
    """`LS-00001`-style codes not yet used."""
    taken = {
        code.lower()
        for code in db.session.scalars(
            select(Agency.code).where(Agency.code.like(f"{NEW_CODE_PREFIX}%"))
        )
    }
    n = 0
    while count:
        n += 1
        code = f"{NEW_CODE_PREFIX}{n:05d}"
        if code.lower() not in taken:
            count -= 1
            yield code


def _create_agencies(result: HistoryImport) -> dict[tuple, int]:
    """Insert the new agencies in batches; returns their ids by ("new", n) reference."""
    if not result.new_agencies:
        return {}
    codes = _free_codes(sum(1 for agency in result.new_agencies if not agency.code))
    now = utcnow()
    values = [
        {
            "code": agency.code or next(codes),
            "name": agency.name,
            "name_key": agency.name_key,
            "level": agency.level,
            "note": _("Tạo khi nhập dữ liệu kiểm tra lịch sử (dòng %(row)d).", row=agency.row),
            "created_at": now,
            "updated_at": now,
        }
        for agency in result.new_agencies
    ]
    table = Agency.__table__
    ids: dict[tuple, int] = {}
    for start in range(0, len(values), BATCH):
        created = db.session.scalars(
            table.insert().returning(table.c.id, sort_by_parameter_order=True),
            values[start : start + BATCH],
        ).all()
        for offset, agency_id in enumerate(created):
            ids[("new", start + offset)] = agency_id
    audit.record(
        "import:history",
        object_type="agencies",
        after={"created": len(values), "codes": [v["code"] for v in values[:50]]},
    )
    return ids


def _plan_decision(year: int, number: str | None) -> Decision | None:
    if number:
        found = _find_decision(number, year)
        if found is not None:
            return found
        return decisions.create_decision(
            number=number,
            signed_on=date(year, 1, 1),
            issuer=plans_issuer(),
            kind=DecisionKind.PLAN_APPROVAL,
            summary=_(
                "Phê duyệt kế hoạch kiểm tra năm %(year)d (nhập từ dữ liệu lịch sử; ngày ký chưa "
                "rõ, ghi 01/01/%(year)d).",
                year=year,
            ),
        )
    # The paper records of this year name no decision: a historical plan may have none.
    return None


def plans_issuer() -> str:
    from inspect_app.services.workbooks.plan_import import DEFAULT_ISSUER

    return DEFAULT_ISSUER


def _create_plans(result: HistoryImport, by) -> dict[int, int]:
    plan_ids = {year: plan_id for year, plan_id in result.plans.items() if plan_id is not None}
    for year in result.new_plan_years:
        if not any(row.new and row.year == year for row in result.rows):
            continue
        now = utcnow()
        plan = InspectionPlan(
            year=year,
            title=plans.default_title(year),
            status=PlanStatus.CLOSED,
            decision=_plan_decision(year, result.plan_decisions.get(year)),
            approved_at=now,
            closed_at=now,
            is_historical=True,
            created_by_id=getattr(by, "id", None),
        )
        db.session.add(plan)
        db.session.flush()
        audit.record("create", plan, after=audit.snapshot(plan, plans.PLAN_FIELDS), user=by)
        plan_ids[year] = plan.id
    return plan_ids


def apply_history_import(
    result: HistoryImport, *, by=None, today: date | None = None, progress: Progress = _no_progress
) -> int:
    """Write the checked import (plans, agencies, inspections); flush only. Returns the number
    of inspections added. Raises DomainError (every problem, one per line) when the import
    has errors, so that nothing is written."""
    if not result.ok:
        raise DomainError("\n".join(result.errors))
    today = today or clock.today()
    rows = [row for row in result.rows if row.new]
    if not rows:
        return 0
    plan_ids = _create_plans(result, by)
    agency_ids = _create_agencies(result)
    table = Inspection.__table__
    now = utcnow()
    written = 0
    for start in range(0, len(rows), BATCH):
        values = []
        for row in rows[start : start + BATCH]:
            day = row.conducted_on or min(date(row.year, 12, 31), today)
            values.append(
                {
                    "plan_id": plan_ids[row.year],
                    "agency_id": agency_ids[row.agency]
                    if isinstance(row.agency, tuple)
                    else row.agency,
                    "mode": row.mode,
                    "status": InspectionStatus.CONCLUDED,
                    "conducted_on": day,
                    "concluded_on": day,
                    "conclusion": row.conclusion,
                    "conclusion_summary": row.conclusion_text,
                    "external_members": "",
                    "agency_representatives": "",
                    "rev": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(table.insert(), values)
        written += len(values)
        progress("write", written, len(rows))
    audit.record(
        "import:history",
        object_type="inspections",
        after={"inspections": written, "years": result.counts()},
        user=by,
    )
    db.session.flush()
    return written
