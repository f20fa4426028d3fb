"""GET /api/v1/conformity: the public register as open data, JSON or CSV (CONTRACTS 5.4)."""

from flask import Response, abort, jsonify, request, url_for

from inspect_app.blueprints.api import bp
from inspect_app.extensions import db
from inspect_app.models import AgencyLevel
from inspect_app.services import conformity
from inspect_app.services.pagination import CursorError, api_cursor, api_limit

FORMATS = ("json", "csv")


def _filters() -> conformity.RegisterFilters:
    """Optional filters, as on the register page; a bad value is a 400, not an empty list."""
    level = request.args.get("level", "").strip()
    status = request.args.get("status", "").strip()
    if level and level not in {member.value for member in AgencyLevel}:
        abort(400, description=f"Unknown level {level!r}.")
    if status and status not in conformity.REGISTER_STATUSES:
        abort(400, description=f"Unknown status {status!r}.")
    q = request.args.get("q", "").strip()
    if len(q) > 255:
        abort(400, description="q is too long (at most 255 characters).")
    return conformity.RegisterFilters(q=q, level=level, status=status)


@bp.get("/conformity")
def conformity_register():
    """Public: no login, no personal data (ISO officers' contacts are never included)."""
    fmt = request.args.get("format", "json").strip().lower() or "json"
    if fmt not in FORMATS:
        abort(400, description="format must be json or csv.")
    filters = _filters()
    if fmt == "csv":
        records = [conformity.register_record(row) for row in conformity.register_rows(filters)]
        return Response(
            conformity.register_csv(records),
            mimetype="text/csv",
            headers={
                "Content-Disposition": "attachment; filename=cong-bo-htqlcl.csv",
                "Cache-Control": "public, max-age=300",
            },
        )
    try:
        limit = api_limit(request.args.get("limit"))
        offset = api_cursor(request.args.get("cursor"))
    except CursorError as exc:
        abort(400, description=str(exc))
    # The register is ordered by level and name, so the cursor is the position reached.
    rows = list(
        db.session.execute(conformity.register_query(filters).offset(offset).limit(limit + 1))
    )
    next_url = None
    if len(rows) > limit:
        rows = rows[:limit]
        args = {key: value for key, value in request.args.items() if key not in ("cursor",)}
        next_url = url_for("api.conformity_register", **{**args, "cursor": offset + limit})
    response = jsonify(
        agencies=[conformity.register_record(row) for row in rows],
        coverage=conformity.coverage(),
        next=next_url,
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
