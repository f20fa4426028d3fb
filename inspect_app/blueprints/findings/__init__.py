from flask import Blueprint

#: findings, evidence files and the printable record of an inspection (full paths, no prefix).
bp = Blueprint("findings", __name__)

from inspect_app.blueprints.findings import evidence, record, routes  # noqa: E402,F401
