"""Object predicates and visible_inspections (permissions.py, CONTRACTS 7)."""

import pytest
from flask_login import AnonymousUserMixin

from inspect_app import permissions
from inspect_app.extensions import db
from inspect_app.models import AnonymousUser, InspectionStatus, PlanStatus, Role

#: who sees which inspection in the `world` fixture.
VISIBLE = {
    "admin": {"a_lead", "b_member", "a_draft", "b_concluded"},
    "viewer": {"a_lead", "b_member", "a_draft", "b_concluded"},
    "lead": {"a_lead", "b_concluded"},
    "member": {"b_member"},
    "outsider": set(),
    "agency_a": {"a_lead"},
    "agency_b": {"b_member", "b_concluded"},
    "anonymous": set(),
}


@pytest.fixture
def world(make_agency, make_user, make_plan, make_inspection):
    """Two agencies, an approved and a draft plan, and one user of every kind."""
    agency_a, agency_b = make_agency(), make_agency()
    approved, draft = make_plan(2026), make_plan(2027, status=PlanStatus.DRAFT)
    users = {
        "admin": make_user(Role.ADMIN),
        "viewer": make_user(Role.VIEWER),
        "lead": make_user(Role.INSPECTOR),
        "member": make_user(Role.INSPECTOR),
        "outsider": make_user(Role.INSPECTOR),
        "agency_a": make_user(Role.AGENCY, agency=agency_a),
        "agency_b": make_user(Role.AGENCY, agency=agency_b),
        "anonymous": AnonymousUser(),
    }
    other_plan = make_plan(2025, status=PlanStatus.CLOSED)
    inspections = {
        "a_lead": make_inspection(plan=approved, agency=agency_a, lead=users["lead"]),
        "b_member": make_inspection(
            plan=approved, agency=agency_b, lead=users["admin"], members=[users["member"]]
        ),
        "a_draft": make_inspection(plan=draft, agency=agency_a),
        "b_concluded": make_inspection(
            plan=other_plan,
            agency=agency_b,
            lead=users["lead"],
            status=InspectionStatus.CONCLUDED,
        ),
    }
    names = {insp.id: name for name, insp in inspections.items()}
    return {"users": users, "inspections": inspections, "names": names}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_visible_inspections_per_user(world, who):
    user = world["users"][who]

    rows = db.session.scalars(permissions.visible_inspections(user)).all()

    assert {world["names"][insp.id] for insp in rows} == VISIBLE[who]


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_can_view_inspection_agrees_with_the_query(world, who):
    user = world["users"][who]

    allowed = {
        name
        for name, insp in world["inspections"].items()
        if permissions.can_view_inspection(user, insp)
    }

    assert allowed == VISIBLE[who]


def test_agency_sees_its_inspection_once_the_plan_is_approved(world):
    draft_inspection = world["inspections"]["a_draft"]
    agency_user = world["users"]["agency_a"]
    assert not permissions.can_view_inspection(agency_user, draft_inspection)

    decision = world["inspections"]["a_lead"].plan.decision
    draft_inspection.plan.decision = decision
    draft_inspection.plan.status = PlanStatus.APPROVED
    db.session.commit()

    assert permissions.can_view_inspection(agency_user, draft_inspection)
    visible = db.session.scalars(permissions.visible_inspections(agency_user)).all()
    assert draft_inspection in visible


def test_a_plain_anonymous_mixin_sees_nothing(world):
    visitor = AnonymousUserMixin()

    assert db.session.scalars(permissions.visible_inspections(visitor)).all() == []
    assert not permissions.can_view_inspection(visitor, world["inspections"]["a_lead"])


EDITABLE_STATUSES = [
    InspectionStatus.PLANNED,
    InspectionStatus.IN_PROGRESS,
    InspectionStatus.CONDUCTED,
]
LOCKED_STATUSES = [InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED]
#: who may fill the checklist of an inspection that is not locked.
EDITORS = {
    "admin": True,
    "lead": True,
    "member": True,
    "outsider": False,
    "viewer": False,
    "agency": False,
    "anonymous": False,
}


@pytest.fixture
def team_inspection(make_agency, make_user, make_inspection):
    """Build an inspection of `status` with a lead and a member, plus the users to check."""

    def _make(status):
        agency = make_agency()
        users = {
            "admin": make_user(Role.ADMIN),
            "lead": make_user(Role.INSPECTOR),
            "member": make_user(Role.INSPECTOR),
            "outsider": make_user(Role.INSPECTOR),
            "viewer": make_user(Role.VIEWER),
            "agency": make_user(Role.AGENCY, agency=agency),
            "anonymous": AnonymousUser(),
        }
        inspection = make_inspection(
            status=status,
            agency=agency,
            lead=users["lead"],
            members=[users["member"]],
            mode="dossier" if status.value.startswith("dossier") else "on_site",
        )
        return inspection, users

    return _make


@pytest.mark.parametrize("status", EDITABLE_STATUSES + [InspectionStatus.DOSSIER_RECEIVED])
@pytest.mark.parametrize("who", sorted(EDITORS))
def test_can_edit_open_inspection(team_inspection, status, who):
    inspection, users = team_inspection(status)

    assert permissions.can_edit_inspection(users[who], inspection) is EDITORS[who]


@pytest.mark.parametrize("status", LOCKED_STATUSES)
@pytest.mark.parametrize("who", sorted(EDITORS))
def test_nobody_edits_a_locked_inspection(team_inspection, status, who):
    inspection, users = team_inspection(status)

    assert permissions.can_edit_inspection(users[who], inspection) is False


@pytest.mark.parametrize("status", list(InspectionStatus))
def test_only_the_lead_concludes_a_conducted_inspection(team_inspection, status):
    inspection, users = team_inspection(status)

    allowed = {
        who for who, user in users.items() if permissions.can_conclude_inspection(user, inspection)
    }

    assert allowed == ({"lead"} if status is InspectionStatus.CONDUCTED else set())


@pytest.mark.parametrize("status", list(InspectionStatus))
def test_only_an_admin_reopens_a_concluded_inspection(team_inspection, status):
    inspection, users = team_inspection(status)

    allowed = {
        who for who, user in users.items() if permissions.can_reopen_inspection(user, inspection)
    }

    assert allowed == ({"admin"} if status is InspectionStatus.CONCLUDED else set())


def test_agency_and_plan_predicates(make_agency, make_user, make_plan):
    own, other = make_agency(), make_agency()
    users = {
        "admin": make_user(Role.ADMIN),
        "inspector": make_user(Role.INSPECTOR),
        "viewer": make_user(Role.VIEWER),
        "agency": make_user(Role.AGENCY, agency=own),
        "anonymous": AnonymousUser(),
    }
    plans = {status: make_plan(status=status) for status in PlanStatus}

    def who(predicate, obj):
        return {name for name, user in users.items() if predicate(user, obj)}

    staff = {"admin", "inspector", "viewer"}
    assert who(permissions.can_view_agency, own) == staff | {"agency"}
    assert who(permissions.can_view_agency, other) == staff
    for status, plan in plans.items():
        assert who(permissions.can_view_plan, plan) == staff
        expected = set() if status is PlanStatus.CLOSED else {"admin"}
        assert who(permissions.can_edit_plan, plan) == expected


ROLE_RULES = [
    # (allowed roles, user role, expected status)
    ((Role.ADMIN,), Role.ADMIN, 200),
    ((Role.ADMIN,), Role.VIEWER, 403),
    ((Role.ADMIN,), Role.INSPECTOR, 403),
    ((Role.ADMIN,), Role.AGENCY, 403),
    ((Role.ADMIN, Role.VIEWER), Role.VIEWER, 200),
    ((Role.AGENCY,), Role.AGENCY, 200),
    ((Role.AGENCY,), Role.ADMIN, 403),
    ((Role.INSPECTOR, Role.ADMIN), Role.INSPECTOR, 200),
]


@pytest.mark.parametrize(("allowed", "role", "expected"), ROLE_RULES)
def test_roles_required(app, client, login, make_user, allowed, role, expected):
    @permissions.roles_required(*allowed)
    def guarded():
        return "inside"

    app.add_url_rule("/_test/guarded", "guarded", guarded)
    assert guarded.allowed_roles == allowed

    assert client.get("/_test/guarded").status_code == 302
    login(make_user(role))
    response = client.get("/_test/guarded")

    assert response.status_code == expected
    if expected == 403:
        assert "Bạn không có quyền" in response.get_data(as_text=True)
