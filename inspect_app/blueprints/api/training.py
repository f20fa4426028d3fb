"""GET /api/v1/training (CONTRACTS 5.4): courses whose start date is in the years, by kind.

Like the register's pages, it answers admins and viewers; inspectors and agency users get 403.
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.models import Role, TrainingKind
from inspect_app.services import training

FIRST_YEAR, LAST_YEAR = 1900, 2200


def _year(name: str) -> int:
    text = (request.args.get(name) or "").strip()
    if not (text.isascii() and text.isdigit()) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        abort(
            400,
            description=f"Query parameter '{name}' is required and must be a year, e.g. 2020.",
        )
    return int(text)


@bp.get("/training")
@api_login_required
def list_training():
    if current_user.role not in (Role.ADMIN, Role.VIEWER):
        abort(403, description="The training register is for administrators and viewers.")
    first, last = _year("from"), _year("to")
    if first > last:
        abort(400, description="'from' must not be after 'to'.")
    by_kind = {kind.value: 0 for kind in TrainingKind}
    courses = []
    for course in training.courses_in_period(first, last):
        by_kind[course.kind.value] += 1
        courses.append(
            {
                "id": course.id,
                "title": course.title,
                "kind": course.kind.value,
                "start": course.start_on.isoformat(),
                "end": course.end_on.isoformat(),
                "participants": len(course.participants),
                "attended": sum(1 for p in course.participants if p.attended),
            }
        )
    return jsonify(courses=courses, by_kind=by_kind)
