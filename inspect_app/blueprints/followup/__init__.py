from flask import Blueprint

#: follow-up (5.10): the findings register, work queues, account settings, calendar feed,
#: failed e-mail (full paths, no prefix).
bp = Blueprint("followup", __name__)

from inspect_app.blueprints.followup import routes  # noqa: E402,F401
