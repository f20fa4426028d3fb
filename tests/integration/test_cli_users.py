"""`create-user` and `create-token` (CONTRACTS 5.3)."""

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import ApiToken, AuditLog, Role, User
from inspect_app.services import users

PASSWORD_INPUT = "field-work-2026\n"


def count(model) -> int:
    db.session.rollback()  # see what the command committed, not a stale snapshot
    return db.session.scalar(select(func.count()).select_from(model))


def create_user(runner, *args, input=PASSWORD_INPUT):
    return runner.invoke(args=["create-user", *args, "--password-stdin"], input=input)


def test_create_inspector_from_stdin(runner):
    result = create_user(runner, "bob", "--role", "inspector")

    assert result.exit_code == 0, result.output
    assert "bob" in result.output
    user = db.session.scalar(select(User).where(User.username == "bob"))
    assert user.role is Role.INSPECTOR and user.agency_id is None
    assert users.authenticate("bob", "field-work-2026") == user


def test_create_user_with_full_name(runner):
    result = create_user(runner, "an", "--role", "viewer", "--full-name", "Nguyễn Văn An")

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.full_name).where(User.username == "an")) == "Nguyễn Văn An"


def test_create_agency_user(runner, make_agency):
    agency = make_agency(code="SOKHCN")

    result = create_user(runner, "iso", "--role", "agency", "--agency", "SOKHCN")

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.agency_id).where(User.username == "iso")) == agency.id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "agency"], "cơ quan"),
        (["--role", "agency", "--agency", "UNKNOWN"], "UNKNOWN"),
        (["--role", "inspector", "--agency", "SOKHCN"], "cơ quan"),
        (["--role", "boss"], "boss"),
    ],
    ids=["agency_without_agency", "unknown_agency", "agency_on_inspector", "unknown_role"],
)
def test_bad_input_fails_and_writes_nothing(runner, make_agency, args, message):
    make_agency(code="SOKHCN")

    result = create_user(runner, "carol", *args)

    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == 0
    assert count(AuditLog) == 0


def test_duplicate_username_fails(runner, make_user):
    make_user(Role.VIEWER, username="dup")

    result = create_user(runner, "dup", "--role", "admin")

    assert result.exit_code != 0
    assert "dup" in result.output and "đã tồn tại" in result.output
    assert count(User) == 1


@pytest.mark.parametrize("password", ["short\n", "\n", ""])
def test_too_short_password_fails(runner, password):
    result = create_user(runner, "dave", "--role", "inspector", input=password)

    assert result.exit_code != 0
    assert "8" in result.output
    assert count(User) == 0


def test_create_token_prints_a_working_token(runner, client, make_user, make_inspection):
    user = make_user(Role.ADMIN, username="ops")
    inspection = make_inspection()

    result = runner.invoke(args=["create-token", "ops", "--name", "sync laptop"])

    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token and "\n" not in token
    assert count(ApiToken) == 1
    stored = db.session.scalar(select(ApiToken))
    assert stored.user_id == user.id and stored.name == "sync laptop"
    assert stored.token_hash != token
    response = client.get("/api/v1/inspections", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [row["id"] for row in response.get_json()["inspections"]] == [inspection.id]


def test_each_create_token_prints_a_new_token(runner, make_user):
    make_user(Role.VIEWER, username="ops")

    first = runner.invoke(args=["create-token", "ops"]).output.strip()
    second = runner.invoke(args=["create-token", "ops"]).output.strip()

    assert first != second
    assert count(ApiToken) == 2


def test_create_token_for_unknown_user_fails(runner):
    result = runner.invoke(args=["create-token", "ghost"])

    assert result.exit_code != 0
    assert "ghost" in result.output
    assert count(ApiToken) == 0


def test_create_token_for_disabled_user_fails(runner, make_user):
    make_user(Role.VIEWER, username="gone", active=False)

    result = runner.invoke(args=["create-token", "gone"])

    assert result.exit_code != 0
    assert count(ApiToken) == 0
