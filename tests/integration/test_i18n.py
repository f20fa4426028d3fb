"""The vi/en switch (Vietnamese by default, English on request; docs/ARCHITECTURE.md)."""

import re

import pytest


def html_lang(client, path="/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def test_vietnamese_by_default(client):
    assert html_lang(client) == "vi"
    with client.session_transaction() as session:
        assert "lang" not in session


def test_switch_to_english_and_back(client):
    response = client.post("/lang/en", data={"next": "/login"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    assert html_lang(client) == "en"
    assert html_lang(client, "/") == "en"

    client.post("/lang/vi")
    with client.session_transaction() as session:
        assert session["lang"] == "vi"
    assert html_lang(client) == "vi"


def test_the_switch_names_the_other_language(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'action="/lang/en"' in page

    client.post("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    assert 'action="/lang/vi"' in page


@pytest.mark.parametrize("code", ["fr", "EN", "xx"])
def test_unknown_language_is_ignored(client, code):
    client.post(f"/lang/{code}")

    with client.session_transaction() as session:
        assert "lang" not in session
    assert html_lang(client) == "vi"


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/login", "/login"), ("//evil.com", "/"), ("https://evil.com", "/"), (None, "/")],
)
def test_switch_redirects_only_to_own_paths(client, next_url, expected):
    data = {} if next_url is None else {"next": next_url}

    response = client.post("/lang/en", data=data)

    assert response.headers["Location"] == expected


def test_switch_requires_post(client):
    assert client.get("/lang/en").status_code == 405
