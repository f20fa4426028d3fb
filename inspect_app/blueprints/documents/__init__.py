"""Official documents as Word files (contract 5.13), beside the pages they belong to."""

from flask import Blueprint

bp = Blueprint("documents", __name__)

from inspect_app.blueprints.documents import routes  # noqa: E402,F401  (registers the views)
