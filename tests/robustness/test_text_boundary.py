"""Issue items 2 and 3: text PostgreSQL refuses, and JSON that breaks the parser, never 500."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import Answer, LoginAttempt, Role, SyncOp


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "url",
    [
        "/conformity/?q=a%00b",
        "/agencies/?q=%00",
        "/inspections?q=x%00",
        "/admin/audit?user=%00admin",
    ],
)
def test_nul_in_a_search_box_is_a_clear_400(client, login, make_user, url):
    login(make_user(Role.ADMIN))
    response = client.get(url)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.get_data(as_text=True)


def test_nul_in_a_login_name_is_refused_and_nothing_recorded(client):
    response = client.post("/login", data={"username": "ad\x00min", "password": "x"})
    assert response.status_code == 400
    assert count(LoginAttempt) == 0


def test_nul_in_a_form_field_is_refused(client, login, make_user, make_agency):
    agency = make_agency()
    login(make_user(Role.ADMIN))
    response = client.post(f"/agencies/{agency.id}/edit", data={"name": "Sở\x00 Tư pháp"})
    assert response.status_code == 400


def _post_ops(client, inspection, body):
    return client.post(
        f"/api/v1/inspections/{inspection.id}/answers",
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
    )


def _op(**fields):
    return {
        "op_id": str(uuid.uuid4()),
        "item": "A.1",
        "result": "conform",
        "note": "",
        "base_rev": 0,
        **fields,
    }


@pytest.mark.parametrize(
    "raw",
    [
        '{"ops": [{"op_id": "%s", "item": "A.1", "result": "conform", "note": "a\\u0000b", '
        '"base_rev": 0}]}',
        '{"ops": [{"op_id": "%s", "item": "A.1", "result": "conform", "note": "\\ud800", '
        '"base_rev": 0}]}',
        '{"ops": [{"op_id": "%s", "item": "A.1", "result": "conform", "\\udfff": 1, '
        '"base_rev": 0}]}',
    ],
    ids=["nul-note", "lone-surrogate-note", "lone-surrogate-key"],
)
def test_sync_note_with_nul_or_surrogate_is_a_json_400(client, login, team, raw):
    login(team["lead"])
    response = _post_ops(client, team["inspection"], raw % uuid.uuid4())
    assert response.status_code == 400 and response.is_json
    assert "ops[0]" in response.json["error"]
    assert count(SyncOp) == count(Answer) == 0


def test_deeply_nested_json_is_a_400_not_a_recursion_error(client, login, team):
    login(team["lead"])
    response = _post_ops(client, team["inspection"], "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400 and response.is_json
    assert "nested" in response.json["error"]


def test_moderately_nested_json_past_the_limit_is_refused(client, login, team):
    login(team["lead"])
    body = {"ops": [_op(note="ok")], "extra": json.loads("[" * 40 + "]" * 40)}
    response = _post_ops(client, team["inspection"], body)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "spell",
    [str.upper, lambda u: "{" + u + "}", lambda u: "urn:uuid:" + u, lambda u: u.replace("-", "")],
    ids=["upper", "braces", "urn", "no-hyphens"],
)
def test_only_the_canonical_op_id_is_accepted(client, login, team, spell):
    login(team["lead"])
    op_id = str(uuid.uuid4())
    response = _post_ops(client, team["inspection"], {"ops": [_op(op_id=spell(op_id))]})
    assert response.status_code == 422
    assert "op_id" in response.json["error"]
    assert count(SyncOp) == 0


def test_an_overlong_op_id_is_refused_before_it_reaches_the_column(client, login, team):
    login(team["lead"])
    long_id = str(uuid.uuid4()) + "0" * 796
    response = _post_ops(client, team["inspection"], {"ops": [_op(op_id=long_id)]})
    assert response.status_code == 422
    assert count(SyncOp) == 0


def test_the_canonical_op_id_is_applied_and_replayed_as_duplicate(client, login, team):
    login(team["lead"])
    body = {"ops": [_op()]}
    first = _post_ops(client, team["inspection"], body)
    again = _post_ops(client, team["inspection"], body)
    assert first.json["results"][0]["status"] == "applied"
    assert again.json["results"][0]["status"] == "duplicate"


@pytest.mark.parametrize("base_rev", [2**31, 2**70])
def test_a_base_rev_beyond_the_column_is_422(client, login, team, base_rev):
    login(team["lead"])
    response = _post_ops(client, team["inspection"], {"ops": [_op(base_rev=base_rev)]})
    assert response.status_code == 422


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_client_timestamp_out_of_range_is_422(client, login, team, stamp):
    login(team["lead"])
    response = _post_ops(client, team["inspection"], {"ops": [_op(client_ts=stamp)]})
    assert response.status_code == 422
    assert "client_ts" in response.json["error"]


def test_a_forwarded_address_that_is_not_an_address_is_refused(app, make_user):
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    response = app.test_client().post(
        "/login",
        data={"username": "admin", "password": "x"},
        headers={"X-Forwarded-For": "1.2.3.4\x00<script>"},
    )
    assert response.status_code == 400
    assert count(LoginAttempt) == 0
