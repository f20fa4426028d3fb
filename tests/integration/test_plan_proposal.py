"""DESIGN 5.12: the risk-based proposal of a year's plan, its API, CLI, page and settings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    Conclusion,
    ConformityAnnouncement,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    IsoOfficer,
    PlanStatus,
    ProposalAdjustment,
    ProposalSetting,
    Role,
    Severity,
    Standard,
)
from inspect_app.services import plan_proposal
from inspect_app.services.plan_proposal import ProposalError
from inspect_app.services.workbooks import plan_import

TODAY = date(2026, 12, 3)
YEAR = 2027


@pytest.fixture
def history(make_agency, make_plan, make_inspection):
    """Plans 2024–2026 and agencies with one risk each; returns the agencies by role."""
    plans = {y: make_plan(y, status=PlanStatus.CLOSED) for y in (2024, 2025)}
    plans[2026] = make_plan(2026)

    def inspected(agency, year, *, mode=InspectionMode.DOSSIER, **fields):
        return make_inspection(
            plan=plans[year], agency=agency, mode=mode, status=InspectionStatus.CONCLUDED, **fields
        )

    a = {
        "never": make_agency("UBND xã Chưa Kiểm Tra", level=AgencyLevel.COMMUNE),
        "major": make_agency("Sở Có Lỗi Nặng"),
        "failed": make_agency("Sở Không Đạt"),
        "recent": make_agency("Sở Vừa Kiểm Tra"),
        "old": make_agency("Sở Lâu Rồi"),
        "officer": make_agency("Sở Đổi Cán Bộ"),
        "onsite_last": make_agency("Sở Tại Trụ Sở Năm Nay"),
        "new": make_agency("UBND phường Mới", level=AgencyLevel.COMMUNE,
                           active_from=date(2025, 7, 1)),
        "gone": make_agency("UBND huyện Đã Giải Thể", level=AgencyLevel.DISTRICT,
                            active_to=date(2025, 6, 30)),
    }  # fmt: skip
    major = inspected(a["major"], 2025)
    db.session.add(
        Finding(inspection=major, severity=Severity.MAJOR, description="Nặng",
                status=FindingStatus.OPEN, due_on=date(2026, 3, 1))
    )  # fmt: skip
    inspected(a["failed"], 2025, conclusion=Conclusion.FAILED)
    inspected(a["recent"], 2026)
    inspected(a["old"], 2024)
    inspected(a["officer"], 2025, conducted_on=date(2025, 5, 1))
    db.session.add(IsoOfficer(agency=a["officer"], name="Người mới", since=date(2026, 2, 1)))
    inspected(a["onsite_last"], 2026, mode=InspectionMode.ON_SITE)
    for agency in a.values():
        if agency is not a["never"]:
            db.session.add(
                ConformityAnnouncement(
                    agency=agency, number=f"{agency.id}/CB", announced_on=date(2020, 1, 1),
                    standard=Standard.ISO_9001_2015, scope="TTHC",
                    status=AnnouncementStatus.ACKNOWLEDGED, acknowledged_at=datetime.now(UTC),
                )
            )  # fmt: skip
    db.session.commit()
    return a


def propose(year=YEAR, **kwargs):
    return plan_proposal.propose(year, today=TODAY, **kwargs)


def line(proposal, agency):
    return next(item for item in proposal.items if item.agency_id == agency.id)


def codes(item) -> set[str]:
    return {hit.code for hit in item.reasons}


def test_every_active_agency_once_highest_score_first(history):
    proposal = propose()
    ids = [item.agency_id for item in proposal.items]

    assert len(ids) == len(set(ids))
    assert history["gone"].id not in ids  # closed before 01/01/2027
    assert set(ids) == {a.id for k, a in history.items() if k != "gone"}
    scores = [item.score for item in proposal.items]
    assert scores == sorted(scores, reverse=True)
    for item in proposal.items:
        assert item.score == sum(hit.points for hit in item.reasons)


def test_each_reason_is_found_and_explained(history):
    proposal = propose()

    assert {"never_inspected", "no_announcement"} <= codes(line(proposal, history["never"]))
    assert {"open_major", "overdue_actions"} <= codes(line(proposal, history["major"]))
    assert "last_result_not_passed" in codes(line(proposal, history["failed"]))
    assert "officer_changed" in codes(line(proposal, history["officer"]))
    assert {"merged_or_new", "never_inspected"} <= codes(line(proposal, history["new"]))
    old = line(proposal, history["old"])
    assert [(h.code, h.points) for h in old.reasons] == [("years_since_last", 3 * 5)]
    assert "3 năm" in old.reasons[0].text and "2024" in old.reasons[0].text
    assert codes(line(proposal, history["recent"])) == {"years_since_last"}


def test_never_inspected_and_open_major_come_first_and_on_site(history):
    proposal = propose()
    top = {item.agency_id for item in proposal.items[:3]}

    assert top == {history["never"].id, history["new"].id, history["major"].id}
    for key in ("never", "new", "major"):
        item = line(proposal, history[key])
        assert item.selected and item.mode is InspectionMode.ON_SITE


def test_on_site_last_year_leans_to_dossier_unless_a_reason_forbids(history, make_inspection):
    weights = {**plan_proposal.load_settings(), "on_site_threshold": 1}
    proposal = propose(settings=weights)

    leaning = line(proposal, history["onsite_last"])
    assert leaning.mode is InspectionMode.DOSSIER and "2026" in leaning.note
    # the same, with an open major finding: stays on-site
    insp = db.session.scalar(
        select(Inspection).where(Inspection.agency_id == history["onsite_last"].id)
    )
    db.session.add(Finding(inspection=insp, severity=Severity.MAJOR, description="x"))
    db.session.commit()
    assert line(propose(settings=weights), history["onsite_last"]).mode is InspectionMode.ON_SITE


def test_coverage_rule_selects_agencies_not_inspected_for_n_years(history):
    weights = {**plan_proposal.load_settings(), "selection_threshold": 1000, "coverage_years": 3}
    proposal = propose(settings=weights)
    selected = {item.agency_id for item in proposal.selected()}

    assert history["old"].id in selected  # last 2024: 2025–2027 would be 3 years without
    assert history["recent"].id not in selected
    assert history["never"].id in selected
    assert line(proposal, history["old"]).coverage_due


@given(capacity=st.integers(1, 6), agencies=st.integers(1, 30))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_quarters_spread_on_site_visits_within_capacity(app, make_agency, capacity, agencies):
    for _ in range(agencies - db.session.scalar(select(func.count()).select_from(Agency))):
        make_agency()
    agencies = db.session.scalar(select(func.count()).select_from(Agency))
    weights = {**plan_proposal.load_settings(), "capacity_per_quarter": capacity}
    proposal = propose(settings=weights)
    totals = proposal.totals()

    assert totals["on_site"] == min(agencies, 4 * capacity)
    loads = list(totals["quarters"].values())
    assert max(loads) <= capacity and max(loads) - min(loads) <= 1
    over = [i for i in proposal.items if i.selected and i.mode is InspectionMode.DOSSIER]
    assert all("đủ" in item.note for item in over)


def test_agency_closing_during_the_year_gets_a_quarter_it_still_exists_in(app, make_agency):
    closing = make_agency(active_to=date(2026, 5, 31))
    for _ in range(6):
        make_agency()
    proposal = plan_proposal.propose(2026, today=date(2026, 1, 10))

    assert line(proposal, closing).quarter <= 2


# -- bad input ---------------------------------------------------------------------------------


def test_a_year_with_no_active_agencies(app, make_agency):
    make_agency(active_to=date(2020, 12, 31))
    with pytest.raises(ProposalError, match="Không có cơ quan nào đang hoạt động"):
        propose()


def test_a_year_before_the_first_plan_or_not_a_year(history):
    with pytest.raises(ProposalError, match="trước kế hoạch đầu tiên"):
        propose(2023)
    with pytest.raises(ProposalError, match="phải là một số"):
        propose("20x7")
    with pytest.raises(ProposalError, match="năm tới"):
        propose(2031)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("points_open_major", -5, "phải từ 0"),
        ("points_open_major", "nhiều", "không phải là số nguyên"),
        ("capacity_per_quarter", 0, "phải từ 1"),
        ("coverage_years", "1.5", "không phải là số nguyên"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(app, key, value, message):
    with pytest.raises(ProposalError, match=message):
        plan_proposal.save_settings({**plan_proposal.load_settings(), key: value})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ProposalSetting)) == 0


def test_settings_change_the_points(history):
    plan_proposal.save_settings({**plan_proposal.load_settings(), "points_years_since_last": 7})
    db.session.commit()

    assert line(propose(), history["old"]).score == 21


# -- API ---------------------------------------------------------------------------------------


@pytest.fixture
def next_year():
    return plan_proposal.local_today().year + 1


def test_api_answers_the_contract(client, login, make_user, make_agency, make_plan, next_year):
    make_plan(next_year - 1)
    agency = make_agency("UBND xã API", level=AgencyLevel.COMMUNE)
    login(make_user(Role.VIEWER))
    body = client.get(f"/api/v1/plans/proposal?year={next_year}").get_json()

    assert body["year"] == next_year
    (item,) = body["proposals"]
    assert item["agency"] == {"code": agency.code, "name": agency.name, "level": "commune"}
    assert item["selected"] is True and item["mode"] == "on_site" and item["quarter"] in range(1, 5)
    assert item["score"] == sum(r["points"] for r in item["reasons"])
    assert {r["code"] for r in item["reasons"]} == {"never_inspected", "no_announcement"}
    assert all(set(r) == {"code", "text", "points"} for r in item["reasons"])


@pytest.mark.parametrize("year", ["", "abc", "1999", "3000"])
def test_api_names_the_bad_year(client, login, make_user, make_agency, year):
    make_agency()
    login(make_user(Role.ADMIN))
    response = client.get(f"/api/v1/plans/proposal?year={year}")

    assert response.status_code == 400
    assert "year" in response.get_json()["error"]


def test_api_is_for_admin_and_viewer(client, login, make_user, next_year):
    login(make_user(Role.INSPECTOR))
    assert client.get(f"/api/v1/plans/proposal?year={next_year}").status_code == 403


# -- CLI and the round trip through import-plan ------------------------------------------------


def test_propose_plan_writes_an_annex_that_import_plan_accepts(
    runner, history, make_user, tmp_path, next_year
):
    make_user(Role.INSPECTOR)
    out = tmp_path / "de-xuat.xlsx"
    result = runner.invoke(args=["propose-plan", "--year", str(next_year), "-o", str(out)])

    assert result.exit_code == 0, result.output
    proposal = plan_proposal.propose(next_year)
    db.session.rollback()
    book = load_workbook(out)
    assert book.sheetnames[1] == "Lý do đề xuất"
    reasons = {row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert reasons == {item.code for item in proposal.selected()}

    read = plan_import.read_plan_workbook(out.read_bytes(), next_year)
    assert read.ok, read.errors
    imported = runner.invoke(args=["import-plan", str(out), "--year", str(next_year)])
    assert imported.exit_code == 0, imported.output
    plan = db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == next_year))
    got = {(i.agency_id, i.mode, (i.planned_from.month - 1) // 3 + 1) for i in plan.inspections}
    assert got == {(i.agency_id, i.mode, i.quarter) for i in proposal.selected()}


@pytest.mark.parametrize("year", ["2010", "nam", "2040"])
def test_propose_plan_bad_year_writes_nothing(runner, history, tmp_path, year):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "x.xlsx"
    result = runner.invoke(args=["propose-plan", "--year", year, "-o", str(out)])

    assert result.exit_code == 1
    assert "Error:" in result.output
    assert list(folder.iterdir()) == []


# -- the page ----------------------------------------------------------------------------------


def page_lines(client, year, **args):
    """The (agency_id, selected, mode, quarter) lines the page offers, as form fields."""
    from inspect_app.blueprints.proposals.routes import proposal_view

    view = proposal_view(year, {}, 1)
    return view["listing"].items


def lines_form(items, changes=None, **extra) -> dict:
    data = {}
    for n, item in enumerate(items):
        selected, mode, quarter = (changes or {}).get(
            item.agency_id, (item.selected, item.mode.value, item.quarter)
        )
        data[f"lines-{n}-agency_id"] = str(item.agency_id)
        if selected:
            data[f"lines-{n}-selected"] = "y"
        data[f"lines-{n}-mode"] = mode
        data[f"lines-{n}-quarter"] = str(quarter)
    data.update(extra)
    return data


def test_page_shows_reasons_totals_and_filters(client, login, make_user, history, next_year):
    login(make_user(Role.ADMIN))
    page = client.get(f"/plans/proposal/?year={next_year}").get_data(as_text=True)

    assert f"Đề xuất kế hoạch kiểm tra năm {next_year}" in page
    assert "Chưa từng được kiểm tra" in page and "điểm không phù hợp nặng" in page
    assert "Tạo kế hoạch dự thảo" in page
    filtered = client.get(f"/plans/proposal/?year={next_year}&reason=open_major").get_data(
        as_text=True
    )
    assert "Sở Có Lỗi Nặng" in filtered and "Sở Lâu Rồi" not in filtered


def test_viewer_sees_the_page_without_the_buttons(client, login, make_user, history, next_year):
    login(make_user(Role.VIEWER))
    page = client.get(f"/plans/proposal/?year={next_year}").get_data(as_text=True)

    assert "Sở Có Lỗi Nặng" in page and "Tạo kế hoạch dự thảo" not in page
    assert client.post(f"/plans/proposal/lines?year={next_year}", data={}).status_code == 403


def test_page_bad_year_says_why(client, login, make_user, history):
    login(make_user(Role.ADMIN))
    response = client.get("/plans/proposal/?year=2001")

    assert response.status_code == 400
    assert "trước kế hoạch đầu tiên" in response.get_data(as_text=True)


def test_create_draft_plan_with_the_admins_changes(client, login, make_user, history, next_year):
    login(make_user(Role.ADMIN))
    items = page_lines(client, next_year)
    major, old = history["major"].id, history["old"].id
    changes = {major: (True, "dossier", 3), old: (False, "dossier", 1)}
    response = client.post(
        f"/plans/proposal/lines?year={next_year}",
        data=lines_form(items, changes, create="Tạo kế hoạch dự thảo"),
    )

    plan = db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == next_year))
    assert response.status_code == 302 and response.headers["Location"] == f"/plans/{plan.id}"
    assert plan.status is PlanStatus.DRAFT
    chosen = {i.agency_id: i for i in plan.inspections}
    expected = {i.agency_id for i in items if i.selected} - {old}
    assert set(chosen) == expected
    assert chosen[major].mode is InspectionMode.DOSSIER
    assert chosen[major].planned_from == date(next_year, 7, 1)
    assert chosen[major].planned_to == date(next_year, 9, 30)
    assert db.session.scalar(select(func.count()).select_from(ProposalAdjustment)) == 0


def test_existing_draft_is_replaced_only_when_confirmed(
    client, login, make_user, history, make_plan, make_inspection, next_year
):
    login(make_user(Role.ADMIN))
    draft = make_plan(next_year, status=PlanStatus.DRAFT)
    make_inspection(plan=draft, agency=history["recent"])
    items = page_lines(client, next_year)
    url = f"/plans/proposal/lines?year={next_year}"

    response = client.post(url, data=lines_form(items, create="1"))
    assert response.status_code == 302 and "confirm=1" in response.headers["Location"]
    db.session.expire_all()
    kept = db.session.get(InspectionPlan, draft.id)
    assert [i.agency_id for i in kept.inspections] == [history["recent"].id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hãy xác nhận thay thế" in page and "Thay thế dự thảo kế hoạch đã có" in page

    response = client.post(url, data=lines_form(items, create="1", replace="y"))
    db.session.expire_all()
    (plan,) = db.session.scalars(select(InspectionPlan).where(InspectionPlan.year == next_year))
    assert {i.agency_id for i in plan.inspections} == {i.agency_id for i in items if i.selected}
    assert history["recent"].id not in {i.agency_id for i in plan.inspections}


def test_an_approved_plan_is_never_replaced(
    client, login, make_user, history, make_plan, next_year
):
    login(make_user(Role.ADMIN))
    approved = make_plan(next_year)
    items = page_lines(client, next_year)
    client.post(
        f"/plans/proposal/lines?year={next_year}", data=lines_form(items, create="1", replace="y")
    )

    db.session.expire_all()
    assert db.session.get(InspectionPlan, approved.id).status is PlanStatus.APPROVED
    assert db.session.scalar(select(func.count()).select_from(InspectionPlan).where(
        InspectionPlan.year == next_year)) == 1  # fmt: skip


def test_saved_changes_are_kept_and_shown_and_can_be_reset(
    client, login, make_user, history, next_year
):
    login(make_user(Role.ADMIN))
    items = page_lines(client, next_year)
    old = history["old"].id
    url = f"/plans/proposal/lines?year={next_year}"
    client.post(url, data=lines_form(items, {old: (False, "dossier", 2)}, save="1"))

    row = db.session.scalar(select(ProposalAdjustment))
    assert (row.agency_id, row.selected, row.quarter) == (old, False, 2)
    page = client.get(f"/plans/proposal/?year={next_year}&show=adjusted").get_data(as_text=True)
    assert "Sở Lâu Rồi" in page and "Sở Có Lỗi Nặng" not in page
    client.post(url, data=lines_form(items, reset="1"))
    assert db.session.scalar(select(func.count()).select_from(ProposalAdjustment)) == 0


def test_settings_page_refuses_bad_values_and_saves_good_ones(client, login, make_user):
    login(make_user(Role.ADMIN))
    values = {spec.key: spec.default for spec in plan_proposal.setting_specs()}
    bad = client.post("/plans/proposal/settings", data={**values, "points_open_major": "-1",
                                                      "capacity_per_quarter": "0",
                                                      "coverage_years": "ba"})  # fmt: skip

    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "Phải là số nguyên từ 0 đến 1000" in text and "Phải là số nguyên từ 1" in text
    assert "“ba” không phải là số nguyên" in text
    assert db.session.scalar(select(func.count()).select_from(ProposalSetting)) == 0

    good = client.post("/plans/proposal/settings", data={**values, "capacity_per_quarter": "9"})
    assert good.status_code == 302
    assert plan_proposal.load_settings()["capacity_per_quarter"] == 9


# -- looking back ------------------------------------------------------------------------------


def test_looking_back_compares_with_the_plan_that_was_run(history):
    proposal = plan_proposal.propose(2025, today=TODAY)
    comparison = plan_proposal.compare_with_plan(proposal)
    actual = {i.agency_id for i in db.session.scalar(
        select(InspectionPlan).where(InspectionPlan.year == 2025)).inspections}  # fmt: skip
    chosen = {i.agency_id for i in proposal.selected()}

    assert {i.agency_id for i in comparison.both} == actual & chosen
    assert {i.agency_id for i in comparison.only_proposed} == chosen - actual
    assert len(comparison.only_actual) == len(actual - chosen)
    # as of 01/01/2025, nothing from 2025 or later counts: the 2024 inspection is the last
    assert line(proposal, history["old"]).last_year == 2024
    assert line(proposal, history["major"]).last_year is None


def test_looking_back_on_the_page(client, login, make_user, history):
    login(make_user(Role.VIEWER))
    page = client.get("/plans/proposal/?year=2025").get_data(as_text=True)

    assert "Nhìn lại: đề xuất so với kế hoạch năm 2025" in page
    assert "Có trong cả hai" in page and "Chỉ có trong đề xuất" in page


# -- the demo ----------------------------------------------------------------------------------


def test_on_the_demo_never_inspected_and_open_major_come_first_on_site(runner, next_year):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    proposal = plan_proposal.propose(next_year)
    active = set(
        db.session.scalars(
            select(Agency.id).where(
                (Agency.active_from.is_(None)) | (Agency.active_from <= date(next_year, 1, 1)),
                Agency.active_to.is_(None),
            )
        )
    )

    ids = [item.agency_id for item in proposal.items]
    assert len(ids) == len(set(ids)) and set(ids) == active
    first = [item for item in proposal.items if codes(item) & {"never_inspected", "open_major"}]
    assert any("open_major" in codes(item) for item in first)
    assert proposal.items[: len(first)] == first  # they lead the list
    assert all(item.selected and item.mode is InspectionMode.ON_SITE for item in first)
