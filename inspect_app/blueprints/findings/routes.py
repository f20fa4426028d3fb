"""Findings: raise one from a checklist answer, read its thread, verify and close, reopen."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.findings import bp
from inspect_app.blueprints.findings.forms import CloseFindingForm, FindingForm, ReopenFindingForm
from inspect_app.models import Finding
from inspect_app.permissions import (
    ALL_ROLES,
    WRITER_ROLES,
    can_edit_inspection,
    is_team_writer,
    roles_required,
)
from inspect_app.services import evidence, findings
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.loaders import load_finding, load_inspection
from inspect_app.web.navigation import inspection_page


@bp.route("/inspections/<int:inspection_id>/findings")
@roles_required(*ALL_ROLES)
def index(inspection_id: int):
    inspection = load_inspection(inspection_id)
    return render_template(
        "findings/index.html", inspection=inspection, back_url=inspection_page(inspection)
    )


@bp.route("/inspections/<int:inspection_id>/findings/new", methods=["GET", "POST"])
@roles_required(*WRITER_ROLES)
def create(inspection_id: int):
    inspection = load_inspection(inspection_id)
    if not can_edit_inspection(current_user, inspection):
        abort(403)
    code = request.args.get("item", "").strip()
    item = findings.item_by_code(inspection, code)
    if code and item is None:
        abort(404)
    form = FindingForm(data=None if request.method == "POST" else _prefill(inspection, item))
    if form.validate_on_submit():
        with unit_of_work(form.description):
            finding = findings.create_finding(
                inspection, item=item, by=current_user, **form.values()
            )
            flash(_("Đã tạo phát hiện."), "success")
            return redirect(url_for("findings.detail", finding_id=finding.id))
    answer = findings.answer_for(inspection, item) if item is not None else None
    status = 422 if form.errors else 200
    context = {"inspection": inspection, "item": item, "answer": answer, "form": form}
    context["back_url"] = inspection_page(inspection)
    return render_template("findings/form.html", **context), status


def _prefill(inspection, item) -> dict:
    values = findings.prefill(inspection, item)
    return {**values, "severity": values["severity"].value}


def _detail_page(finding: Finding, status: int = 200, **forms):
    forms.setdefault("close_form", CloseFindingForm(formdata=None))
    forms.setdefault("reopen_form", ReopenFindingForm(formdata=None))
    return render_template(
        "findings/detail.html",
        finding=finding,
        inspection=finding.inspection,
        back_url=inspection_page(finding.inspection),
        files=evidence.finding_files(finding),
        can_verify=is_team_writer(current_user, finding.inspection),
        can_close=findings.can_close(finding),
        can_reopen=findings.can_reopen(finding),
        **forms,
    ), status


@bp.route("/findings/<int:finding_id>")
@roles_required(*ALL_ROLES)
def detail(finding_id: int):
    return _detail_page(load_finding(finding_id))


def _team_finding(finding_id: int) -> Finding:
    finding = load_finding(finding_id)
    if not is_team_writer(current_user, finding.inspection):
        abort(403)
    return finding


@bp.route("/findings/<int:finding_id>/close", methods=["POST"])
@roles_required(*WRITER_ROLES)
def close(finding_id: int):
    finding = _team_finding(finding_id)
    form = CloseFindingForm()
    if not form.validate_on_submit():
        return _detail_page(finding, 422, close_form=form)
    with unit_of_work(form.comment) as work:
        findings.close_finding(finding, current_user, form.comment.data)
        flash(_("Đã xác minh và đóng phát hiện."), "success")
        return redirect(url_for("findings.detail", finding_id=finding.id))
    return _detail_page(finding, work.status, close_form=form)


@bp.route("/findings/<int:finding_id>/reopen", methods=["POST"])
@roles_required(*WRITER_ROLES)
def reopen(finding_id: int):
    finding = _team_finding(finding_id)
    form = ReopenFindingForm()
    if not form.validate_on_submit():
        return _detail_page(finding, 422, reopen_form=form)
    with unit_of_work(form.reason) as work:
        findings.reopen_finding(finding, current_user, form.reason.data)
        flash(_("Đã mở lại phát hiện."), "warning")
        return redirect(url_for("findings.detail", finding_id=finding.id))
    return _detail_page(finding, work.status, reopen_form=form)
