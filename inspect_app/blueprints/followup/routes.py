"""Follow-up pages (5.10): findings register, work queues, account, calendar feed, failed mail."""

from __future__ import annotations

import io

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app import clock
from inspect_app.blueprints.followup import bp
from inspect_app.blueprints.followup.forms import (
    AccountForm,
    CalendarFeedForm,
    RegisterFilterForm,
    ResendForm,
)
from inspect_app.extensions import db
from inspect_app.models import MailStatus, OutboundEmail, Role
from inspect_app.permissions import roles_required
from inspect_app.services import (
    audit,
    calendar_feed,
    mail,
    notifications,
    record_check,
    work_queues,
)
from inspect_app.services import findings_register as register
from inspect_app.services.inspection_queries import inspection_years
from inspect_app.services.pagination import page_number
from inspect_app.services.workbooks.tally_export import XLSX_MIMETYPE

ALL_ROLES = (Role.ADMIN, Role.INSPECTOR, Role.VIEWER, Role.AGENCY)


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """The navigation bar's count: what the signed-in user has not read yet."""
    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(current_user)


@bp.app_template_global("nonconforming_without_finding")
def nonconforming_without_finding(inspection) -> list:
    """For the conclude form: "Không phù hợp" items on which no finding was raised."""
    return record_check.nonconforming_without_finding(inspection)


# --- the findings register -------------------------------------------------------------------


def _register_filters() -> tuple[RegisterFilterForm, register.RegisterFilters]:
    """The form for the page and the filters it chose (none when a value is invalid)."""
    form = RegisterFilterForm(formdata=request.args, years=inspection_years(current_user))
    if not form.validate():
        return form, register.RegisterFilters()
    return form, register.parse_filters(request.args)


@bp.route("/findings")
@roles_required(*ALL_ROLES)
def findings_register():
    form, filters = _register_filters()
    today = clock.today()
    query = register.register_query(current_user, filters, today)
    page = db.paginate(
        register.ordered(query, today),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "followup/register.html",
        form=form,
        page=page,
        today=today,
        filters=filters,
        is_overdue=register.is_overdue,
        days_open=register.days_open,
        overdue_total=register.count(query.where(register.overdue_condition(today))),
        export_url=url_for("followup.findings_export", **filters.as_args()),
    ), (422 if form.errors else 200)


@bp.route("/findings/export.xlsx")
@roles_required(*ALL_ROLES)
def findings_export():
    form, filters = _register_filters()
    if form.errors:
        flash(_("Bộ lọc không hợp lệ; chưa xuất tệp."), "danger")
        return redirect(url_for("followup.findings_register"))
    today = clock.today()
    return send_file(
        io.BytesIO(register.register_workbook_bytes(current_user, filters, today)),
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=f"so-theo-doi-phat-hien-{today:%Y%m%d}.xlsx",
    )


# --- work queues -----------------------------------------------------------------------------


@bp.route("/queues/<key>")
@roles_required(*ALL_ROLES)
def work_queue(key: str):
    definition = work_queues.definition(current_user, key)
    if definition is None:
        abort(404)
    number = page_number(request.args.get("page"))
    rows, total, pages = work_queues.page(
        definition, current_user, clock.today(), number, current_app.config["PER_PAGE"]
    )
    return render_template(
        "followup/queue.html",
        label=str(definition.label),
        rows=rows,
        total=total,
        number=number,
        pages=pages,
    )


# --- the account page: e-mail, reminders, calendar feed --------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def account():
    form = AccountForm(obj=current_user if request.method == "GET" else None)
    if form.validate_on_submit():
        before = audit.snapshot(current_user, ["email", "email_reminders"])
        current_user.email = (form.email.data or "").strip() or None
        current_user.email_reminders = form.email_reminders.data
        db.session.flush()
        after = audit.snapshot(current_user, ["email", "email_reminders"])
        audit.record("update", current_user, before=before, after=after, user=current_user)
        db.session.commit()
        flash(_("Đã lưu cài đặt tài khoản."), "success")
        return redirect(url_for("followup.account"))
    return _account_page(form, status=422 if form.errors else 200)


def _account_page(form, feed_url: str | None = None, status: int = 200):
    return render_template(
        "followup/account.html",
        form=form,
        feed_form=CalendarFeedForm(formdata=None),
        feed_url=feed_url,
        has_feed=current_user.calendar_token is not None,
    ), status


@bp.post("/account/calendar")
@roles_required(*ALL_ROLES)
def calendar_settings():
    form = CalendarFeedForm()
    if not form.validate_on_submit():
        abort(400)
    if form.revoke.data:
        calendar_feed.revoke_feed(current_user)
        db.session.commit()
        flash(_("Đã thu hồi địa chỉ lịch; địa chỉ cũ không còn dùng được."), "success")
        return redirect(url_for("followup.account"))
    secret = calendar_feed.new_feed_secret(current_user)
    db.session.commit()
    feed_url = current_app.config["APP_BASE_URL"] + url_for("followup.calendar", secret=secret)
    flash(_("Đã tạo địa chỉ lịch mới; địa chỉ cũ (nếu có) không còn dùng được."), "success")
    return _account_page(AccountForm(obj=current_user), feed_url=feed_url)


@bp.route("/calendar/<secret>.ics")
def calendar(secret: str):
    """The feed itself: the secret in the URL is the credential (calendar apps send no cookie)."""
    user = calendar_feed.user_for_secret(secret)
    if user is None:
        abort(404)
    return Response(
        calendar_feed.feed_text(user),
        mimetype="text/calendar",
        headers={
            "Content-Disposition": "inline; filename=kiem-tra-htqlcl.ics",
            "Cache-Control": "private, max-age=300",
        },
    )


# --- failed e-mail (admin) -------------------------------------------------------------------


@bp.route("/admin/mail")
@roles_required(Role.ADMIN)
def failed_mail():
    return render_template(
        "followup/mail.html",
        failed=mail.failed_messages(),
        waiting=mail.waiting_messages(),
        form=ResendForm(formdata=None),
        transport="SMTP" if current_app.config.get("MAIL_SERVER") else "eml",
        mail_dir=str(mail.mail_directory()),
    )


@bp.post("/admin/mail/<int:message_id>/resend")
@roles_required(Role.ADMIN)
def resend_mail(message_id: int):
    message = db.session.get(OutboundEmail, message_id)
    if message is None:
        abort(404)
    form = ResendForm()
    if not form.validate_on_submit():
        abort(400)
    if message.status is not MailStatus.FAILED:
        flash(_("Thư này không ở trạng thái gửi lỗi."), "warning")
        return redirect(url_for("followup.failed_mail"))
    mail.resend(message, current_user)
    db.session.commit()
    flash(_("Đã đưa thư vào hàng đợi gửi lại."), "success")
    return redirect(url_for("followup.failed_mail"))
