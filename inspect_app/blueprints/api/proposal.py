"""GET /api/v1/plans/proposal?year=Y (contract 5.12): the risk-based proposal, admin and viewer."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.extensions import db
from inspect_app.models import Role
from inspect_app.services import plan_proposal


@bp.get("/plans/proposal")
@api_login_required
def plan_proposal_json():
    if current_user.role not in (Role.ADMIN, Role.VIEWER):
        abort(403, description="Only department staff (admin, viewer) read the plan proposal.")
    year = (request.args.get("year") or "").strip()
    if not year:
        abort(400, description="Query parameter 'year' is required, e.g. ?year=2027.")
    try:
        proposal = plan_proposal.propose(year)
    except plan_proposal.ProposalError as exc:
        db.session.rollback()
        abort(400, description=f"year: {exc.message}")
    return jsonify(proposal.as_json())
