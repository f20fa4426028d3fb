"""User accounts: roles, agency binding, passwords and tokens (services.users)."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import AuditLog, Role, User
from inspect_app.services import users
from tests.factories import PASSWORD

GOOD_PASSWORD = "long-enough-1"


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_create_user_hashes_the_password_and_audits(app):
    user = users.create_user("  bob ", role=Role.INSPECTOR, password=GOOD_PASSWORD)
    db.session.commit()

    assert user.username == "bob"
    assert user.full_name == "bob"
    assert user.session_version == 1 and user.active
    assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert check_password_hash(user.password_hash, GOOD_PASSWORD)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "users"))
    assert entry.action == "create" and entry.object_id == user.id
    assert "password_hash" not in entry.after


def test_create_agency_user_binds_the_agency(make_agency):
    agency = make_agency()

    user = users.create_user("iso", role=Role.AGENCY, password=GOOD_PASSWORD, agency=agency)

    assert user.agency_id == agency.id


def test_agency_role_needs_an_agency(app):
    with pytest.raises(DomainError) as excinfo:
        users.create_user("iso", role=Role.AGENCY, password=GOOD_PASSWORD)

    assert excinfo.value.message == "Người dùng vai trò cơ quan phải gắn với một cơ quan."
    assert user_count() == 0


@pytest.mark.parametrize("role", [Role.ADMIN, Role.INSPECTOR, Role.VIEWER])
def test_other_roles_refuse_an_agency(make_agency, role):
    agency = make_agency()

    with pytest.raises(DomainError) as excinfo:
        users.create_user("staff", role=role, password=GOOD_PASSWORD, agency=agency)

    assert "cơ quan" in excinfo.value.message
    assert user_count() == 0


@pytest.mark.parametrize("username", ["", "   "])
def test_username_is_required(app, username):
    with pytest.raises(DomainError, match="Tên đăng nhập"):
        users.create_user(username, role=Role.VIEWER, password=GOOD_PASSWORD)


def test_duplicate_username_is_refused(make_user):
    existing = make_user(Role.VIEWER)

    with pytest.raises(DomainError, match="đã tồn tại"):
        users.create_user(existing.username, role=Role.ADMIN, password=GOOD_PASSWORD)


@pytest.mark.parametrize("password", ["", "short", "7chars!"])
def test_short_password_is_refused(app, password):
    with pytest.raises(DomainError, match="ít nhất 8 ký tự"):
        users.create_user("carol", role=Role.VIEWER, password=password)
    assert user_count() == 0


def test_database_refuses_agency_role_without_agency(app):
    db.session.add(User(username="x", full_name="X", role=Role.AGENCY, password_hash="h"))

    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.INSPECTOR, Role.VIEWER])
def test_database_refuses_an_agency_on_other_roles(make_agency, role):
    agency = make_agency()
    db.session.add(User(username="y", full_name="Y", role=role, agency=agency, password_hash="h"))

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_authenticate(make_user):
    user = make_user(Role.INSPECTOR)

    assert users.authenticate(user.username, PASSWORD) == user
    assert users.authenticate(user.username, PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None


def test_authenticate_refuses_disabled_users(make_user):
    user = make_user(Role.INSPECTOR, active=False)

    assert users.authenticate(user.username, PASSWORD) is None


def test_set_password_bumps_the_session_version(make_user):
    user = make_user(Role.INSPECTOR)

    users.set_password(user, "another-pass-2")

    assert user.session_version == 2
    assert users.authenticate(user.username, "another-pass-2") == user
    assert users.authenticate(user.username, PASSWORD) is None


def test_set_password_validates_length(make_user):
    user = make_user(Role.INSPECTOR)

    with pytest.raises(DomainError):
        users.set_password(user, "short")
    assert user.session_version == 1


def test_deactivation_bumps_the_session_version_and_reactivation_does_not(make_user):
    user = make_user(Role.INSPECTOR)

    users.set_active(user, False)
    assert (user.active, user.session_version) == (False, 2)
    users.set_active(user, True)
    assert (user.active, user.session_version) == (True, 2)


def test_token_is_stored_only_as_a_hash(make_user):
    user = make_user(Role.VIEWER)

    row, token = users.create_token(user, "laptop")
    db.session.commit()

    assert len(token) >= 40
    assert row.token_hash != token and token not in row.token_hash
    assert row.prefix == token[:8]
    assert users.user_for_token(token) == user
    assert users.user_for_token(token + "x") is None
    audit = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "api_tokens"))
    assert token not in str(audit.after)


def test_tokens_differ(make_user):
    user = make_user(Role.VIEWER)

    tokens = {users.create_token(user)[1] for _ in range(5)}

    assert len(tokens) == 5
