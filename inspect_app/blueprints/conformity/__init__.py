from flask import Blueprint

#: the public register of conformity announcements and the department's acknowledgement queue.
bp = Blueprint("conformity", __name__, url_prefix="/conformity")

from inspect_app.blueprints.conformity import routes  # noqa: E402,F401
