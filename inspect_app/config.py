"""Configuration read from the environment (CONTRACTS 5.2)."""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_INSTANCE_DIR = PROJECT_DIR / "instance"


def _instance_dir() -> Path:
    return Path(os.environ.get("INSTANCE_DIR", DEFAULT_INSTANCE_DIR))


def _persistent_secret_key(instance_dir: Path) -> str:
    """Return the key kept in instance/, generating it on first use."""
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when two workers start at once, the first writer wins and both read its key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


#: S3 bucket names: 3 to 63 lower-case letters, digits, dots and hyphens.
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def storage_location(url: str | None) -> tuple[str, str] | None:
    """(bucket, prefix) of an `s3://bucket/prefix` STORAGE_URL; None for the local folder.

    Anything else is a RuntimeError naming the setting, so a bad URL stops the app at start.
    """
    if url is None or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme != "s3":
        raise RuntimeError(f"STORAGE_URL must be s3://bucket/prefix (or unset), got {url!r}")
    if not BUCKET_RE.match(parts.netloc) or parts.query or parts.fragment:
        raise RuntimeError(
            f"STORAGE_URL must name a bucket (lower-case letters, digits, '.', '-'): "
            f"s3://bucket/prefix, got {url!r}"
        )
    return parts.netloc, parts.path.strip("/")


def validate(config) -> None:
    """Checks of settings that an override may have replaced; raises RuntimeError."""
    storage_location(config.get("STORAGE_URL"))


def from_environment() -> dict:
    """Build the configuration mapping from environment variables."""
    instance_dir = _instance_dir()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'inspect_app.db'}"
    # Heroku-style URLs name the old driver; SQLAlchemy wants an explicit psycopg 3 URL.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    max_upload_mb = _int_env("MAX_UPLOAD_MB", 25)
    app_timezone = os.environ.get("APP_TIMEZONE", "").strip() or "Asia/Ho_Chi_Minh"
    return {
        "INSTANCE_DIR": str(instance_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _persistent_secret_key(instance_dir),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance_dir / "uploads"),
        "MAX_UPLOAD_MB": max_upload_mb,
        # Room for multipart overhead; the storage layer enforces the exact cap per file.
        "MAX_CONTENT_LENGTH": max_upload_mb * 1024 * 1024 + 64 * 1024,
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD") or "inspect-demo",
        "PROXY_FIX": os.environ.get("PROXY_FIX", "").strip() in ("1", "true", "yes"),
        #: "today" and every timestamp shown are in this zone (DESIGN 5.10).
        "APP_TIMEZONE": app_timezone,
        **mail_settings(),
        #: days an agency has to update a process once a legal change made it stale (5.11).
        "PROCESS_UPDATE_DAYS": _int_env("PROCESS_UPDATE_DAYS", 90),
        #: how long "Ghi nhớ đăng nhập" keeps a field device logged in.
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int_env("REMEMBER_DAYS", 30)),
        #: a session ends after this long without a request, and after SESSION_MAX_HOURS.
        "SESSION_IDLE_MINUTES": _int_env("SESSION_IDLE_MINUTES", 60),
        "SESSION_MAX_HOURS": _int_env("SESSION_MAX_HOURS", 12),
        #: a remembered login (field laptop) ends after this many idle days, or REMEMBER_DAYS.
        "REMEMBER_IDLE_DAYS": _int_env("REMEMBER_IDLE_DAYS", 14),
        #: task queue (DESIGN 5.8): Redis when set, else a SQLite file under instance/.
        "REDIS_URL": os.environ.get("REDIS_URL", "").strip() or None,
        "HUEY_NAME": os.environ.get("HUEY_NAME", "").strip() or None,
        "JOB_HEARTBEAT_SECONDS": _int_env("JOB_HEARTBEAT_SECONDS", 5),
        "JOB_DIR": os.environ.get("JOB_DIR") or str(instance_dir / "jobs"),
        "JOB_KEEP_DAYS": _int_env("JOB_KEEP_DAYS", 7),
        #: a running job whose worker has not beaten for this long is retried or failed.
        "JOB_STALE_SECONDS": _int_env("JOB_STALE_SECONDS", 120),
        "JOB_MAX_ATTEMPTS": _int_env("JOB_MAX_ATTEMPTS", 3),
        #: uploaded workbooks are refused past these (services/workbooks/limits.py).
        "WORKBOOK_MAX_ROWS": _int_env("WORKBOOK_MAX_ROWS", 200_000),
        "WORKBOOK_MAX_CELLS": _int_env("WORKBOOK_MAX_CELLS", 4_000_000),
        "WORKBOOK_MAX_STRINGS": _int_env("WORKBOOK_MAX_STRINGS", 1_000_000),
        "WORKBOOK_MAX_UNPACKED_MB": _int_env("WORKBOOK_MAX_UNPACKED_MB", 300),
        #: evidence storage: a folder (default) or s3://bucket/prefix (storage.py).
        "STORAGE_URL": os.environ.get("STORAGE_URL", "").strip() or None,
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", "").strip() or None,
        "S3_REGION": os.environ.get("S3_REGION", "").strip() or None,
    }


def mail_settings() -> dict:
    """Outgoing mail (DESIGN 5.10); without MAIL_SERVER messages become .eml files."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip() or None,
        "MAIL_PORT": _int_env("MAIL_PORT", 25),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").strip().lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER")
        or "inspect_app <no-reply@localhost>",
        #: links in e-mails and the calendar feed are built from this address.
        "APP_BASE_URL": (os.environ.get("APP_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
    }


class BaseConfig:
    """Defaults that the environment does not override."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    BABEL_DEFAULT_LOCALE = "vi"
    APP_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    #: werkzeug method string: scrypt with N=2^17, r=8, p=1 (CONTRACTS 7).
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
    PER_PAGE = 50
    #: True runs jobs inside the caller (tests); the worker is then not needed.
    HUEY_IMMEDIATE = False
