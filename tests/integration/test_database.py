"""Per-connection database settings (db_setup.py)."""

from sqlalchemy import text

from inspect_app.extensions import db


def pragma(name: str):
    return db.session.execute(text(f"PRAGMA {name}")).scalar()


def test_connection_settings(app, backend):
    assert db.engine.dialect.name == backend
    if backend == "sqlite":
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") > 0
    else:
        assert db.engine.dialect.driver == "psycopg"


def test_every_pooled_connection_gets_the_settings(app, backend):
    if backend != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    db.engine.dispose()
    with db.engine.connect() as first, db.engine.connect() as second:
        for conn in (first, second):
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() > 0
