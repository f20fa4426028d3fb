"""Contract 5.4: POST /api/v1/evidence and GET /api/v1/evidence/<id>."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta

import pytest

from inspect_app.extensions import db
from inspect_app.models import InspectionStatus, Role, Severity
from inspect_app.services.findings import create_finding

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def lead(make_user):
    return make_user(Role.INSPECTOR)


@pytest.fixture
def inspection(make_inspection, lead):
    return make_inspection(lead=lead, status=InspectionStatus.IN_PROGRESS)


def upload(client, data: bytes, name: str, **fields):
    form = {"file": (io.BytesIO(data), name), **{k: str(v) for k, v in fields.items()}}
    # follow_redirects makes the test client close its spooled request body with the response.
    return client.post(
        "/api/v1/evidence", data=form, content_type="multipart/form-data", follow_redirects=True
    )


def test_upload_and_download(client, login, lead, inspection):
    login(lead)
    response = upload(client, PDF, "Biên bản kiểm tra.pdf", inspection_id=inspection.id)
    assert response.status_code == 201
    body = response.json
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["size"] == len(PDF) and body["name"] == "Biên bản kiểm tra.pdf"
    with client.get(f"/api/v1/evidence/{body['id']}") as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition


def test_upload_to_a_finding(client, login, lead, inspection):
    finding = create_finding(
        inspection,
        severity=Severity.MINOR,
        description="Thiếu hồ sơ",
        corrective_action_required="Bổ sung",
        due_on=date.today() + timedelta(days=30),
        by=lead,
    )
    db.session.commit()
    login(lead)
    assert upload(client, PDF, "a.pdf", finding_id=finding.id).status_code == 201


def test_content_that_does_not_match_its_extension_is_refused(client, login, lead, inspection):
    login(lead)
    response = upload(
        client, b"<html><script>x</script></html>", "x.pdf", inspection_id=inspection.id
    )
    assert response.status_code == 422 and "error" in response.json


def test_oversized_upload_is_413_json(app, client, login, lead, inspection):
    app.config["MAX_UPLOAD_MB"] = 1
    login(lead)
    big = PDF + b"0" * (1024 * 1024 + 10)
    with upload(client, big, "big.pdf", inspection_id=inspection.id) as response:
        assert response.status_code == 413 and "error" in response.json


@pytest.mark.parametrize(
    "fields", [{}, {"inspection_id": "x"}, {"inspection_id": 1, "finding_id": 1}]
)
def test_bad_target_is_400(client, login, lead, inspection, fields):
    login(lead)
    assert upload(client, PDF, "a.pdf", **fields).status_code == 400


def test_other_agency_gets_404(client, login, make_user, lead, inspection):
    login(lead)
    file_id = upload(client, PDF, "a.pdf", inspection_id=inspection.id).json["id"]
    login(make_user(Role.AGENCY))
    assert client.get(f"/api/v1/evidence/{file_id}").status_code == 404
    assert upload(client, PDF, "b.pdf", inspection_id=inspection.id).status_code == 404
    login(make_user(Role.INSPECTOR))
    assert upload(client, PDF, "b.pdf", inspection_id=inspection.id).status_code == 404


def test_viewer_may_read_but_not_upload(client, login, make_user, lead, inspection):
    login(lead)
    file_id = upload(client, PDF, "a.pdf", inspection_id=inspection.id).json["id"]
    login(make_user(Role.VIEWER))
    assert upload(client, PDF, "c.pdf", inspection_id=inspection.id).status_code == 403
    with client.get(f"/api/v1/evidence/{file_id}") as response:
        assert response.status_code == 200


def test_anonymous_gets_401(client, inspection):
    assert upload(client, PDF, "a.pdf", inspection_id=inspection.id).status_code == 401
