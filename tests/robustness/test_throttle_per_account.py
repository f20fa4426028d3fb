"""Issue item 4: a cap per account whatever the address; the per-address cap lifts soon."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from werkzeug.middleware.proxy_fix import ProxyFix

from inspect_app.extensions import db
from inspect_app.models import LoginAttempt, Role
from inspect_app.services import throttle
from tests.factories import PASSWORD

THROTTLED = "Đăng nhập sai quá nhiều lần"


def behind_proxy_fix(app):
    """The app as `PROXY_FIX=1` builds it, reached directly (the header is the client's)."""
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app.test_client()


def attempt(client, username, password, forwarded_for):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_30_wrong_passwords_from_30_forged_addresses_then_the_right_one_is_refused(app, make_user):
    client = behind_proxy_fix(app)
    admin = make_user(Role.ADMIN, username="admin")
    for n in range(30):
        attempt(client, admin.username, "wrong-password", f"198.51.100.{n}")
    response = attempt(client, admin.username, PASSWORD, "203.0.113.7")
    assert response.status_code == 200
    assert THROTTLED in response.get_data(as_text=True)
    tried = db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.succeeded.is_(False))
    )
    assert tried == throttle.MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS  # the rest were never tried


def test_the_account_cap_says_nothing_about_whether_the_account_exists(app, make_user):
    client = behind_proxy_fix(app)
    make_user(Role.ADMIN, username="admin")
    pages = {}
    for username in ("admin", "no-such-user"):
        for n in range(throttle.MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS):
            attempt(client, username, "wrong-password", f"198.51.100.{n}")
        pages[username] = attempt(client, username, "wrong-password", "203.0.113.9")
    assert {p.status_code for p in pages.values()} == {200}
    for page in pages.values():
        assert THROTTLED in page.get_data(as_text=True)


def test_the_owner_signs_in_from_a_known_address_during_an_attack(app, make_user):
    client = behind_proxy_fix(app)
    user = make_user(Role.INSPECTOR)
    assert attempt(client, user.username, PASSWORD, "10.1.1.5").status_code == 302
    client.post("/logout")
    for n in range(throttle.MAX_FAILURES_PER_ACCOUNT_ANY_ADDRESS + 5):
        attempt(client, user.username, "wrong-password", f"198.51.100.{n}")
    assert attempt(client, user.username, PASSWORD, "10.1.1.5").status_code == 302


def test_one_address_spraying_does_not_lock_out_users_who_work_there(app, make_user):
    client = behind_proxy_fix(app)
    regular, newcomer = make_user(Role.INSPECTOR), make_user(Role.VIEWER)
    office = "10.2.0.1"
    assert attempt(client, regular.username, PASSWORD, office).status_code == 302
    client.post("/logout")
    for n in range(throttle.MAX_FAILURES_PER_IP):
        attempt(client, f"nobody{n}", "wrong-password", office)
    assert attempt(client, regular.username, PASSWORD, office).status_code == 302
    client.post("/logout")
    assert attempt(client, newcomer.username, PASSWORD, office).status_code == 200


def test_the_address_cap_lifts_after_its_short_window(app, make_user):
    client = behind_proxy_fix(app)
    newcomer = make_user(Role.VIEWER)
    for n in range(throttle.MAX_FAILURES_PER_IP):
        attempt(client, f"nobody{n}", "wrong-password", "10.3.0.1")
    assert attempt(client, newcomer.username, PASSWORD, "10.3.0.1").status_code == 200
    assert throttle.IP_WINDOW < throttle.WINDOW
    db.session.execute(
        update(LoginAttempt).values(at=LoginAttempt.at - throttle.IP_WINDOW - timedelta(seconds=1))
    )
    db.session.commit()
    assert attempt(client, newcomer.username, PASSWORD, "10.3.0.1").status_code == 302
