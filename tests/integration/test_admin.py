"""User administration and the audit log browser (admin only)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import ApiToken, AuditLog, Role, User
from inspect_app.services.users import create_token
from tests.factories import PASSWORD


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="boss")


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.VIEWER, Role.AGENCY])
def test_non_admins_are_refused(client, login, make_user, role):
    login(make_user(role))
    for path in ("/admin/", "/admin/users", "/admin/audit", "/admin/users/new"):
        assert client.get(path).status_code == 403


def test_create_user_with_validation(client, login, admin, make_agency):
    login(admin)
    page = client.post(
        "/admin/users/new",
        data={"username": "ong an", "full_name": "", "role": "agency", "password": "x"},
    ).get_data(as_text=True)
    assert "Tên đăng nhập chỉ gồm" in page and "ít nhất" in page
    assert "phải gắn với một cơ quan" in page
    agency = make_agency(code="XA-1")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "iso.tinhkhe",
            "full_name": "Nguyễn Thị Lan",
            "role": "agency",
            "agency_code": "XA-1",
            "password": "long-enough-1",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "iso.tinhkhe"))
    assert user.agency_id == agency.id and user.role is Role.AGENCY


def test_duplicate_username_is_refused(client, login, admin):
    login(admin)
    page = client.post(
        "/admin/users/new",
        data={"username": "boss", "full_name": "X", "role": "viewer", "password": "long-enough-1"},
    ).get_data(as_text=True)
    assert "Tên đăng nhập đã tồn tại." in page


def test_deactivating_ends_sessions_and_tokens(app, client, login, admin, make_user):
    target = make_user(Role.INSPECTOR, full_name="Cũ")
    _row, token = create_token(target)
    db.session.commit()
    other = app.test_client()
    login(target, other)
    login(admin)
    client.post(
        f"/admin/users/{target.id}",
        data={"full_name": "Cũ", "role": "inspector", "email": "", "agency_code": ""},
    )
    db.session.refresh(target)
    assert target.active is False
    assert other.get("/").status_code == 200 and "Đăng xuất" not in other.get("/").get_data(
        as_text=True
    )
    api = app.test_client()
    assert (
        api.get("/api/v1/inspections", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_admin_cannot_lock_themselves_out(client, login, admin):
    login(admin)
    client.post(
        f"/admin/users/{admin.id}",
        data={"full_name": "Boss", "role": "viewer", "email": "", "agency_code": "", "active": "y"},
    )
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN


def test_password_reset_and_token_revoke(app, client, login, admin, make_user):
    target = make_user(Role.INSPECTOR)
    row, token = create_token(target)
    db.session.commit()
    login(admin)
    client.post(f"/admin/users/{target.id}/password", data={"password": "brand-new-123"})
    api = app.test_client()
    assert (
        api.get("/api/v1/inspections", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    client.post(f"/admin/users/{target.id}/tokens/{row.id}/revoke")
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    response = app.test_client().post(
        "/login", data={"username": target.username, "password": PASSWORD}
    )
    assert response.status_code == 200  # the old password no longer works


def test_a_password_an_admin_set_is_changed_at_the_next_login(app, login, admin, make_user):
    target = make_user(Role.INSPECTOR)
    boss = app.test_client()
    login(admin, boss)
    boss.post(f"/admin/users/{target.id}/password", data={"password": "set-by-admin-1"})
    db.session.refresh(target)
    assert target.must_change_password is True

    person = app.test_client()
    response = person.post(
        "/login", data={"username": target.username, "password": "set-by-admin-1"}
    )
    assert response.headers["Location"].endswith("/account/password")
    # every page waits for the change; the API (offline sync) and logging out do not
    assert person.get("/inspections").headers["Location"].endswith("/account/password")
    assert person.get("/").headers["Location"].endswith("/account/password")
    page = person.get("/account/password").get_data(as_text=True)
    assert "Mật khẩu của bạn do quản trị viên đặt; hãy đổi mật khẩu trước khi tiếp tục." in page
    assert person.get("/api/v1/inspections").status_code == 200

    changed = person.post(
        "/account/password",
        data={"current": "set-by-admin-1", "new": "my-own-secret-1", "confirm": "my-own-secret-1"},
    )
    assert changed.status_code == 302
    db.session.refresh(target)
    assert target.must_change_password is False
    assert person.get("/inspections").status_code == 200


def test_a_user_an_admin_creates_changes_the_password_first(app, client, login, admin):
    login(admin)
    client.post(
        "/admin/users/new",
        data={
            "username": "kiemtra9",
            "full_name": "Kiểm Tra Chín",
            "role": "inspector",
            "password": "first-pass-123",
            "email": "",
            "agency_code": "",
        },
    )
    created = db.session.scalar(select(User).where(User.username == "kiemtra9"))
    assert created is not None and created.must_change_password is True


def test_audit_log_filters(client, login, admin, make_user):
    make_user(Role.VIEWER)
    login(admin)
    client.post(
        "/admin/users/new",
        data={
            "username": "newbie",
            "full_name": "Mới",
            "role": "viewer",
            "password": "long-enough-1",
        },
    )
    assert db.session.scalar(select(AuditLog).where(AuditLog.user_id == admin.id)) is not None
    page = client.get("/admin/audit?user=boss&object_type=users").get_data(as_text=True)
    assert "newbie" in page
    page = client.get("/admin/audit?since=31/12/2099").get_data(as_text=True)
    assert "newbie" not in page
    page = client.get("/admin/audit?since=02/01/2026&until=01/01/2026").get_data(as_text=True)
    assert "phải sau" in page


def test_the_admin_records_a_title_and_position(client, login, admin, make_user):
    target = make_user(Role.INSPECTOR, full_name="Trần Thị Hoa")
    login(admin)
    form = {"full_name": "Trần Thị Hoa", "role": "inspector", "email": "", "agency_code": ""}
    form |= {"active": "y", "honorific": "Bà", "position": "  Chuyên viên   Chi cục TĐC "}
    assert client.post(f"/admin/users/{target.id}", data=form).status_code == 302
    db.session.refresh(target)
    assert (target.honorific, target.position) == ("Bà", "Chuyên viên Chi cục TĐC")
    assert target.title_and_name == "Bà Trần Thị Hoa"

    page = client.post(f"/admin/users/{target.id}", data=form | {"honorific": "Cô"})
    assert page.status_code == 200 and "Giá trị đã chọn không hợp lệ." in page.get_data(True)
    db.session.refresh(target)
    assert target.honorific == "Bà"

    client.post(f"/admin/users/{target.id}", data=form | {"honorific": "", "position": ""})
    db.session.refresh(target)
    assert (target.honorific, target.position) == (None, None)
    assert target.title_and_name == "Ông/Bà Trần Thị Hoa"
