from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")

from inspect_app.blueprints.plans import routes  # noqa: E402,F401  (registers the views)
