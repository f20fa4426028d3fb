"""Per-connection database settings."""

from __future__ import annotations

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
