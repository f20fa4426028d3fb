"""The agency register pages: access, search, create/edit, deactivate, merge, officer, import."""

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    AuditLog,
    Conclusion,
    ConformityAnnouncement,
    InspectionMode,
    InspectionStatus,
    PlanStatus,
    Role,
    Standard,
    TrainingCourse,
    TrainingKind,
    TrainingParticipant,
)
from inspect_app.models.base import utcnow
from inspect_app.services import agencies
from tests.job_helpers import started_job
from tests.unit.test_agency_import import PROVINCE_ROWS, workbook


def page_text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def announce(agency, status=AnnouncementStatus.ACKNOWLEDGED):
    announcement = ConformityAnnouncement(
        agency=agency,
        number=f"{agency.id}/CB",
        announced_on=date(2020, 12, 1),
        standard=Standard.ISO_9001_2015,
        scope="Toàn bộ thủ tục hành chính",
        procedures_count=42,
        status=status,
        acknowledged_at=utcnow() if status is AnnouncementStatus.ACKNOWLEDGED else None,
    )
    db.session.add(announcement)
    db.session.commit()
    return announcement


# -- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 200), (Role.INSPECTOR, 200), (Role.VIEWER, 200), (Role.AGENCY, 403)],
)
def test_list_is_for_staff(client, login, make_user, role, expected):
    login(make_user(role))

    assert client.get("/agencies/").status_code == expected


def test_anonymous_visitors_go_to_login(client, make_agency):
    agency = make_agency()

    for path in ("/agencies/", f"/agencies/{agency.id}", "/agencies/new", "/agencies/import"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path


def test_agency_user_sees_only_its_own_agency(client, login, make_agency, make_user):
    own, other = make_agency("UBND xã Tịnh Khê"), make_agency("UBND xã Tịnh Ấn")
    login(make_user(Role.AGENCY, agency=own))

    assert client.get(f"/agencies/{own.id}").status_code == 200
    assert client.get(f"/agencies/{other.id}").status_code == 404
    assert client.get("/agencies/999999").status_code == 404


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.VIEWER])
def test_staff_read_details_but_get_no_edit_buttons(client, login, make_agency, make_user, role):
    agency = make_agency("Sở Tư pháp")
    login(make_user(role))

    response = client.get(f"/agencies/{agency.id}")

    assert response.status_code == 200
    assert "Sở Tư pháp" in page_text(response)
    assert f"/agencies/{agency.id}/edit" not in page_text(response)


WRITE_PAGES = ["/new", "/{id}/edit", "/{id}/deactivate", "/{id}/merge", "/{id}/officer", "/import"]


@pytest.mark.parametrize("path", WRITE_PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 200), (Role.INSPECTOR, 403), (Role.VIEWER, 403), (Role.AGENCY, 403)],
)
def test_writes_are_for_admins(client, login, make_agency, make_user, path, role, expected):
    agency = make_agency()
    user = make_user(role, agency=agency if role is Role.AGENCY else None)
    login(user)

    assert client.get("/agencies" + path.format(id=agency.id)).status_code == expected
    if expected == 403:
        post = client.post("/agencies" + path.format(id=agency.id), data={"name": "x"})
        assert post.status_code == 403


# -- search, filters, pagination ------------------------------------------------------------


@pytest.fixture
def register(make_agency):
    district = make_agency("UBND huyện Sơn Tịnh", code="HST", level=AgencyLevel.DISTRICT)
    return {
        "khe": make_agency(
            "UBND xã Tịnh Khê", code="XTK", level=AgencyLevel.COMMUNE, parent=district
        ),
        "an": make_agency("UBND xã Tịnh Ấn Tây", code="XTA", level=AgencyLevel.COMMUNE),
        "so": make_agency("Sở Khoa học và Công nghệ", code="SKHCN"),
        "district": district,
    }


@pytest.mark.parametrize("query", ["tinh khe", "TỊNH KHÊ", "  Tinh   Khe ", "xtk", "khê"])
def test_search_ignores_diacritics_case_and_spaces(client, login, make_user, register, query):
    login(make_user(Role.VIEWER))

    page = page_text(client.get("/agencies/", query_string={"q": query}))

    assert "UBND xã Tịnh Khê" in page
    assert "Tịnh Ấn Tây" not in page
    assert "Sở Khoa học" not in page


def test_filters_by_level_active_and_iso_status(app, register):
    register["an"].active_to = date(2025, 6, 30)
    db.session.commit()
    announce(register["so"])
    announce(register["khe"], AnnouncementStatus.SUBMITTED)

    def codes(**filters):
        return {a.code for a in agencies.search_agencies(**filters).items}

    assert codes(level=AgencyLevel.COMMUNE) == {"XTK", "XTA"}
    assert codes(active=True) == {"XTK", "SKHCN", "HST"}
    assert codes(active=False) == {"XTA"}
    assert codes(announced=True) == {"SKHCN"}
    assert codes(announced=False) == {"XTK", "XTA", "HST"}
    assert codes(text="tinh", level=AgencyLevel.COMMUNE, active=True) == {"XTK"}


def test_filters_from_the_query_string(client, login, make_user, register):
    announce(register["so"])
    login(make_user(Role.ADMIN))

    page = page_text(client.get("/agencies/", query_string={"iso": "yes"}))
    assert "Sở Khoa học" in page and "Tịnh Khê" not in page

    page = page_text(client.get("/agencies/", query_string={"level": "district"}))
    assert "UBND huyện Sơn Tịnh" in page and "Tịnh Khê" not in page

    # an unknown filter value is ignored rather than failing
    assert client.get("/agencies/", query_string={"level": "nope"}).status_code == 200


def test_pagination(client, login, make_user, make_agency):
    for n in range(30):
        make_agency(f"UBND xã Thử Nghiệm {n:02d}", level=AgencyLevel.COMMUNE)
    login(make_user(Role.ADMIN))

    first = agencies.search_agencies(page=1)
    second = agencies.search_agencies(page=2)
    assert (first.total, len(first.items), len(second.items)) == (30, 25, 5)

    page_one = page_text(client.get("/agencies/", query_string={"q": "thu nghiem"}))
    page_two = page_text(client.get("/agencies/", query_string={"q": "thu nghiem", "page": 2}))
    assert "Thử Nghiệm 00" in page_one and "Thử Nghiệm 29" not in page_one
    assert "Thử Nghiệm 29" in page_two and "Thử Nghiệm 00" not in page_two
    assert "page=2" in page_one and "q=thu" in page_one
    assert client.get("/agencies/", query_string={"page": 99}).status_code == 200


# -- create and edit ------------------------------------------------------------------------


def agency_form(**overrides):
    data = {
        "code": "STC",
        "name": "Sở Tài chính",
        "level": "provincial",
        "parent_code": "",
        "address": "",
        "active_from": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_admin_creates_an_agency(client, login, make_user, register):
    login(make_user(Role.ADMIN))

    response = client.post(
        "/agencies/new",
        data=agency_form(
            code="XTT",
            name="UBND xã Tịnh Thọ",
            level="commune",
            parent_code="hst",
            active_from="01/07/2025",
        ),
    )

    assert response.status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.code == "XTT"))
    assert agency.parent is register["district"]
    assert agency.active_from == date(2025, 7, 1)
    assert agency.name_key == "ubnd xa tinh tho"
    assert response.headers["Location"] == f"/agencies/{agency.id}"
    log = db.session.scalar(
        select(AuditLog).where(AuditLog.object_type == "agencies", AuditLog.object_id == agency.id)
    )
    assert log.action == "create"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "skhcn"}, "Mã cơ quan này đã được dùng cho cơ quan khác."),
        ({"code": ""}, "Vui lòng nhập mã cơ quan."),
        ({"name": "  "}, "Vui lòng nhập tên cơ quan."),
        ({"parent_code": "KHONGCO"}, "Không có cơ quan nào mang mã này."),
        ({"level": "commune", "parent_code": "XTA"}, "Cơ quan cấp xã phải trực thuộc"),
        ({"level": "provincial", "parent_code": "HST"}, "Cơ quan cấp trên không được ở cấp thấp"),
        ({"active_from": "31/02/2025"}, "Ngày phải có dạng dd/mm/yyyy"),
    ],
)
def test_bad_agency_input_is_refused(client, login, make_user, register, overrides, message):
    login(make_user(Role.ADMIN))
    before = count(Agency)

    response = client.post("/agencies/new", data=agency_form(**overrides))

    assert response.status_code == 200
    assert message in page_text(response)
    assert count(Agency) == before


def test_edit_keeps_own_code_and_refuses_a_descendant_as_parent(client, login, make_user, register):
    district = register["district"]
    login(make_user(Role.ADMIN))

    response = client.post(
        f"/agencies/{district.id}/edit",
        data=agency_form(code="HST", name="UBND huyện Sơn Tịnh (cũ)", level="district"),
    )
    assert response.status_code == 302
    db.session.refresh(district)
    assert district.name == "UBND huyện Sơn Tịnh (cũ)"
    assert db.session.scalar(
        select(AuditLog.after).where(AuditLog.action == "update", AuditLog.object_id == district.id)
    ) == {"name": "UBND huyện Sơn Tịnh (cũ)"}

    for parent_code, message in [
        ("XTK", "trực thuộc của cơ quan này"),
        ("HST", "không thể là cơ quan cấp trên của chính nó"),
    ]:
        response = client.post(
            f"/agencies/{district.id}/edit",
            data=agency_form(
                code="HST", name="UBND huyện", level="district", parent_code=parent_code
            ),
        )
        assert message in page_text(response)
    db.session.refresh(district)
    assert district.parent is None


def test_edit_form_shows_current_values(client, login, make_user, register):
    login(make_user(Role.ADMIN))

    page = page_text(client.get(f"/agencies/{register['khe'].id}/edit"))

    assert 'value="XTK"' in page
    assert 'value="HST"' in page
    assert '<option selected value="commune">' in page


# -- deactivate, merge, officer ------------------------------------------------------------


def test_deactivate(client, login, make_user, register):
    agency = register["an"]
    login(make_user(Role.ADMIN))

    response = client.post(f"/agencies/{agency.id}/deactivate", data={"last_day": "30/06/2025"})

    assert response.status_code == 302
    db.session.refresh(agency)
    assert agency.active_to == date(2025, 6, 30)
    assert not agency.is_active
    again = client.post(f"/agencies/{agency.id}/deactivate", data={"last_day": "01/07/2025"})
    assert "Cơ quan này đã ngừng hoạt động." in page_text(again)


def test_merge_keeps_past_inspections_with_the_old_agency(
    client, login, make_user, make_plan, make_inspection, register
):
    old, successor = register["district"], register["so"]
    inspection = make_inspection(
        agency=old,
        plan=make_plan(2019),
        status=InspectionStatus.CONCLUDED,
        mode=InspectionMode.DOSSIER,
        conclusion=Conclusion.PASSED_WITH_RECOMMENDATIONS,
    )
    login(make_user(Role.ADMIN))

    response = client.post(
        f"/agencies/{old.id}/merge", data={"into_code": "SKHCN", "merged_on": "01/07/2025"}
    )

    assert response.status_code == 302
    db.session.refresh(old)
    assert (old.active_to, old.merged_into, old.merged_on) == (
        date(2025, 6, 30),
        successor,
        date(2025, 7, 1),
    )
    db.session.refresh(inspection)
    assert inspection.agency_id == old.id
    assert register["khe"].parent is old  # the structure of its time is kept
    page = page_text(client.get(f"/agencies/{old.id}"))
    assert "2019" in page
    assert "Kiểm tra thông qua hồ sơ và báo cáo" in page
    assert "Đạt nhưng có khuyến nghị" in page
    assert "Sở Khoa học và Công nghệ" in page
    assert "UBND huyện Sơn Tịnh" in page_text(client.get(f"/agencies/{successor.id}"))
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "merge"))
    assert log.after["merged_on"] == "2025-07-01"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"into_code": "HST", "merged_on": "01/07/2025"}, "Không thể sáp nhập một cơ quan vào"),
        ({"into_code": "XTA", "merged_on": "01/07/2025"}, "Cơ quan tiếp nhận đã ngừng hoạt động"),
        ({"into_code": "NOPE", "merged_on": "01/07/2025"}, "Không có cơ quan nào mang mã này"),
        ({"into_code": "SKHCN", "merged_on": ""}, "Vui lòng nhập ngày sáp nhập"),
    ],
)
def test_bad_merges_are_refused(client, login, make_user, register, data, message):
    register["an"].active_to = date(2024, 12, 31)
    db.session.commit()
    login(make_user(Role.ADMIN))

    response = client.post(f"/agencies/{register['district'].id}/merge", data=data)

    assert message in page_text(response)
    db.session.refresh(register["district"])
    assert register["district"].is_active


def test_new_officer_closes_the_previous_period(client, login, make_user, register):
    agency = register["so"]
    login(make_user(Role.ADMIN))
    first = {
        "name": "Nguyễn Văn A",
        "position": "Chánh Văn phòng",
        "phone": "0255 3822 111",
        "email": "a@example.vn",
        "since": "01/01/2020",
        "part_time": "y",
    }
    second = {
        "name": "Lê Thị B",
        "position": "Chuyên viên",
        "phone": "",
        "email": "",
        "since": "15/03/2024",
    }

    assert client.post(f"/agencies/{agency.id}/officer", data=first).status_code == 302
    assert client.post(f"/agencies/{agency.id}/officer", data=second).status_code == 302

    db.session.refresh(agency)
    history = sorted(agency.officers, key=lambda o: o.since)
    assert [(o.name, o.since, o.until, o.part_time) for o in history] == [
        ("Nguyễn Văn A", date(2020, 1, 1), date(2024, 3, 14), True),
        ("Lê Thị B", date(2024, 3, 15), None, False),
    ]
    page = page_text(client.get(f"/agencies/{agency.id}"))
    for text in (
        "Nguyễn Văn A",
        "Chánh Văn phòng",
        "0255 3822 111",
        "a@example.vn",
        "01/01/2020",
        "14/03/2024",
        "Lê Thị B",
    ):
        assert text in page

    earlier = dict(second, name="Trần C", since="01/01/2019")
    response = client.post(f"/agencies/{agency.id}/officer", data=earlier)
    assert "không được trước ngày bắt đầu của cán bộ hiện tại" in page_text(response)
    bad_email = dict(second, name="Trần C", email="không-phải-email")
    assert "Địa chỉ email không hợp lệ." in page_text(
        client.post(f"/agencies/{agency.id}/officer", data=bad_email)
    )


def test_detail_lists_announcements_and_training(client, login, make_user, register):
    agency = register["khe"]
    announce(agency)
    course = TrainingCourse(
        title="Xây dựng HTQLCL cho UBND cấp xã",
        kind=TrainingKind.BUILD_APPLY_COMMUNE,
        start_on=date(2019, 8, 5),
        end_on=date(2019, 8, 6),
    )
    course.participants.append(
        TrainingParticipant(agency=agency, name="Phạm Văn D", position="Công chức", attended=True)
    )
    db.session.add(course)
    db.session.commit()
    login(make_user(Role.AGENCY, agency=agency))

    page = page_text(client.get(f"/agencies/{agency.id}"))

    for text in (
        f"{agency.id}/CB",
        "TCVN ISO 9001:2015",
        "Đã tiếp nhận",
        "Xây dựng HTQLCL cho UBND cấp xã",
        "05/08/2019",
        "Phạm Văn D",
    ):
        assert text in page
    assert f"/agencies/{agency.id}/edit" not in page


# -- web import with preview -----------------------------------------------------------------


def upload(client, data: bytes, name="agencies.xlsx"):
    return client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def stash_files(app) -> list[Path]:
    return list((Path(app.config["INSTANCE_DIR"]) / "imports").glob("*.xlsx"))


def test_upload_previews_then_confirm_writes(app, client, login, make_user, make_agency):
    make_agency("UBND tỉnh Quảng Ngãi (tên cũ)", code="UBT")
    login(make_user(Role.ADMIN))

    preview = upload(client, workbook(*PROVINCE_ROWS))

    page = page_text(preview)
    assert preview.status_code == 200
    assert "3 cơ quan mới, 1 cơ quan cập nhật, 0 không đổi." in page
    assert "Mới" in page and "Cập nhật" in page
    assert count(Agency) == 1  # nothing written by the preview
    [stashed] = stash_files(app)
    token = stashed.stem
    assert f'value="{token}"' in page

    response = client.post("/agencies/import/confirm", data={"token": token})

    view, _data = started_job(client, response)
    assert view["status"] == "done"
    assert count(Agency) == 4
    assert stash_files(app) == []
    assert "Đã nhập: 3 cơ quan mới" in page_text(client.get(response.headers["Location"]))


def test_upload_with_bad_rows_lists_them_and_offers_no_confirm(app, client, login, make_user):
    login(make_user(Role.ADMIN))
    rows = [PROVINCE_ROWS[0], ("X1", None, "Cấp xã"), ("X2", "UBND xã", "Cấp xã", "KHONGCO")]

    page = page_text(upload(client, workbook(*rows)))

    assert "row 3: thiếu “Tên cơ quan”." in page
    assert "row 4: không tìm thấy cơ quan cấp trên “KHONGCO”" in page
    assert "/agencies/import/confirm" not in page
    assert stash_files(app) == []
    assert count(Agency) == 0


def test_upload_of_something_else(client, login, make_user):
    login(make_user(Role.ADMIN))

    renamed = page_text(upload(client, b"%PDF-1.4 not a workbook"))
    wrong_extension = page_text(upload(client, workbook(*PROVINCE_ROWS), name="agencies.csv"))
    missing = page_text(
        client.post("/agencies/import", data={}, content_type="multipart/form-data")
    )

    assert "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ." in renamed
    assert "Chỉ nhận tệp Excel .xlsx." in wrong_extension
    assert "Vui lòng chọn tệp .xlsx." in missing
    assert count(Agency) == 0


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "0" * 32])
def test_confirm_with_an_unknown_token(client, login, make_user, token):
    login(make_user(Role.ADMIN))

    response = client.post("/agencies/import/confirm", data={"token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == "/agencies/import"
    assert "Vui lòng tải lên lại" in page_text(client.get("/agencies/import"))


def test_confirm_rechecks_rows_changed_since_the_preview(
    app, client, login, make_user, make_agency
):
    login(make_user(Role.ADMIN))
    rows = [("X1", "UBND xã Tịnh Khê", "Cấp xã", "HST")]
    district = make_agency("UBND huyện Sơn Tịnh", code="HST", level=AgencyLevel.DISTRICT)
    upload(client, workbook(*rows))
    [stashed] = stash_files(app)
    district.code = "HST-OLD"
    db.session.commit()

    view, _data = started_job(
        client, client.post("/agencies/import/confirm", data={"token": stashed.stem})
    )

    assert view["status"] == "failed"
    assert any(
        line.startswith("row 2: không tìm thấy cơ quan cấp trên “HST”") for line in view["errors"]
    )
    assert count(Agency) == 1


@pytest.mark.parametrize("last_day", ["30/02/2025", "2025-06-30", "   "])
def test_bad_dates_never_break_the_page(client, login, make_user, register, last_day):
    agency = register["an"]
    login(make_user(Role.ADMIN))

    response = client.post(f"/agencies/{agency.id}/deactivate", data={"last_day": last_day})

    assert response.status_code == 200
    assert "Ngày phải có dạng dd/mm/yyyy" in page_text(response) or (
        "Vui lòng nhập ngày cuối cùng hoạt động." in page_text(response)
    )
    db.session.refresh(agency)
    assert agency.is_active


def test_agency_user_does_not_see_inspections_of_draft_plans(
    client, login, make_user, make_plan, make_inspection, register
):
    agency = register["khe"]
    make_inspection(agency=agency, plan=make_plan(2024))
    make_inspection(agency=agency, plan=make_plan(2027, status=PlanStatus.DRAFT))
    login(make_user(Role.AGENCY, agency=agency))

    page = page_text(client.get(f"/agencies/{agency.id}"))

    assert ">2024<" in page
    assert "2027" not in page
