from inspect_app.models import Role


def test_login_page_is_vietnamese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Tên đăng nhập" in page and "Mật khẩu" in page and "Đăng nhập" in page


def test_admin_landing_offers_logout(client, login, make_user):
    login(make_user(Role.ADMIN))
    page = client.get("/").get_data(as_text=True)
    assert "Đăng xuất" in page
