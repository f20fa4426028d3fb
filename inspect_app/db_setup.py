"""Per-connection database settings."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from inspect_app.extensions import db

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
)


def _apply_sqlite_pragmas(dbapi_connection, _connection_record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def configure_engine_events(app: Flask) -> None:
    """Give every SQLite connection WAL, foreign keys and a busy timeout."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(
            engine, "connect", _apply_sqlite_pragmas
        ):
            event.listen(engine, "connect", _apply_sqlite_pragmas)


@contextmanager
def serialized_writes() -> Iterator[None]:
    """On SQLite, let one hot write transaction run at a time across all worker processes.

    SQLite's busy handler polls with sleeps of up to 100 ms, so under many concurrent
    writers most of the time goes to sleeping. A blocking file lock next to the database
    wakes the next writer as soon as the previous one commits. PostgreSQL needs nothing:
    its row locks queue waiters properly.
    """
    engine = db.engine
    if engine.dialect.name != "sqlite" or not engine.url.database:
        yield
        return
    with open(f"{engine.url.database}.write-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
