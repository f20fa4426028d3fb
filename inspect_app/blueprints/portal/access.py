"""Loaders of the agency portal: 404 for anything outside the current user's agency."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from inspect_app.extensions import db
from inspect_app.models import ConformityAnnouncement, EvidenceFile, Finding, Inspection, Role
from inspect_app.permissions import can_view_inspection
from inspect_app.services.portal import is_dossier_request


def _own_agency_id() -> int:
    if current_user.role is not Role.AGENCY or current_user.agency_id is None:
        abort(404)
    return current_user.agency_id


def own_inspection(inspection_id: int) -> Inspection:
    inspection = db.session.get(Inspection, inspection_id)
    if (
        inspection is None
        or inspection.agency_id != _own_agency_id()
        or not can_view_inspection(current_user, inspection)
    ):
        abort(404)
    return inspection


def own_dossier(inspection_id: int) -> Inspection:
    """A dossier request of the user's agency (a dossier-mode inspection, once requested)."""
    inspection = own_inspection(inspection_id)
    if not is_dossier_request(inspection):
        abort(404)
    return inspection


def own_dossier_file(inspection: Inspection, file_id: int) -> EvidenceFile:
    stored = db.session.get(EvidenceFile, file_id)
    if stored is None or stored.inspection_id != inspection.id or stored.purpose != "dossier":
        abort(404)
    return stored


def own_finding(finding_id: int) -> Finding:
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        abort(404)
    own_inspection(finding.inspection_id)
    return finding


def own_announcement(announcement_id: int) -> ConformityAnnouncement:
    announcement = db.session.get(ConformityAnnouncement, announcement_id)
    if announcement is None or announcement.agency_id != _own_agency_id():
        abort(404)
    return announcement
