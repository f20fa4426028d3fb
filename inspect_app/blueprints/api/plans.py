"""GET /api/v1/plans (CONTRACTS 5.4)."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.extensions import db
from inspect_app.models import Inspection, InspectionPlan
from inspect_app.permissions import plan_inspections_for, visible_plans
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


@bp.get("/plans")
@api_login_required
def list_plans():
    text = (request.args.get("year") or "").strip()
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        abort(400, description="Query parameter 'year' is required and must be a year, e.g. 2026.")
    query = plan_query(int(text)).options(
        selectinload(InspectionPlan.decision),
        selectinload(InspectionPlan.inspections).selectinload(Inspection.agency),
    )
    plans = db.session.scalars(visible_plans(current_user, query)).all()
    return jsonify(
        plans=[plan_summary(plan, plan_inspections_for(current_user, plan)) for plan in plans]
    )
