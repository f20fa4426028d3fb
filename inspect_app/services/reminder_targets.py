"""What still waits for an agency: dossier requests and findings awaiting their action.

Shared by the reminder run (what to remind of), the mail worker (a reminder whose object was
answered in the meantime is not sent) and the work queues.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, select

from inspect_app.extensions import db
from inspect_app.models import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
)

#: findings whose corrective action the agency still owes.
AWAITING_ACTION = (FindingStatus.OPEN, FindingStatus.REOPENED)
NOT_CLOSED = (FindingStatus.OPEN, FindingStatus.REOPENED, FindingStatus.RESPONDED)


def overdue_condition(today):
    """Not closed and past its due date (the same rule as `findings.is_overdue`)."""
    return and_(
        Finding.status.in_(NOT_CLOSED), Finding.due_on.is_not(None), Finding.due_on < today
    )


def dossiers_awaiting() -> Select:
    """Inspections whose dossier was requested, has a due date, and has not arrived."""
    return (
        select(Inspection)
        .join(Inspection.plan)
        .where(
            Inspection.mode == InspectionMode.DOSSIER,
            Inspection.status == InspectionStatus.DOSSIER_REQUESTED,
            Inspection.dossier_due.is_not(None),
            InspectionPlan.status != PlanStatus.DRAFT,
        )
    )


def findings_awaiting() -> Select:
    """Findings with a due date whose corrective action has not been sent yet."""
    return (
        select(Finding)
        .join(Finding.inspection)
        .join(Inspection.plan)
        .where(
            Finding.status.in_(AWAITING_ACTION),
            Finding.due_on.is_not(None),
            Inspection.status != InspectionStatus.CANCELLED,
            InspectionPlan.status != PlanStatus.DRAFT,
        )
    )


def is_obsolete(object_type: str | None, object_id: int | None, kind: str = "") -> bool:
    """Whether a queued reminder's object no longer waits (answered, cancelled, deleted)."""
    if object_type == "dossier":
        query = dossiers_awaiting().where(Inspection.id == object_id)
    elif object_type == "finding":
        query = findings_awaiting().where(Finding.id == object_id)
    else:
        return False
    return (
        db.session.scalar(
            query.with_only_columns(Inspection.id if object_type == "dossier" else Finding.id)
        )
        is None
    )
