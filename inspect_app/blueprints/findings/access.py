"""Loaders and role sets shared by the findings blueprint's views."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from inspect_app.extensions import db
from inspect_app.models import Finding, Inspection, Role
from inspect_app.permissions import can_view_inspection

ALL_ROLES = (Role.ADMIN, Role.INSPECTOR, Role.VIEWER, Role.AGENCY)
#: roles that may change findings and evidence; the object rules narrow them to the team.
WRITER_ROLES = (Role.ADMIN, Role.INSPECTOR)


def load_finding(finding_id: int) -> Finding:
    """The finding, or 404 when it does not exist or its inspection is out of reach."""
    finding = db.session.get(Finding, finding_id)
    if finding is None or not can_view_inspection(current_user, finding.inspection):
        abort(404)
    return finding


def inspection_page(inspection: Inspection) -> str:
    """The inspection page (contract 5.7 fixes its path)."""
    return f"/inspections/{inspection.id}"
