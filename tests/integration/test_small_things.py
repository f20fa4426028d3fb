"""Small things a new user notices: the icon, the page titles, the breadcrumb's name."""

from __future__ import annotations

import re

from inspect_app.models import Role


def test_favicon_is_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data


def test_titles_end_in_the_products_vietnamese_name(client, login, make_user):
    assert re.search(r"<title>[^<]*· Kiểm tra HTQLCL</title>", client.get("/login").text)
    login(make_user(Role.ADMIN))
    page = client.get("/admin/audit").text
    assert "<title>Nhật ký thay đổi · Kiểm tra HTQLCL</title>" in page
    assert "inspect_app</title>" not in page


def test_registers_are_grouped_in_one_menu_for_the_admin(client, login, make_user):
    login(make_user(Role.ADMIN))
    page = client.get("/agencies/").text
    menu = page.split('data-bs-toggle="dropdown"')[1].split("</ul>")[0]
    assert "Danh mục" in menu
    for label in ("Cơ quan", "Quyết định", "Đào tạo", "Phiếu kiểm tra"):
        assert label in menu
    assert 'class="dropdown-item active" href="/agencies/"' in menu


def test_a_lone_register_stays_a_plain_link(app, monkeypatch):
    """A group with one entry for the role is a plain link, not a one-item dropdown."""
    from inspect_app.web import navigation

    lone = (
        navigation.NavEntry("main.index", "Trang chủ", (Role.INSPECTOR,)),
        navigation.NavEntry("agencies.index", "Cơ quan", (Role.INSPECTOR,), navigation.REGISTERS),
    )
    monkeypatch.setattr(navigation, "NAV_ENTRIES", lone)
    user = type("U", (), {"is_authenticated": True, "role": Role.INSPECTOR})()
    with app.test_request_context("/"):
        items = navigation.nav_items(user)
    assert [item.get("children") for item in items] == [None, None]
    assert [str(item["label"]) for item in items] == ["Trang chủ", "Cơ quan"]
