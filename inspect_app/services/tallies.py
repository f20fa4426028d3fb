"""Yearly tallies of the department's report (section 2.6), counted in the database.

Counting rule (CONTRACTS 5.4): an inspection counts in year Y when it belongs to the plan of
year Y and is `conducted` or `concluded`. Every figure comes from a GROUP BY query; Python
only files the grouped rows into the report's shape. Results are the same on SQLite and
PostgreSQL: no collation-dependent ordering reaches the output.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import (
    Date,
    Integer,
    and_,
    case,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    ChecklistItem,
    Conclusion,
    ConformityAnnouncement,
    Finding,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    Severity,
    TrainingCourse,
    TrainingKind,
    TrainingParticipant,
)
from inspect_app.models.agency import REGISTER_ROOT_CODE

#: inspections that count as "inspected" in their plan's year.
DONE_STATUSES = (InspectionStatus.CONDUCTED, InspectionStatus.CONCLUDED)
#: the years a period may cover, and its longest span.
FIRST_YEAR, LAST_YEAR, MAX_SPAN = 1900, 2200, 50
#: how many clauses the "most often not met" list keeps.
TOP_REQUIREMENTS = 10
LEVELS = tuple(AgencyLevel)
MODES = {InspectionMode.ON_SITE: "on_site", InspectionMode.DOSSIER: "dossier"}


class PeriodError(DomainError):
    """A period the reports cannot cover (non-numeric, reversed, too long)."""

    status_code = 400


# -- the period -------------------------------------------------------------------------------


def check_period(first: int, last: int) -> tuple[int, int]:
    """The period as (first, last), or PeriodError saying what is wrong with it."""
    for year in (first, last):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(
                _("Năm phải từ %(a)d đến %(b)d (đã nhập %(y)d).", a=FIRST_YEAR, b=LAST_YEAR, y=year)
            )
    if first > last:
        raise PeriodError(
            _(
                "Năm bắt đầu (%(first)d) phải nhỏ hơn hoặc bằng năm kết thúc (%(last)d).",
                first=first,
                last=last,
            )
        )
    if last - first + 1 > MAX_SPAN:
        raise PeriodError(_("Giai đoạn dài tối đa %(n)d năm.", n=MAX_SPAN))
    return first, last


def parse_period(first_text: str | None, last_text: str | None) -> tuple[int, int]:
    """Two year strings (query parameters `from` and `to`) as a checked period."""
    years = []
    for name, text in (("from", first_text), ("to", last_text)):
        text = (text or "").strip()
        if not text:
            raise PeriodError(
                _("Thiếu tham số “%(name)s” (năm), ví dụ ?from=2017&to=2020.", name=name)
            )
        if not text.isascii() or not text.isdigit() or len(text) > 4:
            raise PeriodError(
                _(
                    "Tham số “%(name)s” phải là một năm (4 chữ số), không phải “%(text)s”.",
                    name=name,
                    text=text[:20],
                )
            )
        years.append(int(text))
    return check_period(years[0], years[1])


def default_period(today: date | None = None) -> tuple[int, int]:
    """The last four years, this one included."""
    year = (today or clock.today()).year
    return year - 3, year


# -- the queries ------------------------------------------------------------------------------


def _in_period(first: int, last: int):
    return InspectionPlan.year.between(first, last)


def _sum_when(condition):
    return func.sum(case((condition, 1), else_=0))


def _zero_levels() -> dict[str, dict[str, int]]:
    return {level.value: {"inspected": 0, "on_site": 0, "dossier": 0} for level in LEVELS}


def _inspections(first: int, last: int, table: dict[int, dict]) -> None:
    """One pass over the period's inspections: counted ones by mode and level, the plan's
    outcome (planned, not done, cancelled) and the conclusions."""
    rows = db.session.execute(
        select(
            InspectionPlan.year,
            Inspection.mode,
            Agency.level,
            Inspection.status,
            Inspection.conclusion,
            func.count(),
        )
        .select_from(Inspection)
        .join(Inspection.plan)
        .join(Inspection.agency)
        .where(_in_period(first, last))
        .group_by(
            InspectionPlan.year, Inspection.mode, Agency.level, Inspection.status,
            Inspection.conclusion,
        )
    ).all()  # fmt: skip
    for year, mode, level, status, conclusion, n in rows:
        row, status = table[year], InspectionStatus(status)
        if status is InspectionStatus.CANCELLED:
            row["cancelled"] += n
            continue
        row["planned"] += n
        if status not in DONE_STATUSES:
            row["not_done"] += n
            continue
        key = MODES[InspectionMode(mode)]
        row[key] += n
        row["inspected"] += n
        by_level = row["by_level"][AgencyLevel(level).value]
        by_level[key] += n
        by_level["inspected"] += n
        if status is InspectionStatus.CONCLUDED and conclusion is not None:
            row["conclusions"][Conclusion(conclusion).value] += n


def _inspected(first: int, last: int, table: dict[int, dict]) -> None:
    rows = db.session.execute(
        select(InspectionPlan.year, Inspection.mode, Agency.level, func.count())
        .select_from(Inspection)
        .join(Inspection.plan)
        .join(Inspection.agency)
        .where(_in_period(first, last), Inspection.status.in_(DONE_STATUSES))
        .group_by(InspectionPlan.year, Inspection.mode, Agency.level)
    ).all()
    for year, mode, level, n in rows:
        row, key = table[year], MODES[InspectionMode(mode)]
        row[key] += n
        row["inspected"] += n
        by_level = row["by_level"][AgencyLevel(level).value]
        by_level[key] += n
        by_level["inspected"] += n


def _finding_groups(first: int, last: int) -> list[tuple[int, Severity, str, int]]:
    """(year, severity, clause, count) of the findings of counted inspections.

    The clause is the finding's `requirement`, else its checklist item's code.
    """
    blank = literal_column("''")  # not a bound parameter: GROUP BY must repeat it verbatim
    clause = func.coalesce(
        func.nullif(func.trim(Finding.requirement), blank), ChecklistItem.code, blank
    )
    rows = db.session.execute(
        select(InspectionPlan.year, Finding.severity, clause, func.count())
        .select_from(Finding)
        .join(Finding.inspection)
        .join(Inspection.plan)
        .outerjoin(ChecklistItem, ChecklistItem.id == Finding.item_id)
        .where(_in_period(first, last), Inspection.status.in_(DONE_STATUSES))
        .group_by(InspectionPlan.year, Finding.severity, clause)
    ).all()
    return [(year, Severity(severity), text or "", n) for year, severity, text, n in rows]


def _findings(groups, table: dict[int, dict]) -> None:
    for year, severity, _clause, n in groups:
        table[year]["findings"][severity.value] += n


def _top_requirements(groups, limit: int = TOP_REQUIREMENTS) -> list[dict]:
    """Clauses with the most nonconformities (major + minor), then the most findings."""
    by_clause: dict[str, dict] = {}
    for _year, severity, clause, n in groups:
        entry = by_clause.setdefault(
            clause, {"requirement": clause, "major": 0, "minor": 0, "observation": 0}
        )
        entry[severity.value] += n
    found = list(by_clause.values())
    for entry in found:
        entry["nonconform"] = entry["major"] + entry["minor"]
        entry["total"] = entry["nonconform"] + entry["observation"]
    # Ordered here, not in SQL: text collation differs between SQLite and PostgreSQL.
    found.sort(key=lambda e: (-e["nonconform"], -e["total"], e["requirement"]))
    return found[:limit]


def top_requirements(first: int, last: int, limit: int = TOP_REQUIREMENTS) -> list[dict]:
    """The requirements most often not met in the period."""
    return _top_requirements(_finding_groups(first, last), limit)


def _year_ends(first: int, last: int):
    """A derived table (year, day) with 31/12 of every year of the period."""
    selects = [
        select(literal(year, Integer).label("year"), literal(date(year, 12, 31), Date).label("day"))
        for year in range(first, last + 1)
    ]
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("year_ends")


def coverage_by_year(first: int, last: int) -> dict[int, dict[str, dict[str, int]]]:
    """Per year and level: agencies active on 31/12 and those with an acknowledged
    announcement announced on or before that day."""
    ends = _year_ends(first, last)
    announcement = ConformityAnnouncement.__table__.alias("ann")
    rows = db.session.execute(
        select(
            ends.c.year,
            Agency.level,
            func.count(func.distinct(Agency.id)),
            func.count(func.distinct(announcement.c.agency_id)),
        )
        .select_from(ends)
        .join(
            Agency,
            and_(
                Agency.code != REGISTER_ROOT_CODE,
                or_(Agency.active_from.is_(None), Agency.active_from <= ends.c.day),
                or_(Agency.active_to.is_(None), Agency.active_to >= ends.c.day),
            ),
        )
        .outerjoin(
            announcement,
            and_(
                announcement.c.agency_id == Agency.id,
                announcement.c.status == AnnouncementStatus.ACKNOWLEDGED.value,
                announcement.c.announced_on <= ends.c.day,
            ),
        )
        .group_by(ends.c.year, Agency.level)
    ).all()
    coverage = {year: _empty_coverage() for year in range(first, last + 1)}
    for year, level, total, announced in rows:
        coverage[int(year)][AgencyLevel(level).value] = {"announced": announced, "total": total}
    return coverage


def _empty_coverage() -> dict[str, dict[str, int]]:
    return {level.value: {"announced": 0, "total": 0} for level in LEVELS}


def current_coverage() -> dict[str, dict[str, int]]:
    """Today's active agencies per level, and how many have an acknowledged announcement."""
    announced = (
        select(ConformityAnnouncement.agency_id)
        .where(ConformityAnnouncement.status == AnnouncementStatus.ACKNOWLEDGED)
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        select(Agency.level, func.count(Agency.id), func.count(announced.c.agency_id))
        .outerjoin(announced, announced.c.agency_id == Agency.id)
        .where(Agency.active_to.is_(None), Agency.code != REGISTER_ROOT_CODE)
        .group_by(Agency.level)
    ).all()
    coverage = _empty_coverage()
    for level, total, done in rows:
        coverage[AgencyLevel(level).value] = {"announced": done, "total": total}
    return coverage


def _empty_training() -> dict:
    return {
        "courses": 0,
        "participants": 0,
        "attended": 0,
        "by_kind": {
            kind.value: {"courses": 0, "participants": 0, "attended": 0} for kind in TrainingKind
        },
    }


def _training(first: int, last: int, table: dict[int, dict]) -> None:
    """Courses that started in each year, by kind, with participants and attendance."""
    year = extract("year", TrainingCourse.start_on)
    participants = (
        select(
            TrainingParticipant.course_id.label("course_id"),
            func.count().label("people"),
            _sum_when(TrainingParticipant.attended.is_(True)).label("attended"),
        )
        .group_by(TrainingParticipant.course_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            year,
            TrainingCourse.kind,
            func.count(TrainingCourse.id),
            func.coalesce(func.sum(participants.c.people), 0),
            func.coalesce(func.sum(participants.c.attended), 0),
        )
        .outerjoin(participants, participants.c.course_id == TrainingCourse.id)
        .where(
            TrainingCourse.start_on >= date(first, 1, 1),
            TrainingCourse.start_on <= date(last, 12, 31),
        )
        .group_by(year, TrainingCourse.kind)
    ).all()
    for course_year, kind, courses, people, attended in rows:
        training = table[int(course_year)]["training"]
        entry = training["by_kind"][TrainingKind(kind).value]
        for key, n in (("courses", courses), ("participants", people), ("attended", attended)):
            entry[key] += int(n)
            training[key] += int(n)


# -- the report -------------------------------------------------------------------------------


def _empty_year(year: int) -> dict:
    return {
        "year": year,
        "inspected": 0,
        "on_site": 0,
        "dossier": 0,
        "by_level": _zero_levels(),
        "planned": 0,
        "not_done": 0,
        "cancelled": 0,
        "conclusions": {conclusion.value: 0 for conclusion in Conclusion},
        "findings": {severity.value: 0 for severity in Severity},
        "training": _empty_training(),
    }


def yearly_counts(first: int, last: int) -> list[dict]:
    """Inspected agencies per plan year, on-site and dossier, by level (zero years included)."""
    table = {year: _empty_year(year) for year in range(first, last + 1)}
    _inspected(first, last, table)
    return [
        {key: table[year][key] for key in ("year", "inspected", "on_site", "dossier", "by_level")}
        for year in table
    ]


def _add(total: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict):
            _add(total.setdefault(key, {}), value)
        elif key != "year":
            total[key] = total.get(key, 0) + value


def tally_report(first: int, last: int) -> dict:
    """Everything the report says about the period, per year and in total (CONTRACTS 5.4)."""
    first, last = check_period(first, last)
    table = {year: _empty_year(year) for year in range(first, last + 1)}
    _inspections(first, last, table)
    groups = _finding_groups(first, last)
    _findings(groups, table)
    _training(first, last, table)
    coverage = coverage_by_year(first, last)
    years = []
    total: dict = {}
    for year, row in table.items():
        _add(total, row)
        row["coverage"] = coverage[year]
        years.append(row)
    total["coverage"] = coverage[last]
    total["top_requirements"] = _top_requirements(groups)
    return {"from": first, "to": last, "years": years, "total": total}


# -- the report's paragraphs ------------------------------------------------------------------


def count_text(n: int) -> str:
    """A count as the department writes it: below ten with a leading zero (08, 04)."""
    return f"{n:02d}" if 0 < n < 10 else str(n)


def period_text(first: int, last: int) -> str:
    if first == last:
        return _("Năm %(year)d", year=first)
    return _("Trong giai đoạn %(first)d - %(last)d", first=first, last=last)


def inspection_paragraph(report: dict) -> str:
    """The report's sentence on inspections, with the period's and each year's figures."""
    total, years = report["total"], report["years"]
    first, last = report["from"], report["to"]
    if not total["inspected"]:
        return _(
            "%(period)s, chưa thực hiện kiểm tra việc xây dựng, áp dụng, duy trì, cải tiến "
            "HTQLCL theo TCVN ISO 9001 tại CQHCNN nào.",
            period=period_text(first, last),
        )
    head = _(
        "%(period)s, thực hiện kiểm tra việc xây dựng, áp dụng, duy trì, cải tiến HTQLCL theo "
        "TCVN ISO 9001 tại %(total)s CQHCNN theo Kế hoạch được phê duyệt (kiểm tra tại trụ sở cơ "
        "quan: %(on_site)s CQHCNN, kiểm tra thông qua hồ sơ và báo cáo: %(dossier)s CQHCNN)",
        period=period_text(first, last),
        total=count_text(total["inspected"]),
        on_site=count_text(total["on_site"]),
        dossier=count_text(total["dossier"]),
    )
    if first == last:
        return head + "."
    parts = []
    for row in years:
        if row["inspected"]:
            part = _(
                "năm %(year)d, thực hiện kiểm tra tại %(total)s CQHCNN (trong đó kiểm tra tại trụ "
                "sở cơ quan: %(on_site)s CQHCNN; kiểm tra thông qua hồ sơ và báo cáo: "
                "%(dossier)s CQHCNN)",
                year=row["year"],
                total=count_text(row["inspected"]),
                on_site=count_text(row["on_site"]),
                dossier=count_text(row["dossier"]),
            )
        else:
            part = _("năm %(year)d, không thực hiện kiểm tra", year=row["year"])
        parts.append(part)
    details = "; ".join(parts)
    return head + _(", cụ thể: ") + details[0].upper() + details[1:] + "."


def _course_kind_text(kind: TrainingKind, n: int) -> str:
    n_text = count_text(n)
    if kind is TrainingKind.MAINTAIN_IMPROVE:
        return _(
            "%(n)s khóa đào tạo về duy trì, cải tiến HTQLCL theo Tiêu chuẩn quốc gia TCVN ISO 9001",
            n=n_text,
        )
    if kind is TrainingKind.BUILD_APPLY_COMMUNE:
        return _(
            "%(n)s khóa đào tạo về xây dựng, áp dụng HTQLCL theo Tiêu chuẩn quốc gia TCVN ISO "
            "9001:2015 cho UBND cấp xã",
            n=n_text,
        )
    if kind is TrainingKind.TRANSITION_2015:
        return _(
            "%(n)s khóa đào tạo về chuyển đổi áp dụng HTQLCL theo Tiêu chuẩn quốc gia TCVN ISO "
            "9001:2015",
            n=n_text,
        )
    return _("%(n)s khóa đào tạo khác về HTQLCL", n=n_text)


def training_paragraph(report: dict) -> str:
    """The report's sentence on training courses, by kind (08 khóa: 04 …; 02 … và 02 …)."""
    training = report["total"]["training"]
    period = period_text(report["from"], report["to"])
    if not training["courses"]:
        return _(
            "%(period)s, chưa tổ chức khóa đào tạo nào về HTQLCL theo TCVN ISO 9001.", period=period
        )
    parts = [
        _course_kind_text(kind, training["by_kind"][kind.value]["courses"])
        for kind in TrainingKind
        if training["by_kind"][kind.value]["courses"]
    ]
    listing = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + _(" và ") + parts[-1]
    return _(
        "%(period)s, tổ chức %(n)s khóa đào tạo về xây dựng, áp dụng, duy trì và cải tiến HTQLCL "
        "theo TCVN ISO 9001 cho các CQHCNN trên địa bàn tỉnh: %(listing)s.",
        period=period,
        n=count_text(training["courses"]),
        listing=listing,
    )
