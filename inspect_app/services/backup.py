"""Backup and restore of the database and the evidence files (`backup -o FILE`, `restore FILE`).

A backup is one .tar.gz holding `manifest.json`, the database and `uploads/`:
- SQLite: `database.sqlite3`, a consistent copy made with SQLite's online backup API while
  the app keeps running;
- PostgreSQL: `data/<table>.jsonl`, one JSON object per row, read in one REPEATABLE READ
  transaction (a consistent snapshot, like pg_dump, without needing a matching pg_dump).

Restore goes into an empty database at the same migration revision, table by table in
foreign-key order, in one transaction: it succeeds whole or writes nothing.
"""

from __future__ import annotations

import base64
import enum
import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    LargeBinary,
    Table,
    create_engine,
    func,
    select,
    text,
)

from inspect_app.errors import DomainError
from inspect_app.extensions import db

FORMAT_VERSION = 1
BATCH = 1000


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


def create_backup(output: Path, upload_dir: Path) -> dict:
    """Write the backup archive; returns its manifest."""
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
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now().astimezone().isoformat(),
            "dialect": engine.dialect.name,
            "revision": revision,
            "row_counts": counts,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
            for path in sorted(work.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(work)))
            if upload_dir.is_dir():
                archive.add(upload_dir, arcname="uploads", filter=_skip_temporary)
        partial.replace(output)  # a failed backup never leaves a file that looks complete
    return manifest


def _skip_temporary(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if Path(info.name).name.startswith(".tmp") else info


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
        source = create_engine(f"sqlite:///{work / 'database.sqlite3'}")
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
            path = work / "data" / f"{table.name}.jsonl"
            if not path.exists():
                raise BackupError(f"backup is missing data/{table.name}.jsonl")
            with open(path, encoding="utf-8") as lines:
                yield table, (_coerce(table, json.loads(line)) for line in lines)


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


def restore_backup(archive_path: Path, upload_dir: Path) -> dict:
    """Restore into the current (empty, migrated) database; returns the manifest."""
    if not tarfile.is_tarfile(archive_path):
        raise BackupError("not a backup archive (expected a .tar.gz made by `backup`)")
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest_path = work / "manifest.json"
        if not manifest_path.exists():
            raise BackupError("the archive has no manifest.json")
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
        engine = db.engine
        with engine.begin() as connection:
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
                raise BackupError(f"row counts differ from the manifest: {restored}")
            _reset_sequences(connection)
        _restore_uploads(work / "uploads", upload_dir)
    return manifest


def _restore_uploads(source: Path, upload_dir: Path) -> None:
    if not source.is_dir():
        return
    for path in source.rglob("*"):
        if path.is_file():
            target = upload_dir / path.relative_to(source)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
