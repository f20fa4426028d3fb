"""The server's half of issue 11: chained edits, late answers kept for the lead, conflicts
superseded by the same person's newer value, who may send what, device reports, and a
conclusion that waits for nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    AnswerConflict,
    Conclusion,
    ConflictResolution,
    DeviceReport,
    InspectionStatus,
    Result,
    Role,
    SyncOp,
)
from inspect_app.services import inspection_workflow, sync
from inspect_app.services.inspection_workflow import TransitionError
from tests.factories import PASSWORD
from tests.integration.test_sync_api import op, post


@pytest.fixture
def team(make_user):
    return {"lead": make_user(Role.INSPECTOR), "member": make_user(Role.INSPECTOR)}


@pytest.fixture
def inspection(make_inspection, team):
    return make_inspection(
        lead=team["lead"], members=[team["member"]], status=InspectionStatus.IN_PROGRESS
    )


def results(response):
    assert response.status_code == 200, response.json
    return [(r["status"], r.get("rev")) for r in response.json["results"]]


def current(inspection, code="A.1"):
    answer = next(a for a in inspection.answers if a.item.code == code)
    db.session.refresh(answer)
    return answer.result.value if answer.result else None, answer.note, answer.rev


def open_conflicts(inspection):
    return [
        (c.item.code, c.kind.value, c.client_note)
        for c in db.session.scalars(
            select(AnswerConflict).where(AnswerConflict.resolved_at.is_(None))
        )
    ]


# ---- one's own later edit ------------------------------------------------------------------


def test_an_edit_following_an_applied_op_whose_answer_was_lost_is_applied(
    client, login, team, inspection
):
    login(team["member"])
    first = op(note="lần 1")
    assert results(post(client, inspection, first)) == [("applied", 1)]
    # The device never heard back: its next edit is still based on rev 0, but follows `first`.
    second = {**op(note="lần 2", result="nonconform"), "base_op": first["op_id"]}
    assert results(post(client, inspection, second)) == [("applied", 2)]
    assert current(inspection) == ("nonconform", "lần 2", 2)
    assert open_conflicts(inspection) == []


def test_an_edit_following_an_op_that_someone_else_overwrote_is_a_conflict(
    client, login, team, inspection
):
    login(team["member"])
    first = op(note="của thành viên")
    post(client, inspection, first)
    login(team["lead"])
    post(client, inspection, op(note="của trưởng đoàn", base_rev=1))
    login(team["member"])
    second = {**op(note="lần 2", result="observation"), "base_op": first["op_id"]}
    assert results(post(client, inspection, second))[0][0] == "conflict"
    assert current(inspection) == ("conform", "của trưởng đoàn", 2)
    assert open_conflicts(inspection) == [("A.1", "conflict", "lần 2")]


def test_chained_ops_in_one_batch_apply_in_order(client, login, team, inspection):
    login(team["member"])
    first = op(note="một")
    second = {**op(note="hai"), "base_op": first["op_id"]}
    third = {**op(note="ba"), "base_op": second["op_id"]}
    assert results(post(client, inspection, first, second, third)) == [
        ("applied", 1),
        ("applied", 2),
        ("applied", 3),
    ]
    assert current(inspection) == ("conform", "ba", 3)


@pytest.mark.parametrize("base_op", ["nope", 5, "SAME"])
def test_a_bad_base_op_is_refused_whole(client, login, team, inspection, base_op):
    login(team["member"])
    change = op()
    change["base_op"] = change["op_id"] if base_op == "SAME" else base_op
    response = post(client, inspection, change)
    assert response.status_code == 422 and "base_op" in response.json["error"]
    assert db.session.scalars(select(SyncOp)).all() == []


def test_a_duplicate_names_the_revision_it_produced_once_others_changed_the_answer(
    client, login, team, inspection
):
    login(team["member"])
    first = op()
    post(client, inspection, first)
    login(team["lead"])
    post(client, inspection, op(base_rev=1, result="nonconform"))
    login(team["member"])
    (again,) = post(client, inspection, first).json["results"]
    assert again == {
        "op_id": first["op_id"],
        "status": "duplicate",
        "rev": 2,
        "original": "applied",
        "op_rev": 1,
    }


# ---- nothing refused is lost -------------------------------------------------------------------


def test_answers_after_conclusion_are_refused_and_kept_for_the_lead(
    client, login, team, make_inspection
):
    concluded = make_inspection(
        lead=team["lead"], members=[team["member"]], status=InspectionStatus.CONCLUDED
    )
    login(team["member"])
    late = op(note="Thiếu quy trình", result="nonconform")
    (result,) = post(client, concluded, late).json["results"]
    assert result["status"] == "rejected" and "kết luận" in result["error"]
    stored = db.session.scalar(select(SyncOp))
    assert json.loads(stored.content) == {
        "item": "A.1",
        "result": "nonconform",
        "note": "Thiếu quy trình",
        "base_rev": 0,
    }
    assert open_conflicts(concluded) == [("A.1", "late", "Thiếu quy trình")]
    # Sent again, it is a duplicate: still one late answer.
    post(client, concluded, late)
    assert len(open_conflicts(concluded)) == 1
    # A newer late value from the same person replaces the older one for the lead.
    post(client, concluded, op(note="Sửa lại", result="observation"))
    assert open_conflicts(concluded) == [("A.1", "late", "Sửa lại")]


def test_a_newer_conflict_of_the_same_person_supersedes_the_older(client, login, team, inspection):
    login(team["lead"])
    post(client, inspection, op(note="trưởng đoàn"))
    login(team["member"])
    post(client, inspection, op(note="thành viên 1", result="nonconform"))
    post(client, inspection, op(note="thành viên 2", result="observation"))
    assert open_conflicts(inspection) == [("A.1", "conflict", "thành viên 2")]
    older = db.session.scalar(
        select(AnswerConflict).where(AnswerConflict.client_note == "thành viên 1")
    )
    assert older.resolution is ConflictResolution.SUPERSEDED
    # An edit on the current revision settles the person's open conflict: theirs now counts.
    post(client, inspection, op(note="thành viên 3", base_rev=1, result="not_applicable"))
    assert open_conflicts(inspection) == []
    assert current(inspection) == ("not_applicable", "thành viên 3", 2)


def test_keeping_the_value_of_a_late_answer_works_on_a_locked_inspection_taking_it_does_not(
    client, login, team, make_inspection
):
    concluded = make_inspection(
        lead=team["lead"], members=[team["member"]], status=InspectionStatus.CONCLUDED
    )
    login(team["member"])
    post(client, concluded, op(note="muộn 1"))
    post(client, concluded, op(item="A.2", note="muộn 2"))
    first, second = db.session.scalars(select(AnswerConflict).order_by(AnswerConflict.id))
    with pytest.raises(DomainError, match="mở lại"):
        sync.resolve_conflict(first, ConflictResolution.TAKE_CLIENT, team["lead"])
    db.session.rollback()
    sync.resolve_conflict(second, ConflictResolution.KEEP_SERVER, team["lead"])
    db.session.commit()
    assert second.resolution is ConflictResolution.KEEP_SERVER
    with pytest.raises(DomainError):
        sync.resolve_conflict(first, ConflictResolution.SUPERSEDED, team["lead"])


# ---- who may send --------------------------------------------------------------------------------


def test_a_batch_naming_another_user_is_refused_whole(client, login, team, inspection):
    login(team["lead"])
    response = client.post(
        f"/api/v1/inspections/{inspection.id}/answers",
        json={"user": team["member"].username, "ops": [op()]},
    )
    assert response.status_code == 409 and "another user" in response.json["error"]
    assert db.session.scalars(select(Answer)).all() == []
    assert db.session.scalars(select(SyncOp)).all() == []


def test_csrf_endpoint_names_the_session_user(client, login, team):
    login(team["member"])
    body = client.get("/api/v1/csrf").json
    assert body["user"] == {"id": team["member"].id, "username": team["member"].username}
    assert body["csrf_token"]


def test_detail_lists_open_conflicts_own_for_members_all_for_the_lead(
    client, login, team, make_user, inspection
):
    other = make_user(Role.INSPECTOR)
    inspection.members = [team["member"], other]
    db.session.commit()
    login(team["lead"])
    post(client, inspection, op(), op(item="A.2"))
    for person, note in ((team["member"], "của thành viên"), (other, "của người khác")):
        login(person)
        post(client, inspection, op(note=note, result="nonconform"))
    login(team["member"])
    mine = client.get(f"/api/v1/inspections/{inspection.id}").json["conflicts"]
    assert [(c["item"], c["client"]["note"], c["kind"]) for c in mine] == [
        ("A.1", "của thành viên", "conflict")
    ]
    login(team["lead"])
    everyone = client.get(f"/api/v1/inspections/{inspection.id}").json["conflicts"]
    assert {c["submitted_by"] for c in everyone} == {team["member"].username, other.username}


# ---- what devices report, and concluding ------------------------------------------------

DEVICE = "5b6f1f2e-8c1a-4d3e-9f00-0a1b2c3d4e5f"


def test_a_device_reports_its_unsent_changes(client, login, team, inspection):
    login(team["member"])
    url = f"/api/v1/inspections/{inspection.id}/device"
    assert client.post(url, json={"device": DEVICE, "pending": 4}).status_code == 200
    assert client.post(url, json={"device": DEVICE, "pending": 3}).status_code == 200
    report = db.session.scalar(select(DeviceReport))
    assert (report.user_id, report.device_id, report.pending) == (team["member"].id, DEVICE, 3)
    # A batch carries the count left after it.
    client.post(
        f"/api/v1/inspections/{inspection.id}/answers",
        json={"device": DEVICE, "pending": 1, "ops": [op()]},
    )
    db.session.refresh(report)
    assert report.pending == 1
    assert [r.pending for r in inspection_workflow.unsent_reports(inspection)] == [1]


@pytest.mark.parametrize(
    "body",
    [
        {"device": "nope", "pending": 1},
        {"device": DEVICE, "pending": -1},
        {"device": DEVICE, "pending": "3"},
        {"device": DEVICE, "pending": True},
        {"pending": 2},
        [],
    ],
)
def test_a_bad_device_report_is_422_and_writes_nothing(client, login, team, inspection, body):
    login(team["member"])
    response = client.post(f"/api/v1/inspections/{inspection.id}/device", json=body)
    assert response.status_code in (400, 422) and "error" in response.json
    assert db.session.scalars(select(DeviceReport)).all() == []


def test_only_the_team_reports_for_an_inspection(client, login, make_user, inspection):
    login(make_user(Role.VIEWER))
    url = f"/api/v1/inspections/{inspection.id}/device"
    assert client.post(url, json={"device": DEVICE, "pending": 1}).status_code == 403


def _conducted(make_inspection, team):
    inspection = make_inspection(
        lead=team["lead"], members=[team["member"]], status=InspectionStatus.CONDUCTED
    )
    for item in inspection.template.items:
        sync.store_answer(inspection, item, None, Result.CONFORM, "", team["lead"])
    db.session.commit()
    return inspection


def _conclude(inspection, lead, **extra):
    return inspection_workflow.transition(
        inspection,
        InspectionStatus.CONCLUDED,
        lead,
        conducted_on=date(inspection.plan.year, 5, 1),
        conclusion=Conclusion.PASSED,
        summary="Đạt.",
        **extra,
    )


def test_concluding_is_refused_while_a_conflict_is_open(client, login, team, make_inspection):
    inspection = _conducted(make_inspection, team)
    login(team["member"])
    post(client, inspection, op(note="khác", result="nonconform"))
    with pytest.raises(TransitionError, match="xung đột"):
        _conclude(inspection, team["lead"])
    db.session.rollback()
    conflict = db.session.scalar(select(AnswerConflict))
    sync.resolve_conflict(conflict, ConflictResolution.KEEP_SERVER, team["lead"])
    _conclude(inspection, team["lead"])
    assert inspection.status is InspectionStatus.CONCLUDED


def test_concluding_while_a_device_holds_changes_needs_the_lead_to_confirm(
    client, login, team, make_inspection
):
    inspection = _conducted(make_inspection, team)
    login(team["member"])
    client.post(
        f"/api/v1/inspections/{inspection.id}/device", json={"device": DEVICE, "pending": 2}
    )
    with pytest.raises(TransitionError, match=team["member"].full_name):
        _conclude(inspection, team["lead"])
    db.session.rollback()
    _conclude(inspection, team["lead"], confirm_unsent=True)
    assert inspection.status is InspectionStatus.CONCLUDED


def test_the_conclude_form_shows_the_warning_and_the_confirmation(
    client, login, team, make_inspection
):
    inspection = _conducted(make_inspection, team)
    login(team["member"])
    client.post(
        f"/api/v1/inspections/{inspection.id}/device", json={"device": DEVICE, "pending": 2}
    )
    login(team["lead"])
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert 'id="unsent-warning"' in page and f"{team['member'].full_name}: 2 thay đổi" in page
    assert "Vẫn kết luận, dù thiết bị của thành viên còn thay đổi chưa gửi" in page
    form = {
        "concluded-conducted_on": f"01/05/{inspection.plan.year}",
        "concluded-conclusion": "passed",
        "concluded-summary": "Đạt.",
    }
    url = f"/inspections/{inspection.id}/transition/concluded"
    client.post(url, data=form)
    db.session.refresh(inspection)
    assert inspection.status is InspectionStatus.CONDUCTED
    client.post(url, data={**form, "concluded-confirm_unsent": "y"})
    db.session.refresh(inspection)
    assert inspection.status is InspectionStatus.CONCLUDED


def test_remembered_login_sets_a_remember_cookie(client, make_user):
    user = make_user(Role.INSPECTOR)
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    assert any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
    forgetful = client.application.test_client()
    response = forgetful.post("/login", data={"username": user.username, "password": PASSWORD})
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_the_remember_cookie_ends_with_a_password_change(app, client, make_user):
    user = make_user(Role.INSPECTOR)
    client.post("/login", data={"username": user.username, "password": PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    assert fresh.get("/api/v1/csrf").status_code == 200  # the browser was restarted
    user.session_version += 1  # what a password change or deactivation does
    db.session.commit()
    later = app.test_client()
    later.set_cookie("remember_token", cookie.value)
    assert later.get("/api/v1/csrf").status_code == 401
