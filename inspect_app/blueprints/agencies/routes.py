"""The agency register: list, detail, create/edit, deactivate, merge, officer, import."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspect_app import clock
from inspect_app.blueprints.agencies import bp
from inspect_app.blueprints.agencies.forms import (
    AgencyForm,
    AgencySearchForm,
    DeactivateForm,
    MergeForm,
    OfficerForm,
)
from inspect_app.models import Agency, Role
from inspect_app.permissions import STAFF_ROLES, can_view_inspection, roles_required
from inspect_app.services import agencies
from inspect_app.services.pagination import page_number
from inspect_app.services.workbooks import agency_import
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.loaders import load_agency
from inspect_app.web.workbook_import import WorkbookImport


@bp.route("/")
@roles_required(*STAFF_ROLES)
def index():
    form = AgencySearchForm(formdata=request.args)
    page = agencies.search_agencies(**form.filters(), page=page_number(request.args.get("page")))
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


def _form_page(form: AgencyForm, agency: Agency | None) -> str:
    return render_template(
        "agencies/form.html", form=form, agency=agency, candidates=agencies.parent_candidates()
    )


def _saved(agency: Agency):
    flash(_("Đã lưu cơ quan %(name)s.", name=agency.name), "success")
    return redirect(url_for("agencies.detail", agency_id=agency.id))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = AgencyForm()
    if form.validate_on_submit():
        with unit_of_work():
            return _saved(agencies.create_agency(**form.values()))
    return _form_page(form, None)


@bp.route("/<int:agency_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(agency_id: int):
    agency = load_agency(agency_id)
    form = AgencyForm(agency=agency)
    if form.validate_on_submit():
        with unit_of_work():
            agencies.update_agency(agency, **form.values())
            return _saved(agency)
    return _form_page(form, agency)


@bp.route("/<int:agency_id>/deactivate", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def deactivate(agency_id: int):
    agency = load_agency(agency_id)
    form = DeactivateForm(agency=agency)
    if form.validate_on_submit():
        with unit_of_work():
            agencies.deactivate_agency(agency, form.last_day.data)
            flash(_("Đã ghi nhận cơ quan ngừng hoạt động."), "success")
            return redirect(url_for("agencies.detail", agency_id=agency.id))
    return render_template("agencies/deactivate.html", form=form, agency=agency)


@bp.route("/<int:agency_id>/merge", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def merge(agency_id: int):
    agency = load_agency(agency_id)
    form = MergeForm(agency=agency)
    if form.validate_on_submit():
        with unit_of_work():
            agencies.merge_agency(agency, form.into, form.merged_on.data)
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
        form.since.data = clock.today()
    if form.validate_on_submit():
        with unit_of_work():
            agencies.set_officer(agency, **form.values())
            flash(_("Đã cập nhật cán bộ phụ trách ISO."), "success")
            return redirect(url_for("agencies.detail", agency_id=agency.id))
    return render_template("agencies/officer.html", form=form, agency=agency)


class AgencyImport(WorkbookImport):
    """The agency register from a workbook (docs/CONTRACTS.md, 5.5)."""

    template = "agencies/import.html"
    upload_endpoint = "agencies.import_upload"
    job_kind = "import:agencies"

    def read(self, data, form):
        return agency_import.read_agency_workbook(data)

    def apply(self, result, form):
        return agency_import.apply_agency_import(result, today=clock.today())

    def finish(self, result, applied):
        flash(
            _(
                "Đã nhập: %(new)d cơ quan mới, %(updated)d cơ quan cập nhật, %(same)d không đổi.",
                new=result.new,
                updated=result.updated,
                same=result.unchanged,
            ),
            "success",
        )
        return redirect(url_for("agencies.index"))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_upload():
    """Upload a workbook and show what importing it would do; nothing is written yet."""
    return AgencyImport().upload()


@bp.route("/import/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def import_confirm():
    """Hand the previewed workbook to a job: all rows, or none when anything changed."""
    return AgencyImport().confirm()
