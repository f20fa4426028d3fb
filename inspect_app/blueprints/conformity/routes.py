"""The public register (no login) and the department's acknowledgement of announcements."""

from __future__ import annotations

from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.conformity import bp
from inspect_app.blueprints.conformity.forms import ActionForm, RegisterSearchForm, ReturnForm
from inspect_app.extensions import db
from inspect_app.models import ConformityAnnouncement, Role
from inspect_app.permissions import roles_required
from inspect_app.services import conformity
from inspect_app.services.pagination import page_number, paginate
from inspect_app.web.boundary import unit_of_work


@bp.route("/")
def public_register():
    """Every active agency's announcement status, with coverage per level; no login."""
    form = RegisterSearchForm(formdata=request.args)
    form.validate()
    filters = form.filters()
    return render_template(
        "conformity/register.html",
        form=form,
        page=paginate(
            conformity.register_query(filters),
            page_number(request.args.get("page")),
            scalars=False,
        ),
        filter_args={key: value for key, value in asdict(filters).items() if value},
        coverage=conformity.coverage(),
        status_labels=conformity.REGISTER_STATUSES,
    )


#: rows of each list on the department's page; the rest through the paged register.
ADMIN_LIST_ROWS = 50


@bp.route("/admin")
@roles_required(Role.ADMIN, Role.VIEWER)
def admin_index():
    # At national scale thousands of agencies have no announcement: the page shows the
    # first ones and the count, and links to the paged public register filtered by status.
    awaiting = conformity.awaiting_acknowledgement()
    without = conformity.agencies_without_valid_announcement()
    return render_template(
        "conformity/admin_index.html",
        awaiting=awaiting[:ADMIN_LIST_ROWS],
        awaiting_total=len(awaiting),
        without=without[:ADMIN_LIST_ROWS],
        without_total=len(without),
        coverage=conformity.coverage(),
        status_labels=conformity.REGISTER_STATUSES,
    )


def _load(announcement_id: int) -> ConformityAnnouncement:
    announcement = db.session.get(ConformityAnnouncement, announcement_id)
    if announcement is None:
        abort(404)
    return announcement


def _detail_page(announcement, return_form=None, status: int = 200):
    return render_template(
        "conformity/announcement.html",
        announcement=announcement,
        history=conformity.history(announcement.agency),
        action_form=ActionForm(formdata=None),
        return_form=return_form or ReturnForm(formdata=None),
        can_decide=current_user.is_admin and announcement.status.value == "submitted",
    ), status


@bp.route("/announcements/<int:announcement_id>")
@roles_required(Role.ADMIN, Role.VIEWER)
def announcement(announcement_id: int):
    return _detail_page(_load(announcement_id))


@bp.post("/announcements/<int:announcement_id>/acknowledge")
@roles_required(Role.ADMIN)
def acknowledge(announcement_id: int):
    announcement = _load(announcement_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        conformity.acknowledge(announcement, current_user)
        flash(_("Đã tiếp nhận công bố số %(number)s.", number=announcement.number), "success")
        return redirect(url_for(".admin_index"))
    return _detail_page(announcement, status=work.status)


@bp.post("/announcements/<int:announcement_id>/return")
@roles_required(Role.ADMIN)
def return_announcement(announcement_id: int):
    announcement = _load(announcement_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _detail_page(announcement, form, 422)
    with unit_of_work(form.reason) as work:
        conformity.return_announcement(announcement, current_user, form.reason.data)
        flash(_("Đã trả lại công bố số %(number)s.", number=announcement.number), "warning")
        return redirect(url_for(".admin_index"))
    return _detail_page(announcement, form, work.status)
