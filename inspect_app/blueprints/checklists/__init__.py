from flask import Blueprint

bp = Blueprint("checklists", __name__, url_prefix="/checklists")

from inspect_app.blueprints.checklists import routes  # noqa: E402,F401  (registers the views)
