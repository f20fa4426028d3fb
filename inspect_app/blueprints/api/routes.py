"""JSON API v1 (DESIGN contract 5.4)."""

from flask import jsonify
from flask_login import current_user
from sqlalchemy.orm import contains_eager, selectinload

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.extensions import db
from inspect_app.models import Inspection
from inspect_app.permissions import visible_inspections
from inspect_app.services.serializers import inspection_summary


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
