"""Evidence files of an inspection: list, upload (the team, while open), download."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.findings import bp
from inspect_app.blueprints.findings.forms import EvidenceUploadForm
from inspect_app.errors import NotFound
from inspect_app.extensions import db
from inspect_app.models import EvidenceFile
from inspect_app.permissions import (
    ALL_ROLES,
    WRITER_ROLES,
    can_view_evidence,
    is_team_writer,
    roles_required,
)
from inspect_app.services import evidence
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.loaders import load_inspection
from inspect_app.web.navigation import inspection_page, safe_next


def _page(inspection, form: EvidenceUploadForm, status: int = 200):
    if not form.next.data:
        form.next.data = url_for("findings.evidence_index", inspection_id=inspection.id)
    context = {"inspection": inspection, "upload_form": form}
    return render_template(
        "evidence/index.html", back_url=inspection_page(inspection), **context
    ), status


@bp.route("/inspections/<int:inspection_id>/evidence")
@roles_required(*ALL_ROLES)
def evidence_index(inspection_id: int):
    inspection = load_inspection(inspection_id)
    return _page(inspection, EvidenceUploadForm(formdata=None, inspection=inspection))


@bp.route("/inspections/<int:inspection_id>/evidence", methods=["POST"])
@roles_required(*WRITER_ROLES)
def upload_evidence(inspection_id: int):
    inspection = load_inspection(inspection_id)
    if not is_team_writer(current_user, inspection):
        abort(403)
    form = EvidenceUploadForm(inspection=inspection)
    if not form.validate_on_submit():
        return _page(inspection, form, 422)
    with unit_of_work(form.file) as work:
        stored = evidence.attach_evidence(
            form.file.data,
            inspection=inspection,
            item=form.chosen_item(),
            purpose="evidence",
            uploaded_by=current_user,
        )
        flash(_("Đã tải lên tệp “%(name)s”.", name=stored.original_name), "success")
        return redirect(safe_next(form.next.data) or inspection_page(inspection))
    return _page(inspection, form, work.status)


@bp.route("/evidence/<int:file_id>")
@roles_required(*ALL_ROLES)
def download_evidence(file_id: int):
    stored = db.session.get(EvidenceFile, file_id)
    if stored is None or not can_view_evidence(current_user, stored):
        abort(404)
    try:
        return evidence.send_evidence(stored)
    except NotFound:
        abort(404)
