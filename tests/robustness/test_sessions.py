"""Issue item 5: logout ends the session on the server; idle and absolute lifetimes hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from inspect_app.extensions import db
from inspect_app.models import Role, UserSession
from inspect_app.models.base import utcnow
from tests.factories import PASSWORD

ME = "/api/v1/csrf"  # 200 for a signed-in user, 401 otherwise


def sign_in(client, user, **extra):
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, **extra}
    )
    assert response.status_code == 302
    return client


def copy_cookie(app, client, name="session"):
    other = app.test_client()
    other.set_cookie(name, client.get_cookie(name).value)
    return other


def test_a_copied_session_cookie_stops_working_after_logout(app, client, make_user):
    user = make_user(Role.INSPECTOR)
    sign_in(client, user)
    thief = copy_cookie(app, client)
    assert thief.get(ME).status_code == 200
    client.post("/logout")
    assert thief.get(ME).status_code == 401
    assert thief.get("/inspections").status_code == 302


def test_a_copied_remember_cookie_stops_working_after_logout(app, client, make_user):
    user = make_user(Role.INSPECTOR)
    sign_in(client, user, remember="y")
    thief = copy_cookie(app, client, "remember_token")
    assert thief.get(ME).status_code == 200  # a restarted browser comes back
    client.post("/logout")
    again = app.test_client()
    again.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert again.get(ME).status_code == 401


def test_logging_out_on_one_device_keeps_the_other_signed_in(app, client, make_user):
    user = make_user(Role.INSPECTOR)
    laptop = sign_in(app.test_client(), user)
    sign_in(client, user)
    client.post("/logout")
    assert laptop.get(ME).status_code == 200
    assert client.get(ME).status_code == 401


def _age(field: str, by: timedelta) -> None:
    db.session.execute(update(UserSession).values({field: utcnow() - by}))
    db.session.commit()


@pytest.mark.parametrize(
    ("field", "age", "alive"),
    [
        ("last_seen_at", timedelta(minutes=30), True),
        ("last_seen_at", timedelta(minutes=61), False),
        ("created_at", timedelta(hours=11), True),
        ("created_at", timedelta(hours=12, minutes=1), False),
    ],
)
def test_idle_and_absolute_lifetimes(client, make_user, field, age, alive):
    sign_in(client, make_user(Role.VIEWER))
    _age(field, age)
    assert client.get(ME).status_code == (200 if alive else 401)


@pytest.mark.parametrize(
    ("field", "age", "alive"),
    [
        ("last_seen_at", timedelta(days=3), True),
        ("last_seen_at", timedelta(days=15), False),
        ("created_at", timedelta(days=29), True),
        ("created_at", timedelta(days=31), False),
    ],
)
def test_a_remembered_login_has_the_longer_lifetimes(client, make_user, field, age, alive):
    sign_in(client, make_user(Role.INSPECTOR), remember="y")
    _age(field, age)
    assert client.get(ME).status_code == (200 if alive else 401)


def test_the_lifetimes_are_settings(app, client, make_user):
    app.config["SESSION_IDLE_MINUTES"] = 5
    sign_in(client, make_user(Role.VIEWER))
    _age("last_seen_at", timedelta(minutes=6))
    assert client.get(ME).status_code == 401


def test_activity_keeps_an_idle_session_alive(client, make_user):
    sign_in(client, make_user(Role.VIEWER))
    _age("last_seen_at", timedelta(minutes=50))
    assert client.get(ME).status_code == 200
    row = db.session.scalars(select(UserSession)).one()
    db.session.refresh(row)
    seen = row.last_seen_at.replace(tzinfo=None)
    assert utcnow().replace(tzinfo=None) - seen < timedelta(minutes=5)


def test_the_cookie_holds_a_token_the_database_only_knows_by_hash(client, make_user):
    sign_in(client, make_user(Role.VIEWER))
    with client.session_transaction() as session:
        token = session["_user_id"].split(":")[2]
    row = db.session.scalars(select(UserSession)).one()
    assert len(token) >= 40 and token not in row.token_hash and len(row.token_hash) == 64
