from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/training")

from inspect_app.blueprints.training import routes  # noqa: E402,F401  (registers the views)
