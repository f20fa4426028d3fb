"""Who may do what: role checks for routes and object predicates for rows.

Routes use `roles_required`; loaders use the predicates and answer 404 for objects outside
a user's reach before any 403. Templates call the same predicates to hide buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, exists, or_, select

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    EvidenceFile,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    Role,
    inspection_members,
)

#: every role: pages any signed-in user may open (the object rules narrow them further).
ALL_ROLES = (Role.ADMIN, Role.INSPECTOR, Role.VIEWER, Role.AGENCY)
#: the department's people: everyone but the agencies' ISO officers.
STAFF_ROLES = (Role.ADMIN, Role.INSPECTOR, Role.VIEWER)
#: the department's staff and leadership: the registers' readers (training, reports).
DEPARTMENT_ROLES = (Role.ADMIN, Role.VIEWER)
#: roles that may change findings and evidence; the object rules narrow them to the team.
WRITER_ROLES = (Role.ADMIN, Role.INSPECTOR)
LOCKED_STATUSES = (InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED)


def roles_required(*roles: Role) -> Callable:
    """Route decorator: anonymous users go to the login page, other roles get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from inspect_app.extensions import login_manager

                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the authorization matrix test
        return wrapped

    return decorator


def is_on_team(user, inspection: Inspection) -> bool:
    return user.is_authenticated and user.id in inspection.team_user_ids()


def is_lead(user, inspection: Inspection) -> bool:
    return user.is_authenticated and inspection.lead_id == user.id


def can_view_inspection(user, inspection: Inspection) -> bool:
    """Admins and viewers see all; inspectors their team's; agencies their own, once planned."""
    if not user.is_authenticated:
        return False
    if user.role in (Role.ADMIN, Role.VIEWER):
        return True
    if user.role is Role.INSPECTOR:
        return is_on_team(user, inspection)
    if user.role is Role.AGENCY:
        return (
            inspection.agency_id == user.agency_id
            and inspection.plan.status is not PlanStatus.DRAFT
        )
    return False


def is_team_writer(user, inspection: Inspection) -> bool:
    """Admins and the inspection's team: the people whose answers count, locked or not."""
    if not user.is_authenticated:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.INSPECTOR and is_on_team(user, inspection)


def can_edit_inspection(user, inspection: Inspection) -> bool:
    """Fill the checklist, raise findings: the team (or an admin) while not locked."""
    return inspection.status not in LOCKED_STATUSES and is_team_writer(user, inspection)


def can_conclude_inspection(user, inspection: Inspection) -> bool:
    return inspection.status is InspectionStatus.CONDUCTED and is_lead(user, inspection)


def can_reopen_inspection(user, inspection: Inspection) -> bool:
    return (
        inspection.status is InspectionStatus.CONCLUDED and user.is_authenticated and user.is_admin
    )


def can_view_agency(user, agency: Agency) -> bool:
    if not user.is_authenticated:
        return False
    if user.role in STAFF_ROLES:
        return True
    return user.role is Role.AGENCY and agency.id == user.agency_id


def can_view_plan(user, plan: InspectionPlan) -> bool:
    """Agency users reach plans only through their own inspections."""
    return user.is_authenticated and user.role in STAFF_ROLES


def visible_plans(user, query: Select) -> Select:
    """Narrow a SELECT of plans: agency users never see drafts."""
    if user.role is Role.AGENCY:
        return query.where(InspectionPlan.status != PlanStatus.DRAFT)
    return query


def plan_inspections_for(user, plan: InspectionPlan) -> list[Inspection]:
    """The inspections of `plan` that `user` is shown: an agency user only its own."""
    if user.role is Role.AGENCY:
        return [i for i in plan.inspections if i.agency_id == user.agency_id]
    return list(plan.inspections)


def locks_self_out(actor, user, *, role: Role, active: bool) -> bool:
    """Whether saving `user` with this role and state would take the acting admin's own access."""
    return user.id == actor.id and (not active or role is not Role.ADMIN)


def can_edit_plan(user, plan: InspectionPlan) -> bool:
    return user.is_authenticated and user.is_admin and plan.status is not PlanStatus.CLOSED


def visible_inspections(user) -> Select:
    """A SELECT of the inspections `user` may see, to filter further and paginate."""
    query = select(Inspection).join(Inspection.plan)
    if not user.is_authenticated:
        return query.where(False)
    if user.role in (Role.ADMIN, Role.VIEWER):
        return query
    if user.role is Role.INSPECTOR:
        member = exists().where(
            inspection_members.c.inspection_id == Inspection.id,
            inspection_members.c.user_id == user.id,
        )
        return query.where(or_(Inspection.lead_id == user.id, member))
    if user.role is Role.AGENCY:
        return query.where(
            Inspection.agency_id == user.agency_id, InspectionPlan.status != PlanStatus.DRAFT
        )
    return query.where(False)


def can_view_evidence(user, evidence: EvidenceFile) -> bool:
    """Whoever may see the object the file belongs to, and nobody else.

    A file of an inspection or of one of its findings (evidence, dossier, corrective action)
    follows the inspection; a decision scan follows the decision pages (admins, viewers); a
    file of an agency alone (its announcement decision) follows the announcement pages:
    admins, viewers and that agency's own users. Inspectors reach files only through their
    inspections.
    """
    if not user.is_authenticated:
        return False
    inspection = evidence.inspection
    if inspection is None and evidence.finding_id is not None:
        finding = db.session.get(Finding, evidence.finding_id)
        inspection = finding.inspection if finding is not None else None
    if inspection is not None:
        return can_view_inspection(user, inspection)
    if evidence.inspection_id is not None or evidence.finding_id is not None:
        return False  # the owner is gone
    if user.role in (Role.ADMIN, Role.VIEWER):
        return True
    if evidence.decision_id is not None or evidence.purpose == "decision":
        return False
    return (
        user.role is Role.AGENCY
        and evidence.agency_id is not None
        and evidence.agency_id == user.agency_id
    )
