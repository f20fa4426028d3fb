"""Download the official documents; admins manage the Word templates they come from."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.documents import bp
from inspect_app.blueprints.documents.forms import TemplateResetForm, TemplateUploadForm
from inspect_app.documents import DOCX_MIMETYPE, KINDS, shipped_template
from inspect_app.documents.render import TemplateRejected
from inspect_app.documents.samples import placeholder_names
from inspect_app.extensions import db
from inspect_app.models import InspectionMode, InspectionPlan, Role
from inspect_app.permissions import DEPARTMENT_ROLES, STAFF_ROLES, can_view_plan, roles_required
from inspect_app.services import document_templates
from inspect_app.web.loaders import load_inspection
from inspect_app.web.periods import chosen_period

ALL_ROLES = (Role.ADMIN, Role.INSPECTOR, Role.VIEWER, Role.AGENCY)


def send_docx(data: bytes, name: str):
    return send_file(
        io.BytesIO(data), mimetype=DOCX_MIMETYPE, as_attachment=True, download_name=name
    )


def load_plan(plan_id: int) -> InspectionPlan:
    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None or not can_view_plan(current_user, plan):
        abort(404)
    return plan


def load_kind(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


@bp.route("/inspections/<int:inspection_id>/record.docx")
@roles_required(*ALL_ROLES)
def record_docx(inspection_id: int):
    """The inspection record (biên bản kiểm tra), as the printable page shows it."""
    inspection = load_inspection(inspection_id)
    data = document_templates.record_docx(inspection)
    return send_docx(data, f"bien-ban-kiem-tra-{inspection.plan.year}-{inspection.id}.docx")


@bp.route("/inspections/<int:inspection_id>/notice.docx")
@roles_required(*ALL_ROLES)
def notice_docx(inspection_id: int):
    """The letter announcing the inspection, or requesting the dossier."""
    inspection = load_inspection(inspection_id)
    prefix = "de-nghi-cung-cap-ho-so" if inspection.mode is InspectionMode.DOSSIER else "thong-bao"
    data = document_templates.notice_docx(inspection)
    return send_docx(data, f"{prefix}-{inspection.plan.year}-{inspection.id}.docx")


@bp.route("/plans/<int:plan_id>/annex.docx")
@roles_required(*STAFF_ROLES)
def annex_docx(plan_id: int):
    plan = load_plan(plan_id)
    return send_docx(document_templates.annex_docx(plan), f"phu-luc-ke-hoach-{plan.year}.docx")


@bp.route("/reports/report.docx")
@roles_required(*DEPARTMENT_ROLES)
def report_docx():
    """The report's section for `?from=Y&to=Y` (the default period without parameters)."""
    form, period = chosen_period()
    if period is None:
        for error in form.last.errors:
            flash(error, "danger")
        return redirect(url_for("reports.index"))
    first, last = period
    return send_docx(document_templates.report_docx(first, last), f"bao-cao-{first}-{last}.docx")


# -- the templates, for admins ----------------------------------------------------------------


def templates_page(forms: dict | None = None, status: int = 200):
    uploads = {kind: document_templates.uploaded_template(kind) for kind in KINDS}
    forms = forms or {}
    return render_template(
        "documents/templates.html",
        kinds=KINDS,
        uploads=uploads,
        upload_forms={kind: forms.get(kind) or TemplateUploadForm(prefix=kind) for kind in KINDS},
        reset_form=TemplateResetForm(),
        placeholders={kind: placeholder_names(kind) for kind in KINDS},
    ), status


@bp.route("/admin/documents")
@roles_required(Role.ADMIN)
def templates():
    return templates_page()


@bp.route("/admin/documents/<kind>.docx")
@roles_required(Role.ADMIN)
def template_download(kind: str):
    """The template in use (`?shipped=1`: the one shipped with the project), to edit in Word."""
    load_kind(kind)
    shipped = request.args.get("shipped") == "1"
    data = shipped_template(kind) if shipped else document_templates.current_template(kind)
    return send_docx(data, f"mau-{kind}{'-goc' if shipped else ''}.docx")


@bp.route("/admin/documents/<kind>/upload", methods=["POST"])
@roles_required(Role.ADMIN)
def template_upload(kind: str):
    load_kind(kind)
    form = TemplateUploadForm(prefix=kind)
    if not form.validate_on_submit():
        return templates_page({kind: form}, 400)
    try:
        document_templates.install_template(
            kind, form.file.data.read(), form.file.data.filename or "", current_user
        )
    except TemplateRejected as exc:
        db.session.rollback()
        form.file.errors.append(_("Mẫu không được dùng: %(reason)s", reason=exc.message))
        return templates_page({kind: form}, 422)
    db.session.commit()
    flash(_("Đã dùng mẫu mới cho “%(title)s”.", title=KINDS[kind].title), "success")
    return redirect(url_for("documents.templates"))


@bp.route("/admin/documents/<kind>/reset", methods=["POST"])
@roles_required(Role.ADMIN)
def template_reset(kind: str):
    load_kind(kind)
    if TemplateResetForm().validate_on_submit() and document_templates.reset_template(
        kind, current_user
    ):
        db.session.commit()
        flash(_("Đã trở lại mẫu gốc cho “%(title)s”.", title=KINDS[kind].title), "success")
    return redirect(url_for("documents.templates"))
