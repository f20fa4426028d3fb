"""The inspection page, its workflow buttons, the checklist markup (CONTRACTS 5.7), the lead's
conflict resolution and the service worker."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    AnswerConflict,
    AuditLog,
    Conclusion,
    InspectionMode,
    InspectionStatus,
    Notification,
    Result,
    Role,
)
from inspect_app.services import inspection_workflow
from inspect_app.services.sync import store_answer

S = InspectionStatus


@pytest.fixture
def lead(make_user):
    return make_user(Role.INSPECTOR, full_name="Trần Trưởng Đoàn")


@pytest.fixture
def member(make_user):
    return make_user(Role.INSPECTOR, full_name="Lê Thành Viên")


def answer_all(inspection, user, result=Result.CONFORM):
    for item in inspection.template.items:
        store_answer(inspection, item, None, result, "", user)
    db.session.commit()


def text(response) -> str:
    return response.get_data(as_text=True)


def test_checklist_markup_follows_contract(client, login, lead, make_inspection):
    inspection = make_inspection(lead=lead)
    login(lead)
    page = text(client.get(f"/inspections/{inspection.id}/checklist"))
    fieldsets = re.findall(r"<fieldset[^>]*>(.*?)</fieldset>", page, re.S)
    assert len(fieldsets) == len(inspection.template.items)
    for item, body in zip(inspection.template.items, fieldsets, strict=True):
        legend = re.search(r"<legend[^>]*>\s*(.*?)</legend>", body, re.S).group(1)
        assert legend.startswith(item.code)
        for label in ("Phù hợp", "Không phù hợp", "Khuyến nghị", "Không áp dụng"):
            radio_id = re.search(rf'<label[^>]*for="([^"]+)"[^>]*>{label}</label>', body).group(1)
            assert re.search(rf'<input[^>]*type="radio"[^>]*id="{radio_id}"', body)
        note_id = re.search(r'<label[^>]*for="([^"]+)"[^>]*>Ghi chú</label>', body).group(1)
        assert re.search(rf'<textarea[^>]*id="{note_id}"', body)
    assert 'role="status"' in page


def test_checklist_shows_saved_answers_and_locks_when_concluded(
    client, login, lead, make_inspection
):
    inspection = make_inspection(lead=lead)
    item = inspection.template.items[0]
    store_answer(inspection, item, None, Result.NONCONFORM, "Thiếu quy trình", lead)
    db.session.commit()
    login(lead)
    page = text(client.get(f"/inspections/{inspection.id}/checklist"))
    assert re.search(r'value="nonconform"\s+checked', page)
    assert "Thiếu quy trình" in page
    locked = make_inspection(lead=lead, status=S.CONCLUDED)
    page = text(client.get(f"/inspections/{locked.id}/checklist"))
    assert re.search(r"<fieldset[^>]*disabled", page)


@pytest.mark.parametrize("who", ["stranger", "agency_other"])
def test_pages_outside_reach_are_404(client, login, make_user, lead, make_inspection, who):
    inspection = make_inspection(lead=lead)
    user = make_user(Role.INSPECTOR) if who == "stranger" else make_user(Role.AGENCY)
    login(user)
    for path in ("", "/checklist"):
        assert client.get(f"/inspections/{inspection.id}{path}").status_code == 404


def test_agency_user_reads_own_inspection(client, login, make_user, lead, make_inspection):
    inspection = make_inspection(lead=lead)
    login(make_user(Role.AGENCY, agency=inspection.agency))
    assert client.get(f"/inspections/{inspection.id}").status_code == 200


def test_on_site_workflow_through_the_page(client, login, lead, make_inspection):
    inspection = make_inspection(lead=lead)
    login(lead)
    url = f"/inspections/{inspection.id}/transition"
    assert client.post(f"{url}/in_progress").status_code == 302
    db.session.refresh(inspection)
    assert inspection.status is S.IN_PROGRESS
    today = date.today().strftime("%d/%m/%Y")
    client.post(f"{url}/conducted", data={"conducted-conducted_on": today})
    db.session.refresh(inspection)
    assert inspection.status is S.CONDUCTED and inspection.conducted_on == date.today()


def test_conclude_requires_every_item_answered(client, login, lead, make_inspection):
    inspection = make_inspection(lead=lead, status=S.CONDUCTED)
    login(lead)
    data = {
        "concluded-conducted_on": date.today().strftime("%d/%m/%Y"),
        "concluded-conclusion": "passed",
        "concluded-summary": "Hệ thống được duy trì tốt.",
    }
    response = client.post(
        f"/inspections/{inspection.id}/transition/concluded", data=data, follow_redirects=True
    )
    assert "chưa được đánh giá" in text(response)
    db.session.refresh(inspection)
    assert inspection.status is S.CONDUCTED

    answer_all(inspection, lead, Result.NOT_APPLICABLE)
    client.post(f"/inspections/{inspection.id}/transition/concluded", data=data)
    db.session.refresh(inspection)
    assert inspection.status is S.CONCLUDED
    assert inspection.conclusion is Conclusion.PASSED and inspection.concluded_on == date.today()


def test_only_the_lead_concludes(client, login, lead, member, make_inspection):
    inspection = make_inspection(lead=lead, members=[member], status=S.CONDUCTED)
    answer_all(inspection, lead)
    login(member)
    page = text(client.get(f"/inspections/{inspection.id}"))
    assert "/transition/concluded" not in page
    client.post(
        f"/inspections/{inspection.id}/transition/concluded",
        data={
            "concluded-conducted_on": date.today().strftime("%d/%m/%Y"),
            "concluded-conclusion": "passed",
            "concluded-summary": "x",
        },
    )
    db.session.refresh(inspection)
    assert inspection.status is S.CONDUCTED


def test_forbidden_move_is_refused_with_a_message(client, login, lead, make_inspection):
    inspection = make_inspection(lead=lead)
    login(lead)
    response = client.post(
        f"/inspections/{inspection.id}/transition/concluded", follow_redirects=True
    )
    assert response.status_code == 200
    db.session.refresh(inspection)
    assert inspection.status is S.PLANNED
    assert client.post(f"/inspections/{inspection.id}/transition/bogus").status_code == 404
    assert client.post(f"/inspections/{inspection.id}/transition/cancelled").status_code == 404


def test_dossier_request_needs_documents_and_a_due_date(client, login, lead, make_inspection):
    inspection = make_inspection(lead=lead, mode=InspectionMode.DOSSIER)
    login(lead)
    url = f"/inspections/{inspection.id}/transition/dossier_requested"
    client.post(url, data={"dossier_requested-dossier_request": ""})
    db.session.refresh(inspection)
    assert inspection.status is S.PLANNED
    due = (date.today() + timedelta(days=14)).strftime("%d/%m/%Y")
    client.post(
        url,
        data={
            "dossier_requested-dossier_request": "Sổ tay chất lượng; báo cáo đánh giá nội bộ",
            "dossier_requested-dossier_due": due,
        },
    )
    db.session.refresh(inspection)
    assert inspection.status is S.DOSSIER_REQUESTED and inspection.dossier_due is not None
    notice = db.session.scalar(
        select(Notification).where(Notification.agency_id == inspection.agency_id)
    )
    assert notice is not None and f"/portal/dossiers/{inspection.id}" in notice.link


def test_the_dossier_request_starts_from_the_plans_due_date_and_keeps_what_was_typed(
    client, login, lead, make_inspection
):
    due = date.today() + timedelta(days=20)
    inspection = make_inspection(lead=lead, mode=InspectionMode.DOSSIER, dossier_due=due)
    login(lead)

    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert f'value="{due:%d/%m/%Y}"' in page, "the plan's due date is offered"

    typed = "Sổ tay chất lượng\nBáo cáo đánh giá nội bộ năm 2026"
    refused = client.post(
        f"/inspections/{inspection.id}/transition/dossier_requested",
        data={
            "dossier_requested-dossier_request": typed,
            "dossier_requested-dossier_due": "",
        },
    )

    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Cần nhập hạn nộp hồ sơ." in text
    assert "Sổ tay chất lượng\nBáo cáo đánh giá nội bộ năm 2026</textarea>" in text
    field = text.index('name="dossier_requested-dossier_request"')
    details = text.rfind("<details", 0, field)
    assert text[details : text.index(">", details)].endswith(" open"), "the form is shown open"
    db.session.refresh(inspection)
    assert inspection.status is S.PLANNED and inspection.dossier_request is None


def test_admin_reopens_with_a_recorded_reason(client, login, make_user, lead, make_inspection):
    inspection = make_inspection(lead=lead, status=S.CONCLUDED)
    admin = make_user(Role.ADMIN)
    login(admin)
    client.post(f"/inspections/{inspection.id}/reopen", data={"reason": ""})
    db.session.refresh(inspection)
    assert inspection.status is S.CONCLUDED
    client.post(f"/inspections/{inspection.id}/reopen", data={"reason": "Sai ngày kiểm tra"})
    db.session.refresh(inspection)
    assert inspection.status is S.CONDUCTED and inspection.concluded_on is None
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "reopen"))
    assert entry.after == {"reason": "Sai ngày kiểm tra"} and entry.user_id == admin.id


def test_inspector_cannot_reopen(client, login, lead, make_inspection):
    inspection = make_inspection(lead=lead, status=S.CONCLUDED)
    login(lead)
    assert (
        client.post(f"/inspections/{inspection.id}/reopen", data={"reason": "x"}).status_code == 403
    )


def _conflict(inspection, lead, member):
    item = inspection.template.items[0]
    answer = store_answer(inspection, item, None, Result.CONFORM, "máy chủ", lead)
    conflict = AnswerConflict(
        inspection_id=inspection.id,
        item_id=item.id,
        op_id="8d7f7a3e-2b1c-4d5e-9f00-1234567890ab",
        server_result=answer.result,
        server_note=answer.note,
        server_rev=answer.rev,
        client_result=Result.NONCONFORM,
        client_note="ngoại tuyến",
        client_base_rev=0,
        submitted_by_id=member.id,
    )
    db.session.add(conflict)
    db.session.commit()
    return conflict


@pytest.mark.parametrize(
    ("choice", "expected"), [("keep_server", Result.CONFORM), ("take_client", Result.NONCONFORM)]
)
def test_lead_resolves_conflicts(client, login, lead, member, make_inspection, choice, expected):
    inspection = make_inspection(lead=lead, members=[member], status=S.IN_PROGRESS)
    conflict = _conflict(inspection, lead, member)
    login(lead)
    assert "ngoại tuyến" in text(client.get(f"/inspections/{inspection.id}"))
    client.post(
        f"/inspections/{inspection.id}/conflicts/{conflict.id}", data={"resolution": choice}
    )
    db.session.refresh(conflict)
    assert conflict.resolved_by_id == lead.id and conflict.resolution.value == choice
    assert db.session.scalar(select(Answer.result)) is expected


def test_member_cannot_resolve_conflicts(client, login, lead, member, make_inspection):
    inspection = make_inspection(lead=lead, members=[member], status=S.IN_PROGRESS)
    conflict = _conflict(inspection, lead, member)
    login(member)
    response = client.post(
        f"/inspections/{inspection.id}/conflicts/{conflict.id}", data={"resolution": "take_client"}
    )
    assert response.status_code == 403
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AnswerConflict)
            .where(AnswerConflict.resolved_at.is_not(None))
        )
        == 0
    )


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = text(response)
    assert "__VERSION__" not in body and "/static/js/checklist.js" in body
    with client.get("/static/offline.html") as offline:
        assert offline.status_code == 200


def test_transition_table_refuses_forbidden_moves(app, lead, make_inspection):
    inspection = make_inspection(lead=lead)
    for target in (S.CONDUCTED, S.CONCLUDED, S.DOSSIER_REQUESTED, S.DOSSIER_RECEIVED):
        with pytest.raises(inspection_workflow.TransitionError):
            inspection_workflow.transition(inspection, target, lead)
    dossier = make_inspection(lead=lead, mode=InspectionMode.DOSSIER)
    with pytest.raises(inspection_workflow.TransitionError):
        inspection_workflow.transition(dossier, S.IN_PROGRESS, lead)


def test_inspection_list_filters(client, login, make_user, make_inspection, make_agency):
    admin = make_user(Role.ADMIN)
    make_inspection(agency=make_agency("UBND xã Tịnh Khê"))
    make_inspection(agency=make_agency("Sở Tư pháp"), status=S.CONCLUDED)
    login(admin)
    page = text(client.get("/inspections?q=tinh+khe"))
    assert "Tịnh Khê" in page and "Sở Tư pháp" not in page
    page = text(client.get("/inspections?status=concluded"))
    assert "Sở Tư pháp" in page and "Tịnh Khê" not in page
