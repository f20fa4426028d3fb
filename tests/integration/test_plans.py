"""Annual plans: the workflow, its forbidden moves, amendments, bulk add, pages (issue 3)."""

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    AgencyLevel,
    AuditLog,
    DecisionKind,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    Role,
    Severity,
)
from inspect_app.services import plans
from tests.job_helpers import started_job

YEAR = 2026


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, full_name="Quản trị")


@pytest.fixture
def inspector(make_user):
    return make_user(Role.INSPECTOR, full_name="Trần Kiểm Tra")


@pytest.fixture
def draft(admin):
    plan = plans.create_plan(YEAR, None, admin)
    db.session.commit()
    return plan


@pytest.fixture
def approval(make_decision):
    return make_decision("79/QĐ-KHCN", signed_on=date(YEAR, 4, 1), kind=DecisionKind.PLAN_APPROVAL)


@pytest.fixture
def amending(make_decision):
    return make_decision(
        "120/QĐ-KHCN", signed_on=date(YEAR, 6, 1), kind=DecisionKind.PLAN_AMENDMENT
    )


def add(plan, agency, mode=InspectionMode.ON_SITE, **kwargs):
    kwargs.setdefault("planned_from", date(plan.year, 5, 4))
    kwargs.setdefault("planned_to", date(plan.year, 5, 5))
    return plans.add_inspection(plan, agency, mode, **kwargs)


@pytest.fixture
def approved(draft, make_agency, approval, inspector, admin):
    add(draft, make_agency("Sở Tư pháp"), lead=inspector)
    add(draft, make_agency("UBND xã Tịnh Khê", level=AgencyLevel.COMMUNE), InspectionMode.DOSSIER)
    plans.approve(draft, approval, admin)
    db.session.commit()
    return draft


def refused(call, *args, match=None, **kwargs) -> str:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    db.session.rollback()
    if match:
        assert match in info.value.message
    return info.value.message


# -- workflow ---------------------------------------------------------------------------------


def test_draft_is_approved_with_a_decision_then_closed(draft, make_agency, approval, admin):
    insp = add(draft, make_agency(), lead=None)
    plans.approve(draft, approval, admin)
    db.session.commit()

    assert draft.status is PlanStatus.APPROVED
    assert draft.decision is approval and draft.approved_at is not None
    assert insp.status is InspectionStatus.PLANNED

    plans.close(draft, admin)
    db.session.commit()
    assert draft.status is PlanStatus.CLOSED and draft.closed_at is not None
    actions = set(
        db.session.scalars(
            select(AuditLog.action).where(AuditLog.object_type == "inspection_plans")
        )
    )
    assert {"create", "transition:approved", "transition:closed"} <= actions


def test_a_year_has_one_plan(draft, admin):
    refused(plans.create_plan, YEAR, None, admin, match="Đã có kế hoạch kiểm tra năm 2026")


def test_approving_without_a_decision_is_refused(draft, make_agency, admin):
    add(draft, make_agency())
    message = refused(plans.approve, draft, None, admin)
    assert "quyết định phê duyệt" in message
    assert db.session.get(InspectionPlan, draft.id).status is PlanStatus.DRAFT


def test_approving_twice_is_refused(approved, make_decision, admin):
    other = make_decision(signed_on=date(YEAR, 5, 1))
    refused(plans.approve, approved, other, admin, match="đã được phê duyệt")


def test_approving_with_an_amending_decision_or_a_far_year_is_refused(
    draft, make_agency, make_decision, amending, admin
):
    add(draft, make_agency())
    refused(plans.approve, draft, amending, admin, match="không phải là quyết định phê duyệt")
    old = make_decision(signed_on=date(YEAR - 3, 1, 5))
    refused(plans.approve, draft, old, admin, match="phải được ký trong năm 2025 hoặc 2026")


def test_an_empty_plan_cannot_be_approved(draft, approval, admin):
    refused(plans.approve, draft, approval, admin, match="chưa có cuộc kiểm tra")


def test_closing_twice_and_editing_a_closed_plan_are_refused(
    approved, make_agency, amending, admin
):
    plans.close(approved, admin)
    db.session.commit()
    refused(plans.close, approved, admin, match="đã kết thúc")
    refused(add, approved, make_agency(), decision=amending, match="đã kết thúc")
    insp = approved.inspections[0]
    refused(plans.remove_inspection, insp, decision=amending, match="đã kết thúc")


def test_closing_a_draft_is_refused(make_agency, admin):
    plan = plans.create_plan(YEAR + 1, None, admin)
    refused(plans.close, plan, admin, match="Chỉ có thể kết thúc kế hoạch đã được phê duyệt")


# -- bad input ----------------------------------------------------------------------------------


def test_the_same_agency_twice_is_refused(draft, make_agency):
    agency = make_agency("Sở Y tế")
    add(draft, agency)
    db.session.commit()
    message = refused(add, draft, agency)
    assert message == "Cơ quan Sở Y tế đã có trong kế hoạch năm 2026."
    assert len(db.session.get(InspectionPlan, draft.id).inspections) == 1


def test_a_window_outside_the_year_is_refused(draft, make_agency):
    agency = make_agency()
    refused(add, draft, agency, planned_from=date(YEAR + 1, 1, 2), match="nằm ngoài năm")
    refused(
        add,
        draft,
        agency,
        planned_from=date(YEAR, 12, 20),
        planned_to=date(YEAR + 1, 1, 5),
        match="nằm ngoài năm kế hoạch 2026",
    )
    refused(
        add,
        draft,
        agency,
        planned_from=date(YEAR, 6, 2),
        planned_to=date(YEAR, 6, 1),
        match="phải sau ngày bắt đầu",
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VIEWER])
def test_a_lead_who_is_not_an_inspector_is_refused(draft, make_agency, make_user, role):
    not_inspector = make_user(role, full_name="Lê Văn Xem")
    message = refused(add, draft, make_agency(), lead=not_inspector)
    assert "Trưởng đoàn Lê Văn Xem" in message and "không phải là kiểm tra viên" in message
    refused(add, draft, make_agency(), members=[not_inspector], match="Thành viên")


def test_an_inactive_inspector_cannot_lead(draft, make_agency, make_user):
    gone = make_user(Role.INSPECTOR, active=False)
    refused(add, draft, make_agency(), lead=gone, match="không phải là kiểm tra viên")


def test_an_agency_not_active_in_the_year_is_refused(draft, make_agency):
    closed = make_agency("UBND huyện Sơn Tịnh", active_to=date(2025, 6, 30))
    refused(add, draft, closed, match="không hoạt động trong năm 2026")
    future = make_agency(active_from=date(YEAR, 7, 1))
    refused(add, draft, future, match="không hoạt động vào ngày 04/05/2026")


def test_dossier_due_only_for_dossier_mode(draft, make_agency):
    refused(add, draft, make_agency(), dossier_due=date(YEAR, 5, 1), match="Hạn nộp hồ sơ")
    insp = add(draft, make_agency(), InspectionMode.DOSSIER, dossier_due=date(YEAR, 5, 1))
    assert insp.dossier_due == date(YEAR, 5, 1)


# -- draft edits and amendments -----------------------------------------------------------------


def test_a_draft_is_edited_freely(draft, make_agency, inspector, make_user):
    member = make_user(Role.INSPECTOR)
    insp = add(draft, make_agency())
    changed = plans.update_inspection(
        insp,
        mode=InspectionMode.DOSSIER,
        planned_from=date(YEAR, 9, 1),
        planned_to=date(YEAR, 9, 30),
        lead=inspector,
        members=[member, inspector],
        external_members="  Ông A  \n\nBà B",
        dossier_due=date(YEAR, 8, 15),
    )
    db.session.commit()
    assert changed
    assert insp.mode is InspectionMode.DOSSIER and insp.lead is inspector
    assert insp.members == [member]  # the lead is not a member twice
    assert insp.external_members == "Ông A\nBà B"
    assert plans.remove_inspection(insp) == "deleted"
    db.session.commit()
    assert db.session.get(Inspection, insp.id) is None


def test_an_approved_plan_changes_only_under_an_amending_decision(
    approved, make_agency, inspector, approval
):
    newcomer = make_agency("Sở Xây dựng")
    message = refused(add, approved, newcomer)
    assert "chỉ có thể thay đổi theo một quyết định điều chỉnh" in message
    insp = approved.inspections[0]
    refused(plans.remove_inspection, insp, match="quyết định điều chỉnh")
    refused(
        plans.update_inspection,
        insp,
        planned_from=date(YEAR, 10, 1),
        lead=inspector,
        match="quyết định điều chỉnh",
    )
    refused(add, approved, newcomer, decision=approval, match="không phải là quyết định điều chỉnh")
    assert len(db.session.get(InspectionPlan, approved.id).inspections) == 2


def test_an_amendment_adds_and_cancels_and_records_itself(approved, make_agency, amending, admin):
    added = add(approved, make_agency("Sở Xây dựng"), decision=amending, by=admin)
    cancelled = approved.inspections[1]
    assert plans.remove_inspection(cancelled, decision=amending, reason="Sáp nhập", by=admin) == (
        "cancelled"
    )
    db.session.commit()

    assert added.added_by_decision is amending and added.status is InspectionStatus.PLANNED
    assert cancelled.status is InspectionStatus.CANCELLED
    assert cancelled.cancelled_by_decision is amending and cancelled.cancel_reason == "Sáp nhập"
    [amendment] = approved.amendments
    assert amendment.decision is amending
    assert "Bổ sung: Sở Xây dựng" in amendment.changes
    assert "Hủy: UBND xã Tịnh Khê (Sáp nhập)" in amendment.changes
    assert plans.plan_counts(approved).cancelled == 1


def test_an_amendment_changes_team_and_window_but_not_mode(approved, amending, make_user):
    insp = approved.inspections[0]
    new_lead = make_user(Role.INSPECTOR, full_name="Phạm Mới")
    refused(
        plans.update_inspection,
        insp,
        mode=InspectionMode.DOSSIER,
        decision=amending,
        match="Không thể đổi hình thức",
    )
    plans.update_inspection(
        insp,
        planned_from=date(YEAR, 10, 1),
        planned_to=date(YEAR, 10, 2),
        lead=new_lead,
        decision=amending,
    )
    db.session.commit()
    assert insp.lead is new_lead and insp.rev == 1
    assert "Điều chỉnh: Sở Tư pháp" in approved.amendments[0].changes


def test_amending_decision_signed_before_the_approval_is_refused(approved, make_decision):
    early = make_decision(signed_on=date(YEAR, 1, 2), kind=DecisionKind.PLAN_AMENDMENT)
    refused(plans.start_amendment, approved, early, match="phải được ký sau")


def test_a_started_inspection_cannot_be_cancelled_once_conducted(approved, amending, admin):
    insp = approved.inspections[0]
    insp.status = InspectionStatus.CONDUCTED
    insp.conducted_on = date(YEAR, 5, 4)
    db.session.commit()
    refused(plans.remove_inspection, insp, decision=amending, by=admin, match="Không thể chuyển")


# -- bulk add -------------------------------------------------------------------------------------


def test_bulk_add_communes_not_inspected_recently(draft, make_agency, make_plan, make_inspection):
    fresh = make_agency("UBND xã A", level=AgencyLevel.COMMUNE)
    recent = make_agency("UBND xã B", level=AgencyLevel.COMMUNE)
    long_ago = make_agency("UBND xã C", level=AgencyLevel.COMMUNE)
    make_agency("UBND xã Đã giải thể", level=AgencyLevel.COMMUNE, active_to=date(2025, 6, 30))
    make_agency("Sở Nội vụ")
    make_inspection(
        plan=make_plan(YEAR - 1, status=PlanStatus.CLOSED),
        agency=recent,
        status=InspectionStatus.CONCLUDED,
    )
    make_inspection(
        plan=make_plan(YEAR - 3, status=PlanStatus.CLOSED),
        agency=long_ago,
        status=InspectionStatus.CONCLUDED,
    )
    add(draft, fresh)

    added = plans.bulk_add(draft, "not_inspected", InspectionMode.DOSSIER, years=2)
    db.session.commit()

    assert added == 1
    names = {i.agency.name for i in draft.inspections}
    assert names == {"UBND xã A", "UBND xã C"}


def test_bulk_add_agencies_with_open_findings_and_by_level(
    draft, make_agency, make_plan, make_inspection, admin
):
    with_open, with_closed = make_agency("Sở Có Lỗi"), make_agency("Sở Đã Khắc Phục")
    old = make_plan(YEAR - 1, status=PlanStatus.CLOSED)
    now = old.approved_at
    states = (
        (with_open, {"status": FindingStatus.RESPONDED, "responded_at": now}),
        (with_closed, {"status": FindingStatus.CLOSED, "verified_at": now, "verified_by": admin}),
    )
    for agency, fields in states:
        insp = make_inspection(plan=old, agency=agency, status=InspectionStatus.CONCLUDED)
        db.session.add(Finding(inspection=insp, severity=Severity.MINOR, description="x", **fields))
    db.session.commit()

    assert plans.bulk_add(draft, "open_findings", InspectionMode.ON_SITE) == 1
    assert [i.agency.name for i in draft.inspections] == ["Sở Có Lỗi"]
    assert plans.bulk_add(draft, "level", InspectionMode.ON_SITE, level=AgencyLevel.PROVINCIAL) == 1
    assert plans.bulk_add(draft, "level", InspectionMode.ON_SITE, level=AgencyLevel.PROVINCIAL) == 0


def test_bulk_add_on_an_approved_plan_needs_an_amendment(approved, make_agency, amending):
    make_agency("UBND xã Mới", level=AgencyLevel.COMMUNE)
    refused(plans.bulk_add, approved, "level", InspectionMode.ON_SITE, level=AgencyLevel.COMMUNE)
    n = plans.bulk_add(
        approved, "level", InspectionMode.ON_SITE, level=AgencyLevel.COMMUNE, decision=amending
    )
    db.session.commit()
    assert n == 1
    assert approved.inspections[-1].added_by_decision is amending


# -- pages ----------------------------------------------------------------------------------------


def test_admin_creates_adds_and_approves_through_the_pages(
    client, login, admin, make_agency, inspector
):
    agency = make_agency("UBND xã Tịnh Khê", level=AgencyLevel.COMMUNE)
    login(admin)

    response = client.post("/plans/new", data={"year": YEAR, "title": ""})
    plan = db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == YEAR))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/plans/{plan.id}"
    )

    page = client.get(f"/plans/{plan.id}/inspections/new?q=tinh+khe")
    assert page.status_code == 200 and "UBND xã Tịnh Khê" in page.get_data(as_text=True)
    form = {
        "agency_id": agency.id,
        "mode": "on_site",
        "planned_from": "04/05/2026",
        "planned_to": "05/05/2026",
        "lead_id": inspector.id,
    }
    assert client.post(f"/plans/{plan.id}/inspections/new", data=form).status_code == 302
    again = client.post(f"/plans/{plan.id}/inspections/new", data=form)
    assert "đã có trong kế hoạch" in again.get_data(as_text=True)

    missing = client.post(f"/plans/{plan.id}/approve", data={"decision_id": ""})
    assert "Chọn một quyết định đã có hoặc nhập số hiệu quyết định" in missing.get_data(
        as_text=True
    )
    decision = {
        "decision_id": "",
        "number": "79/QĐ-KHCN",
        "signed_on": "01/04/2026",
        "issuer": "Sở Khoa học và Công nghệ",
    }
    assert client.post(f"/plans/{plan.id}/approve", data=decision).status_code == 302
    db.session.expire_all()
    assert plan.status is PlanStatus.APPROVED
    assert plan.decision.number == "79/QĐ-KHCN"
    assert plan.decision.kind is DecisionKind.PLAN_APPROVAL
    detail = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Quyết định số 79/QĐ-KHCN ngày 01/04/2026" in detail


def test_form_rejects_a_window_outside_the_year(client, login, admin, draft, make_agency):
    agency = make_agency()
    login(admin)
    response = client.post(
        f"/plans/{draft.id}/inspections/new",
        data={"agency_id": agency.id, "mode": "on_site", "planned_from": "01/01/2027"},
    )
    assert "Ngày này nằm ngoài năm kế hoạch 2026." in response.get_data(as_text=True)
    assert draft.inspections == []


@pytest.mark.parametrize(
    ("typed", "last_typed", "window"),
    [
        ("05/2026", "", (date(2026, 5, 1), date(2026, 5, 31))),
        ("Quý III", "", (date(2026, 7, 1), date(2026, 9, 30))),
        ("05/2026 - 06/2026", "", (date(2026, 5, 1), date(2026, 6, 30))),
        ("05/2026", "12/05/2026", (date(2026, 5, 1), date(2026, 5, 12))),
        ("04/05/2026", "", (date(2026, 5, 4), date(2026, 5, 4))),
    ],
)
def test_the_window_takes_what_the_annex_takes(
    client, login, admin, draft, make_agency, typed, last_typed, window
):
    agency = make_agency()
    login(admin)
    response = client.post(
        f"/plans/{draft.id}/inspections/new",
        data={
            "agency_id": agency.id,
            "mode": "on_site",
            "planned_from": typed,
            "planned_to": last_typed,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [inspection] = draft.inspections
    assert (inspection.planned_from, inspection.planned_to) == window


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("13/2026", "Tháng 13 không hợp lệ."),
        ("Quý II/2027", "Năm 2027 khác năm kế hoạch."),
        ("05/2027", "Thời gian dự kiến (01/05/2027–31/05/2027) nằm ngoài năm 2026."),
        ("sớm", "“sớm” không phải là ngày (dd/mm/yyyy), tháng (mm/yyyy) hay quý (Quý I–Quý IV)."),
    ],
)
def test_a_window_the_annex_would_refuse_is_refused_with_its_reason(
    client, login, admin, draft, make_agency, typed, message
):
    agency = make_agency()
    login(admin)
    response = client.post(
        f"/plans/{draft.id}/inspections/new",
        data={"agency_id": agency.id, "mode": "on_site", "planned_from": typed},
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert draft.inspections == []


def test_pages_refuse_editing_an_approved_plan_without_an_amendment(
    client, login, admin, approved, make_agency
):
    agency = make_agency()
    login(admin)
    page = client.get(f"/plans/{approved.id}/inspections/new").get_data(as_text=True)
    assert "mọi thay đổi phải theo một quyết định điều chỉnh kế hoạch" in page
    response = client.post(
        f"/plans/{approved.id}/inspections/new", data={"agency_id": agency.id, "mode": "on_site"}
    )
    assert "mọi thay đổi phải theo một quyết định điều chỉnh kế hoạch" in response.get_data(
        as_text=True
    )
    assert len(approved.inspections) == 2


def test_amend_then_cancel_through_the_pages(client, login, admin, approved):
    login(admin)
    response = client.post(
        f"/plans/{approved.id}/amend",
        data={"number": "120/QĐ-KHCN", "signed_on": "01/06/2026", "issuer": "Sở KH&CN"},
    )
    assert response.status_code == 302
    [amendment] = db.session.get(InspectionPlan, approved.id).amendments
    target = approved.inspections[1]
    response = client.post(
        f"/plans/{approved.id}/inspections/{target.id}/remove",
        data={"amendment_id": amendment.decision_id, "reason": "Sáp nhập đơn vị"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert target.status is InspectionStatus.CANCELLED
    assert target.cancelled_by_decision_id == amendment.decision_id
    detail = client.get(f"/plans/{approved.id}").get_data(as_text=True)
    assert "Hủy: UBND xã Tịnh Khê (Sáp nhập đơn vị)" in detail


def test_close_through_the_page(client, login, admin, approved):
    login(admin)
    assert client.post(f"/plans/{approved.id}/close").status_code == 302
    db.session.expire_all()
    assert approved.status is PlanStatus.CLOSED
    client.post(f"/plans/{approved.id}/close")
    assert approved.status is PlanStatus.CLOSED


def test_bulk_add_through_the_page(client, login, admin, draft, make_agency):
    for n in range(3):
        make_agency(f"UBND xã số {n}", level=AgencyLevel.COMMUNE)
    login(admin)
    response = client.post(
        f"/plans/{draft.id}/bulk",
        data={"filter_name": "not_inspected", "years": "2", "mode": "dossier"},
    )
    assert response.status_code == 302
    assert len(db.session.get(InspectionPlan, draft.id).inspections) == 3


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        (Role.ADMIN, 200, 200),
        (Role.INSPECTOR, 200, 403),
        (Role.VIEWER, 200, 403),
        (Role.AGENCY, 403, 403),
    ],
)
def test_who_may_read_and_write_plans(client, login, make_user, approved, role, read, write):
    login(make_user(role))
    plan_id = approved.id
    for url in ("/plans/", f"/plans/{plan_id}", f"/plans/{plan_id}/annex"):
        assert client.get(url).status_code == read, url
    annex = client.get(f"/plans/{plan_id}/annex.xlsx", follow_redirects=True)
    assert annex.status_code == read
    for url in ("/plans/new", f"/plans/{plan_id}/amend", "/plans/import"):
        assert client.get(url).status_code == write, url


def test_anonymous_users_are_sent_to_login(client, approved):
    response = client.get(f"/plans/{approved.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_plans_and_foreign_inspections_answer_404(
    client, login, admin, approved, make_plan, make_inspection
):
    other = make_inspection(plan=make_plan(2020, status=PlanStatus.CLOSED))
    login(admin)
    assert client.get("/plans/99999").status_code == 404
    url = f"/plans/{approved.id}/inspections/{other.id}/edit"
    assert client.get(url).status_code == 404


def test_plan_rows_name_their_decision_and_open_their_inspection(
    client, login, admin, approved, make_agency, amending, make_user
):
    added = add(approved, make_agency("Sở Nội vụ"), decision=amending)
    db.session.commit()
    login(admin)

    page = client.get(f"/plans/{approved.id}").get_data(as_text=True)

    rows = page[page.index("<tbody>") : page.index("</tbody>")].split("<tr>")[1:]
    assert len(rows) == 3
    original = [row for row in rows if "Sở Nội vụ" not in row]
    assert all('<td class="small">\n        79/QĐ-KHCN' in row for row in original)
    assert any(f"Bổ sung: {amending.number}" in row for row in rows)
    for inspection in approved.inspections:
        assert f'href="/inspections/{inspection.id}"' in page
    # an inspector off the team sees the row but no link to an inspection they cannot open
    login(make_user(Role.INSPECTOR))
    other = client.get(f"/plans/{approved.id}").get_data(as_text=True)
    assert f'href="/inspections/{added.id}"' not in other


def test_a_large_annex_prints_in_parts_numbered_across_them(
    client, login, admin, approved, make_agency, amending, monkeypatch
):
    from inspect_app.services.workbooks import plan_annex_export

    add(approved, make_agency("Sở Nội vụ"), decision=amending)
    add(approved, make_agency("UBND xã An Phú", level=AgencyLevel.COMMUNE), decision=amending)
    cancelled = add(approved, make_agency("Sở Y tế"), decision=amending)
    plans.remove_inspection(cancelled, decision=amending, reason="Sáp nhập", by=admin)
    db.session.commit()
    whole = [row.agency for row in plan_annex_export.annex_rows(approved)]
    monkeypatch.setattr(plan_annex_export, "ANNEX_PART_ROWS", 3)
    login(admin)

    first = client.get(f"/plans/{approved.id}/annex").get_data(as_text=True)
    second = client.get(f"/plans/{approved.id}/annex?page=2").get_data(as_text=True)

    assert "Phụ lục có 4 cơ quan, chia thành 2 phần, mỗi phần 3 cơ quan" in first
    assert "Phần 1/2 (số thứ tự 1–3)" in first and "Phần 2/2 (số thứ tự 4–4)" in second
    assert [name for name in whole if name in first] == whole[:3]
    assert [name for name in whole if name in second] == whole[3:]
    assert '<td class="text-center">4</td>' in second and "Sở Y tế" not in first + second
    assert f'href="/plans/{approved.id}/annex?page=1"' in second


def test_annex_page_and_workbook(client, login, admin, approved, make_agency, amending):
    add(approved, make_agency('=HYPERLINK("x")', code="-X1"), decision=amending)
    db.session.commit()
    login(admin)
    page = client.get(f"/plans/{approved.id}/annex").get_data(as_text=True)
    assert "Kèm theo Quyết định số 79/QĐ-KHCN ngày 01/04/2026" in page
    assert "Trần Kiểm Tra (Trưởng đoàn)" in page
    assert "04/05/2026 – 05/05/2026" in page

    view, data = started_job(client, client.get(f"/plans/{approved.id}/annex.xlsx"))
    assert view["status"] == "done" and view["kind"] == "plan_annex"
    from io import BytesIO

    sheet = load_workbook(BytesIO(data)).worksheets[0]
    header = [cell.value for cell in sheet[4]]
    assert header[:5] == ["STT", "Mã cơ quan", "Tên cơ quan", "Cấp", "Hình thức kiểm tra"]
    assert sheet["A4"].font.b and sheet.freeze_panes == "A5"
    values = {row[2]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert values["Sở Tư pháp"][5].date() == date(YEAR, 5, 4)
    assert sheet["F5"].number_format == "dd/mm/yyyy"
    evil = values['\'=HYPERLINK("x")']
    assert evil[1] == "'-X1"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
