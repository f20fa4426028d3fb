from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from inspect_app.blueprints.reports import routes  # noqa: E402,F401  (registers the views)
