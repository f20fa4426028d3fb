"""The job API and pages (DESIGN 5.8) on both queue storages (huey's SQLite file, Redis)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.jobs import service
from inspect_app.models import Agency, Inspection, Job, JobStatus, Role
from tests.integration.test_history_import import history_rows
from tests.integration.test_history_import import workbook as history_workbook
from tests.unit.test_agency_import import workbook as agency_workbook


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def start_export(client, **body):
    return client.post("/api/v1/exports", json=body)


def job_of(client, response):
    assert response.status_code == 202, response.get_json()
    job = response.get_json()["job"]
    assert set(job) == {"id", "status", "url"}
    return client.get(job["url"]).get_json()


def download(client, url) -> bytes:
    response = client.get(url)
    try:
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        return response.data
    finally:
        response.close()


def test_tally_export_runs_as_a_job(
    queue_storage, client, login, admin, make_inspection, make_plan
):
    make_inspection(plan=make_plan(2025), status="concluded")
    login(admin)
    view = job_of(client, start_export(client, kind="tallies", **{"from": 2021, "to": 2025}))
    assert view["status"] == "done", view
    assert view["kind"] == "tallies"
    assert view["progress"] == 100 and view["errors"] == []
    assert set(view) >= {"id", "kind", "status", "progress", "done", "total", "errors", "result"}
    sheet = load_workbook(io.BytesIO(download(client, view["result"]))).worksheets[0]
    assert sheet.title == "Tổng hợp"
    years = [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert years == [2021, 2022, 2023, 2024, 2025]


def test_findings_export(queue_storage, client, login, admin, make_inspection, make_plan):
    make_inspection(plan=make_plan(2024))
    login(admin)
    view = job_of(client, start_export(client, kind="findings", **{"from": 2024, "to": 2024}))
    assert view["status"] == "done"
    book = load_workbook(io.BytesIO(download(client, view["result"])))
    assert book.worksheets[0].title == "Phát hiện"


def test_inspections_csv_holds_only_what_the_caller_sees(
    queue_storage, client, login, make_user, make_inspection, make_plan
):
    inspector = make_user(Role.INSPECTOR)
    plan = make_plan(2025)
    mine = make_inspection(plan=plan, lead=inspector)
    make_inspection(plan=plan)
    login(inspector)
    view = job_of(client, start_export(client, kind="inspections", **{"from": 2025, "to": 2025}))
    assert view["status"] == "done"
    rows = list(csv.reader(io.StringIO(download(client, view["result"]).decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "year", "agency_code"]
    assert [int(row[0]) for row in rows[1:]] == [mine.id]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "everything", "from": 2020, "to": 2021}, 400, "kind"),
        ({"from": 2020, "to": 2021}, 400, "kind"),
        ({"kind": "tallies", "from": "last year", "to": 2021}, 422, "from"),
        ({"kind": "tallies", "from": 2020}, 422, "to"),
        ({"kind": "tallies", "from": 2022, "to": 2021}, 422, "to"),
        ({"kind": "tallies", "from": True, "to": 2021}, 422, "from"),
    ],
)
def test_bad_export_requests_name_the_field(client, login, admin, body, status, field):
    login(admin)
    response = start_export(client, **body)
    assert response.status_code == status
    assert response.get_json()["error"].startswith(f"{field}:")
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_an_agency_user_may_not_export_tallies(client, login, make_user):
    login(make_user(Role.AGENCY))
    response = start_export(client, kind="tallies", **{"from": 2020, "to": 2021})
    assert response.status_code == 403


def test_a_job_is_seen_by_its_owner_and_admins_only(client, login, make_user, admin):
    viewer = make_user(Role.VIEWER)
    login(viewer)
    view = job_of(client, start_export(client, kind="tallies", **{"from": 2024, "to": 2025}))
    other = client.application.test_client()
    login(make_user(Role.VIEWER), other)
    for url in (view["url"], view["url"] + "/result", f"/jobs/{view['id']}"):
        assert other.get(url).status_code == 404
    assert other.get("/api/v1/jobs/" + "0" * 32).status_code == 404
    assert other.get("/api/v1/jobs/" + "0" * 32).get_json()["error"]
    boss = client.application.test_client()
    login(admin, boss)
    assert boss.get(view["url"]).get_json()["status"] == "done"
    anonymous = client.application.test_client()
    assert anonymous.get(view["url"]).status_code == 401


def test_agency_import_job(queue_storage, client, login, admin):
    login(admin)
    data = agency_workbook(
        ["SO-A", "Sở thử A", "Cấp tỉnh", "", "", "", ""],
        ["SO-B", "Sở thử B", "Cấp tỉnh", "", "", "", ""],
    )
    response = client.post(
        "/api/v1/imports",
        data={"kind": "agencies", "file": (io.BytesIO(data), "co-quan.xlsx")},
    )
    view = job_of(client, response)
    assert view["status"] == "done", view
    assert "2" in view["summary"]
    assert db.session.scalar(select(func.count(Agency.id)).where(Agency.code.like("SO-%"))) == 2


def test_a_bad_import_lists_every_bad_row_and_writes_nothing(queue_storage, client, login, admin):
    login(admin)
    rows = history_rows(6)
    rows[1][0] = "năm ngoái"
    rows[4][4] = "qua điện thoại"
    response = client.post(
        "/api/v1/imports",
        data={"kind": "inspections", "file": (io.BytesIO(history_workbook(rows)), "ls.xlsx")},
    )
    view = job_of(client, response)
    assert view["status"] == "failed"
    numbers = sorted(int(re.match(r"row (\d+):", line).group(1)) for line in view["errors"])
    assert numbers == [4, 7]
    assert db.session.scalar(select(func.count(Inspection.id))) == 0
    assert view["result"] is None


def test_history_import_job_is_all_rows_and_idempotent(queue_storage, client, login, admin):
    login(admin)
    data = history_workbook(history_rows(40))
    for _attempt in range(2):
        response = client.post(
            "/api/v1/imports", data={"kind": "inspections", "file": (io.BytesIO(data), "a.xlsx")}
        )
        view = job_of(client, response)
        assert view["status"] == "done", view
    assert db.session.scalar(select(func.count(Inspection.id))) == 40


@pytest.mark.parametrize(
    ("form", "status", "field"),
    [
        ({"kind": "nothing"}, 400, "kind"),
        ({"kind": "plan", "year": "next"}, 422, "year"),
        ({"kind": "plan", "year": "2027", "decision": "12/QĐ"}, 422, "signed_on"),
        ({"kind": "plan", "year": "2027", "decision": "1", "signed_on": "1.1"}, 422, "signed_on"),
        ({"kind": "participants", "course_id": "999"}, 422, "course_id"),
        ({"kind": "agencies"}, 400, "file"),
    ],
)
def test_bad_import_requests_name_the_field(client, login, admin, form, status, field):
    login(admin)
    response = client.post("/api/v1/imports", data=form)
    assert response.status_code == status
    assert response.get_json()["error"].startswith(f"{field}:")


def test_a_file_that_is_no_workbook_is_refused(client, login, admin):
    login(admin)
    response = client.post(
        "/api/v1/imports", data={"kind": "agencies", "file": (io.BytesIO(b"hello"), "a.xlsx")}
    )
    assert response.status_code == 422
    assert response.get_json()["error"].startswith("file:")


def test_only_admins_import(client, login, make_user):
    login(make_user(Role.VIEWER))
    data = {"kind": "agencies", "file": (io.BytesIO(agency_workbook()), "a.xlsx")}
    assert client.post("/api/v1/imports", data=data).status_code == 403


def test_cancel_a_queued_job(queue_storage, app, client, login, admin):
    login(admin)
    job = service.create_job("export:tallies", admin, {"from": 2024, "to": 2025})
    db.session.commit()
    response = client.post(f"/api/v1/jobs/{job.key}/cancel")
    assert response.get_json()["status"] == "cancelled"
    service.run_job(job.id)  # a worker that picks it up afterwards does nothing
    db.session.refresh(job)
    assert job.status is JobStatus.CANCELLED and job.attempts == 0
    assert client.post(f"/api/v1/jobs/{job.key}/cancel").status_code == 409


def test_a_cancelled_running_import_writes_nothing(queue_storage, app, admin):
    job = service.create_job(
        "import:inspections", admin, {}, upload=history_workbook(history_rows(4100))
    )
    db.session.commit()
    from inspect_app.jobs import kinds

    original = kinds.HANDLERS["import:inspections"]

    def cancelling(job_row, ctx):
        app.extensions["huey"].put(f"job:{job_row.key}:cancel", True)
        return original(job_row, ctx)

    kinds.HANDLERS["import:inspections"] = cancelling
    try:
        service.run_job(job.id)
    finally:
        kinds.HANDLERS["import:inspections"] = original
    assert db.session.scalar(select(func.count(Inspection.id))) == 0


def test_stale_running_jobs_are_requeued_then_failed(queue_storage, app, admin):
    app.config.update(JOB_STALE_SECONDS=0, JOB_MAX_ATTEMPTS=2)
    job = service.create_job("export:tallies", admin, {"from": 2024, "to": 2025})
    job.status, job.attempts = JobStatus.RUNNING, 1
    job.started_at = job.created_at
    db.session.commit()
    assert service.recover_stale_jobs() == [job.key]
    db.session.refresh(job)
    # Immediate mode: requeued and run again at once.
    assert job.status is JobStatus.DONE and job.attempts == 2
    again = service.create_job("export:tallies", admin, {"from": 2024, "to": 2025})
    again.status, again.attempts, again.started_at = JobStatus.RUNNING, 2, again.created_at
    db.session.commit()
    service.recover_stale_jobs()
    db.session.refresh(again)
    assert again.status is JobStatus.FAILED and again.errors


def test_job_page_polls_from_a_static_script(client, login, admin):
    login(admin)
    view = job_of(client, start_export(client, kind="tallies", **{"from": 2024, "to": 2025}))
    page = client.get(f"/jobs/{view['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-url="{view["url"]}"' in html
    assert "js/job-progress.js" in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "Tải kết quả" in html
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{view['id']}" in listing


def test_expired_jobs_are_purged(app, admin):
    from datetime import timedelta

    job = service.create_job("export:tallies", admin, {"from": 2024, "to": 2025})
    job.status = JobStatus.DONE
    job.finished_at = job.created_at = job.created_at - timedelta(days=8)
    db.session.commit()
    assert service.purge_expired_jobs() == 1
    db.session.commit()
    assert db.session.scalar(select(func.count(Job.id))) == 0
