"""The decisions register: list by year, create and edit (admin)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.decisions import bp
from inspect_app.blueprints.decisions.forms import DecisionFilterForm, DecisionForm
from inspect_app.errors import NotFound
from inspect_app.models import Decision, EvidenceFile, Role
from inspect_app.permissions import roles_required
from inspect_app.services import decisions, evidence
from inspect_app.services.pagination import page_number
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.loaders import get_child_or_404, get_or_404


@bp.route("/")
@roles_required(Role.ADMIN, Role.VIEWER)
def index():
    form = DecisionFilterForm(formdata=request.args, years=decisions.decision_years())
    page = decisions.list_decisions(form.chosen_year(), page=page_number(request.args.get("page")))
    return render_template("decisions/index.html", form=form, page=page)


def _save(form: DecisionForm, decision: Decision | None):
    """Create or update from a validated form with its scan; back to the list, or None."""
    with unit_of_work(form.number) as work:
        if decision is None:
            decision = decisions.create_decision(**form.values())
        else:
            decisions.update_decision(decision, **form.values())
        if form.file.data:
            work.field = form.file  # too large, wrong type: nothing of the decision is kept
            evidence.attach_decision_file(form.file.data, decision, current_user)
        flash(_("Đã lưu quyết định số %(number)s.", number=decision.number), "success")
        return redirect(url_for("decisions.index", year=decision.year))
    return None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = DecisionForm()
    if form.validate_on_submit() and (response := _save(form, None)):
        return response
    return render_template("decisions/form.html", form=form, decision=None)


@bp.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(decision_id: int):
    decision = get_or_404(Decision, decision_id)
    form = DecisionForm(decision=decision)
    if form.validate_on_submit() and (response := _save(form, decision)):
        return response
    return render_template("decisions/form.html", form=form, decision=decision)


@bp.route("/<int:decision_id>/files/<int:file_id>")
@roles_required(Role.ADMIN, Role.VIEWER)
def download_file(decision_id: int, file_id: int):
    row = get_child_or_404(EvidenceFile, file_id, decision_id=decision_id)
    try:
        return evidence.send_evidence(row)
    except NotFound:  # the row is there but its blob is not: a 404 page, not a 500
        abort(404)
