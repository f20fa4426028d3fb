"""Contract 5.4: POST /api/v1/inspections/<id>/answers and GET /api/v1/inspections/<id>."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    AnswerConflict,
    AnswerHistory,
    InspectionMode,
    InspectionStatus,
    Role,
    SyncOp,
)


def op(item="A.1", result="conform", note="", base_rev=0, op_id=None):
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "item": item,
        "result": result,
        "note": note,
        "base_rev": base_rev,
        "client_ts": "2026-05-01T08:30:00+07:00",
    }


@pytest.fixture
def team(make_user):
    return {"lead": make_user(Role.INSPECTOR), "member": make_user(Role.INSPECTOR)}


@pytest.fixture
def inspection(make_inspection, team):
    return make_inspection(lead=team["lead"], members=[team["member"]])


def post(client, inspection, *ops, raw=None):
    if raw is not None:
        return client.post(
            f"/api/v1/inspections/{inspection.id}/answers",
            data=raw,
            content_type="application/json",
        )
    return client.post(f"/api/v1/inspections/{inspection.id}/answers", json={"ops": list(ops)})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_first_answer_applies_at_rev_1_and_starts_the_inspection(client, login, team, inspection):
    login(team["member"])
    first = op(note="Có quyết định ban hành")
    response = post(client, inspection, first)
    assert response.status_code == 200
    assert response.json == {"results": [{"op_id": first["op_id"], "status": "applied", "rev": 1}]}
    db.session.refresh(inspection)
    assert inspection.status is InspectionStatus.IN_PROGRESS
    answer = db.session.scalar(select(Answer))
    assert (answer.result.value, answer.note, answer.rev) == (
        "conform",
        "Có quyết định ban hành",
        1,
    )
    assert count(AnswerHistory) == 1


def test_same_op_again_is_a_duplicate_and_changes_nothing(client, login, team, inspection):
    login(team["lead"])
    first = op()
    post(client, inspection, first)
    response = post(client, inspection, first)
    assert response.json["results"] == [
        {"op_id": first["op_id"], "status": "duplicate", "rev": 1, "original": "applied"}
    ]
    assert count(AnswerHistory) == 1
    assert db.session.scalar(select(Answer.rev)) == 1


def test_same_op_id_with_another_payload_is_rejected(client, login, team, inspection):
    login(team["lead"])
    first = op()
    post(client, inspection, first)
    changed = {**first, "result": "nonconform"}
    result = post(client, inspection, changed).json["results"][0]
    assert result["status"] == "rejected" and result["error"]
    assert db.session.scalar(select(Answer.result)).value == "conform"


def test_current_base_rev_applies_and_bumps_rev(client, login, team, inspection):
    login(team["lead"])
    post(client, inspection, op())
    result = post(client, inspection, op(result="nonconform", base_rev=1)).json["results"][0]
    assert (result["status"], result["rev"]) == ("applied", 2)
    assert count(AnswerHistory) == 2


def test_stale_base_rev_with_another_value_is_a_kept_conflict(client, login, team, inspection):
    login(team["lead"])
    post(client, inspection, op(result="conform", note="server"))
    stale = op(result="nonconform", note="client", base_rev=0)
    result = post(client, inspection, stale).json["results"][0]
    assert result["status"] == "conflict"
    assert result["server"]["result"] == "conform" and result["server"]["rev"] == 1
    answer = db.session.scalar(select(Answer))
    assert (answer.result.value, answer.note, answer.rev) == ("conform", "server", 1)
    conflict = db.session.scalar(select(AnswerConflict))
    assert conflict.client_result.value == "nonconform" and conflict.resolved_at is None


def test_stale_base_rev_with_the_same_value_applies_without_new_rev(
    client, login, team, inspection
):
    login(team["lead"])
    post(client, inspection, op(result="conform", note="x"))
    result = post(client, inspection, op(result="conform", note="x", base_rev=0)).json["results"][0]
    assert (result["status"], result["rev"]) == ("applied", 1)
    assert count(AnswerHistory) == 1 and count(AnswerConflict) == 0


@pytest.mark.parametrize("status", [InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED])
def test_locked_inspection_rejects_each_op(client, login, team, make_inspection, status):
    locked = make_inspection(status=status, lead=team["lead"])
    login(team["lead"])
    result = post(client, locked, op()).json["results"][0]
    assert result["status"] == "rejected" and result["error"]
    assert count(Answer) == 0


def test_off_team_inspector_gets_404_and_viewer_403(client, login, make_user, inspection):
    login(make_user(Role.INSPECTOR))
    assert post(client, inspection, op()).status_code == 404
    login(make_user(Role.VIEWER))
    assert post(client, inspection, op()).status_code == 403
    assert count(Answer) == 0 and count(SyncOp) == 0


def test_admin_off_team_may_write(client, login, make_user, inspection):
    login(make_user(Role.ADMIN))
    assert post(client, inspection, op()).json["results"][0]["status"] == "applied"


def test_anonymous_gets_401_json(client, inspection):
    response = post(client, inspection, op())
    assert response.status_code == 401 and "error" in response.json


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        '{"ops": {}}',
        '{"ops": [1]}',
        '{"ops": [{"op_id": "nope", "item": "A.1", "result": null, "base_rev": 0}]}',
    ],
)
def test_malformed_bodies_get_4xx_json(client, login, team, inspection, raw):
    login(team["lead"])
    response = post(client, inspection, raw=raw)
    assert response.status_code in (400, 422) and "error" in response.json


@pytest.mark.parametrize(
    "changes",
    [
        {"item": "Z.9"},
        {"result": "maybe"},
        {"base_rev": -1},
        {"base_rev": "1"},
        {"base_rev": True},
        {"note": 5},
        {"client_ts": "yesterday"},
    ],
)
def test_bad_ops_get_422_and_nothing_is_applied(client, login, team, inspection, changes):
    login(team["lead"])
    response = post(client, inspection, op(item="A.2"), {**op(), **changes})
    assert response.status_code == 422 and "error" in response.json
    assert count(Answer) == 0 and count(SyncOp) == 0


def test_dossier_planned_inspection_is_not_started_by_answers(client, login, team, make_inspection):
    dossier = make_inspection(mode=InspectionMode.DOSSIER, lead=team["lead"])
    login(team["lead"])
    post(client, dossier, op())
    db.session.refresh(dossier)
    assert dossier.status is InspectionStatus.PLANNED


def test_a_batch_applies_in_order(client, login, team, inspection):
    login(team["lead"])
    ops = [
        op(item="A.1"),
        op(item="A.2", result="observation"),
        op(item="A.1", base_rev=1, result=None),
    ]
    results = post(client, inspection, *ops).json["results"]
    assert [(r["status"], r["rev"]) for r in results] == [
        ("applied", 1),
        ("applied", 1),
        ("applied", 2),
    ]


def test_get_inspection_detail_shape(client, login, team, inspection):
    login(team["member"])
    post(client, inspection, op(note="ghi chú"))
    body = client.get(f"/api/v1/inspections/{inspection.id}").json
    assert set(body) >= {"id", "year", "agency", "mode", "status", "lead", "rev", "items"}
    first = body["items"][0]
    assert set(first) == {"code", "group", "text", "answer"}
    assert first["answer"]["result"] == "conform" and first["answer"]["rev"] == 1
    assert first["answer"]["updated_by"] == team["member"].username
    assert body["items"][1]["answer"] is None


def test_get_inspection_outside_reach_is_404(client, login, make_user, inspection):
    login(make_user(Role.INSPECTOR))
    assert client.get(f"/api/v1/inspections/{inspection.id}").status_code == 404
    assert client.get("/api/v1/inspections/999999").status_code == 404
