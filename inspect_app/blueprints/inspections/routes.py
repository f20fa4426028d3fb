from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspect_app.blueprints.inspections import bp
from inspect_app.blueprints.inspections.forms import (
    ActionForm,
    ConcludeForm,
    ConductedForm,
    ConflictForm,
    DossierRequestForm,
    InspectionFilterForm,
    ReasonForm,
    RecordDetailsForm,
)
from inspect_app.extensions import db
from inspect_app.models import (
    AnswerConflict,
    Conclusion,
    ConflictResolution,
    Inspection,
    InspectionStatus,
    Role,
)
from inspect_app.permissions import can_edit_inspection, is_lead, is_team_writer, roles_required
from inspect_app.services import dossier_contents, evidence, inspection_workflow, records, sync
from inspect_app.services.inspection_queries import (
    checklist_rows,
    filtered_inspections,
    inspection_years,
)
from inspect_app.services.pagination import page_number
from inspect_app.storage import ACCEPT, max_upload_bytes
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.forms import options
from inspect_app.web.loaders import get_child_or_404, load_inspection

#: the form that collects what each target state needs; other moves are plain buttons.
TRANSITION_FORMS = {
    InspectionStatus.DOSSIER_REQUESTED: DossierRequestForm,
    InspectionStatus.CONDUCTED: ConductedForm,
    InspectionStatus.CONCLUDED: ConcludeForm,
}


@bp.route("/inspections")
@login_required
def index():
    form = InspectionFilterForm(request.args)
    years = inspection_years(current_user)
    form.year.choices = options([("", _("Tất cả"))] + [(y, y) for y in years])
    filters = form.data if form.validate() else {}
    page = filtered_inspections(current_user, filters, page_number(request.args.get("page")))
    return render_template("inspections/index.html", form=form, page=page)


@bp.route("/inspections/<int:inspection_id>")
@login_required
def detail(inspection_id: int):
    return _detail_page(load_inspection(inspection_id))


def _detail_page(inspection: Inspection, refused=None, status: int = 200):
    """The inspection's page; `refused` is a transition form that failed, shown again
    with what was typed and its errors."""
    moves = [
        move
        for move in inspection_workflow.allowed_transitions(current_user, inspection)
        if move.target is not InspectionStatus.CANCELLED
    ]
    forms = {move.target: _form_for(move.target, inspection, prefix=True) for move in moves}
    if refused is not None:
        forms[refused[0]] = refused[1]
    team_view = is_team_writer(current_user, inspection)
    return render_template(
        "inspections/detail.html",
        inspection=inspection,
        moves=moves,
        forms=forms,
        conflicts=sync.conflict_rows(inspection) if team_view else [],
        can_resolve=is_lead(current_user, inspection),
        unsent=inspection_workflow.unsent_reports(inspection) if team_view else [],
        conflict_form=ConflictForm(),
        record_form=RecordDetailsForm(obj=inspection),
        reopen_form=ReasonForm(),
        unanswered=inspection_workflow.unanswered_count(inspection),
        dossier=dossier_contents.summary(inspection),
    ), status


@bp.route("/inspections/<int:inspection_id>/checklist")
@login_required
def checklist(inspection_id: int):
    inspection = load_inspection(inspection_id)
    if inspection.template is None:
        abort(404)
    return render_template(
        "inspections/checklist.html",
        inspection=inspection,
        groups=checklist_rows(inspection),
        can_edit=can_edit_inspection(current_user, inspection),
        item_files=_files_by_item(inspection),
        accept=ACCEPT,
        max_upload=max_upload_bytes(),
    )


def _files_by_item(inspection: Inspection) -> dict[str, list]:
    """The inspection's evidence files by checklist item code, oldest first."""
    files: dict[str, list] = {}
    for stored, code in reversed(evidence.inspection_files(inspection)):
        if code:
            files.setdefault(code, []).append(stored)
    return files


def _form_for(target: InspectionStatus, inspection: Inspection, prefix: bool = False):
    form_class = TRANSITION_FORMS.get(target, ActionForm)
    form = form_class(prefix=target.value if prefix else target.value)
    if target is InspectionStatus.CONCLUDED and not form.is_submitted():
        form.conducted_on.data = inspection.conducted_on
        form.conclusion.data = (inspection.conclusion or Conclusion.PASSED).value
        form.summary.data = inspection.conclusion_summary
    if target is InspectionStatus.CONDUCTED and not form.is_submitted():
        form.conducted_on.data = inspection.conducted_on
    if target is InspectionStatus.DOSSIER_REQUESTED and not form.is_submitted():
        # the due date the plan set, and an earlier request's list, to start from
        form.dossier_due.data = inspection.dossier_due
        form.dossier_request.data = inspection.dossier_request
    return form


@bp.post("/inspections/<int:inspection_id>/transition/<target>")
@login_required
def change_status(inspection_id: int, target: str):
    inspection = load_inspection(inspection_id)
    if not is_team_writer(current_user, inspection):
        abort(403)  # the agency's own move (submitting its dossier) is in the portal
    try:
        target_status = InspectionStatus(target)
    except ValueError:
        abort(404)
    if target_status is InspectionStatus.CANCELLED:
        abort(404)  # cancelling belongs to the plan, under an amending decision
    form = _form_for(target_status, inspection)
    if not form.validate_on_submit():
        if target_status in TRANSITION_FORMS and any(
            move.target is target_status
            for move in inspection_workflow.allowed_transitions(current_user, inspection)
        ):
            # the page again with the form as typed (a list of documents is not lost)
            return _detail_page(inspection, (target_status, form), 422)
        _flash_errors(form)
        return redirect(url_for(".detail", inspection_id=inspection.id))
    data = {k: v for k, v in form.data.items() if k not in ("csrf_token",)}
    if "conclusion" in data:
        data["conclusion"] = Conclusion(data["conclusion"])
    with unit_of_work():
        inspection_workflow.transition(inspection, target_status, current_user, **data)
        flash(_("Đã chuyển sang trạng thái “%(s)s”.", s=target_status.label), "success")
    return redirect(url_for(".detail", inspection_id=inspection.id))


@bp.post("/inspections/<int:inspection_id>/reopen")
@roles_required(Role.ADMIN)
def reopen(inspection_id: int):
    inspection = load_inspection(inspection_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for(".detail", inspection_id=inspection.id))
    with unit_of_work():
        inspection_workflow.reopen(inspection, current_user, form.reason.data)
        flash(_("Đã mở lại cuộc kiểm tra."), "success")
    return redirect(url_for(".detail", inspection_id=inspection.id))


@bp.post("/inspections/<int:inspection_id>/record-details")
@login_required
def record_details(inspection_id: int):
    inspection = load_inspection(inspection_id)
    if not can_edit_inspection(current_user, inspection):
        abort(403)
    form = RecordDetailsForm()
    if form.validate_on_submit():
        records.update_record_details(
            inspection, form.record_number.data, form.agency_representatives.data
        )
        db.session.commit()
        flash(_("Đã lưu thông tin biên bản."), "success")
    else:
        _flash_errors(form)
    return redirect(url_for(".detail", inspection_id=inspection.id))


@bp.post("/inspections/<int:inspection_id>/conflicts/<int:conflict_id>")
@login_required
def resolve_conflict(inspection_id: int, conflict_id: int):
    inspection = load_inspection(inspection_id)
    conflict = get_child_or_404(AnswerConflict, conflict_id, inspection_id=inspection.id)
    if not is_lead(current_user, inspection):
        abort(403)
    form = ConflictForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for(".detail", inspection_id=inspection.id))
    with unit_of_work():
        sync.resolve_conflict(conflict, ConflictResolution(form.resolution.data), current_user)
        flash(_("Đã xử lý xung đột của mục %(code)s.", code=conflict.item.code), "success")
    return redirect(url_for(".detail", inspection_id=inspection.id, _anchor="conflicts"))


def _flash_errors(form) -> None:
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "danger")
