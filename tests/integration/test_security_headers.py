"""Response headers and cookie flags (CONTRACTS 7)."""

import re

import pytest

from inspect_app.models import Role
from tests.factories import PASSWORD


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/login", "/", "/no-such-page", "/api/v1/inspections"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = csp_directives(response)

    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src == ["'self'"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_signed_in_page_has_the_headers_too(client, login, make_user):
    login(make_user(Role.ADMIN))

    response = client.get("/")

    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/login", "/", "/no-such-page"])
def test_pages_carry_no_inline_scripts(client, path):
    page = client.get(path).get_data(as_text=True)

    for tag in re.findall(r"<script\b[^>]*>", page):
        assert " src=" in tag, tag
    assert not re.search(r"\son[a-z]+=", page)
    assert "javascript:" not in page


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def _session_cookie_header(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user(Role.INSPECTOR)

    response = client.post("/login", data={"username": user.username, "password": PASSWORD})

    attributes = [part.strip().lower() for part in _session_cookie_header(response).split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


@pytest.mark.parametrize(
    ("base_url", "secure"), [("http://localhost", False), ("https://localhost", True)]
)
def test_session_cookie_is_secure_over_https(client, make_user, base_url, secure):
    user = make_user(Role.INSPECTOR)

    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD}, base_url=base_url
    )

    attributes = [part.strip().lower() for part in _session_cookie_header(response).split(";")]
    assert ("secure" in attributes) is secure
