"""Issue item 1: restore is all or nothing, archive members are verified, failures are one line."""

from __future__ import annotations

import io
import json
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from inspect_app import create_app
from inspect_app.extensions import db
from inspect_app.models import Agency, EvidenceFile
from tests.conftest import _config, upgrade_to_head
from tests.integration.test_backup import add_evidence_file

PDF = b"%PDF-1.4 restored evidence"


@pytest.fixture
def archive(app, runner, tmp_path, make_agency) -> Path:
    """A real backup: two agencies and one evidence file."""
    make_agency("Sở Tư pháp")
    make_agency("Sở Nội vụ")
    add_evidence_file(PDF)
    path = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _empty_current_database() -> None:
    for table in reversed(db.metadata.sorted_tables):
        if table.name != "audit_log":
            db.session.execute(table.delete())
    db.session.execute(text("TRUNCATE audit_log"))
    db.session.commit()


@contextmanager
def target_app(tmp_path: Path, *, migrated: bool = True, settings: dict | None = None):
    """An app on an empty database with its own UPLOAD_DIR (or the storage `settings` name);
    yields it inside its context."""
    if db.engine.dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        url = db.engine.url.render_as_string(hide_password=False)
        if migrated:
            _empty_current_database()
        else:
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    target = create_app({**_config(tmp_path / "restored", url), **(settings or {})})
    if migrated:
        upgrade_to_head(target)
    with target.app_context():
        try:
            yield target
        finally:
            db.session.remove()
            db.engine.dispose()
    if db.engine.dialect.name != "sqlite" and not migrated:
        upgrade_to_head(target)  # leave the shared test database migrated for the next test
        with target.app_context():
            db.engine.dispose()


def restore(target, path: Path):
    return target.test_cli_runner().invoke(args=["restore", str(path)])


def assert_one_error_line(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.output
    for needle in needles:
        assert needle in errors[0], errors[0]


def nothing_restored(target) -> bool:
    uploads = Path(target.config["UPLOAD_DIR"])
    files = [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []
    return (
        db.session.scalar(select(func.count()).select_from(Agency)) == 0
        and db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
        and files == []
    )


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the archive whose members went through `change(info, data) -> [(info, data)]`."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read() if info.isfile() else None
            for out_info, out_data in change(info, data):
                new.addfile(out_info, io.BytesIO(out_data) if out_data is not None else None)
    return target


def member(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def upload_name(path: Path) -> str:
    with tarfile.open(path, "r:gz") as tar:
        return next(n for n in tar.getnames() if n.count("/") == 3)


# --- all or nothing ------------------------------------------------------------------------


def test_upload_dir_that_is_not_a_folder_writes_nothing_and_a_retry_works(archive, tmp_path):
    with target_app(tmp_path) as target:
        uploads = Path(target.config["UPLOAD_DIR"])
        uploads.parent.mkdir(parents=True, exist_ok=True)
        uploads.write_text("a file where the folder should be")
        assert_one_error_line(restore(target, archive), "UPLOAD_DIR")
        assert db.session.scalar(select(func.count()).select_from(Agency)) == 0
        uploads.unlink()
        result = restore(target, archive)
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(func.count()).select_from(Agency)) == 2
        row = db.session.scalars(select(EvidenceFile)).one()
        assert (uploads / row.stored_id).read_bytes() == PDF


def test_a_failing_file_copy_rolls_the_database_back(archive, tmp_path, monkeypatch):
    from inspect_app.services import backup

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    with target_app(tmp_path) as target:
        monkeypatch.setattr(backup.os, "replace", disk_full)
        assert_one_error_line(restore(target, archive), "No space left on device")
        assert nothing_restored(target)
        monkeypatch.undo()
        assert restore(target, archive).exit_code == 0


def test_restore_into_a_brand_new_unmigrated_database(archive, tmp_path):
    with target_app(tmp_path, migrated=False) as target:
        result = restore(target, archive)
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(func.count()).select_from(Agency)) == 2
        row = db.session.scalars(select(EvidenceFile)).one()
        assert (Path(target.config["UPLOAD_DIR"]) / row.stored_id).read_bytes() == PDF


# --- archive members are verified ----------------------------------------------------------


def test_an_upload_larger_than_its_evidence_row_is_refused(archive, tmp_path):
    name = upload_name(archive)

    def inflate(info, data):
        return [member(name, PDF + b"\0" * 10_000_000) if info.name == name else (info, data)]

    bomb = rewrite(archive, tmp_path / "bomb.tar.gz", inflate)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, bomb), name)
        assert nothing_restored(target)


def test_an_upload_whose_content_differs_from_its_sha256_is_refused(archive, tmp_path):
    name = upload_name(archive)

    def swap(info, data):
        return [member(name, b"X" * len(PDF)) if info.name == name else (info, data)]

    forged = rewrite(archive, tmp_path / "forged.tar.gz", swap)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, forged), "sha256")
        assert nothing_restored(target)


def test_a_symlink_member_is_refused(archive, tmp_path):
    def add_link(info, data):
        out = [(info, data)]
        if info.name == "manifest.json":
            link = tarfile.TarInfo("uploads/ab/cd/" + "ab" * 32)
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            out.append((link, None))
        return out

    linked = rewrite(archive, tmp_path / "link.tar.gz", add_link)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, linked), "not a regular file")
        assert nothing_restored(target)


@pytest.mark.parametrize(
    "name", ["uploads/ab/cd/" + "ab" * 32, "../escape", "/etc/cron.d/x", "uploads/x.pdf"]
)
def test_a_member_no_evidence_row_names_is_refused(archive, tmp_path, name):
    def add_stray(info, data):
        return [(info, data)] + (
            [member(name, b"%PDF-1.4 stray")] if info.name == "manifest.json" else []
        )

    stray = rewrite(archive, tmp_path / "stray.tar.gz", add_stray)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, stray))
        assert nothing_restored(target)


def test_a_missing_evidence_blob_is_refused(archive, tmp_path):
    name = upload_name(archive)
    lacking = rewrite(
        archive, tmp_path / "lacking.tar.gz", lambda i, d: [] if i.name == name else [(i, d)]
    )
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, lacking), "missing")
        assert nothing_restored(target)


# --- every failure is one line -------------------------------------------------------------


def test_a_plain_tar_is_one_error_line(archive, tmp_path):
    plain = tmp_path / "plain.tar"
    with tarfile.open(archive, "r:gz") as old, tarfile.open(plain, "w") as new:
        for info in old.getmembers():
            new.addfile(info, old.extractfile(info) if info.isfile() else None)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, plain), "not a backup archive")


def test_a_truncated_archive_is_one_error_line(archive, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, cut))
        assert nothing_restored(target)


def _edit_manifest(archive: Path, target: Path, edit) -> Path:
    def change(info, data):
        if info.name != "manifest.json":
            return [(info, data)]
        return [member("manifest.json", edit(json.loads(data)))]

    return rewrite(archive, target, change)


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (
            lambda m: json.dumps({k: v for k, v in m.items() if k != "revision"}).encode(),
            "revision",
        ),
        (lambda m: b"{not json", "manifest.json"),
        (lambda m: b"[1, 2]", "manifest.json"),
        (lambda m: json.dumps({**m, "row_counts": "many"}).encode(), "row_counts"),
        (lambda m: json.dumps({**m, "revision": "9999_future"}).encode(), "9999_future"),
    ],
    ids=["no-revision", "bad-json", "not-object", "bad-counts", "unknown-revision"],
)
def test_a_bad_manifest_is_one_error_line(archive, tmp_path, edit, needle):
    broken = _edit_manifest(archive, tmp_path / "broken.tar.gz", edit)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, broken), needle)
        assert nothing_restored(target)


def test_a_missing_database_file_is_one_error_line(archive, tmp_path):
    def drop_database(info, data):
        return (
            []
            if info.name in ("database.sqlite3",) or info.name.startswith("data/")
            else [(info, data)]
        )

    def as_sqlite(manifest):
        return json.dumps({**manifest, "dialect": "sqlite"}).encode()

    stripped = rewrite(archive, tmp_path / "stripped.tar.gz", drop_database)
    broken = _edit_manifest(stripped, tmp_path / "nodb.tar.gz", as_sqlite)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, broken), "database.sqlite3")
        assert nothing_restored(target)


def _jsonl_archive(archive: Path, target: Path, agencies_jsonl: bytes) -> Path:
    """A backup in the PostgreSQL layout (data/*.jsonl) holding only these agency lines."""
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    manifest = {**manifest, "dialect": "postgresql", "row_counts": {}}
    with tarfile.open(target, "w:gz") as new:
        new.addfile(*_as_file(member("manifest.json", json.dumps(manifest).encode())))
        for table in db.metadata.sorted_tables:
            body = agencies_jsonl if table.name == "agencies" else b""
            new.addfile(*_as_file(member(f"data/{table.name}.jsonl", body)))
    return target


def _as_file(pair):
    info, data = pair
    return info, io.BytesIO(data)


@pytest.mark.parametrize(
    ("lines", "needle"),
    [(b'{"id": 1, "code": "X"\n', "line 1"), (b"[1, 2]\n", "line 1"), (b'"text"\n', "line 1")],
    ids=["cut-object", "array", "string"],
)
def test_bad_json_lines_are_one_error_line(archive, tmp_path, lines, needle):
    broken = _jsonl_archive(archive, tmp_path / "lines.tar.gz", lines)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, broken), needle)
        assert nothing_restored(target)


def test_rows_the_database_refuses_are_one_error_line(archive, tmp_path):
    bad_row = b'{"id": 1, "code": "A", "name": null, "level": "provincial"}\n'
    broken = _jsonl_archive(archive, tmp_path / "rows.tar.gz", bad_row)
    with target_app(tmp_path) as target:
        assert_one_error_line(restore(target, broken))
        assert nothing_restored(target)
