"""Login throttling is kept in the database, so every worker sees the same count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from inspect_app.extensions import db
from inspect_app.models import LoginAttempt, Role
from inspect_app.services import throttle
from tests.factories import PASSWORD


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_25_wrong_passwords_then_the_right_one_does_not_log_in(client, make_user):
    user = make_user(Role.ADMIN)
    for _ in range(25):
        assert attempt(client, user.username, "wrong-password").status_code == 200
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)
    assert client.get("/").get_data(as_text=True).count("Đăng xuất") == 0


def test_other_addresses_and_accounts_are_not_blocked(client, make_user):
    user = make_user(Role.ADMIN)
    other = make_user(Role.ADMIN)
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD, ip="10.0.0.2").status_code == 302
    client.post("/logout")
    assert attempt(client, other.username, PASSWORD).status_code == 302


def test_the_block_ends_after_the_window(client, make_user):
    user = make_user(Role.ADMIN)
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        attempt(client, user.username, "wrong-password")
    assert attempt(client, user.username, PASSWORD).status_code == 200
    db.session.execute(
        update(LoginAttempt).values(at=LoginAttempt.at - throttle.WINDOW - timedelta(seconds=1))
    )
    db.session.commit()
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_spraying_many_accounts_from_one_address_is_blocked(client, make_user):
    user = make_user(Role.ADMIN)
    for n in range(throttle.MAX_FAILURES_PER_IP):
        attempt(client, f"nobody{n}", "wrong-password")
    assert attempt(client, user.username, PASSWORD).status_code == 200


def test_password_change_ends_other_sessions(app, client, login, make_user):
    user = make_user(Role.INSPECTOR)
    other = app.test_client()
    login(user, other)
    login(user)
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "new-secret-123", "confirm": "new-secret-123"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200 and "Đăng xuất" in client.get("/").get_data(
        as_text=True
    )
    assert "Đăng xuất" not in other.get("/", follow_redirects=True).get_data(as_text=True)


def test_password_change_checks_the_current_password(client, login, make_user):
    user = make_user(Role.INSPECTOR)
    login(user)
    page = client.post(
        "/account/password",
        data={"current": "nope", "new": "new-secret-123", "confirm": "new-secret-123"},
    ).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in page
    page = client.post(
        "/account/password", data={"current": PASSWORD, "new": "short", "confirm": "short"}
    ).get_data(as_text=True)
    assert "ít nhất" in page
