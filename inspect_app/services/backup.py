"""Backup and restore of the database and the evidence files (`backup -o FILE`, `restore FILE`).

A backup is one .tar.gz holding `manifest.json`, the database and `uploads/`:
- SQLite: `database.sqlite3`, a consistent copy made with SQLite's online backup API while
  the app keeps running;
- PostgreSQL: `data/<table>.jsonl`, one JSON object per row, read in one REPEATABLE READ
  transaction (a consistent snapshot, like pg_dump, without needing a matching pg_dump);
- `uploads/ab/cd/<sha256>`: the blob of every evidence row of that snapshot, read through
  the storage interface (the local folder or the S3 bucket) and checked against the row's
  size and sha256 as it is copied.

Restore goes into an empty database at the same migration revision (a brand-new database
is migrated to it first), table by table in foreign-key order, in one transaction. Every
archive member is checked first: only the names a backup writes, only regular files, and
each file under `uploads/` must be the blob of an evidence row, with that row's size and
sha256. The files are staged (inside UPLOAD_DIR for the local folder, in a temporary folder
for a bucket) and handed to the configured storage just before the commit: moved into place
in the folder, uploaded to the bucket unless already there. A failure removes the blobs this
restore added, so a restore succeeds whole or leaves the database and the storage as they
were. The storage of the backup and of the restore need not be the same kind.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from alembic.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    LargeBinary,
    Table,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.storage import S3_FAILURES, STORED_ID_RE, LocalStorage, Storage

FORMAT_VERSION = 1
BATCH = 1000
CHUNK = 1024 * 1024


class BackupError(DomainError):
    status_code = 400


def _tables() -> list[Table]:
    return list(db.metadata.sorted_tables)


def _revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):  # e.g. the department's Word templates
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _row_counts(connection) -> dict[str, int]:
    return {
        table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in _tables()
    }


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(output: Path, storage: Storage) -> dict:
    """Write the backup archive, the evidence rows' blobs read from `storage`; returns its
    manifest."""
    engine = db.engine
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                revision, counts = _revision(connection), _row_counts(connection)
            _sqlite_online_copy(engine.url.database, work / "database.sqlite3")
        else:
            snapshot = engine.connect().execution_options(isolation_level="REPEATABLE READ")
            with snapshot as conn, conn.begin():
                revision, counts = _revision(conn), _row_counts(conn)
                _dump_jsonl(conn, work / "data")
        blobs = _expected_blobs(work, engine.dialect.name)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now().astimezone().isoformat(),
            "dialect": engine.dialect.name,
            "revision": revision,
            "row_counts": counts,
        }
        partial = output.with_name(output.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
                for path in sorted(work.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=str(path.relative_to(work)))
                for stored_id in sorted(blobs):
                    _add_blob(archive, storage, stored_id, blobs[stored_id], work)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(output)  # a failed backup never leaves a file that looks complete
    return manifest


def _add_blob(
    archive: tarfile.TarFile, storage: Storage, stored_id: str, blob: Blob, work: Path
) -> None:
    """Copy one blob out of the storage, check it against its row, add it as uploads/<id>."""
    copy = work / "blob.tmp"
    try:
        with storage.open(stored_id) as source, open(copy, "wb") as out:
            digest, size = _copy_checked(source, out, blob.size)
    except FileNotFoundError:
        raise BackupError(f"evidence file {stored_id} is missing from the storage") from None
    except S3_FAILURES as exc:
        raise BackupError(f"cannot read evidence file {stored_id}: {exc}") from exc
    if size != blob.size or digest != blob.sha256:
        raise BackupError(f"evidence file {stored_id} in the storage does not match its sha256")
    archive.add(copy, arcname=f"uploads/{stored_id}")
    copy.unlink()


def _copy_checked(source, out, limit: int) -> tuple[str, int]:
    """Copy at most `limit` + 1 bytes; returns the sha256 and the size copied."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > limit:
            break
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest(), size


def _sqlite_online_copy(source: str, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _dump_jsonl(connection, folder: Path) -> None:
    folder.mkdir()
    for table in _tables():
        with open(folder / f"{table.name}.jsonl", "w", encoding="utf-8") as out:
            ordered = select(table).order_by(*table.primary_key.columns)
            for row in connection.execute(ordered).mappings():
                out.write(json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False))
                out.write("\n")


def _coerce(table: Table, row: dict) -> dict:
    """JSON values back to Python values of the column types."""
    result = {}
    for column in table.columns:
        value = row.get(column.name)
        if value is not None:
            if isinstance(column.type, DateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(column.type, Date):
                value = date.fromisoformat(value)
            elif isinstance(column.type, Enum) and column.type.enum_class is not None:
                value = column.type.enum_class(value)
            elif isinstance(column.type, LargeBinary) and isinstance(value, str):
                value = base64.b64decode(value)
        result[column.name] = value
    return result


def _rows_from_archive(work: Path, dialect: str) -> Iterator[tuple[Table, Iterator[dict]]]:
    if dialect == "sqlite":
        source = create_engine(f"sqlite:///{work / SQLITE_MEMBER}")
        try:
            with source.connect() as connection:
                for table in _tables():
                    ordered = select(table).order_by(*table.primary_key.columns)
                    rows = (dict(r) for r in connection.execute(ordered).mappings())
                    yield table, rows
        finally:
            source.dispose()
    else:
        for table in _tables():
            yield table, (_coerce(table, row) for row in _jsonl_rows(work, table.name))


def _jsonl_rows(work: Path, table_name: str) -> Iterator[dict]:
    """The rows of data/<table>.jsonl; a line that is not a JSON object is an error."""
    path = work / "data" / f"{table_name}.jsonl"
    if not path.exists():
        raise BackupError(f"backup is missing data/{table_name}.jsonl")
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                row = json.loads(line)
            except ValueError:
                row = None
            if not isinstance(row, dict):
                raise BackupError(f"data/{table_name}.jsonl line {number}: not a JSON object")
            yield row


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _insert_table(connection, table: Table, rows: Iterator[dict]) -> int:
    """Insert rows; self-references are filled in afterwards so row order never matters."""
    deferred = _self_references(table)
    later: list[dict] = []
    batch: list[dict] = []
    count = 0
    for row in rows:
        if deferred and any(row.get(name) is not None for name in deferred):
            later.append({"_id": row["id"], **{name: row[name] for name in deferred}})
            row = {**row, **dict.fromkeys(deferred)}
        batch.append(row)
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    for values in later:
        row_id = values.pop("_id")
        connection.execute(table.update().where(table.c.id == row_id).values(**values))
    return count


def _reset_sequences(connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        if "id" in table.c and len(table.primary_key.columns) == 1:
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                ),
                {"t": table.name},
            )


# --- restore ------------------------------------------------------------------------------

MANIFEST_MEMBER = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
MAX_MANIFEST_BYTES = 1024 * 1024
#: a blob inside the archive: uploads/ab/cd/<sha256>.
UPLOAD_MEMBER_RE = re.compile(r"^uploads/([0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64})$")
UPLOAD_FOLDERS_RE = re.compile(r"^uploads(/[0-9a-f]{2}(/[0-9a-f]{2})?)?$")
#: the staging folder (inside UPLOAD_DIR for the local folder); no evidence row names it.
STAGING_PREFIX = ".tmp-restore-"
#: what can go wrong reading an archive or writing the database, reported as one line.
RESTORE_FAILURES = (
    tarfile.TarError,
    OSError,
    EOFError,
    zlib.error,
    UnicodeDecodeError,
    ValueError,
    sqlite3.Error,
    SQLAlchemyError,
    CommandError,
    *S3_FAILURES,
)


class Blob(NamedTuple):
    size: int
    sha256: str


def restore_backup(archive_path: Path, storage: Storage) -> dict:
    """Restore into the current (empty) database, migrating it first when it is brand new.

    All or nothing: the archive is checked and the evidence files are staged before the
    database is touched; the rows go in one transaction, the staged files go into `storage`
    just before it commits, and any failure undoes both. Returns the manifest.
    """
    try:
        return _restore(archive_path, storage)
    except BackupError:
        raise
    except RESTORE_FAILURES as exc:
        raise BackupError(_one_line(exc)) from exc


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = text[0] if text else type(exc).__name__
    return f"restore failed: {detail[:300]}"


def _restore(archive_path: Path, storage: Storage) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        upload_members = _extract_metadata(archive_path, work)
        manifest = _read_manifest(work)
        blobs = _expected_blobs(work, manifest["dialect"])
        _check_upload_members(upload_members, blobs)
        staging = _staging_folder(storage, work)
        try:
            _stage_uploads(archive_path, staging, blobs)
            _ensure_migrated(manifest["revision"])
            _restore_rows(work, manifest, storage, lambda: _place_staged(staging, storage))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _open_archive(archive_path: Path) -> tarfile.TarFile:
    with open(archive_path, "rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            raise BackupError("not a backup archive (expected a .tar.gz made by `backup`)")
    try:
        return tarfile.open(archive_path, "r:gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error):
        raise BackupError("not a backup archive (expected a .tar.gz made by `backup`)") from None


def _members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """Every member, checked: only regular files and folders with the names a backup uses."""
    seen: set[str] = set()
    tables = {table.name for table in _tables()}
    for member in archive:
        name = member.name
        if name in seen:
            raise BackupError(f"archive member {name!r} appears twice")
        seen.add(name)
        if member.isdir() and (name == "data" or UPLOAD_FOLDERS_RE.match(name)):
            continue
        if not member.isfile():
            raise BackupError(f"archive member {name!r} is not a regular file")
        known = (
            name in (MANIFEST_MEMBER, SQLITE_MEMBER)
            or UPLOAD_MEMBER_RE.match(name)
            or (name.startswith("data/") and name.endswith(".jsonl") and name[5:-6] in tables)
        )
        if not known:
            raise BackupError(f"archive member {name!r} is not part of a backup")
        yield member


def _extract_metadata(archive_path: Path, work: Path) -> dict[str, int]:
    """Extract the manifest and the database; return the upload members' declared sizes."""
    uploads: dict[str, int] = {}
    with _open_archive(archive_path) as archive:
        for member in _members(archive):
            match = UPLOAD_MEMBER_RE.match(member.name)
            if match:
                uploads[match.group(1)] = member.size
                continue
            if member.name == MANIFEST_MEMBER and member.size > MAX_MANIFEST_BYTES:
                raise BackupError("manifest.json is too large to be a backup manifest")
            target = work / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
    return uploads


def _read_manifest(work: Path) -> dict:
    path = work / MANIFEST_MEMBER
    if not path.exists():
        raise BackupError("the archive has no manifest.json")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise BackupError("manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict):
        raise BackupError("manifest.json is not a JSON object")
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    if not isinstance(manifest.get("revision"), str) or not manifest["revision"]:
        raise BackupError("manifest.json names no migration revision")
    if manifest.get("dialect") not in ("sqlite", "postgresql"):
        raise BackupError(f"manifest.json names an unknown database {manifest.get('dialect')!r}")
    counts = manifest.get("row_counts")
    if not isinstance(counts, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in counts.values()
    ):
        raise BackupError("manifest.json has no valid row_counts")
    manifest.setdefault("created_at", "?")
    if manifest["dialect"] == "sqlite" and not (work / SQLITE_MEMBER).is_file():
        raise BackupError(f"the archive has no {SQLITE_MEMBER}")
    return manifest


def _expected_blobs(work: Path, dialect: str) -> dict[str, Blob]:
    """stored_id → (size, sha256) of every evidence row in the backup."""
    if dialect == "sqlite":
        source = create_engine(f"sqlite:///{work / SQLITE_MEMBER}")
        try:
            with source.connect() as connection:
                rows = connection.execute(
                    text("SELECT stored_id, size, sha256 FROM evidence_files")
                ).all()
        finally:
            source.dispose()
        raw = [{"stored_id": r[0], "size": r[1], "sha256": r[2]} for r in rows]
    else:
        raw = list(_jsonl_rows(work, "evidence_files"))
    blobs: dict[str, Blob] = {}
    for row in raw:
        stored_id, size, digest = row.get("stored_id"), row.get("size"), row.get("sha256")
        match = STORED_ID_RE.match(stored_id) if isinstance(stored_id, str) else None
        if match is None or match.group(3) != digest or not isinstance(size, int) or size <= 0:
            raise BackupError(f"evidence row with stored id {stored_id!r} is not valid")
        if blobs.setdefault(stored_id, Blob(size, digest)) != Blob(size, digest):
            raise BackupError(f"evidence rows disagree about {stored_id}")
    return blobs


def _check_upload_members(members: dict[str, int], blobs: dict[str, Blob]) -> None:
    """Every file in uploads/ is a blob an evidence row names, with that row's size."""
    for stored_id, size in members.items():
        blob = blobs.get(stored_id)
        if blob is None:
            raise BackupError(f"uploads/{stored_id} belongs to no evidence row of the backup")
        if size != blob.size:
            raise BackupError(
                f"uploads/{stored_id} is {size} bytes but its evidence row says {blob.size}"
            )
    missing = sorted(set(blobs) - set(members))
    if missing:
        raise BackupError(
            f"{len(missing)} evidence file(s) missing from the archive, e.g. uploads/{missing[0]}"
        )


def _staging_folder(storage: Storage, work: Path) -> Path:
    """Inside UPLOAD_DIR for the local folder (so that placing a blob is a rename), else in
    the restore's own temporary folder."""
    if not isinstance(storage, LocalStorage):
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=work))
    upload_dir = storage.root
    try:
        upload_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=upload_dir))
    except OSError as exc:
        raise BackupError(
            f"cannot write evidence files to UPLOAD_DIR {str(upload_dir)!r}: {exc.strerror or exc}"
        ) from None


def _stage_uploads(archive_path: Path, staging: Path, blobs: dict[str, Blob]) -> None:
    """Copy every blob into the staging folder, checking its size and sha256 as it goes."""
    if not blobs:
        return
    with _open_archive(archive_path) as archive:
        for member in _members(archive):
            match = UPLOAD_MEMBER_RE.match(member.name)
            if not match:
                continue
            stored_id = match.group(1)
            blob = blobs[stored_id]
            target = staging / stored_id
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            with archive.extractfile(member) as source, open(target, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > blob.size:
                        raise BackupError(f"uploads/{stored_id} is larger than its evidence row")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if size != blob.size or digest.hexdigest() != blob.sha256:
                raise BackupError(f"uploads/{stored_id}: content does not match its sha256")


def _ensure_migrated(revision: str) -> None:
    """A brand-new database (no tables at all) is first migrated to the backup's revision."""
    engine = db.engine
    with engine.connect() as connection:
        current = _revision(connection)
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    if current is not None:
        return
    if tables:
        raise BackupError(
            "the target database has tables but no migration revision; "
            "restore into an empty database"
        )
    from flask_migrate import upgrade

    try:
        upgrade(revision=revision)
    except CommandError as exc:
        raise BackupError(
            f"the backup was made at revision {revision!r}, which this build does not know"
        ) from exc


def _restore_rows(work: Path, manifest: dict, storage: Storage, place_files) -> None:
    """Insert every row in one transaction; `place_files` runs last, before the commit, and
    returns the ids of the blobs it added to `storage` (removed again on failure)."""
    engine = db.engine
    with engine.connect() as connection:
        transaction = connection.begin()
        placed: list[str] = []
        try:
            current = _revision(connection)
            if current != manifest["revision"]:
                raise BackupError(
                    f"the database is at revision {current!r} but the backup was made at "
                    f"{manifest['revision']!r}; run `flask db upgrade` or use a matching build"
                )
            nonempty = [name for name, n in _row_counts(connection).items() if n]
            if nonempty:
                raise BackupError(
                    "the target database is not empty (" + ", ".join(nonempty[:5]) + "); "
                    "restore only into a freshly migrated, empty database"
                )
            restored = {
                table.name: _insert_table(connection, table, rows)
                for table, rows in _rows_from_archive(work, manifest["dialect"])
            }
            if restored != manifest["row_counts"]:
                raise BackupError("row counts differ from the manifest")
            _reset_sequences(connection)
            placed = place_files()
            transaction.commit()
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            _remove_blobs(storage, placed)
            raise


def _place_staged(staging: Path, storage: Storage) -> list[str]:
    """Hand the staged blobs to the storage; returns the ids it did not hold before (to undo
    on failure). Content-addressed: a blob already there holds the same bytes."""
    placed: list[str] = []
    try:
        for path in sorted(staging.rglob("*")):
            if not path.is_file():
                continue
            stored_id = path.relative_to(staging).as_posix()
            if storage.put_file(stored_id, path):
                placed.append(stored_id)
    except BaseException:
        _remove_blobs(storage, placed)
        raise
    return placed


def _remove_blobs(storage: Storage, stored_ids: list[str]) -> None:
    for stored_id in stored_ids:
        try:
            storage.delete(stored_id)
        except (OSError, *S3_FAILURES):
            pass  # the first error is the one to report; a stray blob is harmless
