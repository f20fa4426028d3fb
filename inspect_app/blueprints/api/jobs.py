"""Jobs API (DESIGN 5.8): start exports and imports, follow them, fetch the result."""

from __future__ import annotations

from flask import abort, jsonify, request, send_file
from flask_login import current_user

from inspect_app.blueprints.api import bp
from inspect_app.blueprints.api.auth import api_login_required
from inspect_app.extensions import db
from inspect_app.jobs import requests as job_requests
from inspect_app.jobs import service
from inspect_app.storage import max_upload_bytes


def _started(job):
    db.session.commit()
    service.enqueue(job)
    db.session.refresh(job)
    view = service.job_view(job)
    return jsonify(job={"id": view["id"], "status": view["status"], "url": view["url"]}), 202


@bp.post("/exports")
@api_login_required
def start_export():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, description="Body must be a JSON object with 'kind', 'from' and 'to'.")
    kind, params = job_requests.export_request(current_user, payload)
    return _started(service.create_job(f"export:{kind}", current_user, params))


@bp.post("/imports")
@api_login_required
def start_import():
    kind, params = job_requests.import_request(current_user, request.form)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, description="file: a workbook (.xlsx) is required.")
    data = upload.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        abort(413, description="file: larger than the upload limit.")
    if not upload.filename.lower().endswith(".xlsx") or not data.startswith(b"PK"):
        abort(422, description="file: expected an Excel workbook (.xlsx).")
    params["file_name"] = upload.filename[:255]
    return _started(service.create_job(f"import:{kind}", current_user, params, upload=data))


def _job_or_404(key: str):
    job = service.visible_job(key, current_user)
    if job is None:
        abort(404, description="No such job.")
    return job


@bp.get("/jobs/<key>")
@api_login_required
def get_job(key: str):
    return jsonify(service.job_view(_job_or_404(key)))


@bp.get("/jobs/<key>/result")
@api_login_required
def job_result(key: str):
    job = _job_or_404(key)
    path = service.result_path(job)
    if path is None:
        abort(404, description="This job has no result (yet, or any more).")
    response = send_file(path, as_attachment=True, download_name=job.result_name or path.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/jobs/<key>/cancel")
@api_login_required
def cancel_job(key: str):
    job = _job_or_404(key)
    if not service.cancel_job(job):
        db.session.rollback()
        abort(409, description="The job has already finished.")
    db.session.commit()
    return jsonify(service.job_view(job))
