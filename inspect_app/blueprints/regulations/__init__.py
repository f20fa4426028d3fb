from flask import Blueprint

bp = Blueprint("regulations", __name__, url_prefix="/regulations")

from inspect_app.blueprints.regulations import routes, summaries  # noqa: E402,F401
