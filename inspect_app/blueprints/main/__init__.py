from flask import Blueprint

bp = Blueprint("main", __name__)

from inspect_app.blueprints.main import routes  # noqa: E402,F401  (registers the views)
