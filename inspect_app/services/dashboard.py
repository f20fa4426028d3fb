"""Counts for each role's landing page, computed in the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AnnouncementStatus,
    ConformityAnnouncement,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    TrainingCourse,
)
from inspect_app.permissions import visible_inspections
from inspect_app.services import notifications, tallies

OPEN_FINDING_STATUSES = (FindingStatus.OPEN, FindingStatus.REOPENED, FindingStatus.RESPONDED)
DONE_STATUSES = (InspectionStatus.CONDUCTED, InspectionStatus.CONCLUDED)


def _status_counts(query) -> dict[str, int]:
    sub = query.subquery()
    rows = db.session.execute(select(sub.c.status, func.count()).group_by(sub.c.status)).all()
    return {status.value if hasattr(status, "value") else status: n for status, n in rows}


def admin_overview(year: int) -> dict:
    active_agencies = db.session.execute(
        select(Agency.level, func.count()).where(Agency.active_to.is_(None)).group_by(Agency.level)
    ).all()
    plans = db.session.scalars(
        select(InspectionPlan).where(InspectionPlan.year == year).order_by(InspectionPlan.id)
    ).all()
    this_year = select(Inspection).join(Inspection.plan).where(InspectionPlan.year == year)
    return {
        "year": year,
        "agencies_by_level": {level.value: n for level, n in active_agencies},
        "agencies_total": sum(n for _, n in active_agencies),
        "plans": plans,
        "status_counts": _status_counts(this_year),
        "inspections_total": db.session.scalar(
            select(func.count()).select_from(this_year.subquery())
        ),
        "announcements_waiting": db.session.scalar(
            select(func.count())
            .select_from(ConformityAnnouncement)
            .where(ConformityAnnouncement.status == AnnouncementStatus.SUBMITTED)
        ),
        "open_findings": db.session.scalar(
            select(func.count())
            .select_from(Finding)
            .where(Finding.status.in_(OPEN_FINDING_STATUSES))
        ),
        "courses_this_year": db.session.scalar(
            select(func.count())
            .select_from(TrainingCourse)
            .where(
                TrainingCourse.start_on >= date(year, 1, 1),
                TrainingCourse.start_on <= date(year, 12, 31),
            )
        ),
    }


def inspector_overview(user, today: date) -> dict:
    mine = visible_inspections(user)
    active = db.session.scalars(
        mine.where(
            Inspection.status.not_in((InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED))
        ).order_by(Inspection.planned_from.is_(None), Inspection.planned_from, Inspection.id)
    ).all()
    return {
        "active": active,
        "status_counts": _status_counts(mine),
        "leading": sum(1 for insp in active if insp.lead_id == user.id),
        "today": today,
    }


def agency_overview(user, today: date | None = None) -> dict:
    """The agency's home: its inspections, dossier requests, open findings, announcements."""
    today = today or clock.today()
    inspections = db.session.scalars(
        visible_inspections(user).order_by(InspectionPlan.year.desc(), Inspection.id.desc())
    ).all()
    visible_ids = visible_inspections(user).with_only_columns(Inspection.id)
    open_findings = db.session.scalars(
        select(Finding)
        .where(Finding.inspection_id.in_(visible_ids), Finding.status.in_(OPEN_FINDING_STATUSES))
        .order_by(Finding.due_on.is_(None), Finding.due_on, Finding.id)
    ).all()
    announcements = db.session.scalars(
        select(ConformityAnnouncement)
        .where(ConformityAnnouncement.agency_id == user.agency_id)
        .order_by(ConformityAnnouncement.announced_on.desc(), ConformityAnnouncement.id.desc())
    ).all()
    finished = (InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED)
    return {
        "agency": user.agency,
        "today": today,
        "inspections": inspections,
        "current_inspections": [i for i in inspections if i.status not in finished],
        "past_inspections": [i for i in inspections if i.status in finished],
        "dossier_requests": [
            i
            for i in inspections
            if i.mode is InspectionMode.DOSSIER and i.dossier_requested_at is not None
        ],
        "open_findings": open_findings,
        "overdue_findings": sum(
            1 for f in open_findings if f.due_on is not None and f.due_on < today
        ),
        "announcements": announcements,
        "notifications": notifications.recent(user),
        "unread_notifications": notifications.unread_count(user),
    }


def yearly_counts(first: int, last: int) -> list[dict]:
    """Inspected agencies per plan year, on-site and dossier (conducted or concluded)."""
    return tallies.yearly_counts(first, last)


def conformity_coverage() -> dict[str, dict[str, int]]:
    """Active agencies per level, and how many have an acknowledged announcement."""
    return tallies.current_coverage()
