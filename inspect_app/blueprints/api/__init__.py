from flask import Blueprint

bp = Blueprint("api", __name__)

from inspect_app.blueprints.api import auth, evidence, plans, routes  # noqa: E402, F401  (views)
