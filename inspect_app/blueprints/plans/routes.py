"""Annual plans: list, create, inspections, bulk add, approve, amend, close, annex, import."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app import clock
from inspect_app.blueprints.plans import bp
from inspect_app.blueprints.plans.forms import (
    ActionForm,
    AgencyPickerForm,
    AmendForm,
    ApproveForm,
    BulkAddForm,
    InspectionForm,
    PlanFilterForm,
    PlanForm,
    PlanImportConfirmForm,
    PlanImportForm,
    RemoveForm,
)
from inspect_app.blueprints.plans.list_forms import PlanInspectionFilterForm
from inspect_app.extensions import db
from inspect_app.models import InspectionPlan, Role
from inspect_app.permissions import STAFF_ROLES, roles_required
from inspect_app.services import decisions, plan_lists, plans
from inspect_app.services.pagination import page_number, paginate
from inspect_app.services.workbooks import plan_annex_export, plan_import
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.jobs import start_job
from inspect_app.web.loaders import load_plan, load_plan_inspection
from inspect_app.web.workbook_import import WorkbookImport


def detail_url(plan: InspectionPlan, amendment: int | None = None) -> str:
    return url_for("plans.detail", plan_id=plan.id, amendment=amendment)


@bp.route("/")
@roles_required(*STAFF_ROLES)
def index():
    form = PlanFilterForm(formdata=request.args, years=plans.plan_years())
    rows = db.session.scalars(plans.plan_query(form.chosen_year())).all()
    counts = {plan.id: plans.plan_counts(plan) for plan in rows}
    return render_template("plans/index.html", form=form, plans=rows, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = PlanForm()
    if request.method == "GET" and form.year.data is None:
        form.year.data = clock.today().year + 1
    if form.validate_on_submit():
        with unit_of_work():
            plan = plans.create_plan(form.year.data, form.title.data, current_user)
            flash(_("Đã tạo dự thảo kế hoạch năm %(y)d.", y=form.year.data), "success")
            return redirect(detail_url(plan))
    return render_template("plans/form.html", form=form)


@bp.route("/<int:plan_id>")
@roles_required(*STAFF_ROLES)
def detail(plan_id: int):
    plan = load_plan(plan_id)
    form = PlanInspectionFilterForm(formdata=request.args, leads=plan_lists.plan_leads(plan))
    query = plan_lists.plan_inspections_query(plan, form.filters())
    return render_template(
        "plans/detail.html",
        plan=plan,
        filter_form=form,
        page=paginate(query, page_number(request.args.get("page"))),
        counts=plans.plan_counts(plan),
        actions=plans.allowed_actions(current_user, plan),
        amendment=request.args.get("amendment", type=int),
        close_form=ActionForm(),
    )


@bp.route("/<int:plan_id>/inspections/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def add_inspection(plan_id: int):
    plan = load_plan(plan_id)
    picker = AgencyPickerForm(formdata=request.args)
    found = plans.agency_options(plan, **picker.filters())
    amendment = request.args.get("amendment", type=int)
    form = InspectionForm(plan=plan, agencies=found, amendment=amendment)
    if form.validate_on_submit():
        with unit_of_work():
            plans.add_inspection(plan, form.agency, by=current_user, **form.values())
            flash(_("Đã thêm %(name)s vào kế hoạch.", name=form.agency.name), "success")
            return redirect(detail_url(plan, amendment))
    return render_template(
        "plans/inspection_form.html",
        plan=plan,
        form=form,
        picker=picker,
        found=found,
        inspection=None,
        actions=plans.allowed_actions(current_user, plan),
    )


@bp.route("/<int:plan_id>/inspections/<int:inspection_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_inspection(plan_id: int, inspection_id: int):
    plan = load_plan(plan_id)
    inspection = load_plan_inspection(plan, inspection_id)
    amendment = request.args.get("amendment", type=int)
    form = InspectionForm(plan=plan, inspection=inspection, amendment=amendment)
    if form.validate_on_submit():
        message = _("Đã lưu cuộc kiểm tra %(n)s.", n=inspection.agency.name)
        with unit_of_work():
            plans.update_inspection(inspection, by=current_user, **form.values())
            flash(message, "success")
            return redirect(detail_url(plan, amendment))
    return render_template(
        "plans/inspection_form.html",
        plan=plan,
        form=form,
        inspection=inspection,
        actions=plans.allowed_actions(current_user, plan),
    )


@bp.route("/<int:plan_id>/inspections/<int:inspection_id>/remove", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def remove_inspection(plan_id: int, inspection_id: int):
    plan = load_plan(plan_id)
    inspection = load_plan_inspection(plan, inspection_id)
    amendment = request.args.get("amendment", type=int)
    form = RemoveForm(plan=plan, amendment=amendment)
    if form.validate_on_submit():
        message = _("Đã bỏ %(name)s khỏi kế hoạch.", name=inspection.agency.name)
        with unit_of_work():
            plans.remove_inspection(
                inspection, decision=form.decision, reason=form.reason.data, by=current_user
            )
            flash(message, "success")
            return redirect(detail_url(plan, amendment))
    return render_template(
        "plans/remove.html",
        plan=plan,
        form=form,
        inspection=inspection,
        actions=plans.allowed_actions(current_user, plan),
    )


@bp.route("/<int:plan_id>/bulk", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def bulk_add(plan_id: int):
    plan = load_plan(plan_id)
    amendment = request.args.get("amendment", type=int)
    form = BulkAddForm(plan=plan, amendment=amendment)
    if form.validate_on_submit():
        with unit_of_work():
            added = plans.bulk_add(plan, by=current_user, **form.values())
            flash(_("Đã thêm các cơ quan theo bộ lọc."), "success")
            flash(_("Số cơ quan được thêm: %(n)d.", n=added), "info")
            return redirect(detail_url(plan, amendment))
    return render_template(
        "plans/bulk.html", plan=plan, form=form, actions=plans.allowed_actions(current_user, plan)
    )


def with_decision(form, service, plan: InspectionPlan):
    """Register the newly entered decision (if any), then call `service(plan, decision)`."""
    values = form.new_decision()
    decision = decisions.create_decision(**values) if values is not None else form.decision
    service(plan, decision, current_user)
    return decision


@bp.route("/<int:plan_id>/approve", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def approve(plan_id: int):
    plan = load_plan(plan_id)
    form = ApproveForm(plan=plan)
    if form.validate_on_submit():
        with unit_of_work():
            with_decision(form, plans.approve, plan)
            flash(_("Đã phê duyệt kế hoạch năm %(y)d.", y=plan.year), "success")
            return redirect(detail_url(plan))
    return render_template(
        "plans/decision_form.html",
        plan=plan,
        form=form,
        heading=_("Phê duyệt kế hoạch năm %(y)d", y=plan.year),
        submit=_("Phê duyệt kế hoạch"),
    )


@bp.route("/<int:plan_id>/amend", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def amend(plan_id: int):
    plan = load_plan(plan_id)
    form = AmendForm(plan=plan)
    if form.validate_on_submit():
        with unit_of_work():
            decision = with_decision(form, plans.start_amendment, plan)
            flash(
                _("Đã ghi nhận quyết định điều chỉnh; hãy bổ sung hoặc hủy cuộc kiểm tra."),
                "success",
            )
            return redirect(detail_url(plan, decision.id))
    return render_template(
        "plans/decision_form.html",
        plan=plan,
        form=form,
        heading=_("Điều chỉnh kế hoạch năm %(y)d", y=plan.year),
        submit=_("Ghi nhận quyết định điều chỉnh"),
    )


@bp.route("/<int:plan_id>/close", methods=["POST"])
@roles_required(Role.ADMIN)
def close(plan_id: int):
    plan = load_plan(plan_id)
    if ActionForm().validate_on_submit():
        with unit_of_work():
            plans.close(plan, current_user)
            flash(_("Đã kết thúc kế hoạch năm %(y)d.", y=plan.year), "success")
    return redirect(detail_url(plan))


@bp.route("/<int:plan_id>/annex")
@roles_required(*STAFF_ROLES)
def annex(plan_id: int):
    plan = load_plan(plan_id)
    part = plan_annex_export.annex_page(plan, page_number(request.args.get("page")))
    return render_template("plans/annex.html", plan=plan, part=part)


@bp.route("/<int:plan_id>/annex.xlsx")
@roles_required(*STAFF_ROLES)
def annex_xlsx(plan_id: int):
    """The annex workbook, made by a job (a plan may hold 12,000 inspections)."""
    plan = load_plan(plan_id)
    return start_job("export:plan_annex", {"plan_id": plan.id})


class PlanImport(WorkbookImport):
    """A plan's annex from a workbook, approved when a decision is given (CONTRACTS 5.5)."""

    template = "plans/import.html"
    upload_endpoint = "plans.import_upload"
    upload_form = PlanImportForm
    confirm_form = PlanImportConfirmForm
    stale_message = None

    def prefill(self, form):
        form.year.data = clock.today().year + 1

    def read(self, data, form):
        result = plan_import.read_plan_workbook(data, int(form.year.data))
        if result.ok and isinstance(form, PlanImportForm):
            plan_import.check_plan_year(result)
        return result

    def carried(self, form):
        return {
            "year": str(form.year.data),
            "number": (form.number.data or "").strip(),
            "signed_on": form.signed_on.data.strftime("%d/%m/%Y") if form.signed_on.data else "",
            "issuer": form.issuer.data or plan_import.DEFAULT_ISSUER,
        }

    job_kind = "import:plan"

    def job_params(self, form):
        return {
            "year": int(form.year.data),
            "decision": form.number.data or "",
            "signed_on": form.signed_on.data or "",
            "issuer": form.issuer.data or plan_import.DEFAULT_ISSUER,
        }

    def apply(self, result, form):
        signed_on = form.signed_on.data
        return plan_import.apply_plan_import(
            result,
            decision_number=form.number.data or None,
            signed_on=datetime.strptime(signed_on, "%d/%m/%Y").date() if signed_on else None,
            issuer=form.issuer.data or plan_import.DEFAULT_ISSUER,
            by=current_user,
        )

    def finish(self, result, plan):
        flash(_("Đã nhập kế hoạch năm %(y)s.", y=plan.year), "success")
        return redirect(detail_url(plan))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_upload():
    """Upload an annex and show what importing it would do; nothing is written yet."""
    return PlanImport().upload()


@bp.route("/import/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def import_confirm():
    """Apply the previewed annex: all rows, or none when anything changed meanwhile."""
    return PlanImport().confirm()
