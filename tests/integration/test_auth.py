"""Login, logout and session lifetime (CONTRACTS 5.7, 7)."""

import re

import pytest
from flask_login import login_required

from inspect_app.extensions import db
from inspect_app.models import Role, User
from inspect_app.services import users
from tests.factories import PASSWORD

NEUTRAL_ERROR = "Tên đăng nhập hoặc mật khẩu không đúng."
LOGOUT_LABEL = "Đăng xuất"


@pytest.fixture
def protected_url(app):
    """A page that only signed-in users reach, registered before the first request."""

    @login_required
    def members_only():
        return "members only"

    app.add_url_rule("/_test/members-only", "members_only", members_only)
    return "/_test/members-only"


def label_for(page: str, field_id: str) -> str | None:
    match = re.search(rf'<label[^>]*\bfor="{field_id}"[^>]*>(.*?)</label>', page, re.S)
    return match.group(1).strip() if match else None


def submit_login(client, username, password, **extra):
    return client.post("/login", data={"username": username, "password": password, **extra})


def is_signed_in(client) -> bool:
    return LOGOUT_LABEL in client.get("/").get_data(as_text=True)


def test_login_page_labels_fields_and_button(client):
    response = client.get("/login")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert label_for(page, "username") == "Tên đăng nhập"
    assert label_for(page, "password") == "Mật khẩu"
    assert re.search(r'id="username"[^>]*|<input[^>]*name="username"', page)
    assert re.search(
        r'<input[^>]*type="password"[^>]*name="password"|<input[^>]*'
        r'name="password"[^>]*type="password"',
        page,
    )
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Đăng nhập\s*</button>', page)
    assert LOGOUT_LABEL not in page


def test_login_with_the_real_password_signs_in(client, make_user):
    user = make_user(Role.INSPECTOR)

    response = submit_login(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_signed_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_login_trims_the_username(client, make_user):
    user = make_user(Role.VIEWER)

    submit_login(client, f"  {user.username} ", PASSWORD)

    assert is_signed_in(client)


@pytest.mark.parametrize("case", ["wrong_password", "unknown_user"])
def test_failed_login_gives_one_neutral_message(client, make_user, case):
    user = make_user(Role.INSPECTOR)
    username, password = {
        "wrong_password": (user.username, "not-the-password"),
        "unknown_user": ("nobody-here", PASSWORD),
    }[case]

    response = submit_login(client, username, password)
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert page.count(NEUTRAL_ERROR) == 1
    assert label_for(page, "password") == "Mật khẩu"
    assert "không tồn tại" not in page
    assert not is_signed_in(client)


def test_wrong_and_unknown_failures_render_the_same_form(client, make_user):
    user = make_user(Role.INSPECTOR)

    def error_block(username):
        page = submit_login(client, username, "bad-password-9").get_data(as_text=True)
        return re.findall(r'<div class="invalid-feedback[^"]*">(.*?)</div>', page, re.S)

    assert error_block(user.username) == error_block("ghost") == [NEUTRAL_ERROR]


@pytest.mark.parametrize("missing", ["username", "password"])
def test_empty_field_rerenders_the_form(client, make_user, missing):
    user = make_user(Role.INSPECTOR)
    data = {"username": user.username, "password": PASSWORD, missing: ""}

    response = client.post("/login", data=data)

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_disabled_user_cannot_log_in(client, make_user):
    user = make_user(Role.ADMIN, active=False)

    response = submit_login(client, user.username, PASSWORD)

    assert response.status_code == 200
    assert NEUTRAL_ERROR in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_next_is_kept_in_the_form(client):
    page = client.get("/login?next=/inspections/7").get_data(as_text=True)

    assert re.search(r'<input[^>]*name="next"[^>]*value="/inspections/7"', page)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/x", "/x"),
        ("/inspections/3?tab=findings", "/inspections/3?tab=findings"),
        ("//evil.com", "/"),
        ("https://evil.com", "/"),
        ("/\\evil.com", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_redirects_only_to_own_paths(client, make_user, next_url, expected):
    user = make_user(Role.INSPECTOR)

    response = submit_login(client, user.username, PASSWORD, next=next_url)

    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_signed_in_user_visiting_login_goes_home(client, login, make_user):
    login(make_user(Role.ADMIN))

    response = client.get("/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logout_requires_post(client, login, make_user):
    login(make_user(Role.ADMIN))

    assert client.get("/logout").status_code == 405
    assert is_signed_in(client)


def test_logout_ends_the_session(client, make_user, protected_url):
    user = make_user(Role.INSPECTOR)
    submit_login(client, user.username, PASSWORD)
    assert client.get(protected_url).status_code == 200

    response = client.post("/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not is_signed_in(client)
    assert client.get(protected_url).status_code == 302
    assert client.get("/api/v1/inspections").status_code == 401


def test_anonymous_logout_goes_to_login(client):
    response = client.post("/logout")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def _html_pages(app):
    """Every parameterless GET page of the app (the API and assets excepted)."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments:
            continue
        if rule.endpoint in ("static", "main.healthz", "auth.login") or rule.rule.startswith(
            ("/api/", "/_test/")
        ):
            continue
        yield rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_every_page_offers_logout_once_signed_in(app, client, make_user, role):
    user = make_user(role)
    submit_login(client, user.username, PASSWORD)
    pages = [*_html_pages(app), "/no-such-page"]
    assert "/" in pages

    for path in pages:
        response = client.get(path, follow_redirects=True)
        if response.mimetype != "text/html":
            continue
        assert LOGOUT_LABEL in response.get_data(as_text=True), path


def test_protected_page_sends_visitors_to_login(client, protected_url):
    response = client.get(protected_url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def _change_password(user):
    users.set_password(user, "a-new-password-42")


def _deactivate(user):
    users.set_active(user, False)


@pytest.mark.parametrize("change", [_change_password, _deactivate], ids=["password", "disabled"])
def test_session_ends_when_user_changes(client, make_user, protected_url, change):
    user = make_user(Role.INSPECTOR)
    submit_login(client, user.username, PASSWORD)
    assert client.get(protected_url).status_code == 200

    change(user)
    db.session.commit()

    response = client.get(protected_url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert not is_signed_in(client)


def test_new_password_works_and_old_one_does_not(client, make_user):
    user = make_user(Role.INSPECTOR)
    _change_password(user)
    db.session.commit()

    submit_login(client, user.username, PASSWORD)
    assert not is_signed_in(client)
    submit_login(client, user.username, "a-new-password-42")
    assert is_signed_in(client)


def test_reactivated_user_must_log_in_again(client, make_user, protected_url):
    user = make_user(Role.VIEWER)
    submit_login(client, user.username, PASSWORD)
    users.set_active(user, False)
    users.set_active(user, True)
    db.session.commit()

    assert client.get(protected_url).status_code == 302
    submit_login(client, user.username, PASSWORD)
    assert client.get(protected_url).status_code == 200


def test_session_stores_the_session_version(client, make_user):
    user = make_user(Role.INSPECTOR)
    submit_login(client, user.username, PASSWORD)

    with client.session_transaction() as session:
        user_id, version, token = session["_user_id"].split(":")
        assert (user_id, version) == (str(user.id), str(user.session_version)) and token


@pytest.mark.parametrize("forged", ["abc", "1", "1:x", ":1", "999:1"])
def test_forged_session_ids_are_anonymous(client, make_user, protected_url, forged):
    make_user(Role.ADMIN)
    with client.session_transaction() as session:
        session["_user_id"] = forged

    assert client.get(protected_url).status_code == 302


def test_password_hash_in_database_is_not_the_password(make_user):
    user = make_user(Role.INSPECTOR)
    stored = db.session.get(User, user.id).password_hash

    assert PASSWORD not in stored
    assert stored.startswith("scrypt:")
