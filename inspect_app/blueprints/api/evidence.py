"""POST /api/v1/evidence and GET /api/v1/evidence/<id> (CONTRACTS 5.4).

The same rules as the upload pages: size cap (413), allowlist by extension and content,
agency isolation (404 for files and inspections outside the caller's reach). The team
attaches evidence; an agency user attaches what the portal lets it attach: files of its
dossier (with `document_type` and `effective_on`) and corrective-action evidence for its
findings.

A device that may send the same upload twice (a photo taken offline, whose answer was
lost) names it with `upload_id`, a UUID4: the first request stores it (201), a resend
answers 200 with the same file. `item` attaches the file to one checklist item.
"""

from datetime import date, datetime

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.errors import NotFound
from inspect_app.extensions import db
from inspect_app.models import ChecklistItem, EvidenceFile, Finding, Inspection, Role
from inspect_app.permissions import can_view_evidence, can_view_inspection, is_team_writer
from inspect_app.services import evidence, portal, sync
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
    upload_id = _upload_id()
    if upload_id is not None:
        earlier = evidence.find_upload(upload_id)
        if earlier is not None:
            return _replayed(earlier, inspection)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, description="Missing multipart field 'file'.")
    if current_user.role is Role.AGENCY:
        row = _agency_upload(inspection, finding, upload, upload_id)
    elif is_team_writer(current_user, inspection):  # a locked inspection: 409, said why
        row = evidence.attach_evidence(
            upload,
            inspection=None if finding else inspection,
            item=_item(inspection, finding),
            finding=finding,
            purpose="evidence",
            uploaded_by=current_user,
            upload_id=upload_id,
        )
    else:
        abort(403, description="Only the inspection team may attach evidence here.")
    try:
        db.session.commit()
    except IntegrityError:
        # the same upload_id stored by a request that ran at the same time
        db.session.rollback()
        earlier = evidence.find_upload(upload_id) if upload_id else None
        if earlier is None:
            raise
        return _replayed(earlier, inspection)
    return _body(row), 201


def _body(row: EvidenceFile):
    return jsonify(id=row.id, sha256=row.sha256, size=row.size, name=row.original_name)


def _replayed(row: EvidenceFile, inspection: Inspection):
    """A resend of an upload already stored: the same answer, nothing stored again."""
    if row.uploaded_by_id != current_user.id or row.inspection_id != inspection.id:
        abort(409, description="upload_id: already used by another upload.")
    return _body(row), 200


def _upload_id() -> str | None:
    raw = request.form.get("upload_id")
    if raw is None or raw == "":
        return None
    if not sync.is_uuid4(raw):
        abort(422, description="upload_id: expected a UUID4 in canonical form.")
    return raw


def _item(inspection: Inspection, finding: Finding | None) -> ChecklistItem | None:
    """The checklist item named by `item` (its code), of the inspection's own checklist."""
    code = (request.form.get("item") or "").strip()
    if not code:
        return None
    if finding is not None:
        abort(400, description="item: only with inspection_id (a finding names its own item).")
    item = None
    if len(code) <= 32:  # the length of ChecklistItem.code
        item = db.session.scalars(
            select(ChecklistItem).where(
                ChecklistItem.template_id == inspection.template_id, ChecklistItem.code == code
            )
        ).first()
    if item is None:
        abort(422, description="item: not a checklist item of this inspection.")
    return item


def _agency_upload(
    inspection: Inspection, finding: Finding | None, upload, upload_id: str | None
) -> EvidenceFile:
    """The portal's rules: a file of the agency's dossier, or corrective-action evidence."""
    if finding is not None:
        return portal.attach_response_file(finding, upload, current_user, upload_id)
    if not portal.is_dossier_request(inspection):
        abort(403, description="Agencies attach files to a dossier request or to a finding.")
    return portal.add_dossier_file(
        inspection,
        upload,
        document_type=request.form.get("document_type", ""),
        effective_on=_effective_on(request.form.get("effective_on")),
        by=current_user,
        upload_id=upload_id,
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
