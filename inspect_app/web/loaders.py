"""Every object loader of the pages: the row, or 404 when it does not exist or is out of reach.

Loaders answer 404 (never 403) for objects outside a user's reach, so a page does not tell
which ids exist; the views check what the user may do with a loaded object afterwards.
"""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    ChecklistItem,
    ChecklistTemplate,
    ConformityAnnouncement,
    EvidenceFile,
    Finding,
    Inspection,
    InspectionPlan,
    Role,
    TrainingCourse,
    TrainingParticipant,
    User,
)
from inspect_app.permissions import can_view_agency, can_view_inspection, can_view_plan
from inspect_app.services.portal import is_dossier_request

Row = TypeVar("Row")


def get_or_404(model: type[Row], row_id: int) -> Row:
    """The row of `model` with this primary key, or 404."""
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


def get_child_or_404(model: type[Row], row_id: int, **parent) -> Row:
    """The row of `model`, or 404 unless its columns match `parent` (e.g. `plan_id=plan.id`)."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, column) != value for column, value in parent.items()):
        abort(404)
    return row


def load_inspection(inspection_id: int) -> Inspection:
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or not can_view_inspection(current_user, inspection):
        abort(404)
    return inspection


def load_agency(agency_id: int) -> Agency:
    """The agency, or 404 when it does not exist or lies outside the user's reach."""
    agency = db.session.get(Agency, agency_id)
    if agency is None or not can_view_agency(current_user, agency):
        abort(404)
    return agency


def load_plan(plan_id: int) -> InspectionPlan:
    """The plan, or 404 when it does not exist or lies outside the user's reach."""
    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None or not can_view_plan(current_user, plan):
        abort(404)
    return plan


def load_plan_inspection(plan: InspectionPlan, inspection_id: int) -> Inspection:
    """An inspection of this plan (the plan was loaded, and checked, first)."""
    return get_child_or_404(Inspection, inspection_id, plan_id=plan.id)


def load_finding(finding_id: int) -> Finding:
    """The finding, or 404 when it does not exist or its inspection is out of reach."""
    finding = db.session.get(Finding, finding_id)
    if finding is None or not can_view_inspection(current_user, finding.inspection):
        abort(404)
    return finding


def load_template(template_id: int) -> ChecklistTemplate:
    return get_or_404(ChecklistTemplate, template_id)


def load_item(template: ChecklistTemplate, item_id: int) -> ChecklistItem:
    return get_child_or_404(ChecklistItem, item_id, template_id=template.id)


def load_course(course_id: int) -> TrainingCourse:
    return get_or_404(TrainingCourse, course_id)


def load_participant(course: TrainingCourse, participant_id: int) -> TrainingParticipant:
    return get_child_or_404(TrainingParticipant, participant_id, course_id=course.id)


def load_user(user_id: int) -> User:
    return get_or_404(User, user_id)


def load_announcement(announcement_id: int) -> ConformityAnnouncement:
    return get_or_404(ConformityAnnouncement, announcement_id)


# The agency portal: anything outside the current user's own agency is a 404.


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
    return get_child_or_404(EvidenceFile, file_id, inspection_id=inspection.id, purpose="dossier")


def own_finding(finding_id: int) -> Finding:
    finding = get_or_404(Finding, finding_id)
    own_inspection(finding.inspection_id)
    return finding


def own_announcement(announcement_id: int) -> ConformityAnnouncement:
    announcement = db.session.get(ConformityAnnouncement, announcement_id)
    if announcement is None or announcement.agency_id != _own_agency_id():
        abort(404)
    return announcement
