"""The inspection workflow: one transition function over one transition table.

planned ──────────────► in_progress ──► conducted ──► concluded
   │  (dossier mode)        ▲              ▲  │            │
   └► dossier_requested ► dossier_received  └──┘ (back)     └► conducted (admin reopens)
any state before concluded ──► cancelled (with a reason)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    AnswerConflict,
    Conclusion,
    DeviceReport,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Role,
)
from inspect_app.models.base import utcnow
from inspect_app.services import audit, notifications

S = InspectionStatus


class TransitionError(DomainError):
    """A move the workflow forbids, or one the user may not make."""


@dataclass(frozen=True)
class Transition:
    source: InspectionStatus
    target: InspectionStatus
    #: the button label on the inspection page.
    label: str
    #: who may make the move: "team" (members, lead, admins), "lead", "admin", "agency".
    actor: str
    mode: InspectionMode | None = None


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.PLANNED, S.IN_PROGRESS, _l("Bắt đầu kiểm tra"), "team", InspectionMode.ON_SITE),
    Transition(S.PLANNED, S.DOSSIER_REQUESTED, _l("Yêu cầu hồ sơ"), "team", InspectionMode.DOSSIER),
    Transition(S.DOSSIER_REQUESTED, S.DOSSIER_RECEIVED, _l("Xác nhận đã nhận hồ sơ"), "team"),
    Transition(S.DOSSIER_RECEIVED, S.IN_PROGRESS, _l("Bắt đầu xem xét hồ sơ"), "team"),
    Transition(S.IN_PROGRESS, S.CONDUCTED, _l("Hoàn thành kiểm tra"), "team"),
    Transition(S.CONDUCTED, S.IN_PROGRESS, _l("Tiếp tục kiểm tra"), "team"),
    Transition(S.CONDUCTED, S.CONCLUDED, _l("Kết luận"), "lead"),
    Transition(S.CONCLUDED, S.CONDUCTED, _l("Mở lại"), "admin"),
    *(
        Transition(source, S.CANCELLED, _l("Hủy cuộc kiểm tra"), "admin")
        for source in (S.PLANNED, S.DOSSIER_REQUESTED, S.DOSSIER_RECEIVED, S.IN_PROGRESS)
    ),
)
#: the agency's own move: submitting its dossier.
AGENCY_TRANSITIONS = {(S.DOSSIER_REQUESTED, S.DOSSIER_RECEIVED)}


def find_transition(inspection: Inspection, target: InspectionStatus) -> Transition | None:
    return next(
        (
            t
            for t in TRANSITIONS
            if t.source is inspection.status
            and t.target is target
            and (t.mode is None or t.mode is inspection.mode)
        ),
        None,
    )


def may_make(user, inspection: Inspection, transition: Transition) -> bool:
    """Whether `user` may make this move on this inspection."""
    if not user.is_authenticated:
        return False
    if user.role is Role.AGENCY:
        return (
            inspection.agency_id == user.agency_id
            and (transition.source, transition.target) in AGENCY_TRANSITIONS
        )
    if user.role is Role.ADMIN:
        return transition.actor != "lead" or inspection.lead_id == user.id
    if user.role is not Role.INSPECTOR:
        return False
    if transition.actor == "team":
        return user.id in inspection.team_user_ids()
    if transition.actor == "lead":
        return inspection.lead_id == user.id
    return False


def allowed_transitions(user, inspection: Inspection) -> list[Transition]:
    """The moves to offer `user` as buttons."""
    return [
        t
        for t in TRANSITIONS
        if find_transition(inspection, t.target) is t and may_make(user, inspection, t)
    ]


def unanswered_count(inspection: Inspection) -> int:
    """Checklist items of the pinned template without a result (N/A counts as answered)."""
    if inspection.template is None:
        return 0
    answered = db.session.scalar(
        select(func.count())
        .select_from(Answer)
        .where(Answer.inspection_id == inspection.id, Answer.result.is_not(None))
    )
    return len(inspection.template.items) - (answered or 0)


def open_conflicts(inspection: Inspection) -> list[AnswerConflict]:
    """Conflicts and late answers that wait for the lead, oldest first."""
    return list(
        db.session.scalars(
            select(AnswerConflict)
            .where(
                AnswerConflict.inspection_id == inspection.id,
                AnswerConflict.resolved_at.is_(None),
            )
            .order_by(AnswerConflict.id)
        )
    )


def unsent_reports(inspection: Inspection) -> list[DeviceReport]:
    """Devices of the team that last said they still hold changes for this inspection."""
    team = inspection.team_user_ids()
    return [
        report
        for report in db.session.scalars(
            select(DeviceReport)
            .where(DeviceReport.inspection_id == inspection.id, DeviceReport.pending > 0)
            .order_by(DeviceReport.reported_at)
        )
        if report.user_id in team or report.user.is_admin
    ]


def transition(
    inspection: Inspection,
    to: InspectionStatus,
    by,
    *,
    conducted_on: date | None = None,
    conclusion: Conclusion | None = None,
    summary: str | None = None,
    reason: str | None = None,
    dossier_request: str | None = None,
    dossier_due: date | None = None,
    confirm_unsent: bool = False,
    check_actor: bool = True,
) -> Inspection:
    """Move `inspection` to `to` on behalf of `by`, or raise TransitionError."""
    to = InspectionStatus(to)
    move = find_transition(inspection, to)
    if move is None:
        raise TransitionError(
            _(
                "Không thể chuyển cuộc kiểm tra từ trạng thái “%(a)s” sang “%(b)s”.",
                a=inspection.status.label,
                b=to.label,
            )
        )
    if check_actor and not may_make(by, inspection, move):
        raise TransitionError(_("Bạn không có quyền thực hiện bước “%(step)s”.", step=move.label))
    before = audit.snapshot(inspection, AUDITED_FIELDS)
    if to is S.CONCLUDED:
        _check_nothing_waits(inspection, confirm_unsent)
    _apply(inspection, to, conducted_on, conclusion, summary, reason, dossier_request, dossier_due)
    inspection.status = to
    inspection.rev += 1
    db.session.flush()
    after = audit.snapshot(inspection, AUDITED_FIELDS)
    audit.record(f"transition:{to.value}", inspection, before=before, after=after, user=by)
    if to is S.DOSSIER_REQUESTED:
        notifications.notify_dossier_requested(inspection)
    return inspection


AUDITED_FIELDS = [
    "status",
    "conducted_on",
    "conclusion",
    "conclusion_summary",
    "concluded_on",
    "cancel_reason",
    "dossier_request",
    "dossier_due",
]


def _required_text(value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TransitionError(message)
    return value


def _apply(inspection, to, conducted_on, conclusion, summary, reason, dossier_request, dossier_due):
    """Set the fields that the target state requires, validating them."""
    today = clock.today()
    if to is S.DOSSIER_REQUESTED:
        inspection.dossier_request = _required_text(
            dossier_request, _("Cần nêu các tài liệu yêu cầu cơ quan gửi.")
        )
        if dossier_due is None:
            raise TransitionError(_("Cần nhập hạn nộp hồ sơ."))
        inspection.dossier_due = dossier_due
        inspection.dossier_requested_at = utcnow()
    elif to is S.DOSSIER_RECEIVED:
        inspection.dossier_received_at = utcnow()
    elif to is S.CONDUCTED:
        day = conducted_on or inspection.conducted_on or today
        if day > today:
            raise TransitionError(_("Ngày kiểm tra không được ở tương lai."))
        inspection.conducted_on = day
        # Reopening a concluded inspection unlocks it; its conclusion is kept until re-concluded.
        inspection.concluded_on = None
    elif to is S.CONCLUDED:
        _check_conclusion(inspection, conducted_on, conclusion, summary)
        inspection.conducted_on = conducted_on or inspection.conducted_on
        inspection.conclusion = conclusion
        inspection.conclusion_summary = summary.strip()
        inspection.concluded_on = today
    elif to is S.CANCELLED:
        inspection.cancel_reason = _required_text(reason, _("Cần nêu lý do hủy cuộc kiểm tra."))


def _check_conclusion(inspection, conducted_on, conclusion, summary) -> None:
    if conclusion is None:
        raise TransitionError(_("Cần chọn kết luận."))
    if not (summary or "").strip():
        raise TransitionError(_("Cần nhập nội dung tóm tắt kết luận."))
    if (conducted_on or inspection.conducted_on) is None:
        raise TransitionError(_("Cần nhập ngày kiểm tra."))
    missing = unanswered_count(inspection)
    if missing:
        raise TransitionError(
            _(
                "Còn %(n)d nội dung chưa được đánh giá; hãy đánh giá tất cả (có thể chọn "
                "“Không áp dụng”) trước khi kết luận.",
                n=missing,
            )
        )


def _check_nothing_waits(inspection: Inspection, confirm_unsent: bool) -> None:
    """Concluding locks the answers: nothing may still wait for the lead, and changes that a
    team member's device still holds are only left behind knowingly."""
    conflicts = len(open_conflicts(inspection))
    if conflicts:
        raise TransitionError(
            _(
                "Còn %(n)d xung đột hoặc kết quả gửi muộn chưa xử lý; hãy xử lý trước khi kết "
                "luận.",
                n=conflicts,
            )
        )
    reports = unsent_reports(inspection)
    if reports and not confirm_unsent:
        people = ", ".join(
            _("%(name)s (%(n)d thay đổi)", name=report.user.full_name, n=report.pending)
            for report in reports
        )
        raise TransitionError(
            _(
                "Thiết bị của %(people)s báo còn thay đổi chưa gửi lên máy chủ. Hãy đợi đồng "
                "bộ, hoặc đánh dấu “Vẫn kết luận” nếu chấp nhận bỏ qua các thay đổi đó.",
                people=people,
            )
        )


def reopen(inspection: Inspection, by, reason: str) -> Inspection:
    """An admin reopens a concluded inspection; the reason is recorded in the audit log."""
    reason = _required_text(reason, _("Cần nêu lý do mở lại."))
    transition(inspection, S.CONDUCTED, by)
    audit.record("reopen", inspection, after={"reason": reason}, user=by)
    return inspection
