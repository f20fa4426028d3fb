"""What a request to start a job must hold: the kind, its fields and who may ask.

Shared by the API (400/422 naming the field) and the pages; raises werkzeug HTTP errors
whose description names the field.
"""

from __future__ import annotations

from flask import abort

from inspect_app.extensions import db
from inspect_app.jobs.kinds import API_EXPORTS, API_IMPORTS
from inspect_app.models import Role, TrainingCourse

YEAR_MIN, YEAR_MAX = 1900, 2200
#: who may start each kind; inspections CSV: anyone signed in (they get what they see).
EXPORT_ROLES = {
    "tallies": (Role.ADMIN, Role.VIEWER),
    "findings": (Role.ADMIN, Role.VIEWER),
    "inspections": tuple(Role),
}
IMPORT_ROLES = (Role.ADMIN,)


def _year(value, field: str) -> int:
    if isinstance(value, bool):
        abort(422, description=f"{field}: must be a year, e.g. 2025.")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        abort(422, description=f"{field}: must be a year between {YEAR_MIN} and {YEAR_MAX}.")
    return value


def export_request(user, payload: dict) -> tuple[str, dict]:
    kind = payload.get("kind")
    if kind not in API_EXPORTS:
        abort(400, description=f"kind: must be one of {', '.join(API_EXPORTS)}.")
    if user.role not in EXPORT_ROLES[kind]:
        abort(403, description=f"kind: your role may not export {kind}.")
    first = _year(payload.get("from"), "from")
    last = _year(payload.get("to"), "to")
    if first > last:
        abort(422, description="to: must not be before from.")
    if last - first >= 50:
        abort(422, description="to: a period spans at most 50 years.")
    return kind, {"from": first, "to": last}


def import_request(user, form) -> tuple[str, dict]:
    if user.role not in IMPORT_ROLES:
        abort(403, description="Only administrators import workbooks.")
    kind = (form.get("kind") or "").strip()
    if kind not in API_IMPORTS:
        abort(400, description=f"kind: must be one of {', '.join(API_IMPORTS)}.")
    params: dict = {}
    if kind == "plan":
        params["year"] = _year((form.get("year") or "").strip(), "year")
        decision = (form.get("decision") or "").strip()
        signed_on = (form.get("signed_on") or "").strip()
        if bool(decision) != bool(signed_on):
            field = "signed_on" if decision else "decision"
            abort(422, description=f"{field}: decision and signed_on go together.")
        if signed_on:
            from inspect_app.errors import DomainError
            from inspect_app.services.workbooks.plan_import import parse_signed_on

            try:
                parse_signed_on(signed_on)
            except DomainError:
                abort(422, description="signed_on: must read dd/mm/yyyy.")
        params.update(decision=decision[:64], signed_on=signed_on)
    elif kind == "participants":
        raw = (form.get("course_id") or "").strip()
        course = db.session.get(TrainingCourse, int(raw)) if raw.isdigit() else None
        if course is None:
            abort(422, description="course_id: no such training course.")
        params["course_id"] = course.id
    return kind, params
