"""Load an object for the current user: 404 when it does not exist or is out of reach."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from inspect_app.extensions import db
from inspect_app.models import Inspection
from inspect_app.permissions import can_view_inspection


def load_inspection(inspection_id: int) -> Inspection:
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not can_view_inspection(current_user, inspection):
        abort(404)
    return inspection
