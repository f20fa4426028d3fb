from flask import Blueprint

bp = Blueprint("api", __name__)

from inspect_app.blueprints.api import auth, plans, routes  # noqa: E402,F401  (registers hooks and views)
