import io

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from inspect_app.blueprints.admin import bp
from inspect_app.blueprints.admin.forms import (
    AuditFilterForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from inspect_app.extensions import db
from inspect_app.models import ApiToken, AuditLog, Role, User
from inspect_app.permissions import locks_self_out, roles_required
from inspect_app.services import audit_display, audit_queries, users
from inspect_app.services.pagination import page_number
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.forms import options
from inspect_app.web.loaders import get_child_or_404, load_user


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    counts = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    audit_total = db.session.scalar(select(func.count()).select_from(AuditLog))
    return render_template(
        "admin/index.html", counts=counts, audit_total=audit_total, roles=list(Role)
    )


@bp.route("/users")
@roles_required(Role.ADMIN)
def user_list():
    rows = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_create():
    form = UserCreateForm()
    if form.validate_on_submit():
        with unit_of_work():
            user = users.create_user(
                form.username.data,
                role=Role(form.role.data),
                password=form.password.data,
                full_name=form.full_name.data,
                agency=form.agency,
                email=form.email.data or None,
                set_by_admin=True,
                honorific=form.honorific.data,
                position=form.position.data,
            )
            flash(_("Đã tạo người dùng %(u)s.", u=user.username), "success")
            return redirect(url_for(".user_list"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    user = load_user(user_id)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.role.data = user.role.value
        form.agency_code.data = user.agency.code if user.agency else ""
    if form.validate_on_submit():
        role, active = Role(form.role.data), form.active.data
        if locks_self_out(current_user, user, role=role, active=active):
            flash(_("Bạn không thể tự khóa hoặc bỏ quyền quản trị của chính mình."), "danger")
            return redirect(url_for(".user_edit", user_id=user.id))
        with unit_of_work():
            users.update_user(
                user,
                full_name=form.full_name.data,
                email=form.email.data,
                role=role,
                agency=form.agency,
                active=active,
                honorific=form.honorific.data,
                position=form.position.data,
            )
            flash(_("Đã lưu người dùng %(u)s.", u=user.username), "success")
            return redirect(url_for(".user_list"))
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        tokens=users.user_tokens(user),
        reset_form=PasswordResetForm(),
    )


@bp.post("/users/<int:user_id>/password")
@roles_required(Role.ADMIN)
def user_reset_password(user_id: int):
    user = load_user(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        users.set_password(user, form.password.data, by_admin=True)
        db.session.commit()
        flash(
            _(
                "Đã đặt lại mật khẩu của %(u)s; các phiên đăng nhập và token cũ đã hết hiệu lực.",
                u=user.username,
            ),
            "success",
        )
    else:
        for error in form.password.errors:
            flash(error, "danger")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@roles_required(Role.ADMIN)
def token_revoke(user_id: int, token_id: int):
    user = load_user(user_id)
    token = get_child_or_404(ApiToken, token_id, user_id=user.id)
    users.revoke_token(token)
    db.session.commit()
    flash(_("Đã thu hồi token %(p)s…", p=token.prefix), "success")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    form = AuditFilterForm(request.args)
    filters = _audit_filters(form)
    page = audit_queries.audit_page(
        filters, page_number(request.args.get("page")), current_app.config["PER_PAGE"]
    )
    entries = [audit_display.describe(entry) for entry in page.items]
    return render_template("admin/audit.html", form=form, page=page, entries=entries)


#: the most rows one export carries; narrow the filter for more.
AUDIT_EXPORT_LIMIT = 20_000


@bp.route("/audit.xlsx")
@roles_required(Role.ADMIN)
def audit_export():
    """The filtered log as a workbook, newest first."""
    filters = _audit_filters(AuditFilterForm(request.args))
    page = audit_queries.audit_page(filters, 1, AUDIT_EXPORT_LIMIT)
    return send_file(
        io.BytesIO(audit_display.audit_workbook(list(page.items))),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="nhat-ky-thay-doi.xlsx",
    )


def _audit_filters(form: AuditFilterForm) -> dict:
    form.object_type.choices = options(
        [("", _("Tất cả"))]
        + [(t, audit_display.object_label(t)) for t in audit_queries.object_types()]
    )
    return form.data if form.validate() else {}
