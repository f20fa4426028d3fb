"""GET /api/v1/inspections and API authentication (CONTRACTS 5.4)."""

import pytest

from inspect_app.extensions import db
from inspect_app.models import InspectionMode, PlanStatus, Role
from inspect_app.models.base import utcnow
from inspect_app.services import users

URL = "/api/v1/inspections"
SUMMARY_KEYS = {"id", "year", "agency", "mode", "status", "lead"}
AGENCY_KEYS = {"id", "code", "name", "level"}


@pytest.fixture
def world(make_agency, make_user, make_plan, make_inspection):
    agency_a, agency_b = make_agency(), make_agency()
    approved, draft = make_plan(2026), make_plan(2027, status=PlanStatus.DRAFT)
    people = {
        "admin": make_user(Role.ADMIN),
        "viewer": make_user(Role.VIEWER),
        "lead": make_user(Role.INSPECTOR),
        "member": make_user(Role.INSPECTOR),
        "outsider": make_user(Role.INSPECTOR),
        "agency_a": make_user(Role.AGENCY, agency=agency_a),
        "agency_b": make_user(Role.AGENCY, agency=agency_b),
    }
    inspections = {
        "a_on_site": make_inspection(plan=approved, agency=agency_a, lead=people["lead"]),
        "b_dossier": make_inspection(
            plan=approved,
            agency=agency_b,
            mode=InspectionMode.DOSSIER,
            members=[people["member"]],
        ),
        "a_draft": make_inspection(plan=draft, agency=agency_a, lead=people["lead"]),
    }
    return {"users": people, "inspections": inspections}


VISIBLE = {
    "admin": ["a_on_site", "b_dossier", "a_draft"],
    "viewer": ["a_on_site", "b_dossier", "a_draft"],
    "lead": ["a_on_site", "a_draft"],
    "member": ["b_dossier"],
    "outsider": [],
    "agency_a": ["a_on_site"],
    "agency_b": ["b_dossier"],
}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def token_for(user) -> str:
    _row, token = users.create_token(user)
    db.session.commit()
    return token


def ids(response) -> list[int]:
    return [row["id"] for row in response.get_json()["inspections"]]


def assert_json_401(response) -> None:
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_token_sees_only_what_the_role_allows(client, world, who):
    token = token_for(world["users"][who])

    response = client.get(URL, headers=bearer(token))

    assert response.status_code == 200
    expected = [world["inspections"][name].id for name in VISIBLE[who]]
    assert ids(response) == sorted(expected)


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_session_cookie_sees_the_same(client, login, world, who):
    login(world["users"][who])

    response = client.get(URL)

    assert response.status_code == 200
    assert ids(response) == sorted(world["inspections"][name].id for name in VISIBLE[who])


def test_summary_shape(client, world):
    token = token_for(world["users"]["lead"])
    inspection = world["inspections"]["a_on_site"]

    body = client.get(URL, headers=bearer(token)).get_json()

    assert set(body) == {"inspections", "next"}  # DESIGN 5.9 adds the cursor
    first = body["inspections"][0]
    assert set(first) == SUMMARY_KEYS
    assert set(first["agency"]) == AGENCY_KEYS
    assert first == {
        "id": inspection.id,
        "year": 2026,
        "agency": {
            "id": inspection.agency.id,
            "code": inspection.agency.code,
            "name": inspection.agency.name,
            "level": "provincial",
        },
        "mode": "on_site",
        "status": "planned",
        "lead": world["users"]["lead"].username,
    }


def test_mode_values_and_missing_lead(client, world):
    token = token_for(world["users"]["member"])

    (row,) = client.get(URL, headers=bearer(token)).get_json()["inspections"]

    assert row["mode"] == "dossier"
    assert row["lead"] is None


def test_no_credentials_is_401_json(client, world):
    assert_json_401(client.get(URL))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic abc",
        "Bearer a b",
        "garbage",
        "Bearer " + "x" * 600,
        "Bearer tökén",
        "Bearer Đăng-nhập",
        "bearer",
        "Bearer\tabc",
    ],
    ids=lambda header: repr(header[:20]),
)
def test_malformed_authorization_is_401_json(client, world, header):
    assert_json_401(client.get(URL, headers={"Authorization": header}))


def test_bad_token_beside_a_valid_session_is_still_refused(client, login, world):
    login(world["users"]["admin"])

    assert_json_401(client.get(URL, headers=bearer("not-a-real-token")))


def test_revoked_token_is_401(client, world):
    row, token = users.create_token(world["users"]["admin"])
    row.revoked_at = utcnow()
    db.session.commit()

    assert_json_401(client.get(URL, headers=bearer(token)))


@pytest.mark.parametrize(
    "change",
    [
        lambda user: users.set_password(user, "brand-new-pass-3"),
        lambda user: users.set_active(user, False),
    ],
    ids=["password_changed", "disabled"],
)
def test_token_ends_with_the_users_sessions(client, world, change):
    user = world["users"]["admin"]
    token = token_for(user)
    assert client.get(URL, headers=bearer(token)).status_code == 200

    change(user)
    db.session.commit()

    assert_json_401(client.get(URL, headers=bearer(token)))


def test_token_request_never_sets_a_session_cookie(client, world):
    token = token_for(world["users"]["admin"])

    response = client.get(URL, headers=bearer(token))

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None
    # and the next request without the header is anonymous again
    assert_json_401(client.get(URL))


def test_token_does_not_sign_in_the_pages(client, world):
    token = token_for(world["users"]["admin"])

    page = client.get("/", headers=bearer(token)).get_data(as_text=True)

    assert "Đăng xuất" not in page


def test_logged_out_cookie_is_401(client, world):
    client.post(
        "/login",
        data={"username": world["users"]["viewer"].username, "password": "correct-horse-1"},
    )
    assert client.get(URL).status_code == 200

    client.post("/logout")

    assert_json_401(client.get(URL))


def test_unknown_api_path_is_404_json(client):
    response = client.get("/api/v1/nope")

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert set(response.get_json()) == {"error"}


def test_wrong_method_is_405_json(client, world):
    token = token_for(world["users"]["admin"])

    response = client.delete(URL, headers=bearer(token))

    assert response.status_code == 405
    assert set(response.get_json()) == {"error"}
