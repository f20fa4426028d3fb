"""Workflow invariants that the database itself refuses to break."""

from datetime import date

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from inspect_app.extensions import db
from inspect_app.models import (
    Decision,
    DecisionKind,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
)
from inspect_app.models.base import utcnow


def assert_refused(constraint: str | None = None) -> None:
    """Flushing the pending change fails in the database (naming `constraint` when given)."""
    with pytest.raises(IntegrityError) as excinfo:
        db.session.flush()
    db.session.rollback()
    if constraint:
        assert constraint in str(excinfo.value.orig)


def test_concluded_inspection_needs_a_date(make_inspection):
    inspection = make_inspection(status=InspectionStatus.CONCLUDED)

    inspection.concluded_on = None

    assert_refused("ck_inspections_concluded_has_date")


def test_concluded_on_needs_concluded_status(make_inspection):
    inspection = make_inspection(status=InspectionStatus.CONDUCTED)

    inspection.concluded_on = date(2026, 5, 3)

    assert_refused("ck_inspections_concluded_has_date")


def test_concluded_inspection_needs_a_conclusion(make_inspection):
    inspection = make_inspection(status=InspectionStatus.CONCLUDED)

    inspection.conclusion = None

    assert_refused("ck_inspections_concluded_has_conclusion")


@pytest.mark.parametrize("status", [InspectionStatus.CONDUCTED, InspectionStatus.CONCLUDED])
def test_conducted_inspection_needs_a_date(make_inspection, status):
    inspection = make_inspection(status=status)

    inspection.conducted_on = None

    assert_refused("ck_inspections_conducted_has_date")


def test_cancelled_inspection_needs_a_reason(make_inspection):
    inspection = make_inspection(status=InspectionStatus.CANCELLED)

    inspection.cancel_reason = None

    assert_refused("ck_inspections_cancelled_has_reason")


@pytest.mark.parametrize(
    "status", [InspectionStatus.DOSSIER_REQUESTED, InspectionStatus.DOSSIER_RECEIVED]
)
def test_dossier_states_need_dossier_mode(make_inspection, status):
    inspection = make_inspection(mode=InspectionMode.ON_SITE)

    inspection.status = status

    assert_refused("ck_inspections_dossier_states_need_dossier_mode")


def test_dossier_states_allowed_in_dossier_mode(make_inspection):
    inspection = make_inspection(mode=InspectionMode.DOSSIER)

    inspection.status = InspectionStatus.DOSSIER_REQUESTED
    db.session.commit()

    assert db.session.get(Inspection, inspection.id).status is InspectionStatus.DOSSIER_REQUESTED


def test_planned_window_must_not_end_before_it_starts(make_inspection):
    inspection = make_inspection()

    inspection.planned_to = date(inspection.plan.year, 1, 1)

    assert_refused("ck_inspections_planned_window")


def test_one_inspection_per_agency_per_plan(make_inspection, make_plan, make_agency):
    plan, agency = make_plan(), make_agency()
    make_inspection(plan=plan, agency=agency)

    with pytest.raises(IntegrityError):
        make_inspection(plan=plan, agency=agency)
    db.session.rollback()


def test_unknown_status_value_is_refused_by_the_database(make_inspection):
    inspection = make_inspection()

    with pytest.raises(IntegrityError, match="ck_inspections_inspection_status"):
        db.session.execute(
            text("UPDATE inspections SET status = 'bogus' WHERE id = :id"), {"id": inspection.id}
        )
    db.session.rollback()


def test_approved_plan_needs_a_decision(app):
    db.session.add(
        InspectionPlan(
            year=2026, title="Kế hoạch", status=PlanStatus.APPROVED, approved_at=utcnow()
        )
    )

    assert_refused("ck_inspection_plans_approved_has_decision")


def test_draft_plan_without_decision_is_fine(make_plan):
    plan = make_plan(status=PlanStatus.DRAFT)

    assert plan.id is not None and plan.decision_id is None


def test_closed_plan_needs_a_closing_date(make_plan):
    plan = make_plan(status=PlanStatus.CLOSED)

    plan.closed_at = None

    assert_refused("ck_inspection_plans_closed_has_date")


@pytest.mark.parametrize("year", [1999, 2201])
def test_plan_year_range(make_plan, year):
    plan = make_plan(status=PlanStatus.DRAFT)

    with pytest.raises(IntegrityError, match="ck_inspection_plans_year_range"):
        db.session.execute(
            update(InspectionPlan).where(InspectionPlan.id == plan.id).values(year=year)
        )
    db.session.rollback()


def test_decision_number_is_unique_per_issuer_and_year(make_decision):
    make_decision("728/QĐ-UBND", signed_on=date(2017, 4, 20))
    make_decision("728/QĐ-UBND", signed_on=date(2018, 4, 20))
    db.session.add(
        Decision(
            number="728/QĐ-UBND",
            signed_on=date(2017, 5, 1),
            year=2017,
            issuer="UBND tỉnh Quảng Ngãi",
            kind=DecisionKind.OTHER,
        )
    )

    assert_refused()


def test_foreign_keys_are_enforced(make_inspection):
    inspection = make_inspection()

    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE inspections SET agency_id = 999999 WHERE id = :id"),
            {"id": inspection.id},
        )
    db.session.rollback()
