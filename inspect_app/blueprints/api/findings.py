"""GET /api/v1/findings: the findings register the caller may see (contract 5.10, 5.9)."""

from __future__ import annotations

from flask import abort, jsonify, request, url_for
from flask_login import current_user

from inspect_app import clock
from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.services import findings_register as register

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def _int_arg(name: str, default: int | None, low: int, high: int | None = None) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, description=f"{name} must be an integer, got {raw!r}.")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        abort(400, description=f"{name} must be {bounds}.")
    return value


@bp.get("/findings")
@api_login_required
def list_findings():
    try:
        filters = register.parse_filters(request.args)
    except register.FilterError as exc:
        abort(400, description=exc.message + ".")
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    cursor = _int_arg("cursor", None, 0)
    today = clock.today()
    rows, next_cursor = register.page_after(
        register.register_query(current_user, filters, today), cursor, limit
    )
    next_url = None
    if next_cursor is not None:
        args = {**filters.as_args(), "limit": limit, "cursor": next_cursor}
        next_url = url_for("api.list_findings", **args)
    return jsonify(findings=[register.api_record(f, today) for f in rows], next=next_url)
