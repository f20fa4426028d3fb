"""POST /api/v1/evidence and GET /api/v1/evidence/<id> (CONTRACTS 5.4).

The same rules as the upload pages: size cap (413), allowlist by extension and content,
agency isolation (404 for files and inspections outside the caller's reach). The team
attaches evidence; an agency user attaches what the portal lets it attach: files of its
dossier (with `document_type` and `effective_on`) and corrective-action evidence for its
findings.
"""

from datetime import date, datetime

from flask import abort, jsonify, request
from flask_login import current_user

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.errors import NotFound
from inspect_app.extensions import db
from inspect_app.models import EvidenceFile, Finding, Inspection, Role
from inspect_app.permissions import can_view_evidence, can_view_inspection, may_attach_evidence
from inspect_app.services import evidence, portal
from inspect_app.services.bounds import row_id
from inspect_app.services.date_range import MAX_DAY, MIN_DAY


def _target_from_form() -> tuple[Inspection, Finding | None]:
    """The inspection (or finding) named in the form; 404 when outside the caller's reach."""
    names = [name for name in ("inspection_id", "finding_id") if request.form.get(name)]
    if len(names) != 1:
        abort(400, description="Send exactly one of inspection_id or finding_id.")
    number = row_id(request.form[names[0]])
    if number is None:
        abort(400, description=f"{names[0]} must be a positive integer id.")
    model = Inspection if names[0] == "inspection_id" else Finding
    target = db.session.get(model, number)
    inspection = target if isinstance(target, Inspection) else getattr(target, "inspection", None)
    if inspection is None or not can_view_inspection(current_user, inspection):
        abort(404)
    return inspection, target if isinstance(target, Finding) else None


@bp.post("/evidence")
@api_login_required
def upload_evidence():
    inspection, finding = _target_from_form()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, description="Missing multipart field 'file'.")
    if current_user.role is Role.AGENCY:
        row = _agency_upload(inspection, finding, upload)
    elif may_attach_evidence(current_user, inspection):
        row = evidence.attach_evidence(
            upload,
            inspection=None if finding else inspection,
            finding=finding,
            purpose="evidence",
            uploaded_by=current_user,
        )
    else:
        abort(403, description="Only the inspection team may attach evidence here.")
    db.session.commit()
    return jsonify(id=row.id, sha256=row.sha256, size=row.size, name=row.original_name), 201


def _agency_upload(inspection: Inspection, finding: Finding | None, upload) -> EvidenceFile:
    """The portal's rules: a file of the agency's dossier, or corrective-action evidence."""
    if finding is not None:
        return portal.attach_response_file(finding, upload, current_user)
    if not portal.is_dossier_request(inspection):
        abort(403, description="Agencies attach files to a dossier request or to a finding.")
    return portal.add_dossier_file(
        inspection,
        upload,
        document_type=request.form.get("document_type", ""),
        effective_on=_effective_on(request.form.get("effective_on")),
        by=current_user,
    )


def _effective_on(raw: str | None) -> date | None:
    """`effective_on` as YYYY-MM-DD or dd/mm/yyyy, within the years a document can carry."""
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(raw.strip(), pattern).date()
        except ValueError:
            continue
        if not MIN_DAY <= day <= MAX_DAY:
            abort(422, description=f"effective_on must be between {MIN_DAY} and {MAX_DAY}.")
        return day
    abort(422, description="effective_on must be a date, YYYY-MM-DD or dd/mm/yyyy.")


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
