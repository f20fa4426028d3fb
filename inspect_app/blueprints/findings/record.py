"""The printable inspection record (biên bản kiểm tra)."""

from __future__ import annotations

from flask import render_template

from inspect_app.blueprints.findings import bp
from inspect_app.permissions import ALL_ROLES, roles_required
from inspect_app.services import records
from inspect_app.web.loaders import load_inspection
from inspect_app.web.navigation import inspection_page


@bp.route("/inspections/<int:inspection_id>/record")
@roles_required(*ALL_ROLES)
def record(inspection_id: int):
    inspection = load_inspection(inspection_id)
    return render_template(
        "records/inspection_record.html",
        inspection=inspection,
        back_url=inspection_page(inspection),
        **records.record_context(inspection),
    )
