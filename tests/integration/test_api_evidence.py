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


@pytest.fixture
def finding(lead, inspection):
    raised = create_finding(
        inspection,
        severity=Severity.MINOR,
        description="Thiếu hồ sơ",
        corrective_action_required="Bổ sung",
        due_on=date.today() + timedelta(days=30),
        by=lead,
    )
    db.session.commit()
    return raised


def test_upload_to_a_finding(client, login, lead, finding):
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


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
UPLOAD_ID = "5b0c8a4e-2f61-4c3a-9d7e-0a1b2c3d4e5f"


def item_files(inspection):
    from sqlalchemy import select

    from inspect_app.models import EvidenceFile

    return db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.inspection_id == inspection.id)
    ).all()


def test_a_photo_for_an_item_is_stored_once_however_often_it_is_sent(
    client, login, lead, inspection
):
    login(lead)
    fields = {"inspection_id": inspection.id, "item": "A.1", "upload_id": UPLOAD_ID}
    first = upload(client, PNG, "anh-A.1.png", **fields)
    assert first.status_code == 201
    again = upload(client, PNG, "anh-A.1.png", **fields)  # the first answer was lost
    assert again.status_code == 200 and again.json == first.json
    [stored] = item_files(inspection)
    assert stored.item_id is not None and stored.upload_id == UPLOAD_ID
    code = next(i.code for i in inspection.template.items if i.id == stored.item_id)
    assert code == "A.1"


def test_an_upload_id_belongs_to_its_first_sender(client, login, make_user, lead, inspection):
    login(lead)
    upload(client, PNG, "a.png", inspection_id=inspection.id, upload_id=UPLOAD_ID)
    login(make_user(Role.ADMIN))
    response = upload(client, PNG, "a.png", inspection_id=inspection.id, upload_id=UPLOAD_ID)
    assert response.status_code == 409 and "error" in response.json
    assert len(item_files(inspection)) == 1


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"upload_id": "not-a-uuid"}, 422),
        ({"upload_id": UPLOAD_ID.upper()}, 422),
        ({"item": "Z.99"}, 422),
        ({"item": "A.1" * 20}, 422),
    ],
)
def test_bad_upload_id_or_item_is_refused(client, login, lead, inspection, fields, status):
    login(lead)
    response = upload(client, PNG, "a.png", inspection_id=inspection.id, **fields)
    assert response.status_code == status and "error" in response.json
    assert item_files(inspection) == []


def test_an_item_belongs_to_the_inspection_not_a_finding(client, login, lead, finding):
    login(lead)
    assert upload(client, PNG, "a.png", finding_id=finding.id, item="A.1").status_code == 400


def test_a_photo_for_a_concluded_inspection_is_refused(client, login, lead, make_inspection):
    inspection = make_inspection(lead=lead, status=InspectionStatus.CONCLUDED)
    login(lead)
    response = upload(
        client, PNG, "a.png", inspection_id=inspection.id, item="A.1", upload_id=UPLOAD_ID
    )
    assert response.status_code == 409 and "error" in response.json
