from flask import Blueprint

bp = Blueprint("agencies", __name__, url_prefix="/agencies")

from inspect_app.blueprints.agencies import routes  # noqa: E402,F401  (registers the views)
