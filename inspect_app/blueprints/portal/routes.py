"""The agency portal: home, dossier submission, corrective actions, announcements, notifications."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.portal import bp
from inspect_app.blueprints.portal.forms import (
    ActionForm,
    AnnouncementForm,
    DossierFileForm,
    FindingResponseForm,
    NotificationForm,
)
from inspect_app.extensions import db
from inspect_app.models import Role
from inspect_app.permissions import ALL_ROLES, roles_required
from inspect_app.services import (
    conformity,
    dashboard,
    dossier_contents,
    evidence,
    findings,
    notifications,
    portal,
)
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.loaders import (
    own_announcement,
    own_dossier,
    own_dossier_file,
    own_finding,
)
from inspect_app.web.navigation import safe_next


@bp.route("/")
@roles_required(Role.AGENCY)
def index():
    return render_template("main/agency_home.html", data=dashboard.agency_overview(current_user))


# --- dossiers ------------------------------------------------------------------------------------


def _dossier_page(inspection, file_form=None, status: int = 200):
    files = portal.dossier_files(inspection)
    return render_template(
        "portal/dossier.html",
        inspection=inspection,
        files=files,
        requested=dossier_contents.requested_documents(inspection.dossier_request),
        missing=dossier_contents.missing_documents(inspection, files),
        open_for_files=portal.accepts_dossier_files(inspection),
        overdue=portal.dossier_is_overdue(inspection),
        file_form=file_form or DossierFileForm(formdata=None, inspection=inspection),
        action_form=ActionForm(formdata=None),
    ), status


@bp.route("/dossiers/<int:inspection_id>")
@roles_required(Role.AGENCY)
def dossier(inspection_id: int):
    return _dossier_page(own_dossier(inspection_id))


@bp.post("/dossiers/<int:inspection_id>/files")
@roles_required(Role.AGENCY)
def add_dossier_file(inspection_id: int):
    inspection = own_dossier(inspection_id)
    form = DossierFileForm(inspection=inspection)
    if not form.validate_on_submit():
        return _dossier_page(inspection, form, 422)
    with unit_of_work(form.file) as work:
        stored = portal.add_dossier_file(
            inspection,
            form.file.data,
            document_type=form.document_type.data,
            effective_on=form.effective_on.data,
            by=current_user,
        )
        flash(_("Đã tải lên tệp “%(name)s”.", name=stored.original_name), "success")
        return redirect(url_for(".dossier", inspection_id=inspection.id))
    return _dossier_page(inspection, form, work.status)


@bp.post("/dossiers/<int:inspection_id>/files/<int:file_id>/delete")
@roles_required(Role.AGENCY)
def remove_dossier_file(inspection_id: int, file_id: int):
    inspection = own_dossier(inspection_id)
    stored = own_dossier_file(inspection, file_id)
    back = redirect(url_for(".dossier", inspection_id=inspection.id))
    if not ActionForm().validate_on_submit():
        return _expired(back)
    name = stored.original_name
    with unit_of_work():
        portal.remove_dossier_file(stored, current_user)
        flash(_("Đã gỡ tệp “%(name)s” khỏi hồ sơ.", name=name), "success")
    return back


@bp.post("/dossiers/<int:inspection_id>/submit")
@roles_required(Role.AGENCY)
def submit_dossier(inspection_id: int):
    inspection = own_dossier(inspection_id)
    back = redirect(url_for(".dossier", inspection_id=inspection.id))
    if not ActionForm().validate_on_submit():
        return _expired(back)
    with unit_of_work():
        portal.submit_dossier(inspection, current_user)
        flash(_("Đã nộp hồ sơ; đoàn kiểm tra đã được thông báo."), "success")
    return back


def _expired(back):
    """A one-button form whose CSRF token failed: say so and go back."""
    flash(_("Phiên làm việc đã hết hạn; vui lòng thử lại."), "danger")
    return back


# --- findings ------------------------------------------------------------------------------------


def _finding_page(finding, form=None, status: int = 200):
    required = portal.response_files_required(finding)
    return render_template(
        "portal/finding.html",
        finding=finding,
        inspection=finding.inspection,
        files=evidence.finding_files(finding),
        can_respond=findings.can_respond(finding),
        form=form or FindingResponseForm(formdata=None, files_required=required),
    ), status


@bp.route("/findings/<int:finding_id>")
@roles_required(Role.AGENCY)
def finding(finding_id: int):
    return _finding_page(own_finding(finding_id))


@bp.post("/findings/<int:finding_id>/respond")
@roles_required(Role.AGENCY)
def respond(finding_id: int):
    finding = own_finding(finding_id)
    form = FindingResponseForm(files_required=portal.response_files_required(finding))
    if not form.validate_on_submit():
        return _finding_page(finding, form, 422)
    with unit_of_work(form.files) as work:
        portal.respond(
            finding,
            root_cause=form.root_cause.data,
            action_taken=form.action_taken.data,
            files=form.chosen_files(),
            by=current_user,
        )
        flash(_("Đã gửi phản hồi hành động khắc phục; đoàn kiểm tra sẽ xác minh."), "success")
        return redirect(url_for(".finding", finding_id=finding.id))
    return _finding_page(finding, form, work.status)


# --- announcements ---------------------------------------------------------------------


@bp.route("/announcements")
@roles_required(Role.AGENCY)
def announcements():
    agency = current_user.agency
    return render_template(
        "portal/announcements.html",
        agency=agency,
        status=conformity.current_status(agency),
        history=conformity.history(agency),
    )


@bp.route("/announcements/new", methods=["GET", "POST"])
@roles_required(Role.AGENCY)
def new_announcement():
    agency = current_user.agency
    form = AnnouncementForm(agency=agency)
    status = 200
    if form.validate_on_submit():
        with unit_of_work(form.number) as work:
            announcement = conformity.submit_announcement(
                agency,
                number=form.number.data,
                announced_on=form.announced_on.data,
                standard=form.standard.data,
                scope=form.scope.data,
                procedures_count=form.procedures_count.data,
                file=form.file.data,
                by=current_user,
            )
            flash(_("Đã gửi công bố; Sở KH&CN sẽ tiếp nhận hoặc phản hồi."), "success")
            return redirect(url_for(".announcement", announcement_id=announcement.id))
        status = work.status
    elif form.is_submitted():
        status = 422
    context = {"form": form, "status": conformity.current_status(agency)}
    return render_template("portal/announcement_form.html", **context), status


@bp.route("/announcements/<int:announcement_id>")
@roles_required(Role.AGENCY)
def announcement(announcement_id: int):
    return render_template(
        "portal/announcement.html", announcement=own_announcement(announcement_id)
    )


# --- notifications (every signed-in user has some) ---------------------------------------


@bp.route("/notifications")
@roles_required(*ALL_ROLES)
def notifications_index():
    rows = db.session.scalars(notifications.for_user(current_user).limit(200)).all()
    return render_template(
        "portal/notifications.html",
        rows=rows,
        unread=notifications.unread_count(current_user),
    )


def _own_notification(notification_id: int):
    row = notifications.get_for(current_user, notification_id)
    if row is None:
        abort(404)
    return row


@bp.post("/notifications/<int:notification_id>/read")
@roles_required(*ALL_ROLES)
def read_notification(notification_id: int):
    row = _own_notification(notification_id)
    form = NotificationForm()
    back = redirect(safe_next(form.next.data) or url_for(".notifications_index"))
    if not form.validate_on_submit():
        return _expired(back)
    with unit_of_work():
        notifications.mark_read(row, current_user)
        flash(_("Đã đánh dấu đã đọc."), "success")
    return back


@bp.post("/notifications/<int:notification_id>/open")
@roles_required(*ALL_ROLES)
def open_notification(notification_id: int):
    row = _own_notification(notification_id)
    form = NotificationForm()
    if form.validate_on_submit():
        notifications.mark_read(row, current_user)
        db.session.commit()
    return redirect(safe_next(row.link) or url_for(".notifications_index"))


@bp.post("/notifications/read-all")
@roles_required(*ALL_ROLES)
def read_all_notifications():
    form = NotificationForm()
    back = redirect(safe_next(form.next.data) or url_for(".notifications_index"))
    if not form.validate_on_submit():
        return _expired(back)
    with unit_of_work():
        notifications.mark_all_read(current_user)
        flash(_("Đã đánh dấu tất cả thông báo là đã đọc."), "success")
    return back
