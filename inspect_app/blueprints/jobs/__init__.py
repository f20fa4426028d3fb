from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from inspect_app.blueprints.jobs import routes  # noqa: E402,F401  (registers the views)
