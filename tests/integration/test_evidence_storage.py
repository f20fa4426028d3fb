"""Evidence files in either storage (issue 13, item 4): the local folder and an S3 bucket
(moto's server) keep the same rules: uploads through the real pages, attachments back
byte for byte, one blob per content, nothing stored when an upload is refused, 404 for a
lost blob, and backups that restore into the other kind of storage."""

from __future__ import annotations

import io
import random
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from botocore.exceptions import EndpointConnectionError
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import Agency, Decision, EvidenceFile, Role
from inspect_app.storage import S3_CLIENT_KEY, S3Storage, get_storage
from tests.integration.test_backup import add_evidence_file
from tests.integration.test_evidence import PDF, PNG, VIETNAMESE_NAME, text, upload
from tests.robustness.test_restore import assert_one_error_line, restore, target_app
from tests.s3_fixtures import S3_PREFIX, stored_ids_of

#: past the 8 MB where the S3 download spools to disk and boto3 switches to multipart.
BIG_PDF = b"%PDF-1.7\n" + random.Random(13).randbytes(9 * 1024 * 1024)


def evidence_rows() -> list[EvidenceFile]:
    return list(db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))


def local_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_configured_backend_is_the_one_used(app, storage_backend):
    storage = get_storage()
    if storage_backend == "s3":
        assert isinstance(storage, S3Storage) and storage.prefix == S3_PREFIX
        # One client per app, built at start, whatever the number of requests.
        assert storage.client is app.extensions[S3_CLIENT_KEY] is get_storage().client
    else:
        assert not isinstance(storage, S3Storage)


@pytest.mark.parametrize("content", [PDF, BIG_PDF], ids=["small", "9mb"])
def test_upload_then_download_is_the_same_bytes_as_an_attachment(
    app, client, login, team, storage_backend, stored_ids, request, content
):
    login(team["lead"])

    assert upload(client, team["inspection"], content).status_code == 302

    row = db.session.scalars(select(EvidenceFile)).one()
    assert stored_ids() == [row.stored_id]
    if storage_backend == "s3":
        bucket = request.getfixturevalue("s3_bucket")
        assert bucket.object_keys() == [f"{S3_PREFIX}/{row.stored_id}"]
        assert bucket.read(f"{S3_PREFIX}/{row.stored_id}") == content
        assert local_files(app) == []  # nothing went to UPLOAD_DIR
    with get_storage().open(row.stored_id) as fh:
        assert fh.seekable() and fh.read() == content
        fh.seek(0)
        assert fh.read(5) == content[:5]
    with client.get(f"/evidence/{row.id}") as response:
        assert response.status_code == 200
        assert response.data == content
        assert response.mimetype == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote(VIETNAMESE_NAME)}" in disposition
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]


def test_same_content_twice_is_one_blob_uploaded_once(
    app, client, login, team, storage_backend, stored_ids, monkeypatch
):
    login(team["lead"])
    assert upload(client, team["inspection"], item="A.1").status_code == 302
    uploads = []
    if storage_backend == "s3":
        s3 = app.extensions[S3_CLIENT_KEY]
        real_upload = s3.upload_fileobj

        def counting_upload(*args, **kwargs):
            uploads.append(args)
            return real_upload(*args, **kwargs)

        monkeypatch.setattr(s3, "upload_fileobj", counting_upload)

    assert upload(client, team["inspection"], name="ban-sao.pdf", item="A.2").status_code == 302

    first, second = evidence_rows()
    assert first.stored_id == second.stored_id
    assert stored_ids() == [first.stored_id]
    assert uploads == []  # the existing blob was found (HEAD), not sent again


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("trang.pdf", b"<!doctype html><script>alert(1)</script>", 422, "không đúng định dạng"),
        ("anh.png", PDF, 422, "không đúng định dạng .png"),
        ("rong.pdf", b"", 422, "Tệp rỗng"),
        ("lon.pdf", PDF + b"0" * (1024 * 1024), 413, "tối đa 1 MB"),
    ],
    ids=["html-as-pdf", "pdf-as-png", "empty", "too-large"],
)
def test_a_refused_upload_stores_nothing(
    app, client, login, team, storage_backend, stored_ids, name, content, status, message
):
    app.config.update(MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=1024 * 1024 + 64 * 1024)
    login(team["lead"])

    response = upload(client, team["inspection"], content, name)

    assert response.status_code == status
    assert message in text(response)
    assert evidence_rows() == []
    assert stored_ids() == []
    assert local_files(app) == []


def test_a_lost_blob_is_a_404_page_not_a_500(client, login, team, storage_backend, stored_ids):
    login(team["lead"])
    upload(client, team["inspection"], PNG, "anh.png")
    row = db.session.scalars(select(EvidenceFile)).one()
    get_storage().delete(row.stored_id)
    assert stored_ids() == []

    response = client.get(f"/evidence/{row.id}")

    assert response.status_code == 404
    assert '<html lang="vi">' in text(response)
    with client.get(f"/api/v1/evidence/{row.id}") as api_response:
        assert api_response.status_code == 404


def test_a_decision_scan_whose_blob_is_lost_is_a_404_page(
    client, login, make_user, storage_backend
):
    login(make_user(Role.ADMIN))
    data = {
        "number": "728/QĐ-UBND",
        "signed_on": "20/04/2017",
        "issuer": "UBND tỉnh Quảng Ngãi",
        "kind": "plan_approval",
        "summary": "Phê duyệt kế hoạch kiểm tra năm 2017",
        "file": (io.BytesIO(PDF), "Quyết định 728.pdf"),
    }
    assert client.post("/decisions/new", data=data).status_code == 302
    decision = db.session.scalar(select(Decision))
    row = db.session.scalar(select(EvidenceFile))
    with client.get(f"/decisions/{decision.id}/files/{row.id}") as download:
        assert download.status_code == 200 and download.data == PDF

    get_storage().delete(row.stored_id)

    response = client.get(f"/decisions/{decision.id}/files/{row.id}")
    assert response.status_code == 404
    assert '<html lang="vi">' in text(response)


# --- backup and restore across the two kinds of storage -----------------------------------

CONTENTS = {"a.pdf": PDF, "b.png": PNG, "c.pdf": b"%PDF-1.4 third file"}


def _back_up(runner, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    expected = {add_evidence_file(data, name).stored_id: data for name, data in CONTENTS.items()}
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        uploads = {n[len("uploads/") :] for n in tar.getnames() if n.startswith("uploads/")}
    assert uploads == set(expected)
    return archive, expected


def _other(storage_backend: str) -> str:
    return "local" if storage_backend == "s3" else "s3"


def test_a_backup_restores_into_the_other_kind_of_storage(
    app, runner, tmp_path, storage_backend, make_s3_bucket
):
    archive, expected = _back_up(runner, tmp_path)
    bucket = make_s3_bucket() if _other(storage_backend) == "s3" else None

    with target_app(tmp_path, settings=bucket.config if bucket else None) as target:
        result = restore(target, archive)

        assert result.exit_code == 0, result.output
        assert {row.stored_id for row in evidence_rows()} == set(expected)
        storage = get_storage()
        assert isinstance(storage, S3Storage) == (bucket is not None)
        assert stored_ids_of(storage) == sorted(expected)
        for stored_id, data in expected.items():
            with storage.open(stored_id) as fh:
                assert fh.read() == data
        if bucket is not None:
            assert bucket.object_keys() == sorted(f"{S3_PREFIX}/{i}" for i in expected)
            assert local_files(target) == []


def test_a_backup_reads_every_referenced_blob_and_refuses_a_lost_one(
    app, runner, tmp_path, storage_backend
):
    _archive, expected = _back_up(runner, tmp_path)
    lost = sorted(expected)[1]
    get_storage().delete(lost)
    again = tmp_path / "again.tar.gz"

    result = runner.invoke(args=["backup", "-o", str(again)])

    assert_one_error_line(result, lost, "missing")
    assert not again.exists() and not again.with_name(again.name + ".partial").exists()


def test_a_failed_restore_into_a_bucket_removes_only_what_it_uploaded(
    app, runner, tmp_path, make_s3_bucket, monkeypatch
):
    archive, expected = _back_up(runner, tmp_path)
    bucket = make_s3_bucket()
    first, second, third = sorted(expected)
    # A blob already in the bucket (same content, same key) is kept whatever happens.
    bucket.client.put_object(Bucket=bucket.name, Key=f"{S3_PREFIX}/{first}", Body=expected[first])
    real_put = S3Storage.put_file

    def unreachable_on_the_third(self, stored_id, path):
        if stored_id == third:
            raise EndpointConnectionError(endpoint_url=bucket.config["S3_ENDPOINT_URL"])
        return real_put(self, stored_id, path)

    with target_app(tmp_path, settings=bucket.config) as target:
        with monkeypatch.context() as patch:
            patch.setattr(S3Storage, "put_file", unreachable_on_the_third)
            assert_one_error_line(restore(target, archive), "Could not connect")
        assert bucket.object_keys() == [f"{S3_PREFIX}/{first}"]
        assert db.session.scalar(select(func.count()).select_from(Agency)) == 0
        assert evidence_rows() == []

        result = restore(target, archive)
        assert result.exit_code == 0, result.output
        assert bucket.object_keys() == sorted(f"{S3_PREFIX}/{i}" for i in (first, second, third))
        assert len(evidence_rows()) == len(expected)
