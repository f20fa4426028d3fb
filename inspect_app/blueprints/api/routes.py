"""JSON API v1 (DESIGN contract 5.4): inspections and the offline answer sync."""

from flask import abort, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import contains_eager, selectinload

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.db_setup import serialized_writes
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.loaders import load_inspection
from inspect_app.models import Inspection
from inspect_app.permissions import is_team_writer, visible_inspections
from inspect_app.services import sync
from inspect_app.services.serializers import inspection_detail, inspection_summary


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    db.session.rollback()
    return jsonify(error=error.message), error.status_code


@bp.get("/csrf")
@api_login_required
def csrf_token():
    """A fresh CSRF token for the offline sync to send before each replay."""
    return jsonify(csrf_token=generate_csrf())


@bp.get("/inspections")
@api_login_required
def list_inspections():
    query = visible_inspections(current_user).options(
        contains_eager(Inspection.plan),
        selectinload(Inspection.agency),
        selectinload(Inspection.lead),
    )
    rows = db.session.scalars(query.order_by(Inspection.id)).all()
    return jsonify(inspections=[inspection_summary(insp) for insp in rows])


@bp.get("/inspections/<int:inspection_id>")
@api_login_required
def get_inspection(inspection_id: int):
    inspection = load_inspection(inspection_id)
    return jsonify(inspection_detail(inspection))


@bp.post("/inspections/<int:inspection_id>/answers")
@api_login_required
def post_answers(inspection_id: int):
    inspection = load_inspection(inspection_id)
    if not is_team_writer(current_user, inspection):
        abort(403, description="Only the inspection team may record answers.")
    payload = request.get_json(silent=True)
    if payload is None:
        abort(400, description="Body must be JSON.")
    codes = {item.code for item in inspection.template.items} if inspection.template else set()
    ops = sync.parse_batch(payload, codes)
    with serialized_writes():
        outcome = sync.apply_batch(inspection, current_user, ops)
        db.session.commit()
    return jsonify(results=outcome.results)
