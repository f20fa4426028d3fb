"""A plan's inspections as a filtered, paginated list (DESIGN 5.9)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    User,
)
from inspect_app.models.base import search_key


@dataclass(frozen=True, slots=True)
class InspectionFilters:
    status: InspectionStatus | None = None
    mode: InspectionMode | None = None
    level: AgencyLevel | None = None
    lead_id: int | None = None
    q: str = ""


def plan_inspections_query(plan: InspectionPlan, filters: InspectionFilters) -> Select:
    """The plan's inspections matching `filters`, in list order, with what a row shows."""
    query = (
        select(Inspection)
        .join(Inspection.agency)
        .where(Inspection.plan_id == plan.id)
        .options(
            selectinload(Inspection.agency),
            selectinload(Inspection.lead),
            selectinload(Inspection.members),
            selectinload(Inspection.added_by_decision),
            selectinload(Inspection.cancelled_by_decision),
        )
    )
    if filters.status is not None:
        query = query.where(Inspection.status == filters.status)
    if filters.mode is not None:
        query = query.where(Inspection.mode == filters.mode)
    if filters.level is not None:
        query = query.where(Agency.level == filters.level)
    if filters.lead_id is not None:
        query = query.where(Inspection.lead_id == filters.lead_id)
    key = search_key(filters.q)
    if key:
        like = f"%{key.replace('%', '').replace('_', '')}%"
        query = query.where((Agency.name_key.like(like)) | (Agency.code.ilike(like)))
    return query.order_by(Inspection.id)


def plan_leads(plan: InspectionPlan) -> list[User]:
    """The users leading at least one of the plan's inspections, by name."""
    leads = select(Inspection.lead_id).where(Inspection.plan_id == plan.id).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(leads)).order_by(User.full_name)))
