"""`flask seed-demo`: the report's history, today's structure, and idempotence."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    ChecklistTemplate,
    ConformityAnnouncement,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    Role,
    Standard,
    TrainingCourse,
    TrainingKind,
    User,
)
from inspect_app.seed.checklist_content import DEFAULT_TEMPLATE_NAME

REPORT_TALLIES = {2017: (10, 26), 2018: (15, 31), 2019: (24, 40), 2020: (50, 15)}
REPORT_DECISIONS = {
    2017: ("728/QĐ-UBND", date(2017, 4, 20)),
    2018: ("264/QĐ-UBND", date(2018, 2, 9)),
    2019: ("79/QĐ-KHCN", date(2019, 4, 1)),
    2020: ("94/QĐ-KHCN", date(2020, 3, 25)),
}


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    return result


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_seed_reports_counts(seeded):
    assert "agencies:" in seeded.output
    assert "inspections:" in seeded.output


def test_concluded_inspections_match_the_report(seeded):
    rows = db.session.execute(
        select(InspectionPlan.year, Inspection.mode, func.count())
        .join(Inspection.plan)
        .where(Inspection.status == InspectionStatus.CONCLUDED, InspectionPlan.year <= 2020)
        .group_by(InspectionPlan.year, Inspection.mode)
    ).all()
    tallies = {(year, mode): n for year, mode, n in rows}
    for year, (on_site, dossier) in REPORT_TALLIES.items():
        assert tallies[(year, InspectionMode.ON_SITE)] == on_site
        assert tallies[(year, InspectionMode.DOSSIER)] == dossier
    assert sum(tallies.values()) == 211


def test_historical_inspections_are_at_agencies_active_that_year(seeded):
    rows = db.session.execute(
        select(InspectionPlan.year, Agency).join(Inspection.plan).join(Inspection.agency)
    ).all()
    for year, agency in rows:
        if year <= 2020:
            assert agency.is_active_on(date(year, 12, 31)), (year, agency)


def test_history_plans_carry_the_report_decisions(seeded):
    for year, (number, signed_on) in REPORT_DECISIONS.items():
        plan = db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == year))
        assert plan.decision.number == number
        assert plan.decision.signed_on == signed_on
        assert plan.status.value == "closed"
        assert all(i.conclusion is not None for i in plan.inspections)


def test_training_courses_four_two_two(seeded):
    courses = db.session.scalars(select(TrainingCourse)).all()
    kinds = [course.kind for course in courses]
    assert len(courses) == 8
    assert kinds.count(TrainingKind.MAINTAIN_IMPROVE) == 4
    assert kinds.count(TrainingKind.BUILD_APPLY_COMMUNE) == 2
    assert kinds.count(TrainingKind.TRANSITION_2015) == 2
    for course in courses:
        assert 2017 <= course.start_on.year <= 2020
        assert course.end_on >= course.start_on
        assert 10 <= len(course.participants) <= 30


def test_todays_communes_and_abolished_districts(seeded):
    communes = db.session.scalars(
        select(Agency).where(
            Agency.level == AgencyLevel.COMMUNE,
            Agency.active_to.is_(None),
            Agency.active_from == date(2025, 7, 1),
        )
    ).all()
    assert len(communes) == 96
    assert "UBND xã Tịnh Khê" in {agency.name for agency in communes}
    districts = db.session.scalars(select(Agency).where(Agency.level == AgencyLevel.DISTRICT)).all()
    assert len(districts) == 13
    assert {agency.active_to for agency in districts} == {date(2025, 6, 30)}


def test_seeding_twice_changes_no_table(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    db.session.remove()
    before = table_counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    db.session.remove()
    assert table_counts() == before
    assert first.output == second.output


def test_demo_users_and_the_agency_account(seeded):
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert users["admin"].role is Role.ADMIN
    assert users["inspector"].role is Role.INSPECTOR
    assert users["agency"].role is Role.AGENCY
    assert users["viewer"].role is Role.VIEWER
    year = date.today().year
    inspection = db.session.scalar(
        select(Inspection)
        .join(Inspection.plan)
        .where(InspectionPlan.year == year, Inspection.agency_id == users["agency"].agency_id)
    )
    assert inspection is not None
    assert inspection.status in (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)


def test_current_year_plan_has_work_for_inspector(seeded):
    plan = db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == date.today().year))
    assert plan.status.value == "approved" and plan.decision is not None
    inspections = plan.inspections
    assert all(i.lead.username == "inspector" for i in inspections)
    planned = [i for i in inspections if i.status is InspectionStatus.PLANNED]
    assert sum(i.mode is InspectionMode.ON_SITE for i in planned) >= 2
    assert sum(i.mode is InspectionMode.DOSSIER for i in planned) >= 1
    statuses = {i.status for i in inspections}
    assert {
        InspectionStatus.DOSSIER_REQUESTED,
        InspectionStatus.IN_PROGRESS,
        InspectionStatus.CONDUCTED,
    } <= statuses


def test_default_template_has_legal_and_iso_groups(seeded):
    template = db.session.scalar(
        select(ChecklistTemplate).where(ChecklistTemplate.name == DEFAULT_TEMPLATE_NAME)
    )
    assert len(template.items) >= 30
    groups = {item.group_code for item in template.items}
    assert {"A", "4", "5", "6", "7", "8", "9", "10"} <= groups
    assert all(item.text and item.text_en and item.guidance for item in template.items)


def test_conformity_register_has_content(seeded):
    end_2020 = date(2020, 12, 31)
    announced = {
        (a.agency_id, a.announced_on.year)
        for a in db.session.scalars(
            select(ConformityAnnouncement).where(
                ConformityAnnouncement.status == AnnouncementStatus.ACKNOWLEDGED,
                ConformityAnnouncement.standard == Standard.ISO_9001_2015,
            )
        )
    }
    # The provincial People's Committee is the register's root; its office (VP-UBND) is the
    # agency that applies the standard.
    for agency in db.session.scalars(select(Agency).where(Agency.code != "UBND-TINH")):
        if agency.is_active_on(end_2020):
            assert {(agency.id, 2019), (agency.id, 2020)} & announced, agency
    recent = db.session.scalars(
        select(ConformityAnnouncement).where(ConformityAnnouncement.announced_on > date(2025, 7, 1))
    ).all()
    statuses = [a.status for a in recent]
    assert statuses.count(AnnouncementStatus.ACKNOWLEDGED) >= 80
    assert AnnouncementStatus.SUBMITTED in statuses
