"""Annual inspection plans: draft → approved (by a decision) → closed.

A draft is edited freely. Once approved, inspections are added, changed or cancelled only
under an amending decision (kind `plan_amendment`), which is recorded on the inspection and
in a `PlanAmendment` row describing what it changed. A closed plan no longer changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, func, or_, select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    ChecklistTemplate,
    Decision,
    DecisionKind,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanAmendment,
    PlanStatus,
    Role,
    User,
)
from inspect_app.models.base import utcnow
from inspect_app.services import audit

PLAN_FIELDS = ["year", "title", "status", "decision_id", "approved_at", "closed_at"]
INSPECTION_FIELDS = [
    "plan_id",
    "agency_id",
    "mode",
    "status",
    "planned_from",
    "planned_to",
    "lead_id",
    "external_members",
    "dossier_due",
    "added_by_decision_id",
    "cancelled_by_decision_id",
]
#: the findings that still ask something of the agency.
OPEN_FINDING_STATUSES = (FindingStatus.OPEN, FindingStatus.REOPENED, FindingStatus.RESPONDED)
#: inspections that count as "inspected" in a year.
DONE_STATUSES = (InspectionStatus.CONDUCTED, InspectionStatus.CONCLUDED)
LOCKED_STATUSES = (InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED)

#: bulk-add filters: name → label.
BULK_FILTERS = {
    "not_inspected": _l("Cơ quan chưa được kiểm tra trong N năm gần đây"),
    "open_findings": _l("Cơ quan còn điểm không phù hợp chưa khắc phục xong"),
    "level": _l("Tất cả cơ quan đang hoạt động của một cấp"),
}


class PlanError(DomainError):
    """A change the plan workflow forbids."""


def default_title(year: int) -> str:
    return _(
        "Kế hoạch kiểm tra việc áp dụng, duy trì, cải tiến HTQLCL theo TCVN ISO 9001 tại các "
        "cơ quan hành chính nhà nước năm %(year)d",
        year=year,
    )


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _user(by):
    return by if getattr(by, "is_authenticated", False) or isinstance(by, User) else None


# -- the plan ---------------------------------------------------------------------------------


def plan_for_year(year: int) -> InspectionPlan | None:
    return db.session.scalar(
        select(InspectionPlan).where(InspectionPlan.year == year).order_by(InspectionPlan.id)
    )


def create_plan(year: int, title: str | None = None, by=None) -> InspectionPlan:
    """Start the draft plan of `year`; a year has one plan."""
    if not isinstance(year, int) or not 2000 <= year <= 2200:
        raise PlanError(_("Năm kế hoạch phải từ 2000 đến 2200."))
    existing = plan_for_year(year)
    if existing is not None:
        raise PlanError(_("Đã có kế hoạch kiểm tra năm %(year)d.", year=year))
    title = " ".join((title or "").split()) or default_title(year)
    plan = InspectionPlan(
        year=year, title=title[:500], status=PlanStatus.DRAFT, created_by_id=_id(by)
    )
    db.session.add(plan)
    db.session.flush()
    audit.record("create", plan, after=audit.snapshot(plan, PLAN_FIELDS), user=_user(by))
    return plan


def _id(by) -> int | None:
    user = _user(by)
    return user.id if user is not None else None


def update_title(plan: InspectionPlan, title: str, by=None) -> None:
    """Rename the plan (draft or approved)."""
    _check_not_closed(plan)
    title = " ".join((title or "").split())
    if not title:
        raise PlanError(_("Tên kế hoạch không được để trống."))
    before = audit.snapshot(plan, ["title"])
    plan.title = title[:500]
    db.session.flush()
    audit.record("update", plan, before=before, after={"title": plan.title}, user=_user(by))


def _check_not_closed(plan: InspectionPlan) -> None:
    if plan.status is PlanStatus.CLOSED:
        raise PlanError(_("Kế hoạch năm %(year)d đã kết thúc; không thể thay đổi.", year=plan.year))


def approve(plan: InspectionPlan, decision: Decision | None, by=None) -> InspectionPlan:
    """Approve a draft plan with its approving decision (required)."""
    if plan.status is PlanStatus.APPROVED:
        raise PlanError(_("Kế hoạch năm %(year)d đã được phê duyệt.", year=plan.year))
    _check_not_closed(plan)
    if decision is None:
        raise PlanError(_("Cần có quyết định phê duyệt để phê duyệt kế hoạch."))
    if decision.kind is not DecisionKind.PLAN_APPROVAL:
        raise PlanError(
            _(
                "Quyết định số %(number)s không phải là quyết định phê duyệt kế hoạch.",
                number=decision.number,
            )
        )
    if decision.signed_on.year not in (plan.year - 1, plan.year):
        raise PlanError(
            _(
                "Quyết định phê duyệt kế hoạch năm %(year)d phải được ký trong năm %(prev)d "
                "hoặc %(year)d (quyết định ký ngày %(day)s).",
                year=plan.year,
                prev=plan.year - 1,
                day=_day(decision.signed_on),
            )
        )
    other = db.session.scalar(
        select(InspectionPlan).where(
            InspectionPlan.decision_id == decision.id, InspectionPlan.id != plan.id
        )
    )
    if other is not None:
        raise PlanError(
            _(
                "Quyết định số %(number)s đã phê duyệt kế hoạch năm %(year)d.",
                number=decision.number,
                year=other.year,
            )
        )
    if not active_inspections(plan):
        raise PlanError(_("Kế hoạch chưa có cuộc kiểm tra nào; hãy thêm cơ quan trước."))
    before = audit.snapshot(plan, PLAN_FIELDS)
    plan.decision = decision
    plan.status = PlanStatus.APPROVED
    plan.approved_at = utcnow()
    db.session.flush()
    audit.record(
        "transition:approved",
        plan,
        before=before,
        after=audit.snapshot(plan, PLAN_FIELDS),
        user=_user(by),
    )
    return plan


def close(plan: InspectionPlan, by=None) -> InspectionPlan:
    """End an approved plan's year; it no longer changes."""
    if plan.status is not PlanStatus.APPROVED:
        if plan.status is PlanStatus.DRAFT:
            raise PlanError(_("Chỉ có thể kết thúc kế hoạch đã được phê duyệt."))
        raise PlanError(_("Kế hoạch năm %(year)d đã kết thúc.", year=plan.year))
    before = audit.snapshot(plan, PLAN_FIELDS)
    plan.status = PlanStatus.CLOSED
    plan.closed_at = utcnow()
    db.session.flush()
    audit.record(
        "transition:closed",
        plan,
        before=before,
        after=audit.snapshot(plan, PLAN_FIELDS),
        user=_user(by),
    )
    return plan


# -- amendments -------------------------------------------------------------------------------


def check_amending_decision(plan: InspectionPlan, decision: Decision | None) -> Decision:
    """The decision under which an approved plan may change, or a PlanError saying why not."""
    _check_not_closed(plan)
    if plan.status is not PlanStatus.APPROVED:
        raise PlanError(_("Chỉ kế hoạch đã được phê duyệt mới được điều chỉnh bằng quyết định."))
    if decision is None:
        raise PlanError(
            _(
                "Kế hoạch năm %(year)d đã được phê duyệt; chỉ có thể thay đổi theo một quyết "
                "định điều chỉnh kế hoạch.",
                year=plan.year,
            )
        )
    if decision.kind is not DecisionKind.PLAN_AMENDMENT:
        raise PlanError(
            _(
                "Quyết định số %(number)s không phải là quyết định điều chỉnh kế hoạch.",
                number=decision.number,
            )
        )
    approved_by = plan.decision
    if approved_by is not None and decision.signed_on < approved_by.signed_on:
        raise PlanError(
            _(
                "Quyết định điều chỉnh phải được ký sau quyết định phê duyệt kế hoạch (%(day)s).",
                day=_day(approved_by.signed_on),
            )
        )
    return decision


def start_amendment(plan: InspectionPlan, decision: Decision | None, by=None) -> PlanAmendment:
    """Open (or find) the amendment of an approved plan under `decision`."""
    decision = check_amending_decision(plan, decision)
    for amendment in plan.amendments:
        if amendment.decision_id == decision.id:
            return amendment
    amendment = PlanAmendment(plan=plan, decision=decision, changes="")
    db.session.add(amendment)
    db.session.flush()
    audit.record(
        "create",
        amendment,
        after={"plan_id": plan.id, "decision_id": decision.id},
        user=_user(by),
    )
    return amendment


def _note_change(plan: InspectionPlan, decision: Decision, line: str, by=None) -> None:
    amendment = start_amendment(plan, decision, by)
    amendment.changes = (amendment.changes + "\n" + line).strip()
    db.session.flush()


# -- inspections ------------------------------------------------------------------------------


def active_in_year(agency: Agency, year: int) -> bool:
    """Whether the agency existed at some time in `year`."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return (agency.active_from is None or agency.active_from <= end) and (
        agency.active_to is None or agency.active_to >= start
    )


def _active_in_year_sql(year: int):
    start, end = date(year, 1, 1), date(year, 12, 31)
    return and_(
        or_(Agency.active_from.is_(None), Agency.active_from <= end),
        or_(Agency.active_to.is_(None), Agency.active_to >= start),
    )


def active_inspections(plan: InspectionPlan) -> list[Inspection]:
    return [i for i in plan.inspections if i.status is not InspectionStatus.CANCELLED]


def _inspection_of(plan: InspectionPlan, agency: Agency) -> Inspection | None:
    if plan.id is None:
        return None
    return db.session.scalar(
        select(Inspection).where(Inspection.plan_id == plan.id, Inspection.agency_id == agency.id)
    )


def _check_window(plan: InspectionPlan, planned_from, planned_to):
    if planned_from is None and planned_to is None:
        return None, None
    planned_from = planned_from or planned_to
    planned_to = planned_to or planned_from
    for day in (planned_from, planned_to):
        if day.year != plan.year:
            raise PlanError(
                _(
                    "Thời gian dự kiến (%(day)s) nằm ngoài năm kế hoạch %(year)d.",
                    day=_day(day),
                    year=plan.year,
                )
            )
    if planned_to < planned_from:
        raise PlanError(_("Ngày kết thúc dự kiến phải sau ngày bắt đầu."))
    return planned_from, planned_to


def _check_inspector(user: User | None, what: str) -> None:
    if user is None:
        return
    if user.role is not Role.INSPECTOR or not user.active:
        raise PlanError(
            _(
                "%(what)s %(name)s (%(username)s) không phải là kiểm tra viên đang hoạt động.",
                what=what,
                name=user.full_name,
                username=user.username,
            )
        )


def _team(lead: User | None, members: Iterable[User] | None) -> list[User]:
    _check_inspector(lead, _("Trưởng đoàn"))
    team: list[User] = []
    for member in members or ():
        _check_inspector(member, _("Thành viên"))
        if member is not lead and member not in team:
            team.append(member)
    return team


def _check_dossier_due(plan, mode: InspectionMode, dossier_due: date | None) -> None:
    if dossier_due is None:
        return
    if mode is not InspectionMode.DOSSIER:
        raise PlanError(_("Hạn nộp hồ sơ chỉ dùng cho hình thức kiểm tra thông qua hồ sơ."))
    if dossier_due.year not in (plan.year, plan.year + 1):
        raise PlanError(
            _("Hạn nộp hồ sơ (%(day)s) không thuộc năm kế hoạch.", day=_day(dossier_due))
        )


def _external(text: str | None) -> str:
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def _check_agency(plan: InspectionPlan, agency: Agency, planned_from: date | None) -> None:
    if not active_in_year(agency, plan.year):
        raise PlanError(
            _(
                "Cơ quan %(name)s không hoạt động trong năm %(year)d.",
                name=agency.name,
                year=plan.year,
            )
        )
    if planned_from is not None and not agency.is_active_on(planned_from):
        raise PlanError(
            _(
                "Cơ quan %(name)s không hoạt động vào ngày %(day)s.",
                name=agency.name,
                day=_day(planned_from),
            )
        )
    existing = _inspection_of(plan, agency)
    if existing is not None:
        if existing.status is InspectionStatus.CANCELLED:
            raise PlanError(
                _(
                    "Cơ quan %(name)s đã có trong kế hoạch năm %(year)d (cuộc kiểm tra đã hủy).",
                    name=agency.name,
                    year=plan.year,
                )
            )
        raise PlanError(
            _(
                "Cơ quan %(name)s đã có trong kế hoạch năm %(year)d.",
                name=agency.name,
                year=plan.year,
            )
        )


def _snapshot(inspection: Inspection) -> dict:
    data = audit.snapshot(inspection, INSPECTION_FIELDS)
    data["members"] = sorted(m.id for m in inspection.members)
    return data


def default_template() -> ChecklistTemplate | None:
    """The newest checklist template, pinned on new inspections."""
    return db.session.scalar(select(ChecklistTemplate).order_by(ChecklistTemplate.id.desc()))


def add_inspection(
    plan: InspectionPlan,
    agency: Agency,
    mode: InspectionMode,
    planned_from: date | None = None,
    planned_to: date | None = None,
    lead: User | None = None,
    members: Iterable[User] | None = (),
    external_members: str | None = "",
    dossier_due: date | None = None,
    decision: Decision | None = None,
    by=None,
    template: ChecklistTemplate | None = None,
) -> Inspection:
    """Put `agency` into the plan; an approved plan needs an amending decision."""
    _check_not_closed(plan)
    if plan.status is PlanStatus.APPROVED:
        check_amending_decision(plan, decision)
    else:
        decision = None
    mode = InspectionMode(mode)
    planned_from, planned_to = _check_window(plan, planned_from, planned_to)
    _check_agency(plan, agency, planned_from)
    team = _team(lead, members)
    _check_dossier_due(plan, mode, dossier_due)
    inspection = Inspection(
        plan=plan,
        agency=agency,
        mode=mode,
        status=InspectionStatus.PLANNED,
        planned_from=planned_from,
        planned_to=planned_to,
        lead=lead,
        external_members=_external(external_members),
        dossier_due=dossier_due,
        template=template or default_template(),
        added_by_decision=decision,
    )
    inspection.members = team
    db.session.add(inspection)
    db.session.flush()
    audit.record("create", inspection, after=_snapshot(inspection), user=_user(by))
    if decision is not None:
        line = _("Bổ sung: %(name)s (%(mode)s)", name=agency.name, mode=mode.label)
        _note_change(plan, decision, line, by)
    return inspection


def update_inspection(
    inspection: Inspection,
    *,
    mode: InspectionMode | None = None,
    planned_from: date | None = None,
    planned_to: date | None = None,
    lead: User | None = None,
    members: Iterable[User] | None = (),
    external_members: str | None = "",
    dossier_due: date | None = None,
    decision: Decision | None = None,
    by=None,
) -> bool:
    """Change an inspection of the plan: freely in a draft, team and window by amendment."""
    plan = inspection.plan
    _check_not_closed(plan)
    mode = InspectionMode(mode) if mode is not None else inspection.mode
    if plan.status is PlanStatus.APPROVED:
        check_amending_decision(plan, decision)
        if inspection.status in LOCKED_STATUSES:
            raise PlanError(
                _(
                    "Cuộc kiểm tra %(name)s đã %(status)s; không thể điều chỉnh.",
                    name=inspection.agency.name,
                    status=inspection.status.label.lower(),
                )
            )
        if mode is not inspection.mode:
            raise PlanError(
                _(
                    "Không thể đổi hình thức kiểm tra của kế hoạch đã phê duyệt; hãy hủy cuộc "
                    "kiểm tra và bổ sung cuộc kiểm tra mới theo quyết định điều chỉnh."
                )
            )
    else:
        decision = None
    planned_from, planned_to = _check_window(plan, planned_from, planned_to)
    if planned_from is not None and not inspection.agency.is_active_on(planned_from):
        raise PlanError(
            _(
                "Cơ quan %(name)s không hoạt động vào ngày %(day)s.",
                name=inspection.agency.name,
                day=_day(planned_from),
            )
        )
    team = _team(lead, members)
    _check_dossier_due(plan, mode, dossier_due)
    before = _snapshot(inspection)
    inspection.mode = mode
    inspection.planned_from, inspection.planned_to = planned_from, planned_to
    inspection.lead = lead
    inspection.members = team
    inspection.external_members = _external(external_members)
    inspection.dossier_due = dossier_due
    db.session.flush()
    old, new = audit.changes(before, _snapshot(inspection))
    if not new:
        return False
    inspection.rev += 1
    db.session.flush()
    audit.record("update", inspection, before=old, after=new, user=_user(by))
    if decision is not None:
        line = _("Điều chỉnh: %(name)s", name=inspection.agency.name)
        if "planned_from" in new or "planned_to" in new:
            line += _(" — thời gian %(a)s–%(b)s", a=_day(planned_from), b=_day(planned_to))
        if {"lead_id", "members", "external_members"} & set(new):
            line += _(" — đoàn kiểm tra")
        _note_change(plan, decision, line, by)
    return True


def remove_inspection(
    inspection: Inspection,
    *,
    decision: Decision | None = None,
    reason: str | None = None,
    by=None,
) -> str:
    """Delete it from a draft; cancel it under an amending decision once approved.

    Returns "deleted" or "cancelled".
    """
    from inspect_app.services.inspection_workflow import transition

    plan = inspection.plan
    _check_not_closed(plan)
    if plan.status is PlanStatus.DRAFT:
        before = _snapshot(inspection)
        inspection_id = inspection.id
        db.session.delete(inspection)
        db.session.flush()
        db.session.expire(plan, ["inspections"])
        audit.record(
            "delete",
            object_type="inspections",
            object_id=inspection_id,
            before=before,
            user=_user(by),
        )
        return "deleted"
    check_amending_decision(plan, decision)
    reason = " ".join((reason or "").split()) or _(
        "Hủy theo quyết định số %(number)s", number=decision.number
    )
    user = _user(by)
    transition(
        inspection,
        InspectionStatus.CANCELLED,
        user,
        reason=reason,
        check_actor=user is not None,
    )
    inspection.cancelled_by_decision = decision
    db.session.flush()
    line = _("Hủy: %(name)s (%(reason)s)", name=inspection.agency.name, reason=reason)
    _note_change(plan, decision, line, by)
    return "cancelled"


# -- bulk add ---------------------------------------------------------------------------------


def bulk_candidates(
    plan: InspectionPlan,
    filter_name: str,
    *,
    years: int = 2,
    level: AgencyLevel | None = None,
) -> Select:
    """Active agencies matching the filter, not yet in the plan."""
    in_plan = select(Inspection.agency_id).where(Inspection.plan_id == plan.id)
    query = select(Agency).where(_active_in_year_sql(plan.year), Agency.id.not_in(in_plan))
    if filter_name == "not_inspected":
        if years < 1:
            raise PlanError(_("Số năm phải ít nhất là 1."))
        inspected = exists(
            select(Inspection.id)
            .join(InspectionPlan, Inspection.plan_id == InspectionPlan.id)
            .where(
                Inspection.agency_id == Agency.id,
                InspectionPlan.year.between(plan.year - years, plan.year - 1),
                Inspection.status.in_(DONE_STATUSES),
            )
        )
        query = query.where(~inspected, Agency.level == (level or AgencyLevel.COMMUNE))
    elif filter_name == "open_findings":
        open_findings = exists(
            select(Finding.id)
            .join(Inspection, Finding.inspection_id == Inspection.id)
            .where(Inspection.agency_id == Agency.id, Finding.status.in_(OPEN_FINDING_STATUSES))
        )
        query = query.where(open_findings)
        if level is not None:
            query = query.where(Agency.level == level)
    elif filter_name == "level":
        if level is None:
            raise PlanError(_("Cần chọn cấp cơ quan."))
        query = query.where(Agency.level == level)
    else:
        raise PlanError(_("Bộ lọc không hợp lệ."))
    return query.order_by(Agency.name_key, Agency.id)


def bulk_add(
    plan: InspectionPlan,
    filter_name: str,
    mode: InspectionMode,
    *,
    years: int = 2,
    level: AgencyLevel | None = None,
    planned_from: date | None = None,
    planned_to: date | None = None,
    lead: User | None = None,
    members: Iterable[User] | None = (),
    dossier_due: date | None = None,
    decision: Decision | None = None,
    by=None,
) -> int:
    """Add every agency the filter selects (skipping those already in); returns how many."""
    _check_not_closed(plan)
    if plan.status is PlanStatus.APPROVED:
        check_amending_decision(plan, decision)
    query = bulk_candidates(plan, filter_name, years=years, level=level)
    if planned_from is not None:
        query = query.where(or_(Agency.active_to.is_(None), Agency.active_to >= planned_from))
        query = query.where(or_(Agency.active_from.is_(None), Agency.active_from <= planned_from))
    agencies = db.session.scalars(query).all()
    template = default_template()
    for agency in agencies:
        add_inspection(
            plan,
            agency,
            mode,
            planned_from,
            planned_to,
            lead,
            members,
            "",
            dossier_due,
            decision,
            by,
            template=template,
        )
    return len(agencies)


# -- reading ----------------------------------------------------------------------------------


def plan_query(year: int | None = None) -> Select:
    query = select(InspectionPlan)
    if year is not None:
        query = query.where(InspectionPlan.year == year)
    return query.order_by(InspectionPlan.year.desc(), InspectionPlan.id.desc())


def plan_years() -> list[int]:
    return list(
        db.session.scalars(
            select(InspectionPlan.year).distinct().order_by(InspectionPlan.year.desc())
        )
    )


@dataclass(frozen=True)
class PlanCounts:
    total: int
    on_site: int
    dossier: int
    cancelled: int


def plan_counts(plan: InspectionPlan) -> PlanCounts:
    """How many inspections (not cancelled), by mode, and how many were cancelled."""
    rows = db.session.execute(
        select(Inspection.mode, Inspection.status, func.count())
        .where(Inspection.plan_id == plan.id)
        .group_by(Inspection.mode, Inspection.status)
    ).all()
    on_site = dossier = cancelled = 0
    for mode, status, n in rows:
        if status is InspectionStatus.CANCELLED:
            cancelled += n
        elif mode is InspectionMode.ON_SITE:
            on_site += n
        else:
            dossier += n
    return PlanCounts(on_site + dossier, on_site, dossier, cancelled)


def decision_choices(plan: InspectionPlan, kind: DecisionKind) -> list[Decision]:
    """Decisions of `kind` that could serve this plan (approval: not used by another plan)."""
    query = select(Decision).where(
        Decision.kind == kind, Decision.year.between(plan.year - 1, plan.year + 1)
    )
    if kind is DecisionKind.PLAN_APPROVAL:
        used = select(InspectionPlan.decision_id).where(InspectionPlan.decision_id.is_not(None))
        query = query.where(Decision.id.not_in(used))
    return list(db.session.scalars(query.order_by(Decision.signed_on.desc(), Decision.id.desc())))


def active_inspectors() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.INSPECTOR, User.active.is_(True))
            .order_by(User.full_name, User.username)
        )
    )


def allowed_actions(user, plan: InspectionPlan) -> dict[str, bool]:
    """Which plan buttons `user` gets (admins write; others read)."""
    admin = bool(getattr(user, "is_authenticated", False) and user.is_admin)
    draft = plan.status is PlanStatus.DRAFT
    approved = plan.status is PlanStatus.APPROVED
    return {
        "edit": admin and draft,
        "approve": admin and draft,
        "amend": admin and approved,
        "change": admin and (draft or (approved and bool(plan.amendments))),
        "close": admin and approved,
        "import": admin,
    }


def agency_options(
    plan: InspectionPlan, text: str | None = None, level: str | None = None, limit: int = 50
) -> list[Agency]:
    """Agencies to offer in the add form: matching the search, active that year, not yet in."""
    from inspect_app.services.agencies import agency_query

    in_plan = select(Inspection.agency_id).where(Inspection.plan_id == plan.id)
    query = (
        agency_query(text, level=AgencyLevel(level) if level else None)
        .where(_active_in_year_sql(plan.year), Agency.id.not_in(in_plan))
        .limit(limit)
    )
    return list(db.session.scalars(query))
