"""WTForms' built-in messages come from the app's catalogue, in Vietnamese and English."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from inspect_app.config import PROJECT_DIR
from inspect_app.models import Role
from inspect_app.web.wtforms_i18n import BUILTIN_MESSAGES, builtin_plurals

REQUIRED_EN = "This field is required."
REQUIRED_VI = "Vui lòng điền trường này."


def catalogue(lang):
    path = PROJECT_DIR / "inspect_app" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_builtin_message_is_in_the_catalogue(lang):
    found = catalogue(lang)
    ids = [str(message._args[0]) for message in BUILTIN_MESSAGES]
    ids += builtin_plurals(lambda singular, plural, n: singular)
    for msgid in ids:
        message = found.get(msgid)
        assert message is not None, msgid
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), msgid
        if lang == "vi":
            assert strings[0] != msgid, f"{msgid} is not translated into Vietnamese"


def test_login_with_empty_fields_answers_in_vietnamese(client):
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)

    assert REQUIRED_VI in page
    assert REQUIRED_EN not in page


def test_login_with_empty_fields_answers_in_english_on_request(client):
    client.post("/lang/en")
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)

    assert REQUIRED_EN in page


def test_password_change_and_new_user_answer_in_vietnamese(client, login, make_user):
    admin = make_user(Role.ADMIN)
    login(admin)

    for url, data in (
        ("/account/password", {"current": "", "new": "", "confirm": ""}),
        ("/admin/users/new", {"username": "", "password": "", "full_name": "", "role": "admin"}),
    ):
        page = client.post(url, data=data).get_data(as_text=True)
        assert REQUIRED_EN not in page, url
        assert "Vui lòng" in page, url


def test_length_message_is_vietnamese(client):
    page = client.post("/login", data={"username": "x" * 70, "password": "p"}).get_data(
        as_text=True
    )

    assert "Không được dài quá 64 ký tự." in page
