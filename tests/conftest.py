"""Fixtures: an app on a fresh database per test, factories, and a login helper.

Every database test runs on SQLite; when TEST_DATABASE_URL is set it runs on PostgreSQL
as well (the `backend` parameter). A test that names `storage_backend` runs with the
evidence files in the local folder and again in a bucket of a moto S3 server
(tests/s3_fixtures.py).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from inspect_app import create_app
from inspect_app.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
#: Redis for the job-queue tests (DESIGN 5.1); without it they run on huey's SQLite storage.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()
#: cheap hashing in tests; the production default is checked in test_auth.
FAST_HASH = "scrypt:1024:8:1"


def _pg_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
        metafunc.parametrize("backend", backends, scope="session")
    if "queue_storage" in metafunc.fixturenames:
        storages = ["sqlite"] + (["redis"] if TEST_REDIS_URL else [])
        metafunc.parametrize("queue_storage", storages)
    if "storage_backend" in metafunc.fixturenames:
        metafunc.parametrize("storage_backend", ["local", "s3"])


def _config(tmp_path: Path, database_url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "DEMO_PASSWORD": "demo-pass-123",
        "SERVER_NAME": None,
        # Jobs run inside the request, on huey's in-memory storage, unless a test asks for
        # a real queue storage (the `queue_storage` parameter).
        "HUEY_IMMEDIATE": True,
        "HUEY_IMMEDIATE_MEMORY": True,
        "JOB_DIR": str(tmp_path / "jobs"),
    }


def upgrade_to_head(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def _worker_database(url):
    """The PostgreSQL database of this pytest-xdist worker (`<name>_gw0`, …), created when
    missing, so that parallel workers never truncate each other's tables; without xdist, the
    database of TEST_DATABASE_URL itself.

    Commits in a test database need not wait for the disk (`synchronous_commit = off`
    loses at most the last few commits on a server crash, never consistency)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{url.database}_{worker}" if worker else url.database
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    engine.dispose()
    return url.set(database=name)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, backend):
    """A database at the head revision, built once per backend and copied for each test."""
    base = tmp_path_factory.mktemp(f"template-{backend}")
    if backend == "sqlite":
        path = base / "template.db"
        app = create_app(_config(base, f"sqlite:///{path}"))
        upgrade_to_head(app)
        with app.app_context():
            db.engine.dispose()
        return {"backend": backend, "path": path}
    url = _worker_database(make_url(_pg_url(TEST_DATABASE_URL)))
    app = create_app(_config(base, url.render_as_string(hide_password=False)))
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    upgrade_to_head(app)
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        sequences = db.session.scalars(
            text(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = current_schema()"
            )
        ).all()
        db.session.remove()
        db.engine.dispose()
    return {
        "backend": backend,
        "url": url.render_as_string(hide_password=False),
        "tables": tables,
        "sequences": sequences,
    }


def _empty_postgresql(template: dict) -> None:
    """Every table emptied and every id sequence back at 1.

    DELETE with triggers off (session_replication_role, a superuser's setting: the audit
    log's append-only triggers and the foreign keys are skipped) takes milliseconds on the
    few rows a test writes; TRUNCATE replaces every table's files and takes 0.1-0.4 s. A
    role that may not switch the triggers off gets the TRUNCATE."""
    engine = create_engine(template["url"])
    names = [f'"{name}"' for name in template["tables"]]
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("; ".join(f"DELETE FROM {name}" for name in names)))
            resets = [f"setval('\"{seq}\"', 1, false)" for seq in template["sequences"]]
            if resets:
                conn.execute(text(f"SELECT {', '.join(resets)}"))
    except ProgrammingError:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


def queue_config(storage: str, tmp_path: Path) -> dict:
    """Settings for a job test on a real queue storage, isolated from other tests."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    config = {"HUEY_IMMEDIATE_MEMORY": False, "HUEY_NAME": name, "REDIS_URL": None}
    if storage == "redis":
        config["REDIS_URL"] = TEST_REDIS_URL
    return config


@pytest.fixture
def app(migrated_template, tmp_path, request):
    """The application bound to a fresh, migrated database."""
    if migrated_template["backend"] == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(migrated_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = migrated_template["url"]
        _empty_postgresql(migrated_template)
    config = _config(tmp_path, url)
    if "queue_storage" in request.fixturenames:
        config.update(queue_config(request.getfixturevalue("queue_storage"), tmp_path))
    if (
        "storage_backend" in request.fixturenames
        and request.getfixturevalue("storage_backend") == "s3"
    ):
        config.update(request.getfixturevalue("s3_bucket").config)
    application = create_app(config)

    @application.before_request
    def _fresh_request_globals():
        # The test's app context outlives requests, so `g` would carry the last request's
        # user and locale into the next one; in production every request gets a fresh `g`.
        for name in list(vars(g)):
            delattr(g, name)

    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
        if config.get("REDIS_URL"):
            application.extensions["huey"].storage.flush_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """Log a user in by writing the session directly (no password round trip)."""

    def _login(user, test_client=None, *, remember=False):
        from inspect_app.services.sessions import start_session

        target = test_client or client
        start_session(user, remember=remember)
        db.session.commit()
        with target.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return target

    return _login


pytest_plugins = ["tests.factories", "tests.followup_fixtures", "tests.s3_fixtures"]
