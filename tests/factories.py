"""Factory fixtures: make_agency, make_user, make_plan, make_inspection, make_template."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from werkzeug.security import generate_password_hash

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    ChecklistItem,
    ChecklistTemplate,
    Conclusion,
    Decision,
    DecisionKind,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    Role,
    User,
)
from inspect_app.models.base import utcnow

PASSWORD = "correct-horse-1"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash() -> str:
    if "hash" not in _hash_cache:
        _hash_cache["hash"] = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
    return _hash_cache["hash"]


@pytest.fixture
def make_agency(app):
    def _make(name=None, *, code=None, level=AgencyLevel.PROVINCIAL, **fields) -> Agency:
        n = next(_counter)
        agency = Agency(
            code=code or f"AG{n:05d}", name=name or f"Cơ quan thử {n}", level=level, **fields
        )
        db.session.add(agency)
        db.session.commit()
        return agency

    return _make


@pytest.fixture
def make_user(app, make_agency):
    def _make(role=Role.INSPECTOR, *, username=None, agency=None, **fields) -> User:
        role = Role(role)
        if role is Role.AGENCY and agency is None:
            agency = make_agency()
        n = next(_counter)
        user = User(
            username=username or f"{role.value}{n}",
            full_name=fields.pop("full_name", f"Người dùng {n}"),
            role=role,
            agency=agency if role is Role.AGENCY else None,
            password_hash=password_hash(),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return _make


@pytest.fixture
def make_decision(app):
    def _make(
        number=None,
        *,
        signed_on=date(2026, 3, 1),
        kind=DecisionKind.PLAN_APPROVAL,
        issuer="UBND tỉnh Quảng Ngãi",
        **fields,
    ) -> Decision:
        n = next(_counter)
        decision = Decision(
            number=number or f"{n}/QĐ-UBND",
            signed_on=signed_on,
            year=signed_on.year,
            issuer=issuer,
            kind=kind,
            summary=fields.pop("summary", "Phê duyệt kế hoạch kiểm tra"),
            **fields,
        )
        db.session.add(decision)
        db.session.commit()
        return decision

    return _make


@pytest.fixture
def make_plan(app, make_decision):
    def _make(year=2026, *, status=PlanStatus.APPROVED, **fields) -> InspectionPlan:
        plan = InspectionPlan(
            year=year,
            title=fields.pop("title", f"Kế hoạch kiểm tra năm {year}"),
            status=status,
            **fields,
        )
        if status is not PlanStatus.DRAFT and plan.decision_id is None and "decision" not in fields:
            plan.decision = make_decision(signed_on=date(year, 3, 1))
            plan.approved_at = utcnow()
        if status is PlanStatus.CLOSED:
            plan.closed_at = utcnow()
        db.session.add(plan)
        db.session.commit()
        return plan

    return _make


@pytest.fixture
def make_template(app):
    def _make(n_items=3, *, name=None) -> ChecklistTemplate:
        k = next(_counter)
        template = ChecklistTemplate(name=name or f"Phiếu kiểm tra {k}", version=1)
        for i in range(n_items):
            group = "A" if i < 2 else "4"
            template.items.append(
                ChecklistItem(
                    code=f"A.{i + 1}" if group == "A" else f"4.{i}",
                    group_code=group,
                    group_title="Pháp lý" if group == "A" else "Bối cảnh của tổ chức",
                    text=f"Nội dung kiểm tra {i + 1}",
                    text_en=f"Check {i + 1}",
                    position=i,
                )
            )
        db.session.add(template)
        db.session.commit()
        return template

    return _make


@pytest.fixture
def make_inspection(app, make_agency, make_plan, make_template):
    def _make(
        *,
        status=InspectionStatus.PLANNED,
        mode=InspectionMode.ON_SITE,
        plan=None,
        agency=None,
        lead=None,
        members=(),
        template=None,
        **fields,
    ) -> Inspection:
        status = InspectionStatus(status)
        plan = plan or make_plan()
        inspection = Inspection(
            plan=plan,
            agency=agency or make_agency(),
            mode=InspectionMode(mode),
            status=status,
            lead=lead,
            template=template or make_template(),
            planned_from=fields.pop("planned_from", date(plan.year, 5, 1)),
            planned_to=fields.pop("planned_to", date(plan.year, 5, 2)),
            **fields,
        )
        inspection.members = list(members)
        if status in (InspectionStatus.CONDUCTED, InspectionStatus.CONCLUDED):
            inspection.conducted_on = inspection.conducted_on or date(plan.year, 5, 1)
        if status is InspectionStatus.CONCLUDED:
            inspection.concluded_on = inspection.concluded_on or date(plan.year, 5, 2)
            inspection.conclusion = inspection.conclusion or Conclusion.PASSED
        if status is InspectionStatus.CANCELLED:
            inspection.cancel_reason = inspection.cancel_reason or "Cơ quan sáp nhập"
        db.session.add(inspection)
        db.session.commit()
        return inspection

    return _make


@pytest.fixture
def team(make_agency, make_user, make_inspection):
    """An in-progress inspection of an agency, with its lead and one member."""
    agency = make_agency()
    lead, member = make_user(Role.INSPECTOR), make_user(Role.INSPECTOR)
    inspection = make_inspection(
        agency=agency, lead=lead, members=[member], status=InspectionStatus.IN_PROGRESS
    )
    return {"inspection": inspection, "lead": lead, "member": member, "agency": agency}


@pytest.fixture
def people(team, make_user, make_agency):
    """One user of each kind around `team`'s inspection, for access tables."""
    return {
        "lead": team["lead"],
        "member": team["member"],
        "admin": make_user(Role.ADMIN),
        "outsider": make_user(Role.INSPECTOR),
        "viewer": make_user(Role.VIEWER),
        "agency_own": make_user(Role.AGENCY, agency=team["agency"]),
        "agency_other": make_user(Role.AGENCY, agency=make_agency()),
    }
