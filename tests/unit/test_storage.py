"""storage.py: generated ids, sha256 dedupe, size cap, allowlist by extension and content."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask import Flask

from inspect_app.storage import (
    TEMP_PREFIX,
    LocalStorage,
    UploadError,
    UploadTooLarge,
    check_content,
    clean_filename,
    get_storage,
    store_upload,
)

MB = 1024 * 1024


def zip_bytes(entries: dict[str, bytes | str], *, mimetype_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype_first is not None:
            archive.writestr("mimetype", mimetype_first, compress_type=zipfile.ZIP_STORED)
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ole2(stream_name: str) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + b"\x00" * 1000 + stream_name.encode("utf-16-le") + b"\x00" * 200


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT = zip_bytes({"content.xml": "<x/>"}, mimetype_first="application/vnd.oasis.opendocument.text")
ODS = zip_bytes(
    {"content.xml": "<x/>"}, mimetype_first="application/vnd.oasis.opendocument.spreadsheet"
)
DOC = ole2("WordDocument")
XLS = ole2("Workbook")
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
HTML = b"<!doctype html><html><script>alert(1)</script></html>"

ACCEPTED = [
    ("quyet-dinh.pdf", PDF, "application/pdf"),
    ("so-tay.doc", DOC, "application/msword"),
    (
        "Biên bản.docx",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("bang-tinh.xls", XLS, "application/vnd.ms-excel"),
    (
        "Bảng tổng hợp.XLSX",
        XLSX,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("van-ban.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("bang.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ("anh.jpg", JPG, "image/jpeg"),
    ("anh.jpeg", JPG, "image/jpeg"),
    ("anh.png", PNG, "image/png"),
]

REFUSED = [
    ("trang.pdf", HTML),  # HTML named .pdf
    ("anh.png", JPG),
    ("anh.jpg", PDF),
    ("bao-cao.xlsx", DOCX),  # a Word document named as a workbook
    ("bao-cao.docx", XLSX),
    ("bao-cao.docx", zip_bytes({"readme.txt": "hello"})),
    ("van-ban.ods", ODT),  # OpenDocument text named as a spreadsheet
    ("van-ban.odt", zip_bytes({"content.xml": "<x/>"})),  # no mimetype entry
    ("so-tay.doc", XLS),
    ("so-tay.xls", DOC),
    ("so-tay.doc", b"\xd0\xcf\x11\xe0 not really ole2"),
    ("hong.docx", b"PK\x03\x04 broken archive"),
]


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads", max_bytes=1 * MB)


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_accepted_types_are_stored_with_their_content_type(storage, name, content, content_type):
    stored = store_upload(io.BytesIO(content), name, storage)

    assert stored.content_type == content_type
    assert stored.size == len(content)
    with storage.open(stored.stored_id) as blob:
        assert blob.read() == content


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_content_that_does_not_match_its_extension_is_refused(storage, name, content):
    with pytest.raises(UploadError) as error:
        store_upload(io.BytesIO(content), name, storage)

    assert "không đúng định dạng" in error.value.message
    assert error.value.status_code == 422
    assert files_under(storage.root) == []


@pytest.mark.parametrize("name", ["script.html", "setup.exe", "anh.gif", "README", "a.pdf.js"])
def test_extensions_off_the_allowlist_are_refused(storage, name):
    with pytest.raises(UploadError) as error:
        store_upload(io.BytesIO(PDF), name, storage)

    assert "Chỉ nhận tệp PDF" in error.value.message
    assert files_under(storage.root) == []


def test_empty_file_is_refused(storage):
    with pytest.raises(UploadError) as error:
        store_upload(io.BytesIO(b""), "rong.pdf", storage)

    assert "Tệp rỗng" in error.value.message
    assert files_under(storage.root) == []


def test_file_over_the_cap_is_a_413_error_and_leaves_nothing(storage):
    content = PDF + b"0" * MB

    with pytest.raises(UploadTooLarge) as error:
        store_upload(io.BytesIO(content), "lon.pdf", storage)

    assert error.value.status_code == 413
    assert "tối đa 1 MB" in error.value.message
    assert files_under(storage.root) == []


def test_file_exactly_at_the_cap_is_accepted(storage):
    content = PDF + b"0" * (MB - len(PDF))

    assert store_upload(io.BytesIO(content), "vua.pdf", storage).size == MB


def test_same_content_is_stored_once(storage):
    first = store_upload(io.BytesIO(PDF), "mot.pdf", storage)
    second = store_upload(io.BytesIO(PDF), "hai.pdf", storage)

    assert first.stored_id == second.stored_id
    assert first.sha256 == second.sha256
    assert len(files_under(storage.root)) == 1
    assert (first.name, second.name) == ("mot.pdf", "hai.pdf")


def test_stored_ids_are_sha256_paths_not_the_users_name(storage):
    stored = store_upload(io.BytesIO(PDF), "../../etc/Biên bản.pdf", storage)

    a, b, digest = stored.stored_id.split("/")
    assert digest == stored.sha256 and len(digest) == 64
    assert (a, b) == (digest[:2], digest[2:4])
    assert files_under(storage.root) == [storage.root / a / b / digest]
    assert stored.name == "Biên bản.pdf"


class FailingStream(io.RawIOBase):
    """Yields some bytes, then fails as a broken connection would."""

    def __init__(self):
        self.sent = 0

    def readable(self) -> bool:
        return True

    def read(self, size=-1):
        if self.sent >= 3:
            raise OSError("connection reset")
        self.sent += 1
        return PDF if self.sent == 1 else b"x" * 1000


def test_interrupted_write_leaves_no_temporary_or_partial_file(storage):
    with pytest.raises(OSError):
        store_upload(FailingStream(), "dang-do.pdf", storage)

    assert files_under(storage.root) == []


def test_successful_write_leaves_no_temporary_file(storage):
    store_upload(io.BytesIO(PDF), "a.pdf", storage)
    store_upload(io.BytesIO(PNG), "b.png", storage)

    names = [path.name for path in files_under(storage.root)]
    assert len(names) == 2
    assert not any(name.startswith(TEMP_PREFIX) for name in names)


@pytest.mark.parametrize(
    "stored_id", ["../secret", "ab/cd/../../x", "/etc/passwd", "", "AB/CD/" + "A" * 64]
)
def test_only_generated_ids_can_be_opened(storage, stored_id):
    assert not storage.exists(stored_id)
    with pytest.raises(FileNotFoundError):
        storage.open(stored_id)


def test_exists_after_save(storage):
    stored = store_upload(io.BytesIO(PDF), "a.pdf", storage)

    assert storage.exists(stored.stored_id)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\fakepath\\Biên bản kiểm tra.pdf", "Biên bản kiểm tra.pdf"),
        ("/tmp/x/quyết định.pdf", "quyết định.pdf"),
        ("Bie\u0302n ba\u0309n.pdf", "Biên bản.pdf"),  # decomposed (NFD) → NFC
        ("bad\x00\r\nname.pdf", "badname.pdf"),
        ("  many   spaces .pdf ", "many spaces .pdf"),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_long_names_keep_their_extension():
    name = clean_filename("á" * 400 + ".docx")

    assert len(name) <= 255 and name.endswith(".docx")


def test_check_content_reads_from_any_position():
    stream = io.BytesIO(DOCX)
    stream.seek(10)

    assert check_content(stream, "a.docx").endswith("wordprocessingml.document")


def test_get_storage_uses_upload_dir_and_max_upload_mb(tmp_path):
    app = Flask(__name__)
    app.config.update(UPLOAD_DIR=str(tmp_path / "files"), MAX_UPLOAD_MB=3)

    with app.app_context():
        storage = get_storage()

    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "files"
    assert storage.max_bytes == 3 * MB


def test_get_storage_prefers_a_configured_backend(tmp_path):
    app = Flask(__name__)
    custom = LocalStorage(tmp_path / "elsewhere", max_bytes=10)
    app.extensions["evidence_storage"] = custom

    with app.app_context():
        assert get_storage() is custom


# --- the S3 backend's settings (the bucket itself: tests/integration/test_evidence_storage) --


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (None, None),
        ("", None),
        ("s3://inspect-files/evidence", ("inspect-files", "evidence")),
        ("s3://inspect-files/a/b/", ("inspect-files", "a/b")),
        ("s3://inspect.files", ("inspect.files", "")),
    ],
)
def test_storage_location_of_an_s3_url(url, location):
    from inspect_app.config import storage_location

    assert storage_location(url) == location


@pytest.mark.parametrize(
    "url",
    [
        "/var/lib/inspect_app/uploads",
        "file:///var/lib/uploads",
        "https://bucket.example/evidence",
        "s3://",
        "s3:///evidence",
        "s3://Bad_Bucket/evidence",
        "s3://bucket/evidence?versionId=1",
    ],
)
def test_a_bad_storage_url_stops_the_app_at_start(tmp_path, monkeypatch, url):
    from inspect_app import create_app

    monkeypatch.setenv("SECRET_KEY", "storage-test")
    settings = {
        "TESTING": True,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
    }
    with pytest.raises(RuntimeError, match="STORAGE_URL must") as error:
        create_app({**settings, "STORAGE_URL": url})
    assert repr(url) in str(error.value)

    monkeypatch.setenv("STORAGE_URL", url)  # the same from the environment
    with pytest.raises(RuntimeError, match="STORAGE_URL must"):
        create_app(settings)


def test_an_s3_app_builds_its_client_once_with_the_endpoint_and_region(tmp_path, monkeypatch):
    from inspect_app import create_app
    from inspect_app.storage import S3_CLIENT_KEY, S3Storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "storage-test",
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "STORAGE_URL": "s3://inspect-files/evidence",
            "S3_ENDPOINT_URL": "http://127.0.0.1:9",
            "S3_REGION": "ap-southeast-1",
            "MAX_UPLOAD_MB": 2,
        }
    )
    client = app.extensions[S3_CLIENT_KEY]  # built by create_app, before any request

    with app.app_context():
        first, second = get_storage(), get_storage()

    assert isinstance(first, S3Storage)
    assert (first.bucket, first.prefix, first.max_bytes) == ("inspect-files", "evidence", 2 * MB)
    assert first.client is second.client is client
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert client.meta.region_name == "ap-southeast-1"


class NoCalls:
    """A client that fails the test if the storage sends it anything."""

    def __getattr__(self, name):
        raise AssertionError(f"the storage called the client's {name}")


@pytest.mark.parametrize("stored_id", ["", "../../etc/passwd", "ab/cd/" + "A" * 64, "x/y/z"])
def test_s3_ids_that_are_not_generated_ids_are_missing_without_asking(stored_id):
    from inspect_app.storage import S3Storage

    storage = S3Storage(NoCalls(), "bucket", "evidence", max_bytes=MB)

    assert storage.exists(stored_id) is False
    with pytest.raises(FileNotFoundError):
        storage.open(stored_id)


def test_s3_keys_are_the_prefix_and_the_id():
    from inspect_app.storage import S3Storage

    stored_id = "ab/cd/" + "ab" * 32

    assert S3Storage(NoCalls(), "b", "evidence/", MB).key_of(stored_id) == f"evidence/{stored_id}"
    assert S3Storage(NoCalls(), "b", "", MB).key_of(stored_id) == stored_id
