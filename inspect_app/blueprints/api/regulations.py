"""GET /api/v1/regulations/stale: stale ISO processes (contract 5.11), keyset-paginated (5.9)."""

from flask import abort, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.extensions import db
from inspect_app.models import Agency, Role
from inspect_app.services import regulations

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def _limit() -> int:
    raw = request.args.get("limit", "").strip()
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        abort(400, description=f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def _cursor() -> int | None:
    raw = request.args.get("cursor", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        abort(400, description="cursor is not one this API returned.")
    return int(raw)


def _agency_id() -> int | None:
    """The agency filter: staff choose any (or none); an agency user only sees its own."""
    code = request.args.get("agency", "").strip()
    agency = None
    if code:
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            abort(404, description=f"Unknown agency {code!r}.")
    if current_user.role is Role.AGENCY:
        if agency is not None and agency.id != current_user.agency_id:
            abort(404, description=f"Unknown agency {code!r}.")
        return current_user.agency_id
    return agency.id if agency is not None else None


@bp.get("/regulations/stale")
@api_login_required
def stale_processes():
    limit, cursor, agency_id = _limit(), _cursor(), _agency_id()
    rows = regulations.stale_processes(
        regulations.today(), agency_id=agency_id, after_id=cursor, limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    following = None
    if more:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        following = url_for(".stale_processes", **args, cursor=rows[-1].process.id)
    return jsonify(processes=[row.as_json() for row in rows], next=following)
