"""POST /api/v1/evidence and GET /api/v1/evidence/<id> (CONTRACTS 5.4).

The same rules as the upload pages: size cap (413), allowlist by extension and content,
agency isolation (404 for files and inspections outside the caller's reach).
"""

from flask import abort, jsonify, request
from flask_login import current_user

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.errors import NotFound
from inspect_app.extensions import db
from inspect_app.models import EvidenceFile, Finding, Inspection
from inspect_app.permissions import can_view_evidence, can_view_inspection, may_attach_evidence
from inspect_app.services import evidence


def _target_from_form() -> tuple[Inspection, Finding | None]:
    """The inspection (or finding) named in the form; 404 when outside the caller's reach."""
    names = [name for name in ("inspection_id", "finding_id") if request.form.get(name)]
    if len(names) != 1:
        abort(400, description="Send exactly one of inspection_id or finding_id.")
    raw = request.form[names[0]]
    if not raw.isdigit():
        abort(400, description=f"{names[0]} must be an integer.")
    model = Inspection if names[0] == "inspection_id" else Finding
    target = db.session.get(model, int(raw))
    inspection = target if isinstance(target, Inspection) else getattr(target, "inspection", None)
    if inspection is None or not can_view_inspection(current_user, inspection):
        abort(404)
    return inspection, target if isinstance(target, Finding) else None


@bp.post("/evidence")
@api_login_required
def upload_evidence():
    inspection, finding = _target_from_form()
    if not may_attach_evidence(current_user, inspection):
        abort(403, description="Only the inspection team may attach evidence here.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, description="Missing multipart field 'file'.")
    row = evidence.attach_evidence(
        upload,
        inspection=None if finding else inspection,
        finding=finding,
        purpose="evidence",
        uploaded_by=current_user,
    )
    db.session.commit()
    return jsonify(id=row.id, sha256=row.sha256, size=row.size, name=row.original_name), 201


@bp.get("/evidence/<int:file_id>")
@api_login_required
def download_evidence(file_id: int):
    row = db.session.get(EvidenceFile, file_id)
    if row is None or not can_view_evidence(current_user, row):
        abort(404)
    try:
        return evidence.send_evidence(row)
    except NotFound:
        abort(404)
