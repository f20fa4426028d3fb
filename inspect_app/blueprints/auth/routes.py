from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from inspect_app.blueprints.auth import bp
from inspect_app.blueprints.auth.forms import LoginForm, PasswordChangeForm
from inspect_app.extensions import db
from inspect_app.i18n import SESSION_KEY
from inspect_app.models.base import utcnow
from inspect_app.services import sessions
from inspect_app.services.users import set_password
from inspect_app.web.navigation import safe_next

#: set by logout: the next page tells the browser to forget the pages kept for offline work.
CLEAR_OFFLINE_PAGES = "clear_offline_pages"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(ip=request.remote_addr or "")
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.is_submitted():
        valid = form.validate()
        remember = bool(form.remember.data)
        if valid:
            form.user.last_login_at = utcnow()
            sessions.start_session(form.user, remember=remember)
        db.session.commit()  # the attempt is kept either way: the throttle counts failures
        if valid:
            login_user(form.user, remember=remember)
            if form.user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data) or url_for("main.index"))
    clear_offline = session.pop(CLEAR_OFFLINE_PAGES, False)
    return render_template("auth/login.html", form=form, clear_offline=clear_offline)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current.data):
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            set_password(current_user, form.new.data)
            db.session.commit()
            # The new session version ends every other session; this one logs in again.
            login_user(current_user._get_current_object())  # the user, not the proxy
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."), "success")
            return redirect(url_for("main.index"))
    if current_user.must_change_password and not form.is_submitted():
        flash(
            _("Mật khẩu của bạn do quản trị viên đặt; hãy đổi mật khẩu trước khi tiếp tục."),
            "warning",
        )
    return render_template("auth/password.html", form=form)


#: what a user whose password an admin set may still open before changing it.
OPEN_BEFORE_CHANGE = {"auth.change_password", "auth.logout", "auth.set_language", "static"}


@bp.before_app_request
def require_password_change():
    """Pages wait until a password an admin set has been changed; the API and the offline
    sync do not (an inspector's unsent answers still go out)."""
    if (
        request.method != "GET"
        or request.path.startswith("/api/")
        or request.endpoint in OPEN_BEFORE_CHANGE
        or (request.endpoint or "").endswith(".static")
    ):
        return None  # checked before current_user: the API loads its own (bearer) user
    if current_user.is_authenticated and getattr(current_user, "must_change_password", False):
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end_session(current_user.session_token)  # a copied cookie stops working too
    db.session.commit()
    logout_user()
    session[CLEAR_OFFLINE_PAGES] = True  # the login page removes the cached private pages
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in ("vi", "en"):
        session[SESSION_KEY] = code
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
