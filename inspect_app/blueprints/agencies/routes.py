"""The agency register: list, detail, create/edit, deactivate, merge, officer, import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspect_app.blueprints.agencies import bp
from inspect_app.blueprints.agencies.forms import (
    AgencyForm,
    AgencySearchForm,
    DeactivateForm,
    ImportConfirmForm,
    ImportUploadForm,
    MergeForm,
    OfficerForm,
)
from inspect_app.blueprints.jobs.start import start_job
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Agency, Role
from inspect_app.permissions import (
    STAFF_ROLES,
    can_view_agency,
    can_view_inspection,
    roles_required,
)
from inspect_app.services import agencies, imports


def load_agency(agency_id: int) -> Agency:
    """The agency, or 404 when it does not exist or lies outside the user's reach."""
    agency = db.session.get(Agency, agency_id)
    if agency is None or not can_view_agency(current_user, agency):
        abort(404)
    return agency


def import_dir() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "imports"


@bp.route("/")
@roles_required(*STAFF_ROLES)
def index():
    form = AgencySearchForm(formdata=request.args)
    page = agencies.search_agencies(**form.filters(), page=request.args.get("page", 1, type=int))
    announced = agencies.announced_ids([agency.id for agency in page.items])
    return render_template("agencies/index.html", form=form, page=page, announced=announced)


@bp.route("/<int:agency_id>")
@login_required
def detail(agency_id: int):
    agency = load_agency(agency_id)
    return render_template(
        "agencies/detail.html",
        agency=agency,
        inspections=[
            inspection
            for inspection in agencies.past_inspections(agency)
            if can_view_inspection(current_user, inspection)
        ],
        announcements=agencies.announcements(agency),
        attendance=agencies.training_attendance(agency),
        merged_from=agencies.merged_from(agency),
    )


def _save(form: AgencyForm, agency: Agency | None):
    """Create or update from a validated form, commit, and go to the detail page."""
    try:
        if agency is None:
            agency = agencies.create_agency(**form.values())
        else:
            agencies.update_agency(agency, **form.values())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return None
    db.session.commit()
    flash(_("Đã lưu cơ quan %(name)s.", name=agency.name), "success")
    return redirect(url_for("agencies.detail", agency_id=agency.id))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = AgencyForm()
    if form.validate_on_submit() and (response := _save(form, None)):
        return response
    return render_template(
        "agencies/form.html", form=form, agency=None, candidates=agencies.parent_candidates()
    )


@bp.route("/<int:agency_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(agency_id: int):
    agency = load_agency(agency_id)
    form = AgencyForm(agency=agency)
    if form.validate_on_submit() and (response := _save(form, agency)):
        return response
    return render_template(
        "agencies/form.html", form=form, agency=agency, candidates=agencies.parent_candidates()
    )


@bp.route("/<int:agency_id>/deactivate", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def deactivate(agency_id: int):
    agency = load_agency(agency_id)
    form = DeactivateForm(agency=agency)
    if form.validate_on_submit():
        try:
            agencies.deactivate_agency(agency, form.last_day.data)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã ghi nhận cơ quan ngừng hoạt động."), "success")
            return redirect(url_for("agencies.detail", agency_id=agency.id))
    return render_template("agencies/deactivate.html", form=form, agency=agency)


@bp.route("/<int:agency_id>/merge", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def merge(agency_id: int):
    agency = load_agency(agency_id)
    form = MergeForm(agency=agency)
    if form.validate_on_submit():
        try:
            agencies.merge_agency(agency, form.into, form.merged_on.data)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã ghi nhận sáp nhập vào %(name)s.", name=form.into.name), "success")
            return redirect(url_for("agencies.detail", agency_id=agency.id))
    candidates = [a for a in agencies.active_agencies() if a.id != agency.id]
    return render_template("agencies/merge.html", form=form, agency=agency, candidates=candidates)


@bp.route("/<int:agency_id>/officer", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def officer(agency_id: int):
    agency = load_agency(agency_id)
    form = OfficerForm(agency=agency)
    if request.method == "GET":
        form.since.data = date.today()
    if form.validate_on_submit():
        try:
            agencies.set_officer(agency, **form.values())
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã cập nhật cán bộ phụ trách ISO."), "success")
            return redirect(url_for("agencies.detail", agency_id=agency.id))
    return render_template("agencies/officer.html", form=form, agency=agency)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_upload():
    """Upload a workbook and show what importing it would do; nothing is written yet."""
    form = ImportUploadForm()
    result = token = None
    if form.validate_on_submit():
        data = form.file.data.read()
        result = imports.read_agency_workbook(data)
        if result.ok:
            token = imports.stash_upload(data, import_dir())
    return render_template(
        "agencies/import.html",
        form=form,
        result=result,
        confirm=ImportConfirmForm(token=token) if token else None,
    )


@bp.route("/import/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def import_confirm():
    """Hand the previewed workbook to a job: all rows, or none when anything changed."""
    form = ImportConfirmForm()
    data = imports.load_stash(import_dir(), form.token.data) if form.validate() else None
    if data is None:
        flash(
            _("Không tìm thấy tệp đã tải lên hoặc tệp đã hết hạn. Vui lòng tải lên lại."), "danger"
        )
        return redirect(url_for("agencies.import_upload"))
    imports.discard_stash(import_dir(), form.token.data)
    return start_job("import:agencies", {}, upload=data)
