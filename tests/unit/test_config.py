"""Configuration defaults that protect production (CONTRACTS 5.2, 7)."""

from inspect_app import create_app
from inspect_app.config import BaseConfig

PRODUCTION_HASH_METHOD = "scrypt:131072:8:1"


def test_base_config_hashes_with_scrypt_n_2_17():
    assert BaseConfig.PASSWORD_HASH_METHOD == PRODUCTION_HASH_METHOD


def test_base_config_session_cookie_flags():
    assert BaseConfig.SESSION_COOKIE_HTTPONLY is True
    assert BaseConfig.SESSION_COOKIE_SAMESITE == "Lax"
    assert BaseConfig.REMEMBER_COOKIE_HTTPONLY is True


def test_default_app_hashes_passwords_with_production_scrypt(tmp_path, monkeypatch):
    # Deliberately without the cheap PASSWORD_HASH_METHOD the other tests use.
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "config-test")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    from inspect_app.extensions import db
    from inspect_app.services.users import hash_password

    assert app.config["PASSWORD_HASH_METHOD"] == PRODUCTION_HASH_METHOD
    with app.app_context():
        hashed = hash_password("correct-horse-1")
        db.engine.dispose()
    assert hashed.startswith(PRODUCTION_HASH_METHOD + "$")


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("MAX_UPLOAD_MB", "3")
    monkeypatch.delenv("UPLOAD_DIR", raising=False)
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    from inspect_app.config import from_environment

    config = from_environment()
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["SECRET_KEY"] == "from-env"
    assert config["MAX_UPLOAD_MB"] == 3
    assert config["UPLOAD_DIR"] == str(tmp_path / "instance" / "uploads")
    assert config["DEMO_PASSWORD"] == "inspect-demo"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    from inspect_app.config import from_environment

    first = from_environment()["SECRET_KEY"]
    assert len(first) >= 32
    assert from_environment()["SECRET_KEY"] == first
    assert (tmp_path / "instance" / "secret_key").read_text().strip() == first
