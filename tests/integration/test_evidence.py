"""Evidence per inspection and item: upload rules, download headers, access (CONTRACTS 7)."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from inspect_app.extensions import db
from inspect_app.models import AuditLog, EvidenceFile, Finding, InspectionStatus, Role, Severity
from inspect_app.permissions import can_view_evidence
from inspect_app.services import evidence
from inspect_app.storage import UploadError

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
VIETNAMESE_NAME = "Biên bản kiểm tra.pdf"


def text(response) -> str:
    return response.get_data(as_text=True)


def evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceFile))


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, inspection, content=PDF, name=VIETNAMESE_NAME, item="", **extra):
    """POST the multipart body from memory (the test client would spool big bodies to disk)."""
    fields = {"file": FileStorage(io.BytesIO(content), filename=name), "item": item, **extra}
    boundary, body = encode_multipart(fields)
    return client.post(
        f"/inspections/{inspection.id}/evidence",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_team_member_uploads_evidence_for_an_item(app, client, login, team):
    inspection = team["inspection"]
    login(team["member"])

    response = upload(client, inspection, item="A.2")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/inspections/{inspection.id}"
    row = db.session.scalars(select(EvidenceFile)).one()
    item = next(i for i in inspection.template.items if i.code == "A.2")
    assert (row.inspection_id, row.item_id, row.finding_id) == (inspection.id, item.id, None)
    assert row.agency_id == team["agency"].id
    assert row.uploaded_by_id == team["member"].id
    assert (row.original_name, row.size, row.content_type) == (
        VIETNAMESE_NAME,
        len(PDF),
        "application/pdf",
    )
    assert row.stored_id.endswith(row.sha256) and VIETNAMESE_NAME not in row.stored_id
    assert len(stored_files(app)) == 1
    audit = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "evidence_files"))
    assert [entry.action for entry in audit] == ["upload"]

    page = text(client.get(f"/inspections/{inspection.id}/evidence"))
    assert VIETNAMESE_NAME in page and "A.2" in page
    assert f'href="/evidence/{row.id}"' in page


def test_upload_for_the_whole_inspection_and_back_to_the_page(client, login, team):
    inspection = team["inspection"]
    login(team["lead"])

    response = upload(client, inspection, PNG, "anh-hien-truong.png", next="/inspections/1")

    assert response.status_code == 302
    assert response.headers["Location"] == "/inspections/1"
    assert db.session.scalars(select(EvidenceFile)).one().item_id is None


def test_foreign_next_is_ignored(client, login, team):
    login(team["lead"])

    response = upload(client, team["inspection"], next="https://evil.example/")

    assert response.headers["Location"] == f"/inspections/{team['inspection'].id}"


def test_download_is_an_attachment_with_a_utf8_filename_and_nosniff(client, login, team):
    login(team["lead"])
    upload(client, team["inspection"])
    row = db.session.scalars(select(EvidenceFile)).one()

    response = client.get(f"/evidence/{row.id}")

    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Bien ban kiem tra.pdf"' in disposition  # ASCII fallback
    assert f"filename*=UTF-8''{quote(VIETNAMESE_NAME)}" in disposition
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20ki%E1%BB%83m%20tra.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()


def test_oversized_upload_is_413_with_a_vietnamese_page(app, client, login, team):
    app.config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=1024 * 1024 + 64 * 1024)
    login(team["lead"])

    response = upload(client, team["inspection"], PDF + b"0" * (1024 * 1024))

    assert response.status_code == 413
    page = text(response)
    assert '<html lang="vi">' in page
    assert "Tệp vượt quá dung lượng cho phép (tối đa 1 MB)." in page
    assert evidence_count() == 0
    assert stored_files(app) == []


def test_request_over_max_content_length_is_413_in_vietnamese(app, client, login, team):
    app.config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=1024 * 1024 + 64 * 1024)
    login(team["lead"])

    response = upload(client, team["inspection"], PDF + b"0" * (2 * 1024 * 1024))

    assert response.status_code == 413
    page = text(response)
    assert '<html lang="vi">' in page
    assert "Tệp tải lên quá lớn." in page
    assert evidence_count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("trang.pdf", b"<!doctype html><script>alert(1)</script>", "không đúng định dạng .pdf"),
        ("rong.pdf", b"", "Tệp rỗng"),
        ("virus.exe", b"MZ\x90\x00", "Chỉ nhận tệp PDF"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    app, client, login, team, name, content, message
):
    login(team["lead"])

    response = upload(client, team["inspection"], content, name)

    assert response.status_code == 422
    assert message in text(response)
    assert evidence_count() == 0
    assert stored_files(app) == []


def test_empty_file_is_refused_by_the_service(team):
    with pytest.raises(UploadError) as error:
        evidence.attach_evidence(
            io.BytesIO(b""),
            "rong.pdf",
            inspection=team["inspection"],
            purpose="evidence",
            uploaded_by=team["lead"],
        )

    assert "Tệp rỗng" in error.value.message
    assert evidence_count() == 0


def test_same_file_twice_on_the_same_item_is_refused(client, login, team):
    login(team["lead"])
    assert upload(client, team["inspection"], item="A.1").status_code == 302

    response = upload(client, team["inspection"], name="lan-hai.pdf", item="A.1")

    assert response.status_code == 422
    assert "Tệp này đã được tải lên trước đó" in text(response)
    assert evidence_count() == 1


def test_same_content_on_two_items_shares_one_blob(app, client, login, team):
    login(team["lead"])
    upload(client, team["inspection"], item="A.1")
    upload(client, team["inspection"], item="A.2")

    rows = db.session.scalars(select(EvidenceFile)).all()
    assert len(rows) == 2
    assert rows[0].stored_id == rows[1].stored_id
    assert len(stored_files(app)) == 1


def test_unknown_item_code_is_refused(client, login, team):
    login(team["lead"])

    response = upload(client, team["inspection"], item="Z.9")

    assert response.status_code == 422
    assert "Giá trị đã chọn không hợp lệ." in text(response)
    assert evidence_count() == 0


@pytest.mark.parametrize("status", [InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED])
def test_locked_inspection_refuses_uploads(app, client, login, make_user, make_inspection, status):
    lead = make_user(Role.INSPECTOR)
    inspection = make_inspection(lead=lead, status=status)
    login(lead)

    response = upload(client, inspection)

    assert response.status_code == 409
    assert "không thể thêm tệp bằng chứng" in text(response)
    assert evidence_count() == 0
    assert stored_files(app) == []
    page = text(client.get(f"/inspections/{inspection.id}/evidence"))
    assert 'enctype="multipart/form-data"' not in page


UPLOADERS = {
    "lead": 302,
    "member": 302,
    "admin": 302,
    "outsider": 404,
    "viewer": 403,
    "agency_own": 403,
    "agency_other": 403,
}


@pytest.mark.parametrize(("who", "expected"), sorted(UPLOADERS.items()))
def test_who_may_upload(client, login, team, people, who, expected):
    login(people[who])

    assert upload(client, team["inspection"]).status_code == expected
    assert evidence_count() == (1 if expected == 302 else 0)


DOWNLOADERS = {
    "lead": 200,
    "member": 200,
    "admin": 200,
    "viewer": 200,
    "agency_own": 200,
    "outsider": 404,
    "agency_other": 404,
}


@pytest.mark.parametrize(("who", "expected"), sorted(DOWNLOADERS.items()))
def test_who_may_download_and_list(client, login, team, people, who, expected):
    login(team["lead"])
    upload(client, team["inspection"])
    row = db.session.scalars(select(EvidenceFile)).one()
    login(people[who])

    response = client.get(f"/evidence/{row.id}")
    assert response.status_code == expected
    response.close()
    assert client.get(f"/inspections/{team['inspection'].id}/evidence").status_code == expected


def test_anonymous_download_goes_to_login(client, login, team):
    login(team["lead"])
    upload(client, team["inspection"])
    row = db.session.scalars(select(EvidenceFile)).one()
    with client.session_transaction() as session:
        session.clear()

    response = client.get(f"/evidence/{row.id}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_missing_file_and_missing_blob_are_404(app, client, login, team):
    login(team["lead"])
    assert client.get("/evidence/999").status_code == 404
    upload(client, team["inspection"])
    for path in stored_files(app):
        path.unlink()
    row = db.session.scalars(select(EvidenceFile)).one()

    assert client.get(f"/evidence/{row.id}").status_code == 404


def test_agency_file_without_inspection_is_isolated(make_agency, make_user):
    own, other = make_agency(), make_agency()
    row = EvidenceFile(
        agency_id=own.id,
        purpose="announcement",
        original_name="cong-bo.pdf",
        stored_id="ab/cd/" + "a" * 64,
        size=10,
        sha256="a" * 64,
        content_type="application/pdf",
    )
    db.session.add(row)
    db.session.commit()

    assert can_view_evidence(make_user(Role.AGENCY, agency=own), row)
    assert not can_view_evidence(make_user(Role.AGENCY, agency=other), row)
    assert can_view_evidence(make_user(Role.VIEWER), row)


def test_attach_to_a_finding_uses_its_inspection(team):
    finding = Finding(
        inspection=team["inspection"],
        severity=Severity.MINOR,
        description="Thiếu hồ sơ",
        corrective_action_required="Bổ sung",
    )
    db.session.add(finding)
    db.session.flush()

    row = evidence.attach_evidence(
        io.BytesIO(PDF), "khac-phuc.pdf", finding=finding, purpose="response", uploaded_by=None
    )

    assert row.inspection_id == team["inspection"].id
    assert row.agency_id == team["agency"].id
    assert evidence.finding_files(finding) == [row]
    assert evidence.inspection_files(team["inspection"]) == []
