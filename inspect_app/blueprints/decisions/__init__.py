from flask import Blueprint

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

from inspect_app.blueprints.decisions import routes  # noqa: E402,F401  (registers the views)
