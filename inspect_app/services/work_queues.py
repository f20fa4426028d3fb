"""Work queues (DESIGN 5.10): what waits for each role, overdue first, every row a link.

A queue is a named query over what the user may see. The home page shows each queue's count
(a link to the filtered list: the findings register, the inspection list, or the queue's own
page `/queues/<key>`) and its first rows; `/queues/<key>` pages the whole queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import selectinload

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AnnouncementStatus,
    AnswerConflict,
    ConformityAnnouncement,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    IsoOfficer,
    MailStatus,
    OutboundEmail,
    PlanStatus,
    Role,
)
from inspect_app.permissions import visible_inspections
from inspect_app.services import mail, reminder_targets
from inspect_app.services.findings_register import sees_everything
from inspect_app.services.reminder_targets import overdue_condition

#: rows of each queue shown on the home page; the rest is one click away.
HOME_ROWS = 5
FINISHED = (InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED)
OVERSIGHT = (Role.ADMIN, Role.VIEWER)


@dataclass
class QueueRow:
    text: str
    url: str
    due: date | None = None
    overdue: bool = False
    detail: str = ""


@dataclass(frozen=True)
class QueueDef:
    key: str
    label: object
    roles: tuple[Role, ...]
    #: (user, today) → a SELECT ordered overdue first, or a list for small computed queues.
    source: Callable
    row: Callable[[object, date], QueueRow]
    #: (user) → the filtered list the count links to; None: the queue's own page.
    link: Callable | None = None
    #: (today) → SQL condition of the overdue rows, for the red count.
    overdue: Callable | None = None


@dataclass
class Queue:
    definition: QueueDef
    count: int
    overdue: int
    rows: list[QueueRow]
    url: str

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def label(self) -> str:
        return str(self.definition.label)


# --- sources ---------------------------------------------------------------------------------


def _visible_ids(user):
    return visible_inspections(user).with_only_columns(Inspection.id)


def _findings(user) -> Select:
    query = (
        select(Finding)
        .join(Finding.inspection)
        .options(selectinload(Finding.inspection).selectinload(Inspection.agency))
    )
    if sees_everything(user):
        return query
    return query.where(Finding.inspection_id.in_(_visible_ids(user)))


def responses_to_verify(user, today: date) -> Select:
    return (
        _findings(user)
        .where(Finding.status == FindingStatus.RESPONDED)
        .order_by(Finding.responded_at, Finding.id)
    )


def overdue_actions(user, today: date) -> Select:
    return _findings(user).where(overdue_condition(today)).order_by(Finding.due_on, Finding.id)


def agency_open_findings(user, today: date) -> Select:
    return (
        _findings(user)
        .where(Finding.status.in_(reminder_targets.AWAITING_ACTION))
        .order_by(Finding.due_on.is_(None), Finding.due_on, Finding.id)
    )


def announcements_to_acknowledge(user, today: date) -> Select:
    return (
        select(ConformityAnnouncement)
        .options(selectinload(ConformityAnnouncement.agency))
        .where(ConformityAnnouncement.status == AnnouncementStatus.SUBMITTED)
        .order_by(ConformityAnnouncement.submitted_at, ConformityAnnouncement.id)
    )


def returned_announcements(user, today: date) -> Select:
    later = ConformityAnnouncement.__table__.alias("later")
    return (
        select(ConformityAnnouncement)
        .where(
            ConformityAnnouncement.agency_id == user.agency_id,
            ConformityAnnouncement.status == AnnouncementStatus.RETURNED,
            # Once a new announcement replaces the returned one, nothing is left to do.
            ~exists().where(later.c.supersedes_id == ConformityAnnouncement.id),
        )
        .order_by(ConformityAnnouncement.id.desc())
    )


def _inspections(user) -> Select:
    return visible_inspections(user).options(
        selectinload(Inspection.agency), selectinload(Inspection.plan)
    )


def dossiers_received(user, today: date) -> Select:
    return (
        _inspections(user)
        .where(Inspection.status == InspectionStatus.DOSSIER_RECEIVED)
        .order_by(Inspection.dossier_received_at, Inspection.id)
    )


def dossiers_requested(user, today: date) -> Select:
    return (
        _inspections(user)
        .where(Inspection.status == InspectionStatus.DOSSIER_REQUESTED)
        .order_by(Inspection.dossier_due.is_(None), Inspection.dossier_due, Inspection.id)
    )


def plans_without_decision(user, today: date) -> Select:
    return (
        select(InspectionPlan)
        .where(InspectionPlan.status == PlanStatus.DRAFT)
        .order_by(InspectionPlan.year, InspectionPlan.id)
    )


def _open_conflict():
    return exists().where(
        AnswerConflict.inspection_id == Inspection.id, AnswerConflict.resolved_at.is_(None)
    )


def conflicts_waiting(user, today: date) -> Select:
    return _inspections(user).where(_open_conflict()).order_by(Inspection.id)


def conflicts_to_resolve(user, today: date) -> Select:
    return conflicts_waiting(user, today).where(Inspection.lead_id == user.id)


def _window(user, first: date, last: date) -> Select:
    return (
        _inspections(user)
        .where(
            Inspection.status.not_in(FINISHED),
            Inspection.planned_from.is_not(None),
            Inspection.planned_from <= last,
            func.coalesce(Inspection.planned_to, Inspection.planned_from) >= first,
        )
        .order_by(Inspection.planned_from, Inspection.id)
    )


def week_bounds(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def month_bounds(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def inspections_this_week(user, today: date) -> Select:
    return _window(user, *week_bounds(today))


def inspections_this_month(user, today: date) -> Select:
    return _window(user, *month_bounds(today))


def failed_mail(user, today: date) -> Select:
    return (
        select(OutboundEmail)
        .where(OutboundEmail.status == MailStatus.FAILED)
        .order_by(OutboundEmail.created_at.desc())
    )


def bad_officer_addresses(user, today: date) -> list[IsoOfficer]:
    """Current ISO officers whose e-mail address reminders cannot use."""
    officers = db.session.scalars(
        select(IsoOfficer)
        .join(IsoOfficer.agency)
        .options(selectinload(IsoOfficer.agency))
        .where(
            IsoOfficer.until.is_(None),
            IsoOfficer.email.is_not(None),
            IsoOfficer.email != "",
            Agency.active_to.is_(None),
        )
        .order_by(Agency.name, IsoOfficer.id)
    )
    return [officer for officer in officers if not mail.is_valid_address(officer.email)]


# --- rows ------------------------------------------------------------------------------------


def _finding_row(finding: Finding, today: date) -> QueueRow:
    overdue = (
        finding.due_on is not None
        and finding.status is not FindingStatus.CLOSED
        and finding.due_on < today
    )
    return QueueRow(
        text=_(
            "%(agency)s: phát hiện #%(id)s (%(severity)s)",
            agency=finding.inspection.agency.name,
            id=finding.id,
            severity=finding.severity.label,
        ),
        url=f"/findings/{finding.id}",
        due=finding.due_on,
        overdue=overdue,
        detail=finding.requirement or "",
    )


def _portal_finding_row(finding: Finding, today: date) -> QueueRow:
    row = _finding_row(finding, today)
    row.url = f"/portal/findings/{finding.id}"
    row.text = _("Phát hiện #%(id)s (%(severity)s)", id=finding.id, severity=finding.severity.label)
    return row


def _inspection_row(inspection: Inspection, today: date) -> QueueRow:
    window = ""
    if inspection.planned_from:
        window = inspection.planned_from.strftime("%d/%m/%Y")
        if inspection.planned_to and inspection.planned_to != inspection.planned_from:
            window += " – " + inspection.planned_to.strftime("%d/%m/%Y")
    return QueueRow(
        text=f"{inspection.agency.name} ({inspection.mode.label})",
        url=f"/inspections/{inspection.id}",
        # The planned window is not a deadline: shown as detail, never as "hạn".
        detail=window,
    )


def _dossier_received_row(inspection: Inspection, today: date) -> QueueRow:
    row = _inspection_row(inspection, today)
    row.due = None
    row.detail = _("Kế hoạch năm %(year)s", year=inspection.plan.year)
    return row


def _dossier_requested_row(inspection: Inspection, today: date) -> QueueRow:
    due = inspection.dossier_due
    return QueueRow(
        text=_("Hồ sơ kiểm tra năm %(year)s", year=inspection.plan.year),
        url=f"/portal/dossiers/{inspection.id}",
        due=due,
        overdue=due is not None and due < today,
    )


def _conflict_row(inspection: Inspection, today: date) -> QueueRow:
    n = db.session.scalar(
        select(func.count())
        .select_from(AnswerConflict)
        .where(AnswerConflict.inspection_id == inspection.id, AnswerConflict.resolved_at.is_(None))
    )
    row = _inspection_row(inspection, today)
    row.due, row.detail = None, _("%(n)s xung đột chờ trưởng đoàn", n=n)
    return row


def _announcement_row(announcement: ConformityAnnouncement, today: date) -> QueueRow:
    return QueueRow(
        text=_(
            "%(agency)s: công bố số %(number)s",
            agency=announcement.agency.name,
            number=announcement.number,
        ),
        url=f"/conformity/announcements/{announcement.id}",
        detail=announcement.announced_on.strftime("%d/%m/%Y") if announcement.announced_on else "",
    )


def _returned_row(announcement: ConformityAnnouncement, today: date) -> QueueRow:
    return QueueRow(
        text=_("Công bố số %(number)s", number=announcement.number),
        url=f"/portal/announcements/{announcement.id}",
        detail=announcement.return_reason or "",
    )


def _plan_row(plan: InspectionPlan, today: date) -> QueueRow:
    return QueueRow(text=plan.title, url=f"/plans/{plan.id}", detail=str(plan.year))


def _mail_row(message: OutboundEmail, today: date) -> QueueRow:
    return QueueRow(
        text=f"{message.to_address}: {message.subject}",
        url="/admin/mail",
        detail=(message.last_error or "")[:120],
    )


def _officer_row(officer: IsoOfficer, today: date) -> QueueRow:
    return QueueRow(
        text=_("%(agency)s: %(name)s", agency=officer.agency.name, name=officer.name),
        url=f"/agencies/{officer.agency_id}",
        detail=officer.email or "",
    )


# --- the queues of each role -----------------------------------------------------------------

STAFF = (Role.ADMIN, Role.VIEWER, Role.INSPECTOR)

QUEUES = (
    QueueDef(
        "overdue_actions",
        _l("Hành động khắc phục quá hạn"),
        STAFF,
        overdue_actions,
        _finding_row,
        link=lambda user: "/findings?overdue=1",
        overdue=overdue_condition,
    ),
    QueueDef(
        "responses_to_verify",
        _l("Phản hồi chờ xác minh"),
        STAFF,
        responses_to_verify,
        _finding_row,
        link=lambda user: "/findings?status=responded",
    ),
    QueueDef(
        "inspections_this_week",
        _l("Cuộc kiểm tra của tôi trong tuần này"),
        (Role.INSPECTOR,),
        inspections_this_week,
        _inspection_row,
    ),
    QueueDef(
        "inspections_this_month",
        _l("Cuộc kiểm tra của tôi trong tháng này"),
        (Role.INSPECTOR,),
        inspections_this_month,
        _inspection_row,
    ),
    QueueDef(
        "dossiers_received",
        _l("Hồ sơ đã nhận, chờ xem xét"),
        STAFF,
        dossiers_received,
        _dossier_received_row,
        link=lambda user: "/inspections?status=dossier_received",
    ),
    QueueDef(
        "conflicts_to_resolve",
        _l("Xung đột tôi cần giải quyết (trưởng đoàn)"),
        (Role.INSPECTOR,),
        conflicts_to_resolve,
        _conflict_row,
    ),
    QueueDef(
        "conflicts_waiting",
        _l("Xung đột chờ trưởng đoàn"),
        OVERSIGHT,
        conflicts_waiting,
        _conflict_row,
    ),
    QueueDef(
        "announcements_to_acknowledge",
        _l("Công bố HTQLCL chờ tiếp nhận"),
        OVERSIGHT,
        announcements_to_acknowledge,
        _announcement_row,
        link=lambda user: "/conformity/admin",
    ),
    QueueDef(
        "plans_without_decision",
        _l("Kế hoạch chưa có quyết định phê duyệt"),
        OVERSIGHT,
        plans_without_decision,
        _plan_row,
    ),
    QueueDef(
        "bad_officer_addresses",
        _l("Cán bộ ISO có địa chỉ thư không dùng được"),
        (Role.ADMIN,),
        bad_officer_addresses,
        _officer_row,
    ),
    QueueDef(
        "failed_mail",
        _l("Thư gửi lỗi"),
        (Role.ADMIN,),
        failed_mail,
        _mail_row,
        link=lambda user: "/admin/mail",
    ),
    QueueDef(
        "dossiers_requested",
        _l("Hồ sơ được yêu cầu nộp"),
        (Role.AGENCY,),
        dossiers_requested,
        _dossier_requested_row,
        overdue=lambda today: Inspection.dossier_due < today,
    ),
    QueueDef(
        "open_findings",
        _l("Phát hiện cần hành động khắc phục"),
        (Role.AGENCY,),
        agency_open_findings,
        _portal_finding_row,
        overdue=lambda today: Finding.due_on < today,
    ),
    QueueDef(
        "returned_announcements",
        _l("Công bố bị trả lại"),
        (Role.AGENCY,),
        returned_announcements,
        _returned_row,
        link=lambda user: "/portal/announcements",
    ),
)
BY_KEY = {definition.key: definition for definition in QUEUES}


def definitions_for(user) -> list[QueueDef]:
    return [d for d in QUEUES if user.is_authenticated and user.role in d.roles]


def definition(user, key: str) -> QueueDef | None:
    """The queue `key` when the user's role has it; None otherwise (answer 404)."""
    found = BY_KEY.get(key)
    return (
        found if found is not None and user.is_authenticated and user.role in found.roles else None
    )


def queue_url(definition: QueueDef, user) -> str:
    return definition.link(user) if definition.link else f"/queues/{definition.key}"


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def build(definition: QueueDef, user, today: date, rows: int = HOME_ROWS) -> Queue:
    """One queue's count, overdue count and first rows."""
    source = definition.source(user, today)
    if isinstance(source, list):
        items, count = source[:rows], len(source)
        overdue = 0
    else:
        count = _count(source)
        overdue = _count(source.where(definition.overdue(today))) if definition.overdue else 0
        items = list(db.session.scalars(source.limit(rows)).unique()) if count else []
    built_rows = [definition.row(item, today) for item in items]
    if definition.key == "overdue_actions":
        overdue = count
    return Queue(definition, count, overdue, built_rows, queue_url(definition, user))


def queues_for(user, today: date) -> list[Queue]:
    """The user's queues, those with overdue rows first, then those with work, then empty."""
    queues = [build(d, user, today) for d in definitions_for(user)]
    order = {id(q): i for i, q in enumerate(queues)}
    return sorted(queues, key=lambda q: (q.overdue == 0, q.count == 0, order[id(q)]))


def page(definition: QueueDef, user, today: date, number: int, per_page: int):
    """A page of the whole queue: (rows, total, pages)."""
    source = definition.source(user, today)
    if isinstance(source, list):
        total = len(source)
        items = source[(number - 1) * per_page : number * per_page]
    else:
        total = _count(source)
        items = list(
            db.session.scalars(source.offset((number - 1) * per_page).limit(per_page)).unique()
        )
    pages = max((total + per_page - 1) // per_page, 1)
    return [definition.row(item, today) for item in items], total, pages
