"""Starting a job from a page: create it, commit, queue it, and show its progress page."""

from __future__ import annotations

from flask import redirect, url_for
from flask_login import current_user

from inspect_app.extensions import db
from inspect_app.jobs import service


def start_job(kind: str, params: dict, upload: bytes | None = None):
    """The response of a view that hands its work to the queue (303 to the job page)."""
    job = service.create_job(kind, current_user, params, upload=upload)
    db.session.commit()
    service.enqueue(job)
    return redirect(url_for("jobs.show", key=job.key), code=303)
