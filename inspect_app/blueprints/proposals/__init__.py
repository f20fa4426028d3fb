from flask import Blueprint

bp = Blueprint("proposals", __name__, url_prefix="/plans/proposal")

from inspect_app.blueprints.proposals import routes  # noqa: E402,F401  (registers the views)
