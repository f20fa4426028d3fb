"""Findings: raised from an answer, validated, the corrective-action workflow, access."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    AuditLog,
    Finding,
    FindingStatus,
    InspectionStatus,
    PlanStatus,
    Result,
    Role,
    Severity,
)
from inspect_app.services import findings

TODAY = date.today()
DUE = (TODAY + timedelta(days=30)).strftime("%d/%m/%Y")


def text(response) -> str:
    return response.get_data(as_text=True)


def finding_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Finding))


def item(inspection, code):
    return next(i for i in inspection.template.items if i.code == code)


def answer(inspection, code, result, note=""):
    row = Answer(inspection=inspection, item=item(inspection, code), result=result, note=note)
    db.session.add(row)
    db.session.commit()
    return row


def finding_form(**overrides) -> dict:
    data = {
        "severity": "minor",
        "requirement": "4.2",
        "description": "Chưa xác định các bên quan tâm.",
        "corrective_action_required": "Lập danh sách các bên quan tâm và yêu cầu của họ.",
        "due_on": DUE,
    }
    data.update(overrides)
    return data


def checked_severity(page: str) -> str:
    match = re.search(r'<input[^>]*checked[^>]*name="severity"[^>]*value="(\w+)"', page)
    match = match or re.search(r'<input[^>]*name="severity"[^>]*value="(\w+)"[^>]*checked', page)
    return match.group(1) if match else ""


def new_finding(inspection, by, **fields) -> Finding:
    values = {
        "severity": Severity.MINOR,
        "description": "Quy trình chưa cập nhật",
        "corrective_action_required": "Cập nhật quy trình",
        "due_on": TODAY + timedelta(days=10),
    }
    values.update(fields)
    finding = findings.create_finding(inspection, by=by, **values)
    db.session.commit()
    return finding


# --- raising a finding from an answer -------------------------------------------------


def test_form_is_prefilled_from_a_nonconform_answer(client, login, team):
    inspection = team["inspection"]
    answer(inspection, "4.2", Result.NONCONFORM, "Không có danh sách các bên quan tâm.")
    login(team["member"])

    page = text(client.get(f"/inspections/{inspection.id}/findings/new?item=4.2"))

    assert checked_severity(page) == "minor"
    assert 'name="requirement"' in page and 'value="4.2"' in page
    assert "Không có danh sách các bên quan tâm.</textarea>" in page
    assert "Không phù hợp" in page  # the answer's result is shown


def test_observation_answer_preselects_observation(client, login, team):
    inspection = team["inspection"]
    answer(inspection, "A.1", Result.OBSERVATION, "Nên rà soát định kỳ.")
    login(team["lead"])

    page = text(client.get(f"/inspections/{inspection.id}/findings/new?item=A.1"))

    assert checked_severity(page) == "observation"
    # A.1 is our own legal check, not a clause of the standard: no requirement prefilled.
    assert re.search(r'name="requirement"[^>]*value="[^"]', page) is None


def test_create_from_an_answer(client, login, team):
    inspection = team["inspection"]
    answer(inspection, "4.2", Result.NONCONFORM, "Thiếu danh sách.")
    login(team["member"])

    response = client.post(
        f"/inspections/{inspection.id}/findings/new?item=4.2", data=finding_form()
    )

    assert response.status_code == 302
    finding = db.session.scalars(select(Finding)).one()
    assert response.headers["Location"] == f"/findings/{finding.id}"
    assert finding.item.code == "4.2"
    assert finding.status is FindingStatus.OPEN
    assert finding.severity is Severity.MINOR
    assert finding.created_by_id == team["member"].id
    assert [event.kind for event in finding.events] == ["created"]
    assert db.session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.object_type == "findings")
    )
    listing = text(client.get(f"/inspections/{inspection.id}/findings"))
    assert "Chưa xác định các bên quan tâm." in listing
    assert f'href="/findings/{finding.id}"' in listing


def test_finding_without_an_item(client, login, team):
    login(team["lead"])

    response = client.post(
        f"/inspections/{team['inspection'].id}/findings/new", data=finding_form(requirement="")
    )

    assert response.status_code == 302
    assert db.session.scalars(select(Finding)).one().item_id is None


def test_observation_needs_no_due_date(client, login, team):
    login(team["lead"])

    response = client.post(
        f"/inspections/{team['inspection'].id}/findings/new",
        data=finding_form(severity="observation", due_on=""),
    )

    assert response.status_code == 302
    assert db.session.scalars(select(Finding)).one().due_on is None


YESTERDAY = (TODAY - timedelta(days=1)).strftime("%d/%m/%Y")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "  "}, "Vui lòng mô tả phát hiện."),
        ({"corrective_action_required": ""}, "Vui lòng nêu hành động khắc phục yêu cầu."),
        ({"due_on": ""}, "Vui lòng nhập thời hạn khắc phục"),
        ({"due_on": YESTERDAY}, "Thời hạn khắc phục không được trước ngày hôm nay."),
        ({"due_on": "2026-13-45"}, "Ngày phải có dạng dd/mm/yyyy"),
        ({"severity": "critical"}, "Giá trị đã chọn không hợp lệ."),
        ({"requirement": "x" * 300}, "Tối đa 255 ký tự."),
    ],
)
def test_bad_input_is_refused_with_a_message(client, login, team, overrides, message):
    login(team["lead"])

    response = client.post(
        f"/inspections/{team['inspection'].id}/findings/new", data=finding_form(**overrides)
    )

    assert response.status_code == 422
    assert message in text(response)
    assert finding_count() == 0


def test_unknown_item_is_404(client, login, team):
    login(team["lead"])

    assert (
        client.get(f"/inspections/{team['inspection'].id}/findings/new?item=9.9").status_code == 404
    )


def test_service_refuses_a_past_due_date(team):
    with pytest.raises(DomainError, match="không được trước ngày hôm nay"):
        new_finding(team["inspection"], team["lead"], due_on=TODAY - timedelta(days=1))


CREATORS = {
    "lead": 200,
    "member": 200,
    "admin": 200,
    "outsider": 404,
    "viewer": 403,
    "agency_own": 403,
    "agency_other": 403,
}


@pytest.mark.parametrize(("who", "expected"), sorted(CREATORS.items()))
def test_who_may_create(client, login, team, people, who, expected):
    login(people[who])
    url = f"/inspections/{team['inspection'].id}/findings/new"

    assert client.get(url).status_code == expected
    post = client.post(url, data=finding_form())
    assert post.status_code == (302 if expected == 200 else expected)


def test_concluded_inspection_takes_no_new_findings(client, login, make_user, make_inspection):
    lead = make_user(Role.INSPECTOR)
    inspection = make_inspection(lead=lead, status=InspectionStatus.CONCLUDED)
    login(lead)

    assert client.get(f"/inspections/{inspection.id}/findings/new").status_code == 403
    assert finding_count() == 0


# --- the corrective-action workflow ---------------------------------------------------


def test_respond_then_close(team, make_user):
    agency_user = make_user(Role.AGENCY, agency=team["agency"])
    finding = new_finding(team["inspection"], team["lead"])

    findings.respond_to_finding(
        finding, "Chưa theo dõi văn bản mới", "Đã cập nhật 2 quy trình", agency_user
    )
    assert finding.status is FindingStatus.RESPONDED
    assert finding.responded_at is not None and finding.responded_by_id == agency_user.id
    assert (finding.root_cause, finding.agency_response) == (
        "Chưa theo dõi văn bản mới",
        "Đã cập nhật 2 quy trình",
    )

    findings.close_finding(finding, team["member"], "Đã kiểm tra hồ sơ.")
    db.session.commit()
    assert finding.status is FindingStatus.CLOSED
    assert finding.verified_by_id == team["member"].id and finding.verified_at is not None
    assert [e.kind for e in finding.events] == ["created", "responded", "closed"]
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.object_type == "findings").order_by(AuditLog.id)
    ).all()
    assert actions == ["create", "respond", "close"]


def test_reopen_a_closed_finding_then_respond_again(team):
    finding = new_finding(team["inspection"], team["lead"])
    findings.respond_to_finding(finding, "Nguyên nhân", "Đã khắc phục", None)
    findings.close_finding(finding, team["lead"])

    findings.reopen_finding(finding, team["lead"], "Quy trình 3 vẫn viện dẫn văn bản cũ.")
    assert finding.status is FindingStatus.REOPENED
    assert finding.verified_at is None and finding.verified_by_id is None

    findings.respond_to_finding(finding, "Sót quy trình 3", "Đã cập nhật quy trình 3", None)
    db.session.commit()
    assert finding.status is FindingStatus.RESPONDED
    assert [e.kind for e in finding.events] == [
        "created",
        "responded",
        "closed",
        "reopened",
        "responded",
    ]


def _closed(team):
    finding = new_finding(team["inspection"], team["lead"])
    findings.respond_to_finding(finding, "a", "b", None)
    findings.close_finding(finding, team["lead"])
    return finding


@pytest.mark.parametrize(
    ("setup", "move", "message"),
    [
        (_closed, lambda f, t: findings.close_finding(f, t["lead"]), "đã được đóng"),
        (_closed, lambda f, t: findings.respond_to_finding(f, "a", "b", None), "đã được đóng"),
        (
            lambda t: new_finding(t["inspection"], t["lead"]),
            lambda f, t: findings.close_finding(f, t["lead"]),
            "sau khi cơ quan đã phản hồi",
        ),
        (
            lambda t: new_finding(t["inspection"], t["lead"]),
            lambda f, t: findings.reopen_finding(f, t["lead"], "lý do"),
            "Chỉ mở lại được",
        ),
        (_closed, lambda f, t: findings.reopen_finding(f, t["lead"], "   "), "Cần nêu lý do"),
        (
            lambda t: new_finding(t["inspection"], t["lead"]),
            lambda f, t: findings.respond_to_finding(f, "", "b", None),
            "Cần nêu nguyên nhân",
        ),
    ],
    ids=[
        "close-closed",
        "respond-closed",
        "close-unanswered-nonconformity",
        "reopen-open",
        "reopen-without-reason",
        "respond-without-cause",
    ],
)
def test_forbidden_moves(team, setup, move, message):
    finding = setup(team)
    status = finding.status

    with pytest.raises(DomainError, match=message):
        move(finding, team)
    assert finding.status is status


def test_respond_twice_waits_for_verification(team):
    finding = new_finding(team["inspection"], team["lead"])
    findings.respond_to_finding(finding, "a", "b", None)

    with pytest.raises(DomainError, match="đang chờ đoàn kiểm tra xác minh"):
        findings.respond_to_finding(finding, "c", "d", None)


def test_an_observation_may_be_closed_without_a_response(team):
    finding = new_finding(team["inspection"], team["lead"], severity=Severity.OBSERVATION)

    findings.close_finding(finding, team["lead"])

    assert finding.status is FindingStatus.CLOSED


def test_close_and_reopen_through_the_page(client, login, team):
    finding = new_finding(team["inspection"], team["lead"])
    findings.respond_to_finding(finding, "Nguyên nhân", "Đã khắc phục", None)
    db.session.commit()
    login(team["member"])

    page = text(client.get(f"/findings/{finding.id}"))
    assert "Xác minh và đóng" in page and "Đã khắc phục" in page

    response = client.post(f"/findings/{finding.id}/close", data={"comment": "Đạt."})
    assert response.status_code == 302
    assert db.session.get(Finding, finding.id).status is FindingStatus.CLOSED

    refused = client.post(f"/findings/{finding.id}/reopen", data={"reason": ""})
    assert refused.status_code == 422
    assert "Vui lòng nêu lý do mở lại." in text(refused)

    response = client.post(f"/findings/{finding.id}/reopen", data={"reason": "Chưa đủ bằng chứng."})
    assert response.status_code == 302
    page = text(client.get(f"/findings/{finding.id}"))
    assert "Chưa đủ bằng chứng." in page and "Mở lại" in page


def test_closing_twice_through_the_page_is_a_409_with_a_message(client, login, team):
    finding = new_finding(team["inspection"], team["lead"], severity=Severity.OBSERVATION)
    login(team["lead"])
    client.post(f"/findings/{finding.id}/close", data={})

    response = client.post(f"/findings/{finding.id}/close", data={})

    assert response.status_code == 409
    assert "Phát hiện này đã được đóng." in text(response)


def test_team_verifies_after_the_inspection_is_concluded(client, login, team):
    finding = new_finding(team["inspection"], team["lead"])
    findings.respond_to_finding(finding, "a", "b", None)
    inspection = team["inspection"]
    inspection.status = InspectionStatus.CONCLUDED
    inspection.conducted_on, inspection.concluded_on = TODAY, TODAY
    inspection.conclusion = "passed"
    db.session.commit()
    login(team["lead"])

    assert client.post(f"/findings/{finding.id}/close", data={}).status_code == 302


# --- who sees a finding ---------------------------------------------------------------

VIEWERS = {
    "lead": 200,
    "member": 200,
    "admin": 200,
    "viewer": 200,
    "agency_own": 200,
    "outsider": 404,
    "agency_other": 404,
}


@pytest.mark.parametrize(("who", "expected"), sorted(VIEWERS.items()))
def test_who_sees_a_finding(client, login, team, people, who, expected):
    finding = new_finding(team["inspection"], team["lead"])
    login(people[who])

    assert client.get(f"/findings/{finding.id}").status_code == expected
    assert client.get(f"/inspections/{team['inspection'].id}/findings").status_code == expected


@pytest.mark.parametrize("who", ["viewer", "agency_own", "outsider", "agency_other"])
def test_only_the_team_verifies(client, login, team, people, who):
    finding = new_finding(team["inspection"], team["lead"], severity=Severity.OBSERVATION)
    login(people[who])

    response = client.post(f"/findings/{finding.id}/close", data={})

    assert response.status_code in (403, 404)
    assert db.session.get(Finding, finding.id).status is FindingStatus.OPEN
    if who in ("viewer", "agency_own"):
        assert "Xác minh và đóng" not in text(client.get(f"/findings/{finding.id}"))


def test_agency_does_not_see_findings_of_a_draft_plan(client, login, make_user, make_plan, team):
    inspection = team["inspection"]
    finding = new_finding(inspection, team["lead"])
    inspection.plan.status = PlanStatus.DRAFT
    db.session.commit()
    login(make_user(Role.AGENCY, agency=team["agency"]))

    assert client.get(f"/findings/{finding.id}").status_code == 404


def test_missing_finding_is_404(client, login, team):
    login(team["lead"])

    assert client.get("/findings/12345").status_code == 404


def test_overdue_findings_stand_out_in_the_list(client, login, team):
    late = Finding(
        inspection=team["inspection"],
        severity=Severity.MAJOR,
        description="Quá hạn mà chưa khắc phục",
        corrective_action_required="Khắc phục",
        due_on=TODAY - timedelta(days=3),
    )
    db.session.add(late)
    db.session.commit()
    login(team["lead"])

    page = text(client.get(f"/inspections/{team['inspection'].id}/findings"))

    assert "Quá hạn" in page and "table-danger" in page
    assert "Không phù hợp nặng" in page
    assert findings.is_overdue(late)
