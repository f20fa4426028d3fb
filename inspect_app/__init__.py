"""inspect_app: ISO 9001 inspections of state administrative agencies."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from inspect_app.config import PROJECT_DIR, BaseConfig, from_environment, validate

TEMPLATE_DIR = PROJECT_DIR / "templates"
#: blueprints that carry their own url_prefix, registered in this order.
FEATURE_BLUEPRINTS = (
    "agencies",
    "decisions",
    "plans",
    "proposals",
    "inspections",
    "findings",
    "checklists",
    "portal",
    "conformity",
    "reports",
    "training",
    "regulations",
    "processes",
    "admin",
    "documents",
    "followup",
    "jobs",
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides what the environment says."""
    app = Flask(__name__, template_folder=str(TEMPLATE_DIR))
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.from_object(BaseConfig)
    app.config.update(from_environment())
    if overrides:
        app.config.update(overrides)
    validate(app.config)
    # One zone for "today" and for every timestamp shown (DESIGN 5.10).
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["APP_TIMEZONE"]
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)


def register_extensions(app: Flask) -> None:
    from inspect_app import db_setup, jobs, storage
    from inspect_app.extensions import babel, bootstrap, csrf, db, login_manager, migrate
    from inspect_app.i18n import select_locale
    from inspect_app.web import auth_setup, wtforms_i18n

    db.init_app(app)
    db_setup.configure_engine_events(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    login_manager.init_app(app)
    auth_setup.configure_login_manager(login_manager)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    wtforms_i18n.init_app(app)
    bootstrap.init_app(app)
    jobs.init_app(app)
    storage.init_app(app)


def register_blueprints(app: Flask) -> None:
    from inspect_app.blueprints.api import bp as api_bp
    from inspect_app.blueprints.auth import bp as auth_bp
    from inspect_app.blueprints.main import bp as main_bp
    from inspect_app.extensions import csrf

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    for name in FEATURE_BLUEPRINTS:
        module = importlib.import_module(f"inspect_app.blueprints.{name}")
        app.register_blueprint(module.bp)
    # The API checks CSRF itself, only for cookie-authenticated writes (bearer tokens need none).
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    from inspect_app.web.errors import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    from inspect_app.web import input_guard, security

    input_guard.configure(app)
    security.configure(app)


def register_template_helpers(app: Flask) -> None:
    from inspect_app.web.template_helpers import register

    register(app)


def register_cli(app: Flask) -> None:
    from inspect_app.cli import register

    register(app)
