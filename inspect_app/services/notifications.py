"""In-app notifications: tell an agency (or one user) that something needs its action.

A notification goes either to one user (`user_id`) or to every user of an agency
(`agency_id` without a user). Services call the `notify_*` helpers in the same unit of work
as the change they announce, so a rolled-back change leaves no notification behind.
Links are plain paths: services have no request to build URLs from.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select, update

from inspect_app.extensions import db
from inspect_app.models import (
    ConformityAnnouncement,
    Finding,
    Inspection,
    Notification,
    PlanStatus,
    Role,
    User,
)
from inspect_app.models.base import utcnow
from inspect_app.services import audit

#: how many notifications the agency home shows.
HOME_LIMIT = 20


# --- paths (the portal's url_prefix is /portal; CONTRACTS 5.7 fixes the staff pages) -----


def portal_dossier_path(inspection: Inspection) -> str:
    return f"/portal/dossiers/{inspection.id}"


def portal_finding_path(finding: Finding) -> str:
    return f"/portal/findings/{finding.id}"


def portal_announcement_path(announcement: ConformityAnnouncement) -> str:
    return f"/portal/announcements/{announcement.id}"


def inspection_path(inspection: Inspection) -> str:
    return f"/inspections/{inspection.id}"


def finding_path(finding: Finding) -> str:
    return f"/findings/{finding.id}"


def announcement_admin_path(announcement: ConformityAnnouncement) -> str:
    return f"/conformity/announcements/{announcement.id}"


# --- writing ----------------------------------------------------------------------------------


def notify(*, message: str, link: str = "", agency=None, user=None) -> Notification:
    """One notification for a user, or for every user of an agency; flushed, not committed."""
    if agency is None and user is None:
        raise ValueError("a notification needs a user or an agency")
    row = Notification(
        user_id=getattr(user, "id", None),
        agency_id=getattr(agency, "id", None) if user is None else None,
        message=message,
        link=link[:255],
    )
    db.session.add(row)
    db.session.flush()
    return row


def notify_team(inspection: Inspection, *, message: str, link: str) -> list[Notification]:
    """One notification per user of the inspection's team (lead and members)."""
    return [
        notify(user=db.session.get_one(User, user_id), message=message, link=link)
        for user_id in sorted(inspection.team_user_ids())
    ]


# --- the events other services announce ---------------------------------------------------


def _agency_sees(inspection: Inspection) -> bool:
    """Agencies see nothing of a draft plan, so they are not told about it either."""
    return inspection.plan.status is not PlanStatus.DRAFT


def notify_dossier_requested(inspection: Inspection) -> Notification | None:
    """The team asked the agency for its dossier (hook: inspection → dossier_requested)."""
    if not _agency_sees(inspection):
        return None
    due = inspection.dossier_due.strftime("%d/%m/%Y") if inspection.dossier_due else "–"
    return notify(
        agency=inspection.agency,
        message=_(
            "Đoàn kiểm tra yêu cầu nộp hồ sơ cho kế hoạch kiểm tra năm %(year)s; hạn nộp %(due)s.",
            year=inspection.plan.year,
            due=due,
        ),
        link=portal_dossier_path(inspection),
    )


def notify_dossier_submitted(inspection: Inspection) -> list[Notification]:
    """The agency submitted its dossier: tell the team."""
    return notify_team(
        inspection,
        message=_("%(agency)s đã nộp hồ sơ kiểm tra.", agency=inspection.agency.name),
        link=inspection_path(inspection),
    )


def notify_finding_raised(finding: Finding) -> Notification | None:
    """A finding needs a corrective action (hook: findings.create_finding)."""
    if not _agency_sees(finding.inspection):
        return None
    due = finding.due_on.strftime("%d/%m/%Y") if finding.due_on else "–"
    return notify(
        agency=finding.inspection.agency,
        message=_(
            "Đoàn kiểm tra ghi nhận phát hiện mới (%(severity)s); hạn khắc phục %(due)s.",
            severity=finding.severity.label,
            due=due,
        ),
        link=portal_finding_path(finding),
    )


def notify_finding_responded(finding: Finding) -> list[Notification]:
    """The agency answered a finding: tell the team, who verify it."""
    return notify_team(
        finding.inspection,
        message=_(
            "%(agency)s đã phản hồi hành động khắc phục cho phát hiện #%(id)s.",
            agency=finding.inspection.agency.name,
            id=finding.id,
        ),
        link=finding_path(finding),
    )


def notify_finding_closed(finding: Finding) -> Notification | None:
    """The team verified the correction (hook: findings.close_finding)."""
    if not _agency_sees(finding.inspection):
        return None
    return notify(
        agency=finding.inspection.agency,
        message=_("Đoàn kiểm tra đã xác minh và đóng phát hiện #%(id)s.", id=finding.id),
        link=portal_finding_path(finding),
    )


def notify_finding_reopened(finding: Finding) -> Notification | None:
    """The correction was not enough (hook: findings.reopen_finding)."""
    if not _agency_sees(finding.inspection):
        return None
    return notify(
        agency=finding.inspection.agency,
        message=_(
            "Đoàn kiểm tra đã mở lại phát hiện #%(id)s; cần bổ sung hành động khắc phục.",
            id=finding.id,
        ),
        link=portal_finding_path(finding),
    )


def notify_announcement_acknowledged(announcement: ConformityAnnouncement) -> Notification:
    return notify(
        agency=announcement.agency,
        message=_(
            "Sở KH&CN đã tiếp nhận công bố HTQLCL số %(number)s.", number=announcement.number
        ),
        link=portal_announcement_path(announcement),
    )


def notify_announcement_returned(announcement: ConformityAnnouncement) -> Notification:
    return notify(
        agency=announcement.agency,
        message=_(
            "Sở KH&CN đã trả lại công bố HTQLCL số %(number)s: %(reason)s",
            number=announcement.number,
            reason=announcement.return_reason,
        ),
        link=portal_announcement_path(announcement),
    )


# --- reading ----------------------------------------------------------------------------------


def _addressed_to(user):
    """The condition selecting what `user` receives: their own, and their agency's."""
    mine = Notification.user_id == user.id
    if user.role is Role.AGENCY and user.agency_id is not None:
        return or_(
            mine, and_(Notification.user_id.is_(None), Notification.agency_id == user.agency_id)
        )
    return mine


def for_user(user) -> Select:
    """What `user` receives: unread first, newest first."""
    return (
        select(Notification)
        .where(_addressed_to(user))
        .order_by(
            Notification.read_at.is_not(None),
            Notification.created_at.desc(),
            Notification.id.desc(),
        )
    )


def recent(user, limit: int = HOME_LIMIT) -> list[Notification]:
    return list(db.session.scalars(for_user(user).limit(limit)))


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(_addressed_to(user), Notification.read_at.is_(None))
    )


def get_for(user, notification_id: int) -> Notification | None:
    """The notification when it is addressed to `user`; None otherwise (answer 404)."""
    return db.session.scalar(
        select(Notification).where(Notification.id == notification_id, _addressed_to(user))
    )


def mark_read(notification: Notification, by) -> Notification:
    """Mark one notification read (again is harmless)."""
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
        audit.record("read", notification, user=by)
    return notification


def mark_all_read(user) -> int:
    """Mark everything `user` receives as read; returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(_addressed_to(user), Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    changed = result.rowcount or 0
    if changed:
        audit.record("read_all", object_type="notifications", after={"count": changed}, user=user)
    return changed
