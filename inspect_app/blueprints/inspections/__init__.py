from flask import Blueprint

bp = Blueprint("inspections", __name__)

from inspect_app.blueprints.inspections import routes, offline  # noqa: E402,F401,I001  (views)
