"""JSON API v1 (CONTRACTS 5.4): inspections and the offline answer sync."""

from flask import abort, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import contains_eager, selectinload

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.db_setup import serialized_writes
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Inspection
from inspect_app.permissions import is_lead, is_team_writer, visible_inspections
from inspect_app.services import sync
from inspect_app.services.pagination import CursorError, api_cursor, api_limit, keyset
from inspect_app.services.serializers import inspection_detail, inspection_summary
from inspect_app.web.loaders import load_inspection


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    db.session.rollback()
    return jsonify(error=error.message), error.status_code


@bp.get("/csrf")
@api_login_required
def csrf_token():
    """A fresh CSRF token for the offline sync to send before each replay, and whose session
    it is: a device sends only the changes of the user who made them."""
    return jsonify(
        csrf_token=generate_csrf(),
        user={"id": current_user.id, "username": current_user.username},
    )


@bp.get("/inspections")
@api_login_required
def list_inspections():
    query = visible_inspections(current_user).options(
        contains_eager(Inspection.plan),
        selectinload(Inspection.agency),
        selectinload(Inspection.lead),
    )
    limit, after = api_page_args()
    rows, cursor = keyset(query, Inspection.id, after, limit)
    next_url = None
    if cursor is not None:
        next_url = url_for("api.list_inspections", limit=limit, cursor=cursor)
    return jsonify(inspections=[inspection_summary(insp) for insp in rows], next=next_url)


def api_page_args() -> tuple[int, int]:
    """`limit` and `cursor` of an API list (DESIGN 5.9); 400 naming the bad one."""
    try:
        return api_limit(request.args.get("limit")), api_cursor(request.args.get("cursor"))
    except CursorError as exc:
        abort(400, description=str(exc))


@bp.get("/inspections/<int:inspection_id>")
@api_login_required
def get_inspection(inspection_id: int):
    inspection = load_inspection(inspection_id)
    body = inspection_detail(inspection)
    # Open conflicts: all for the lead and admins, otherwise the caller's own (so that a
    # member's device shows what waits for the lead, and clears it once resolved).
    everyone = is_lead(current_user, inspection) or current_user.is_admin
    body["conflicts"] = sync.conflicts_view(inspection, current_user, everyone=everyone)
    return jsonify(body)


@bp.post("/inspections/<int:inspection_id>/answers")
@api_login_required
def post_answers(inspection_id: int):
    inspection = load_inspection(inspection_id)
    if not is_team_writer(current_user, inspection):
        abort(403, description="Only the inspection team may record answers.")
    payload = request.get_json(silent=True)
    if payload is None:
        abort(400, description="Body must be JSON.")
    _check_sender(payload)
    codes = {item.code for item in inspection.template.items} if inspection.template else set()
    ops = sync.parse_batch(payload, codes)
    report = sync.parse_device_report(payload)
    with serialized_writes():
        outcome = sync.apply_batch(inspection, current_user, ops)
        if report:
            sync.report_device(inspection, current_user, *report)
        db.session.commit()
    return jsonify(results=outcome.results)


@bp.post("/inspections/<int:inspection_id>/device")
@api_login_required
def report_device(inspection_id: int):
    """A team member's browser says how many changes it still holds for this inspection."""
    inspection = load_inspection(inspection_id)
    if not is_team_writer(current_user, inspection):
        abort(403, description="Only the inspection team reports unsent changes.")
    payload = request.get_json(silent=True)
    if payload is None:
        abort(400, description="Body must be JSON.")
    _check_sender(payload)
    report = sync.parse_device_report(payload)
    if report is None:
        abort(422, description="device: expected a UUID4 string.")
    sync.report_device(inspection, current_user, *report)
    db.session.commit()
    return jsonify(device=report[0], pending=report[1])


def _check_sender(payload) -> None:
    """A body that names its user is refused whole under anyone else's session (409)."""
    sender = payload.get("user") if isinstance(payload, dict) else None
    if sender is not None and sender != current_user.username:
        abort(
            409,
            description="These changes belong to another user; they are sent only in that "
            "user's session.",
        )
