"""Risk-based proposal of a year's inspection plan (DESIGN 5.12).

Every agency active on 01/01 of the year (and not merged away) gets a score: the sum of the
points of its risk reasons. Each reason is one SQL query over the whole register returning
`(agency_id, count[, detail])`; `REASONS` lists them, so a new source of risk (the
regulation tracker's stale processes is one of them) plugs in as one more entry with its
default weight. High scores go on-site, low ones by dossier; agencies due under the
coverage rule are always proposed; on-site visits are spread over the quarters within the
teams' capacity. Nothing here writes except `save_settings`, `adjust` and
`create_draft_plan`, which flush and leave the commit to the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Select,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    union_all,
)

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    Conclusion,
    ConformityAnnouncement,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    IsoOfficer,
    PlanStatus,
    ProposalAdjustment,
    ProposalSetting,
    Severity,
    Standard,
)
from inspect_app.services import audit, plans

#: the 2025 reform (district level abolished, provinces merged): agencies created or merged
#: since then count as new until they are inspected.
REFORM_START = date(2025, 1, 1)
CURRENT_STANDARD = Standard.ISO_9001_2015
DONE = (InspectionStatus.CONDUCTED, InspectionStatus.CONCLUDED)
OPEN_FINDINGS = (FindingStatus.OPEN, FindingStatus.REOPENED, FindingStatus.RESPONDED)
LEVEL_RANK = {AgencyLevel.PROVINCIAL: 0, AgencyLevel.DISTRICT: 1, AgencyLevel.COMMUNE: 2}
QUARTER_NAMES = {1: "Quý I", 2: "Quý II", 3: "Quý III", 4: "Quý IV"}


class ProposalError(DomainError):
    """A proposal that cannot be made (year, register, settings); the boundary says why."""

    status_code = 400


# -- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: object
    default: int
    minimum: int = 0
    maximum: int = 1000
    help: object = ""


#: the thresholds; every reason adds its own weight (`points_<code>`).
THRESHOLDS = (
    SettingSpec(
        "on_site_threshold",
        _l("Điểm từ mức này trở lên: kiểm tra tại trụ sở"),
        40,
        help=_l("Dưới mức này: kiểm tra thông qua hồ sơ."),
    ),
    SettingSpec(
        "selection_threshold",
        _l("Điểm từ mức này trở lên: đưa vào kế hoạch"),
        25,
        help=_l("Cơ quan đến hạn theo quy tắc bao phủ luôn được đưa vào."),
    ),
    SettingSpec(
        "capacity_per_quarter",
        _l("Số cuộc kiểm tra tại trụ sở các đoàn làm được mỗi quý"),
        25,
        minimum=1,
        maximum=100000,
    ),
    SettingSpec(
        "coverage_years",
        _l("Mỗi cơ quan được kiểm tra ít nhất một lần trong N năm (N)"),
        3,
        minimum=1,
        maximum=50,
    ),
)


# -- reasons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What every reason query needs: the year, the day the register is read as of."""

    year: int
    #: None for a year still ahead (the register as it is now); 01/01 of a past or current
    #: year when looking back, so that later events do not leak into the proposal.
    as_of: date | None
    today: date
    #: the first day from which a new or merged agency counts as `merged_or_new`.
    new_since: date
    history: object  # subquery: inspections that count as done before the year
    last: object  # subquery: agency_id, last_year, last_day

    @property
    def day(self) -> date:
        return self.as_of or self.today


@dataclass(frozen=True)
class Reason:
    """One source of risk: a query `(agency_id, count[, detail])` and how to say it."""

    code: str
    label: object
    default_points: int
    query: Callable[[Context], Select]
    describe: Callable[[_Words, int, object], str]
    #: when present, an agency inspected on-site last year still goes on-site.
    keeps_on_site: bool = False
    #: the points are the weight times the count (per year, per finding) or the weight once.
    per_count: bool = False
    unit: object = ""

    @property
    def setting_key(self) -> str:
        return f"points_{self.code}"

    def points(self, weight: int, count: int) -> int:
        return weight * count if self.per_count else weight


def _open_at(ctx: Context):
    """A finding still waiting for its corrective action on the proposal's day."""
    if ctx.as_of is None:
        return Finding.status.in_(OPEN_FINDINGS)
    # Looking back: closed later than that day means it was still open then.
    return and_(
        Finding.created_at < ctx.as_of,
        or_(
            Finding.status.in_(OPEN_FINDINGS),
            and_(Finding.status == FindingStatus.CLOSED, Finding.verified_at >= ctx.as_of),
        ),
    )


def _findings_before(ctx: Context):
    return (
        select(Inspection.agency_id, func.count(Finding.id), func.min(Finding.due_on))
        .join(Inspection, Finding.inspection_id == Inspection.id)
        .join(InspectionPlan, Inspection.plan_id == InspectionPlan.id)
        .where(InspectionPlan.year < ctx.year, _open_at(ctx))
        .group_by(Inspection.agency_id)
    )


def _never_inspected(ctx: Context) -> Select:
    return select(Agency.id, literal(1)).where(Agency.id.not_in(select(ctx.last.c.agency_id)))


def _years_since_last(ctx: Context) -> Select:
    last = ctx.last
    return select(last.c.agency_id, literal(ctx.year) - last.c.last_year, last.c.last_year)


def _last_result_not_passed(ctx: Context) -> Select:
    # `last_concluded` is 10 × year of the last concluded inspection, + 1 when it failed.
    last = ctx.last
    return select(last.c.agency_id, literal(1), last.c.last_concluded // 10).where(
        last.c.last_concluded % 10 == 1
    )


def _open_major(ctx: Context) -> Select:
    return _findings_before(ctx).where(Finding.severity == Severity.MAJOR)


def _overdue_actions(ctx: Context) -> Select:
    return _findings_before(ctx).where(
        Finding.severity.in_((Severity.MAJOR, Severity.MINOR)),
        Finding.due_on.is_not(None),
        Finding.due_on < ctx.day,
    )


def _officer_changed(ctx: Context) -> Select:
    last = ctx.last
    query = (
        select(IsoOfficer.agency_id, func.count(IsoOfficer.id), func.max(IsoOfficer.since))
        .join(last, last.c.agency_id == IsoOfficer.agency_id)
        .where(IsoOfficer.since > last.c.last_day)
        .group_by(IsoOfficer.agency_id)
    )
    if ctx.as_of is not None:
        query = query.where(IsoOfficer.since <= ctx.as_of)
    return query


def _no_announcement(ctx: Context) -> Select:
    announced = select(ConformityAnnouncement.agency_id).where(
        ConformityAnnouncement.status == AnnouncementStatus.ACKNOWLEDGED,
        ConformityAnnouncement.standard == CURRENT_STANDARD,
    )
    if ctx.as_of is not None:
        announced = announced.where(ConformityAnnouncement.announced_on < ctx.as_of)
    return select(Agency.id, literal(1)).where(Agency.id.not_in(announced))


def _merged_or_new(ctx: Context) -> Select:
    started = select(Agency.id.label("agency_id"), Agency.active_from.label("day")).where(
        Agency.active_from.is_not(None)
    )
    absorbed = select(
        Agency.merged_into_id.label("agency_id"), Agency.merged_on.label("day")
    ).where(Agency.merged_into_id.is_not(None), Agency.merged_on.is_not(None))
    events = union_all(started, absorbed).subquery()
    last = ctx.last
    return (
        select(events.c.agency_id, literal(1), func.max(events.c.day))
        .outerjoin(last, last.c.agency_id == events.c.agency_id)
        .where(
            events.c.day >= ctx.new_since,
            events.c.day <= ctx.day,
            or_(last.c.agency_id.is_(None), events.c.day > last.c.last_day),
        )
        .group_by(events.c.agency_id)
    )


def _stale_processes(ctx: Context) -> Select:
    from inspect_app.services import regulations

    rows = regulations.stale_rows(ctx.day).subquery()
    return select(rows.c.agency_id, func.count(), func.min(rows.c.stale_since)).group_by(
        rows.c.agency_id
    )


def _day(value) -> str:
    if isinstance(value, str):  # SQLite returns aggregated dates as text
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y") if value else ""


REASONS: list[Reason] = [
    Reason(
        "never_inspected",
        _l("Chưa từng được kiểm tra"),
        50,
        _never_inspected,
        lambda w, n, d: w.gettext("Chưa từng được kiểm tra"),
    ),
    Reason(
        "years_since_last",
        _l("Số năm kể từ lần kiểm tra gần nhất"),
        5,
        _years_since_last,
        lambda w, n, d: w.ngettext(
            "%(num)d năm kể từ lần kiểm tra gần nhất (năm %(year)s)",
            "%(num)d năm kể từ lần kiểm tra gần nhất (năm %(year)s)",
            n,
            year=d,
        ),
        per_count=True,
        unit=_l("điểm mỗi năm"),
    ),
    Reason(
        "last_result_not_passed",
        _l("Lần kiểm tra gần nhất kết luận không đạt"),
        30,
        _last_result_not_passed,
        lambda w, n, d: w.gettext(
            "Lần kiểm tra gần nhất (năm %(year)s) kết luận không đạt", year=d
        ),
        keeps_on_site=True,
    ),
    Reason(
        "open_major",
        _l("Điểm không phù hợp nặng chưa khắc phục xong"),
        50,
        _open_major,
        lambda w, n, d: w.ngettext(
            "%(num)d điểm không phù hợp nặng chưa khắc phục xong",
            "%(num)d điểm không phù hợp nặng chưa khắc phục xong",
            n,
        ),
        keeps_on_site=True,
        per_count=True,
        unit=_l("điểm mỗi điểm không phù hợp"),
    ),
    Reason(
        "overdue_actions",
        _l("Hành động khắc phục quá hạn"),
        10,
        _overdue_actions,
        lambda w, n, d: w.ngettext(
            "%(num)d hành động khắc phục quá hạn (hạn sớm nhất %(day)s)",
            "%(num)d hành động khắc phục quá hạn (hạn sớm nhất %(day)s)",
            n,
            day=_day(d),
        ),
        per_count=True,
        unit=_l("điểm mỗi hành động"),
    ),
    Reason(
        "officer_changed",
        _l("Cán bộ phụ trách ISO đã thay đổi từ lần kiểm tra trước"),
        10,
        _officer_changed,
        lambda w, n, d: w.gettext(
            "Cán bộ phụ trách ISO đã thay đổi từ lần kiểm tra trước (từ %(day)s)", day=_day(d)
        ),
    ),
    Reason(
        "no_announcement",
        _l("Chưa có công bố HTQLCL phù hợp TCVN ISO 9001:2015 được tiếp nhận"),
        15,
        _no_announcement,
        lambda w, n, d: w.gettext(
            "Chưa có công bố HTQLCL phù hợp TCVN ISO 9001:2015 được tiếp nhận"
        ),
    ),
    Reason(
        "merged_or_new",
        _l("Thành lập mới hoặc sáp nhập (sắp xếp năm 2025, hoặc sau kế hoạch trước)"),
        20,
        _merged_or_new,
        lambda w, n, d: w.gettext(
            "Thành lập mới hoặc nhận sáp nhập ngày %(day)s, chưa được kiểm tra từ đó", day=_day(d)
        ),
    ),
    Reason(
        "stale_processes",
        _l("Quy trình ISO chưa cập nhật theo văn bản pháp luật đã thay đổi"),
        2,
        _stale_processes,
        lambda w, n, d: w.ngettext(
            "%(num)d quy trình ISO chưa cập nhật theo văn bản pháp luật thay đổi (từ %(day)s)",
            "%(num)d quy trình ISO chưa cập nhật theo văn bản pháp luật thay đổi (từ %(day)s)",
            n,
            day=_day(d),
        ),
        per_count=True,
        unit=_l("điểm mỗi quy trình"),
    ),
]


def reason_by_code() -> dict[str, Reason]:
    return {reason.code: reason for reason in REASONS}


def setting_specs() -> list[SettingSpec]:
    """Every setting: one weight per reason, then the thresholds."""
    weights = [SettingSpec(r.setting_key, r.label, r.default_points, help=r.unit) for r in REASONS]
    return weights + list(THRESHOLDS)


def load_settings() -> dict[str, int]:
    """The current value of every setting (stored rows over the defaults)."""
    values = {spec.key: spec.default for spec in setting_specs()}
    for row in db.session.scalars(select(ProposalSetting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def check_settings(values: dict[str, object]) -> dict[str, int]:
    """Whole numbers within each setting's range, or ProposalError naming each bad one."""
    checked: dict[str, int] = {}
    problems = []
    for spec in setting_specs():
        raw = values.get(spec.key, spec.default)
        try:
            number = int(str(raw).strip()) if not isinstance(raw, int) else raw
        except ValueError:
            problems.append(_("%(name)s: “%(v)s” không phải là số nguyên.", name=spec.label, v=raw))
            continue
        if isinstance(raw, bool) or not spec.minimum <= number <= spec.maximum:
            problems.append(
                _(
                    "%(name)s: phải từ %(lo)d đến %(hi)d.",
                    name=spec.label,
                    lo=spec.minimum,
                    hi=spec.maximum,
                )
            )
            continue
        checked[spec.key] = number
    if problems:
        raise ProposalError("\n".join(problems))
    return checked


def save_settings(values: dict[str, object], by=None) -> list[str]:
    """Store the changed settings; returns their keys. Flushes, never commits."""
    checked = check_settings(values)
    current = load_settings()
    stored = {row.key: row for row in db.session.scalars(select(ProposalSetting))}
    changed = [key for key, value in checked.items() if current[key] != value]
    for key in changed:
        row = stored.get(key) or ProposalSetting(key=key)
        row.value = checked[key]
        row.updated_by_id = getattr(by, "id", None)
        db.session.add(row)
    db.session.flush()
    if changed:
        audit.record(
            "update",
            object_type="proposal_settings",
            before={key: current[key] for key in changed},
            after={key: checked[key] for key in changed},
            user=by,
        )
    return changed


# -- the proposal -----------------------------------------------------------------------------


@dataclass
class ReasonHit:
    code: str
    text: str
    points: int


@dataclass
class ProposalItem:
    agency_id: int
    code: str
    name: str
    name_key: str
    level: AgencyLevel
    active_to: date | None
    reasons: list[ReasonHit] = field(default_factory=list)
    last_year: int | None = None
    coverage_due: bool = False
    on_site_last_year: bool = False
    selected: bool = False
    mode: InspectionMode = InspectionMode.DOSSIER
    quarter: int = 1
    #: why the mode differs from what the score alone says (last year on-site, capacity).
    note: str = ""
    #: True when the admin changed the line (page only; the API shows the system's choice).
    adjusted: bool = False

    #: the sum of the reasons' points (set once the reasons are known).
    score: int = 0

    def last_quarter(self, year: int) -> int:
        """The last quarter of `year` the agency still exists in (it may close that year)."""
        if self.active_to is None or self.active_to.year > year:
            return 4
        return (self.active_to.month - 1) // 3 + 1

    def as_json(self) -> dict:
        return {
            "agency": {"code": self.code, "name": self.name, "level": self.level.value},
            "score": self.score,
            "selected": self.selected,
            "mode": self.mode.value,
            "quarter": self.quarter,
            "reasons": [{"code": h.code, "text": h.text, "points": h.points} for h in self.reasons],
            "coverage_due": self.coverage_due,
            "last_inspected": self.last_year,
            "note": self.note,
        }


@dataclass
class Proposal:
    year: int
    settings: dict[str, int]
    items: list[ProposalItem]
    as_of: date | None

    def selected(self) -> list[ProposalItem]:
        return [item for item in self.items if item.selected]

    def by_agency(self) -> dict[int, ProposalItem]:
        return {item.agency_id: item for item in self.items}

    def totals(self) -> dict:
        """Counts of the selected lines by level and mode, and on-site visits per quarter."""
        levels = {level.value: {"on_site": 0, "dossier": 0} for level in AgencyLevel}
        quarters = dict.fromkeys(range(1, 5), 0)
        for item in self.items:
            if item.selected:
                levels[item.level.value][item.mode.value] += 1
                if item.mode is InspectionMode.ON_SITE:
                    quarters[item.quarter] += 1
        on_site = sum(v["on_site"] for v in levels.values())
        dossier = sum(v["dossier"] for v in levels.values())
        return {
            "agencies": len(self.items),
            "selected": on_site + dossier,
            "on_site": on_site,
            "dossier": dossier,
            "levels": levels,
            "quarters": quarters,
            "capacity": self.settings["capacity_per_quarter"],
        }

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "settings": self.settings,
            "totals": self.totals(),
            "proposals": [item.as_json() for item in self.items],
        }


def first_plan_year() -> int | None:
    return db.session.scalar(select(func.min(InspectionPlan.year)))


def check_year(year, today: date) -> int:
    """A proposal year: a number, from the first plan's year to next year."""
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ProposalError(
            _("Năm đề xuất phải là một số, ví dụ %(y)d.", y=today.year + 1)
        ) from None
    if not 2000 <= year <= 2200:
        raise ProposalError(_("Năm đề xuất phải từ 2000 đến 2200."))
    if year > today.year + 1:
        raise ProposalError(
            _(
                "Chỉ đề xuất được kế hoạch đến năm %(next)d (năm tới); năm %(year)d còn quá xa.",
                next=today.year + 1,
                year=year,
            )
        )
    first = first_plan_year()
    if first is not None and year < first:
        raise ProposalError(
            _(
                "Năm %(year)d trước kế hoạch đầu tiên trong hệ thống (năm %(first)d); không có "
                "dữ liệu để đề xuất.",
                year=year,
                first=first,
            )
        )
    return year


def _active_agencies(year: int) -> Select:
    """Agencies active on 01/01 of the year and not merged away."""
    day = date(year, 1, 1)
    return select(
        Agency.id, Agency.code, Agency.name, Agency.name_key, Agency.level, Agency.active_to
    ).where(
        or_(Agency.active_from.is_(None), Agency.active_from <= day),
        or_(Agency.active_to.is_(None), Agency.active_to >= day),
        # merged away during the year: its successor is inspected instead.
        or_(Agency.merged_into_id.is_(None), Agency.merged_on > date(year, 12, 31)),
    )


def _context(year: int, today: date) -> Context:
    as_of = date(year, 1, 1) if year <= today.year else None
    counted = Inspection.status.in_(DONE)
    if as_of is None:
        # This year's approved plan will have been carried out by then: count it.
        counted = or_(
            Inspection.status.in_(DONE),
            and_(
                InspectionPlan.year >= today.year,
                Inspection.status != InspectionStatus.CANCELLED,
                InspectionPlan.status != PlanStatus.DRAFT,
            ),
        )
    history = (
        select(
            Inspection.id,
            Inspection.agency_id,
            InspectionPlan.year,
            Inspection.mode,
            Inspection.status,
            Inspection.conclusion,
            func.coalesce(Inspection.conducted_on, Inspection.planned_from).label("day"),
        )
        .join(InspectionPlan, Inspection.plan_id == InspectionPlan.id)
        .where(InspectionPlan.year < year, counted)
        .subquery("history")
    )
    last = (
        select(
            history.c.agency_id,
            func.max(history.c.year).label("last_year"),
            func.max(history.c.day).label("last_day"),
            func.max(
                case(
                    (
                        and_(
                            history.c.year == year - 1,
                            history.c.mode == InspectionMode.ON_SITE.value,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("on_site_last"),
            # the last concluded inspection and whether it failed, in one aggregate
            func.max(
                case(
                    (
                        history.c.status == InspectionStatus.CONCLUDED.value,
                        history.c.year * 10
                        + case((history.c.conclusion == Conclusion.FAILED.value, 1), else_=0),
                    ),
                    else_=None,
                )
            ).label("last_concluded"),
        )
        .group_by(history.c.agency_id)
        .cte("last")
    )
    previous_plan = db.session.scalar(
        select(func.max(InspectionPlan.year)).where(InspectionPlan.year < year)
    )
    new_since = min(REFORM_START, date(previous_plan, 1, 1)) if previous_plan else REFORM_START
    return Context(year, as_of, today, new_since, history, last)


def local_today() -> date:
    """Today in the department's zone (`APP_TIMEZONE`, default Asia/Ho_Chi_Minh)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flask import current_app

    zone = current_app.config.get("APP_TIMEZONE") or "Asia/Ho_Chi_Minh"
    return datetime.now(ZoneInfo(zone)).date()


def proposal_statement(ctx: Context, reasons: list[Reason]) -> Select:
    """One SELECT: every active agency, its last inspection, and each reason's count and
    detail (LEFT JOINs of the reason queries over shared CTEs, so history is read once)."""
    active = _active_agencies(ctx.year).subquery("active")
    last = ctx.last
    columns = [*active.c, last.c.last_year, last.c.on_site_last]
    joined = active.outerjoin(last, last.c.agency_id == active.c.id)
    for number, reason in enumerate(reasons):
        sub = reason.query(ctx).subquery(f"reason_{number}")
        agency_id, count, *detail = list(sub.c)
        joined = joined.outerjoin(sub, agency_id == active.c.id)
        columns += [count, detail[0] if detail else literal(None)]
    return select(*columns).select_from(joined)


def propose(year, *, today: date | None = None, settings: dict[str, int] | None = None) -> Proposal:
    """The proposal for `year`, highest score first; ProposalError for a year it cannot serve."""
    today = today or local_today()
    year = check_year(year, today)
    settings = check_settings(settings) if settings is not None else load_settings()
    ctx = _context(year, today)
    reasons = [r for r in REASONS if settings[r.setting_key] > 0]
    words = _Words()
    items = []
    # Core execution: the rows are plain tuples, without the ORM's per-row work.
    for row in db.session.connection().execute(proposal_statement(ctx, reasons)):
        agency_id, code, name, name_key, level, active_to, last_year, on_site_last = row[:8]
        item = ProposalItem(agency_id, code, name, name_key, level, active_to)
        item.last_year, item.on_site_last_year = last_year, bool(on_site_last)
        for number, reason in enumerate(reasons):
            count, detail = row[8 + 2 * number], row[9 + 2 * number]
            if count:
                weight = settings[reason.setting_key]
                text = words.say(reason, int(count), detail)
                item.reasons.append(ReasonHit(reason.code, text, reason.points(weight, int(count))))
        item.score = sum(hit.points for hit in item.reasons)
        items.append(item)
    if not items:
        raise ProposalError(
            _("Không có cơ quan nào đang hoạt động vào ngày 01/01/%(year)d.", year=year)
        )
    items.sort(key=lambda i: (-i.score, LEVEL_RANK.get(i.level, 3), i.name_key, i.agency_id))
    _choose(items, year, settings, words)
    return Proposal(year, settings, items, ctx.as_of)


class _Words:
    """Reason texts in the current language, each wording made once per call.

    Looking the catalogue up for each of 12,000 agencies costs more than the SQL, so the
    texts are cached by (reason, count, detail) and the catalogue is fetched once.
    """

    def __init__(self):
        from flask_babel import get_translations

        self.translations = get_translations()
        self.cache: dict = {}

    def gettext(self, message: str, **values) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values) -> str:
        values.setdefault("num", num)
        return self.translations.ngettext(singular, plural, num) % values

    def say(self, reason: Reason, count: int, detail) -> str:
        key = (reason.code, count, detail)
        if key not in self.cache:
            self.cache[key] = reason.describe(self, count, detail)
        return self.cache[key]


def _choose(items: list[ProposalItem], year: int, settings: dict[str, int], words) -> None:
    """Selection, mode and quarter of every line (items come highest score first)."""
    keeps = {r.code for r in REASONS if r.keeps_on_site}
    coverage = settings["coverage_years"]
    capacity = settings["capacity_per_quarter"]
    on_site_load = dict.fromkeys(range(1, 5), 0)
    other_load = dict.fromkeys(range(1, 5), 0)
    for item in items:
        item.coverage_due = item.last_year is None or item.last_year <= year - coverage
        item.selected = item.score >= settings["selection_threshold"] or item.coverage_due
        wants_on_site = item.score >= settings["on_site_threshold"]
        if wants_on_site and item.on_site_last_year and not keeps & {h.code for h in item.reasons}:
            wants_on_site = False
            item.note = _(
                "Đã kiểm tra tại trụ sở năm %(y)d: đề xuất kiểm tra qua hồ sơ.", y=year - 1
            )
        quarter = None
        if wants_on_site and item.selected:
            quarter = _least_loaded(on_site_load, item.last_quarter(year), capacity)
            if quarter is None:
                item.note = words.gettext(
                    "Các quý đã đủ %(n)d cuộc kiểm tra tại trụ sở: đề xuất kiểm tra qua hồ sơ.",
                    n=capacity,
                )
            else:
                on_site_load[quarter] += 1
        if quarter is not None:
            item.mode, item.quarter = InspectionMode.ON_SITE, quarter
            continue
        item.mode = InspectionMode.DOSSIER
        item.quarter = _least_loaded(other_load, item.last_quarter(year), None) or 1
        other_load[item.quarter] += 1


def _least_loaded(load: dict[int, int], last_quarter: int, capacity: int | None) -> int | None:
    """The earliest of the least busy quarters the agency still exists in, within capacity."""
    open_quarters = [
        q for q in range(1, last_quarter + 1) if capacity is None or load[q] < capacity
    ]
    return min(open_quarters, key=lambda q: (load[q], q)) if open_quarters else None


# -- the admin's adjustments and the draft plan -----------------------------------------------


def apply_adjustments(proposal: Proposal) -> Proposal:
    """Overlay what the admin changed on the page (kept per year until the draft)."""
    items = proposal.by_agency()
    for row in db.session.scalars(
        select(ProposalAdjustment).where(ProposalAdjustment.year == proposal.year)
    ):
        item = items.get(row.agency_id)
        if item is None:
            continue
        item.selected, item.mode, item.adjusted = row.selected, row.mode, True
        item.quarter = min(row.quarter, item.last_quarter(proposal.year))
    return proposal


def adjust(
    proposal: Proposal, changes: Iterable[tuple[int, bool, InspectionMode, int]], by=None
) -> int:
    """Record the admin's lines `(agency_id, selected, mode, quarter)`; returns how many changed.

    A line equal to the system's proposal drops its adjustment. Flushes, never commits.
    """
    system = proposal.by_agency()
    stored = {
        row.agency_id: row
        for row in db.session.scalars(
            select(ProposalAdjustment).where(ProposalAdjustment.year == proposal.year)
        )
    }
    changed = 0
    for agency_id, selected, mode, quarter in changes:
        item = system.get(agency_id)
        if item is None:
            raise ProposalError(_("Cơ quan không có trong đề xuất năm %(y)d.", y=proposal.year))
        mode = InspectionMode(mode)
        if not 1 <= int(quarter) <= item.last_quarter(proposal.year):
            raise ProposalError(
                _(
                    "%(name)s: quý %(q)s không hợp lệ (cơ quan hoạt động đến quý %(last)d).",
                    name=item.name,
                    q=quarter,
                    last=item.last_quarter(proposal.year),
                )
            )
        row = stored.get(agency_id)
        same_as_system = (selected, mode, quarter) == (item.selected, item.mode, item.quarter)
        if same_as_system:
            if row is not None:
                db.session.delete(row)
                changed += 1
            continue
        if row is None:
            row = ProposalAdjustment(year=proposal.year, agency_id=agency_id)
            db.session.add(row)
        elif (row.selected, row.mode, row.quarter) == (selected, mode, quarter):
            continue
        row.selected, row.mode, row.quarter = selected, mode, int(quarter)
        row.updated_by_id = getattr(by, "id", None)
        changed += 1
    db.session.flush()
    return changed


def reset_adjustments(year: int) -> int:
    """Forget the admin's changes for the year; returns how many lines they were."""
    result = db.session.execute(delete(ProposalAdjustment).where(ProposalAdjustment.year == year))
    db.session.flush()
    return result.rowcount or 0


def quarter_window(year: int, quarter: int) -> tuple[date, date]:
    import calendar

    first_month = 3 * quarter - 2
    last_month = first_month + 2
    return date(year, first_month, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


class DraftExists(ProposalError):
    """The year already has a draft plan; replacing it needs the admin's say-so."""

    status_code = 409

    def __init__(self, plan: InspectionPlan):
        super().__init__(
            _(
                "Đã có dự thảo kế hoạch năm %(year)d (%(n)d cuộc kiểm tra). Hãy xác nhận thay thế "
                "dự thảo đó.",
                year=plan.year,
                n=len(plan.inspections),
            )
        )
        self.plan = plan


def create_draft_plan(proposal: Proposal, *, replace: bool = False, by=None) -> InspectionPlan:
    """The draft plan of the year with the proposal's selected lines; flushes, never commits.

    An existing draft is replaced only with `replace`; an approved or closed plan never is.
    """
    chosen = proposal.selected()
    if not chosen:
        raise ProposalError(_("Chưa chọn cơ quan nào cho kế hoạch năm %(y)d.", y=proposal.year))
    existing = plans.plan_for_year(proposal.year)
    if existing is not None:
        if existing.status is not PlanStatus.DRAFT:
            raise ProposalError(
                _(
                    "Kế hoạch năm %(year)d đã %(status)s; không thể tạo dự thảo mới.",
                    year=proposal.year,
                    status=existing.status.label.lower(),
                )
            )
        if not replace:
            raise DraftExists(existing)
        _delete_draft(existing, by)
    plan = plans.create_plan(proposal.year, None, by)
    template = plans.default_template()
    agencies = {
        a.id: a
        for a in db.session.scalars(
            select(Agency).where(Agency.id.in_([item.agency_id for item in chosen]))
        )
    }
    for item in chosen:
        start, end = quarter_window(proposal.year, item.quarter)
        plans.add_inspection(
            plan, agencies[item.agency_id], item.mode, start, end, by=by, template=template
        )
    reset_adjustments(proposal.year)
    return plan


def _delete_draft(plan: InspectionPlan, by=None) -> None:
    before = audit.snapshot(plan, plans.PLAN_FIELDS)
    before["inspections"] = len(plan.inspections)
    plan_id = plan.id
    db.session.delete(plan)
    db.session.flush()
    audit.record(
        "delete", object_type="inspection_plans", object_id=plan_id, before=before, user=by
    )


# -- looking back -----------------------------------------------------------------------------


@dataclass
class Comparison:
    """The proposal against the plan that was actually run that year."""

    plan: InspectionPlan
    both: list[ProposalItem]
    only_proposed: list[ProposalItem]
    #: (agency code, name, mode) of the plan's inspections the proposal left out.
    only_actual: list[tuple[str, str, InspectionMode]]
    same_mode: int

    @property
    def actual(self) -> int:
        return len(self.both) + len(self.only_actual)

    @property
    def proposed(self) -> int:
        return len(self.both) + len(self.only_proposed)


def compare_with_plan(proposal: Proposal) -> Comparison | None:
    """How the proposal's selection meets the year's plan (None when there is no plan)."""
    plan = plans.plan_for_year(proposal.year)
    if plan is None or plan.status is PlanStatus.DRAFT:
        return None
    rows = db.session.execute(
        select(Inspection.agency_id, Inspection.mode, Agency.code, Agency.name)
        .join(Agency, Inspection.agency_id == Agency.id)
        .where(Inspection.plan_id == plan.id, Inspection.status != InspectionStatus.CANCELLED)
        .order_by(Agency.name_key)
    ).all()
    actual = {row.agency_id: row for row in rows}
    both, only_proposed = [], []
    same_mode = 0
    for item in proposal.selected():
        if item.agency_id in actual:
            both.append(item)
            same_mode += actual[item.agency_id].mode is item.mode
        else:
            only_proposed.append(item)
    chosen = {item.agency_id for item in proposal.selected()}
    only_actual = [(r.code, r.name, r.mode) for r in rows if r.agency_id not in chosen]
    return Comparison(plan, both, only_proposed, only_actual, same_mode)
