"""Job pages: my jobs, one job's live progress (polled by static/js/job-progress.js), cancel."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from inspect_app.blueprints.jobs import bp
from inspect_app.extensions import db
from inspect_app.jobs import service
from inspect_app.models import Job
from inspect_app.services.pagination import page_number


class CancelForm(FlaskForm):
    """Only the CSRF token."""


def load_job(key: str) -> Job:
    job = service.visible_job(key, current_user)
    if job is None:
        abort(404)
    return job


@bp.route("/")
@login_required
def index():
    page = page_number(request.args.get("page"))
    query = select(Job).where(Job.owner_id == current_user.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    per_page = 50
    jobs = db.session.scalars(
        query.order_by(Job.id.desc()).limit(per_page).offset((max(page, 1) - 1) * per_page)
    ).all()
    return render_template(
        "jobs/index.html",
        jobs=[(job, service.job_view(job)) for job in jobs],
        page=max(page, 1),
        pages=max(1, -(-total // per_page)),
        total=total,
    )


@bp.route("/<key>")
@login_required
def show(key: str):
    job = load_job(key)
    return render_template(
        "jobs/show.html", job=job, view=service.job_view(job), cancel_form=CancelForm()
    )


@bp.route("/<key>/cancel", methods=["POST"])
@login_required
def cancel(key: str):
    job = load_job(key)
    if CancelForm().validate_on_submit() and service.cancel_job(job):
        db.session.commit()
        flash(_("Đã huỷ công việc; không có gì được ghi."), "success")
    else:
        db.session.rollback()
        flash(_("Công việc đã kết thúc, không huỷ được nữa."), "warning")
    return redirect(url_for("jobs.show", key=job.key))
