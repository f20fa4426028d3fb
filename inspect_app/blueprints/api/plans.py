"""GET /api/v1/plans (CONTRACTS 5.4)."""

from __future__ import annotations

from flask import abort, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.extensions import db
from inspect_app.models import Inspection, InspectionPlan, PlanStatus, Role
from inspect_app.permissions import visible_plans
from inspect_app.services.pagination import keyset
from inspect_app.services.plans import plan_query
from inspect_app.services.serializers import agency_ref


def plan_summary(plan: InspectionPlan, inspections: list[Inspection]) -> dict:
    decision = plan.decision
    return {
        "id": plan.id,
        "year": plan.year,
        "title": plan.title,
        "status": plan.status.value,
        "decision": None
        if decision is None
        else {
            "number": decision.number,
            "signed_on": decision.signed_on.isoformat(),
            "issuer": decision.issuer,
        },
        "inspections": [
            {
                "id": insp.id,
                "agency": agency_ref(insp.agency),
                "mode": insp.mode.value,
                "status": insp.status.value,
                "planned_from": insp.planned_from.isoformat() if insp.planned_from else None,
                "planned_to": insp.planned_to.isoformat() if insp.planned_to else None,
            }
            for insp in inspections
        ],
    }


#: inspections listed inside each plan of GET /api/v1/plans; `inspections_next` pages on.
PLAN_INSPECTIONS = 1000


def _plan_inspections(plan: InspectionPlan, after: int, limit: int):
    query = (
        select(Inspection)
        .where(Inspection.plan_id == plan.id)
        .options(selectinload(Inspection.agency))
    )
    if current_user.role is Role.AGENCY:
        query = query.where(Inspection.agency_id == current_user.agency_id)
    rows, cursor = keyset(query, Inspection.id, after, limit)
    next_url = None
    if cursor is not None:
        next_url = url_for("api.plan_inspections", plan_id=plan.id, limit=limit, cursor=cursor)
    return rows, next_url


@bp.get("/plans")
@api_login_required
def list_plans():
    text = (request.args.get("year") or "").strip()
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        abort(400, description="Query parameter 'year' is required and must be a year, e.g. 2026.")
    query = visible_plans(
        current_user, plan_query(int(text)).options(selectinload(InspectionPlan.decision))
    )
    body = []
    for plan in db.session.scalars(query).all():
        rows, next_url = _plan_inspections(plan, 0, PLAN_INSPECTIONS)
        body.append({**plan_summary(plan, rows), "inspections_next": next_url})
    return jsonify(plans=body)


@bp.get("/plans/<int:plan_id>/inspections")
@api_login_required
def plan_inspections(plan_id: int):
    """The rest of a plan's inspections, `limit` at a time (CONTRACTS 5.9)."""
    from inspect_app.blueprints.api.routes import api_page_args

    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None or (current_user.role is Role.AGENCY and plan.status is PlanStatus.DRAFT):
        abort(404, description="No such plan.")
    limit, after = api_page_args()
    rows, next_url = _plan_inspections(plan, after, limit)
    return jsonify(inspections=plan_summary(plan, rows)["inspections"], next=next_url)
