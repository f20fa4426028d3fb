from pathlib import Path

from flask import Response, current_app, render_template
from flask_login import current_user

from inspect_app import clock
from inspect_app.blueprints.main import bp
from inspect_app.models import Role
from inspect_app.services import dashboard, work_queues


@bp.route("/")
def index():
    """Each role's landing page; visitors see the public overview."""
    today = clock.today()
    if not current_user.is_authenticated:
        return render_template("main/public_home.html", coverage=dashboard.conformity_coverage())
    # Each role's home starts with what waits for it (DESIGN 5.10).
    queues = work_queues.queues_for(current_user, today)
    if current_user.role is Role.ADMIN:
        return render_template(
            "main/admin_home.html", work_queues=queues, data=dashboard.admin_overview(today.year)
        )
    if current_user.role is Role.INSPECTOR:
        return render_template(
            "main/inspector_home.html",
            work_queues=queues,
            data=dashboard.inspector_overview(current_user, today),
        )
    if current_user.role is Role.AGENCY:
        return render_template(
            "main/agency_home.html",
            work_queues=queues,
            data=dashboard.agency_overview(current_user),
        )
    return render_template(
        "main/viewer_home.html",
        work_queues=queues,
        years=dashboard.yearly_counts(today.year - 9, today.year),
        coverage=dashboard.conformity_coverage(),
    )


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico before reading the page's icon link."""
    icon = Path(current_app.static_folder, "img", "favicon.svg").read_bytes()
    response = Response(icon, mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    return response
