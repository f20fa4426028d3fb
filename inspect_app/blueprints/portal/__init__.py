from flask import Blueprint

#: the agency's own pages: home, dossiers, corrective actions, announcements, notifications.
bp = Blueprint("portal", __name__, url_prefix="/portal")

from inspect_app.blueprints.portal import routes  # noqa: E402,F401
