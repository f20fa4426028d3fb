"""Checklist template versions: copy into v+1, edit unused copies, used versions immutable."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import AuditLog, ChecklistItem, ChecklistTemplate, Role
from inspect_app.services import checklists
from inspect_app.services.checklists import ChecklistError, TemplateLocked


def text(response) -> str:
    return response.get_data(as_text=True)


def item_form(**overrides) -> dict:
    data = {
        "code": "7.5.3",
        "group_code": "7",
        "group_title": "Hỗ trợ",
        "group_title_en": "Support",
        "text": "Thông tin dạng văn bản được kiểm soát.",
        "text_en": "Documented information is controlled.",
        "guidance": "Xem danh mục tài liệu.",
        "position": "10",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def used(make_template, make_inspection):
    """A version pinned by an inspection."""
    template = make_template(3)
    make_inspection(template=template)
    return template


def test_copy_makes_the_next_version_with_the_same_items(used, admin):
    copy = checklists.copy_template(used, admin)
    db.session.commit()

    assert (copy.name, copy.version, copy.based_on_id) == (used.name, 2, used.id)
    fields = ("code", "group_code", "group_title", "text", "text_en", "guidance", "position")
    assert [tuple(getattr(i, f) for f in fields) for i in copy.items] == [
        tuple(getattr(i, f) for f in fields) for i in used.items
    ]
    assert {i.id for i in copy.items}.isdisjoint({i.id for i in used.items})
    assert not checklists.is_used(copy) and checklists.is_used(used)
    assert checklists.copy_template(used, admin).version == 3  # always the highest + 1
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "copy"))


def test_used_version_is_immutable(used, admin):
    item = used.items[0]

    with pytest.raises(TemplateLocked, match="không thể sửa"):
        checklists.update_item(item, admin, **item_form(code=item.code))
    with pytest.raises(TemplateLocked):
        checklists.add_item(used, admin, **item_form())
    with pytest.raises(TemplateLocked):
        checklists.delete_item(item, admin)
    db.session.rollback()
    assert len(db.session.get(ChecklistTemplate, used.id).items) == 3


def test_edits_on_an_unused_copy(used, admin):
    copy = checklists.copy_template(used, admin)
    first = copy.items[0]

    added = checklists.add_item(copy, admin, **item_form())
    changed = checklists.update_item(
        first, admin, **item_form(code=first.code, text="Nội dung mới", position="0")
    )
    checklists.delete_item(copy.items[1], admin)
    db.session.commit()

    assert changed
    codes = [i.code for i in db.session.get(ChecklistTemplate, copy.id).items]
    assert codes == [first.code, used.items[2].code, "7.5.3"]
    assert first.text == "Nội dung mới"
    assert added.group_title == "Hỗ trợ"
    assert [i.text for i in used.items] == [f"Nội dung kiểm tra {n}" for n in (1, 2, 3)]


def test_code_is_unique_in_a_template(make_template, admin):
    template = make_template(2)

    with pytest.raises(ChecklistError, match="đã có trong phiếu"):
        checklists.add_item(template, admin, **item_form(code="a.1"))


def test_new_group_needs_a_title_but_existing_group_reuses_it(make_template, admin):
    template = make_template(2)

    with pytest.raises(ChecklistError, match="Nhóm mới cần có tên nhóm"):
        checklists.add_item(template, admin, **item_form(group_title=""))
    item = checklists.add_item(template, admin, **item_form(group_code="A", group_title=""))

    assert item.group_title == "Pháp lý"


# --- pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 200), (Role.VIEWER, 403), (Role.INSPECTOR, 403), (Role.AGENCY, 403)],
)
def test_admin_only(client, login, make_user, make_template, role, expected):
    template = make_template(2)
    login(make_user(role))

    assert client.get("/checklists/").status_code == expected
    assert client.get(f"/checklists/{template.id}").status_code == expected
    changed = 302 if role is Role.ADMIN else expected
    assert client.post(f"/checklists/{template.id}/copy").status_code == changed
    new_item = client.post(f"/checklists/{template.id}/items/new", data=item_form())
    assert new_item.status_code == changed
    expected_versions = 2 if role is Role.ADMIN else 1
    assert (
        db.session.scalar(select(func.count()).select_from(ChecklistTemplate)) == expected_versions
    )


def test_anonymous_goes_to_login(client):
    response = client.get("/checklists/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_list_shows_versions_and_usage(client, login, admin, used):
    copy = checklists.copy_template(used, admin)
    db.session.commit()
    login(admin)

    page = text(client.get("/checklists/"))

    assert used.name in page
    assert "Đã sử dụng, không sửa được" in page and "Chưa sử dụng, có thể sửa" in page
    rows = {t.template.id: t for t in checklists.list_templates()}
    assert (rows[used.id].used_by, rows[used.id].items) == (1, 3)
    assert (rows[copy.id].used_by, rows[copy.id].items) == (0, 3)


def test_copy_through_the_page_then_edit_the_copy(client, login, admin, used):
    login(admin)

    response = client.post(f"/checklists/{used.id}/copy")
    copy = db.session.scalars(select(ChecklistTemplate).where(ChecklistTemplate.version == 2)).one()
    assert response.headers["Location"] == f"/checklists/{copy.id}"
    page = text(client.get(f"/checklists/{copy.id}"))
    assert "Tạo phiên bản mới" in page and "Thêm nội dung" in page and ">Sửa<" in page

    response = client.post(f"/checklists/{copy.id}/items/new", data=item_form())
    assert response.status_code == 302
    item = copy.items[0]
    response = client.post(
        f"/checklists/{copy.id}/items/{item.id}/edit",
        data=item_form(code=item.code, text="Đã sửa nội dung"),
    )
    assert response.status_code == 302
    assert db.session.get(ChecklistItem, item.id).text == "Đã sửa nội dung"

    response = client.post(f"/checklists/{copy.id}/items/{item.id}/delete")
    assert response.status_code == 302
    assert db.session.get(ChecklistItem, item.id) is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "A.1"}, "Mã này đã có trong phiếu kiểm tra."),
        ({"code": ""}, "Vui lòng nhập mã nội dung"),
        ({"text": " "}, "Vui lòng nhập nội dung kiểm tra."),
        ({"group_code": "9", "group_title": ""}, "Nhóm mới cần có tên nhóm."),
        ({"position": "abc"}, "Thứ tự phải là một số nguyên."),
        ({"position": "-1"}, "Thứ tự phải từ 0 đến 100.000."),
        ({"code": "X" * 20}, "Tối đa 16 ký tự."),
    ],
)
def test_bad_item_input(client, login, admin, make_template, overrides, message):
    template = make_template(2)
    login(admin)

    response = client.post(f"/checklists/{template.id}/items/new", data=item_form(**overrides))

    assert response.status_code == 422
    assert message in text(response)
    assert len(db.session.get(ChecklistTemplate, template.id).items) == 2


def test_used_version_hides_and_refuses_edits(client, login, admin, used):
    item = used.items[0]
    login(admin)

    page = text(client.get(f"/checklists/{used.id}"))
    assert "Thêm nội dung" not in page and ">Sửa<" not in page and ">Xóa<" not in page
    assert "không thể sửa" in page

    response = client.post(
        f"/checklists/{used.id}/items/{item.id}/edit", data=item_form(code=item.code, text="X")
    )
    assert response.status_code == 302
    assert "đã được dùng cho cuộc kiểm tra nên không thể sửa" in text(
        client.get(response.headers["Location"])
    )
    assert client.post(f"/checklists/{used.id}/items/{item.id}/delete").status_code == 302
    assert client.get(f"/checklists/{used.id}/items/new").status_code == 302
    db.session.expire_all()
    assert db.session.get(ChecklistItem, item.id).text == "Nội dung kiểm tra 1"
    assert len(db.session.get(ChecklistTemplate, used.id).items) == 3


def test_item_of_another_template_is_404(client, login, admin, make_template):
    one, other = make_template(1), make_template(1)
    login(admin)

    assert client.get(f"/checklists/{one.id}/items/{other.items[0].id}/edit").status_code == 404
    assert client.get("/checklists/9999").status_code == 404
