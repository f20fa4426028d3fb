from flask import Blueprint

#: the agency portal's ISO process catalogue (the portal's own pages live under /portal too).
bp = Blueprint("processes", __name__, url_prefix="/portal/processes")

from inspect_app.blueprints.processes import routes  # noqa: E402,F401
