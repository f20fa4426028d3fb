"""GET /api/v1/tallies?from=YEAR&to=YEAR (CONTRACTS 5.4).

Staff roles (admin, inspector, viewer) read the department-wide tallies. Agency users get
403: the figures cover every agency, and they see only their own agency's data.
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.permissions import STAFF_ROLES
from inspect_app.services import tallies


@bp.get("/tallies")
@api_login_required
def get_tallies():
    if current_user.role not in STAFF_ROLES:
        abort(403, description=_("Chỉ cán bộ của Sở được xem số liệu tổng hợp."))
    try:
        first, last = tallies.parse_period(request.args.get("from"), request.args.get("to"))
    except tallies.PeriodError as exc:
        abort(400, description=exc.message)
    return jsonify(tallies.tally_report(first, last))
