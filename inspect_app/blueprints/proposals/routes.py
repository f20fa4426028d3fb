"""The plan proposal page ("Đề xuất kế hoạch kiểm tra năm Y"), its lines and its settings."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.proposals import bp
from inspect_app.blueprints.proposals.forms import (
    QUARTER_LABELS,
    ProposalFilterForm,
    ProposalLinesForm,
    settings_form,
)
from inspect_app.extensions import db
from inspect_app.models import AgencyLevel, Role
from inspect_app.models.base import search_key
from inspect_app.permissions import roles_required
from inspect_app.services import plan_proposal, plans
from inspect_app.services.pagination import page_number
from inspect_app.services.plan_proposal import ProposalError

PER_PAGE = 50


@dataclass
class ListPage:
    """One page of an in-memory list, shaped like Flask-SQLAlchemy's pagination."""

    items: list
    page: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)

    def iter_pages(self, left_edge=1, right_edge=1, left_current=2, right_current=2):
        last = 0
        for number in range(1, self.pages + 1):
            near = self.page - left_current <= number <= self.page + right_current
            if number <= left_edge or number > self.pages - right_edge or near:
                if last + 1 != number:
                    yield None
                yield number
                last = number


def chosen_year(form: ProposalFilterForm):
    """The year asked for (the service judges it), next year when none is."""
    text = (request.args.get("year") or "").strip()
    return text or plan_proposal.local_today().year + 1


def matches(item, filters: dict, compare: dict | None) -> bool:
    """Whether a line passes the page's filters."""
    show = filters.get("show")
    checks = (
        filters.get("level") in (None, item.level.value),
        filters.get("mode") in (None, item.mode.value),
        filters.get("reason") in (None, *(h.code for h in item.reasons)),
        show is None
        or (show == "selected" and item.selected)
        or (show == "unselected" and not item.selected)
        or (show == "coverage" and item.coverage_due)
        or (show == "adjusted" and item.adjusted),
        not filters.get("q")
        or filters["q"].lower() in f"{item.code} {item.name}".lower()
        or search_key(filters["q"]) in item.name_key,
        not filters.get("compare")
        or compare is None
        or item.agency_id in compare[filters["compare"]],
    )
    return all(checks)


def proposal_view(year, filters: dict, page: int) -> dict:
    """Everything the page shows: the adjusted proposal, its totals, the comparison."""
    proposal = plan_proposal.propose(year)
    comparison = plan_proposal.compare_with_plan(proposal)
    compare = None
    if comparison is not None:
        compare = {
            "both": {i.agency_id for i in comparison.both},
            "only_proposed": {i.agency_id for i in comparison.only_proposed},
        }
    plan_proposal.apply_adjustments(proposal)
    rows = [item for item in proposal.items if matches(item, filters, compare)]
    start = (page - 1) * PER_PAGE
    listing = ListPage(rows[start : start + PER_PAGE], page, len(rows))
    return {
        "proposal": proposal,
        "totals": proposal.totals(),
        "comparison": comparison,
        "listing": listing,
        "plan": plans.plan_for_year(proposal.year),
        "reasons": plan_proposal.REASONS,
        "quarter_names": QUARTER_LABELS,
        "level_names": {level.value: level.label for level in AgencyLevel},
    }


@bp.route("/")
@roles_required(Role.ADMIN, Role.VIEWER)
def index():
    form = ProposalFilterForm(formdata=request.args)
    year = chosen_year(form)
    page = page_number(request.args.get("page"))
    try:
        view = proposal_view(year, form.filters(), page)
    except ProposalError as exc:
        db.session.rollback()
        return render_template("proposals/index.html", form=form, error=exc.message), 400
    lines = ProposalLinesForm(data={"lines": [line_data(i) for i in view["listing"].items]})
    return render_template(
        "proposals/index.html", form=form, lines=lines, confirm=request.args.get("confirm"), **view
    )


def line_data(item) -> dict:
    return {
        "agency_id": str(item.agency_id),
        "selected": item.selected,
        "mode": item.mode.value,
        "quarter": str(item.quarter),
    }


@bp.route("/lines", methods=["POST"])
@roles_required(Role.ADMIN)
def save_lines():
    """Save the page's lines; then, when asked, make the whole proposal the draft plan."""
    back = {k: v for k, v in request.args.items() if k != "confirm"}
    form = ProposalLinesForm()
    if not form.validate_on_submit():
        flash(_("Dữ liệu gửi lên không hợp lệ; vui lòng thử lại."), "danger")
        return redirect(url_for("proposals.index", **back))
    try:
        plan, confirm = apply_lines(request.args.get("year", type=int), form)
    except ProposalError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("proposals.index", **back))
    if plan is not None:
        return redirect(url_for("plans.detail", plan_id=plan.id))
    return redirect(url_for("proposals.index", **back, **({"confirm": 1} if confirm else {})))


def apply_lines(year, form: ProposalLinesForm):
    """Commit the admin's lines; create the draft when asked. Returns (plan, must_confirm)."""
    proposal = plan_proposal.propose(year)
    if form.reset.data:
        count = plan_proposal.reset_adjustments(proposal.year)
        db.session.commit()
        flash(_("Đã bỏ %(n)d điều chỉnh; đề xuất trở lại như hệ thống tính.", n=count), "info")
        return None, False
    changed = plan_proposal.adjust(proposal, form.changes(), by=current_user)
    db.session.commit()
    if not form.create.data:
        flash(_("Đã lưu %(n)d thay đổi.", n=changed), "success")
        return None, False
    adjusted = plan_proposal.apply_adjustments(plan_proposal.propose(proposal.year))
    try:
        plan = plan_proposal.create_draft_plan(
            adjusted, replace=bool(form.replace.data), by=current_user
        )
    except plan_proposal.DraftExists as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return None, True
    db.session.commit()
    flash(
        _(
            "Đã tạo dự thảo kế hoạch năm %(y)d với %(n)d cuộc kiểm tra.",
            y=plan.year,
            n=len(plan.inspections),
        ),
        "success",
    )
    return plan, False


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.VIEWER)
def settings():
    if request.method == "POST" and not current_user.has_role(Role.ADMIN):
        abort(403)
    form = settings_form(plan_proposal.load_settings())
    if form.validate_on_submit():
        values = {spec.key: getattr(form, spec.key).data for spec in form.specs}
        try:
            changed = plan_proposal.save_settings(values, by=current_user)
        except ProposalError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã lưu %(n)d thiết lập.", n=len(changed)), "success")
            return redirect(url_for("proposals.settings", year=request.args.get("year")))
    elif request.method == "POST":
        return render_template("proposals/settings.html", form=form), 400
    return render_template("proposals/settings.html", form=form)
