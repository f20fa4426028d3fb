"""Read models for the inspection pages: the filtered list, the years, the checklist rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    Answer,
    ChecklistItem,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
)
from inspect_app.models.base import search_key
from inspect_app.permissions import visible_inspections
from inspect_app.services.bounds import paginate


@dataclass
class ChecklistRow:
    item: ChecklistItem
    answer: Answer | None


@dataclass
class ChecklistGroup:
    code: str
    title: str
    title_en: str
    rows: list[ChecklistRow] = field(default_factory=list)


def checklist_rows(inspection: Inspection) -> list[ChecklistGroup]:
    """The pinned template's items in order, grouped, each with its current answer."""
    answers = {
        answer.item_id: answer
        for answer in db.session.scalars(
            select(Answer)
            .where(Answer.inspection_id == inspection.id)
            .options(selectinload(Answer.updated_by))
        )
    }
    groups: list[ChecklistGroup] = []
    for item in inspection.template.items:
        if not groups or groups[-1].code != item.group_code:
            groups.append(ChecklistGroup(item.group_code, item.group_title, item.group_title_en))
        groups[-1].rows.append(ChecklistRow(item, answers.get(item.id)))
    return groups


def inspection_years(user) -> list[int]:
    sub = visible_inspections(user).with_only_columns(InspectionPlan.year).distinct().subquery()
    return list(db.session.scalars(select(sub.c.year).order_by(sub.c.year.desc())))


def filtered_inspections(user, filters: dict, page: int):
    """The user's visible inspections, filtered by year, status, mode and agency name."""
    query = (
        visible_inspections(user)
        .join(Inspection.agency)
        .options(
            contains_eager(Inspection.plan),
            contains_eager(Inspection.agency),
            selectinload(Inspection.lead),
        )
    )
    if filters.get("year"):
        query = query.where(InspectionPlan.year == int(filters["year"]))
    if filters.get("status"):
        query = query.where(Inspection.status == InspectionStatus(filters["status"]))
    if filters.get("mode"):
        query = query.where(Inspection.mode == InspectionMode(filters["mode"]))
    text = search_key(filters.get("q"))
    if text:
        pattern = f"%{text}%"
        query = query.where(
            or_(Agency.name_key.like(pattern), func.lower(Agency.code).like(pattern))
        )
    query = query.order_by(InspectionPlan.year.desc(), Inspection.planned_from, Inspection.id)
    return paginate(query, page, current_app.config["PER_PAGE"])
