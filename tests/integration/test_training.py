"""The training register pages: courses, participants, attendance, ISO officers, summary,
exports and who may do what (issue 7)."""

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    AgencyLevel,
    AuditLog,
    IsoOfficer,
    Role,
    TrainingCourse,
    TrainingKind,
    TrainingParticipant,
)
from inspect_app.services import agencies, training
from tests.job_helpers import started_job
from tests.unit.test_training_import import participant_workbook


def page_text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


COURSE_FORM = {
    "kind": "maintain_improve",
    "title": "Tập huấn duy trì, cải tiến HTQLCL năm 2026",
    "start_on": "12/05/2026",
    "end_on": "13/05/2026",
    "location": "Hội trường Sở KH&CN",
    "organizer": "Sở Khoa học và Công nghệ",
    "trainers": "Chi cục TĐC",
    "audience_level": "",
    "decision_id": "",
}


def make_course(title="Tập huấn 2026", *, start_on=date(2026, 5, 12), days=2, **fields):
    course = training.create_course(
        title=title,
        kind=fields.pop("kind", TrainingKind.MAINTAIN_IMPROVE),
        start_on=start_on,
        end_on=date.fromordinal(start_on.toordinal() + days - 1),
        **fields,
    )
    db.session.commit()
    return course


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def justice(make_agency):
    """Sở Tư pháp, whose ISO officer changed on 01/03/2026."""
    agency = make_agency("Sở Tư pháp", code="STP")
    db.session.add_all(
        [
            IsoOfficer(
                agency=agency,
                name="Nguyễn Thị Hạnh",
                since=date(2018, 1, 2),
                until=date(2026, 2, 28),
            ),
            IsoOfficer(
                agency=agency, name="Trần Văn Bình", position="Chuyên viên", since=date(2026, 3, 1)
            ),
        ]
    )
    db.session.commit()
    return agency


@pytest.fixture
def course(app):
    return make_course()


# -- access ---------------------------------------------------------------------------------

READ_PAGES = [
    "/training/",
    "/training/summary",
    "/training/needs",
    "/training/needs.xlsx",
    "/training/register.xlsx",
    "/training/courses/{id}",
    "/training/courses/{id}/attendance-sheet",
]
WRITE_PAGES = [
    "/training/courses/new",
    "/training/courses/{id}/edit",
    "/training/courses/{id}/import",
]
WRITE_POSTS = [
    "/training/courses/{id}/participants",
    "/training/courses/{id}/attendance",
    "/training/courses/{id}/import/confirm",
]


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        (Role.ADMIN, 200, 200),
        (Role.VIEWER, 200, 403),
        (Role.INSPECTOR, 403, 403),
        (Role.AGENCY, 403, 403),
    ],
)
def test_admin_writes_viewer_reads_others_are_refused(
    client, login, make_user, course, role, reads, writes
):
    login(make_user(role))

    for path in READ_PAGES:
        response = client.get(path.format(id=course.id), follow_redirects=True)
        assert response.status_code == reads, path
    for path in WRITE_PAGES:
        assert client.get(path.format(id=course.id)).status_code == writes, path
    if writes == 403:
        for path in WRITE_POSTS:
            assert client.post(path.format(id=course.id)).status_code == 403, path


def test_anonymous_visitors_go_to_login(client, course):
    for path in READ_PAGES + WRITE_PAGES:
        response = client.get(path.format(id=course.id))
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_unknown_course_is_404(client, login, admin):
    login(admin)
    assert client.get("/training/courses/999").status_code == 404


def test_viewer_gets_no_edit_controls(client, login, make_user, course, justice):
    training.add_participant(course, agency=justice, name="Trần Văn Bình")
    db.session.commit()
    login(make_user(Role.VIEWER))

    page = page_text(client.get(f"/training/courses/{course.id}"))

    assert "Trần Văn Bình" in page
    assert f"/training/courses/{course.id}/edit" not in page
    assert "attendance-form" not in page
    assert "Thêm học viên" not in page


def test_the_register_is_in_the_navigation_of_admins_and_viewers(client, login, make_user):
    for role, shown in ((Role.ADMIN, True), (Role.VIEWER, True), (Role.INSPECTOR, False)):
        login(make_user(role))
        assert ('href="/training/"' in page_text(client.get("/"))) is shown, role


# -- courses --------------------------------------------------------------------------------


def test_admin_creates_a_course_with_an_approving_decision(client, login, admin, make_decision):
    decision = make_decision("12/QĐ-KHCN", signed_on=date(2026, 4, 1), issuer="Sở KH&CN")
    login(admin)
    form_page = page_text(client.get("/training/courses/new"))
    assert "12/QĐ-KHCN (01/04/2026, Sở KH&amp;CN)" in form_page

    response = client.post(
        "/training/courses/new",
        data={**COURSE_FORM, "decision_id": str(decision.id), "audience_level": "commune"},
    )

    course = db.session.scalar(select(TrainingCourse))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/training/courses/{course.id}"
    assert (course.kind, course.start_on, course.end_on) == (
        TrainingKind.MAINTAIN_IMPROVE,
        date(2026, 5, 12),
        date(2026, 5, 13),
    )
    assert course.decision is decision
    assert course.audience_level is AgencyLevel.COMMUNE
    page = page_text(client.get(response.headers["Location"]))
    assert "Tập huấn duy trì, cải tiến HTQLCL năm 2026" in page
    assert "Quyết định số 12/QĐ-KHCN ngày 01/04/2026 của Sở KH&amp;CN" in page
    assert "12/05/2026 – 13/05/2026" in page
    entry = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "training_courses"))
    assert entry.action == "create" and entry.user_id == admin.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_on": "11/05/2026"}, "Ngày kết thúc không được trước ngày bắt đầu."),
        ({"start_on": "2026-05-12"}, "Ngày phải có dạng dd/mm/yyyy, ví dụ 20/04/2017."),
        ({"start_on": "31/02/2026"}, "Ngày phải có dạng dd/mm/yyyy, ví dụ 20/04/2017."),
        ({"end_on": ""}, "Vui lòng nhập ngày kết thúc."),
        ({"title": "  "}, "Vui lòng nhập tên khóa đào tạo."),
        ({"kind": "cooking"}, "Giá trị đã chọn không hợp lệ."),
        ({"audience_level": "planet"}, "Giá trị đã chọn không hợp lệ."),
        ({"decision_id": "9999"}, "Giá trị đã chọn không hợp lệ."),
    ],
)
def test_bad_course_input_is_refused(client, login, admin, overrides, message):
    login(admin)

    response = client.post("/training/courses/new", data={**COURSE_FORM, **overrides})

    assert response.status_code == 200
    assert message in page_text(response)
    assert count(TrainingCourse) == 0


def test_the_service_refuses_an_end_before_the_start(app):
    with pytest.raises(DomainError) as info:
        make_course(start_on=date(2026, 5, 12), days=0)

    assert info.value.message == (
        "Ngày kết thúc (11/05/2026) không được trước ngày bắt đầu (12/05/2026)."
    )


def test_edit_keeps_values_and_relinks_officers_when_dates_move(client, login, admin, justice):
    course = make_course(start_on=date(2026, 1, 20))
    participant = training.add_participant(course, agency=justice, name="Trần Văn Bình")
    db.session.commit()
    assert participant.iso_officer is None  # Bình became the officer only on 01/03/2026
    login(admin)
    form_page = page_text(client.get(f"/training/courses/{course.id}/edit"))
    assert 'value="20/01/2026"' in form_page

    response = client.post(
        f"/training/courses/{course.id}/edit",
        data={
            **COURSE_FORM,
            "title": "Tập huấn (dời ngày)",
            "start_on": "10/03/2026",
            "end_on": "10/03/2026",
        },
    )

    assert response.status_code == 302
    db.session.refresh(participant)
    assert course.title == "Tập huấn (dời ngày)"
    assert participant.iso_officer is justice.current_officer


def test_list_filters_by_year_and_kind(client, login, make_user):
    make_course("Duy trì 2019", start_on=date(2019, 9, 24))
    make_course("Chuyển đổi 2019", start_on=date(2019, 3, 1), kind=TrainingKind.TRANSITION_2015)
    make_course("Duy trì 2020", start_on=date(2020, 8, 11))
    login(make_user(Role.VIEWER))

    everything = page_text(client.get("/training/"))
    of_2019 = page_text(client.get("/training/?year=2019"))
    kind = page_text(client.get("/training/?year=2019&kind=transition_2015"))
    tampered = page_text(client.get("/training/?year=abc&kind=x"))

    assert all(t in everything for t in ("Duy trì 2019", "Chuyển đổi 2019", "Duy trì 2020"))
    assert "Duy trì 2019" in of_2019 and "Duy trì 2020" not in of_2019
    assert "Chuyển đổi 2019" in kind and "Duy trì 2019" not in kind
    assert "Duy trì 2020" in tampered  # a tampered filter shows everything


# -- participants ---------------------------------------------------------------------------


def test_add_a_participant_by_hand_links_the_iso_officer(client, login, admin, course, justice):
    login(admin)

    response = client.post(
        f"/training/courses/{course.id}/participants",
        data={"agency_ref": "stp", "name": "TRAN VAN BINH", "position": "Chuyên viên"},
    )

    assert response.status_code == 302
    participant = db.session.scalar(select(TrainingParticipant))
    assert (participant.agency, participant.name, participant.attended) == (
        justice,
        "TRAN VAN BINH",
        False,
    )
    assert participant.iso_officer is justice.current_officer
    page = page_text(client.get(f"/training/courses/{course.id}"))
    assert "Cán bộ ISO từ 01/03/2026" in page


def test_the_agency_picker_takes_a_name_too(client, login, admin, course, make_agency):
    commune = make_agency("UBND xã Tịnh Khê", code="X001", level=AgencyLevel.COMMUNE)
    login(admin)
    page = page_text(client.get(f"/training/courses/{course.id}"))
    assert '<option value="X001">UBND xã Tịnh Khê (Cấp xã)</option>' in page

    client.post(
        f"/training/courses/{course.id}/participants",
        data={"agency_ref": "ubnd xa tinh khe", "name": "Lê Thị Bích"},
    )

    assert db.session.scalar(select(TrainingParticipant)).agency is commune


def test_an_officer_of_another_period_is_not_linked(course, justice):
    participant = training.add_participant(course, agency=justice, name="Nguyễn Thị Hạnh")

    assert participant.iso_officer is None  # her period ended on 28/02/2026


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agency_ref": "NOPE", "name": "An"}, "Không tìm thấy cơ quan “NOPE” trong danh sách"),
        ({"agency_ref": "", "name": "An"}, "Vui lòng nhập cơ quan."),
        ({"agency_ref": "STP", "name": " "}, "Vui lòng nhập họ và tên."),
        (
            {"agency_ref": "STP", "name": "tran van  binh"},
            "tran van  binh (Sở Tư pháp) đã có trong danh sách học viên của khóa đào tạo.",
        ),
        (
            {"agency_ref": "HUYEN", "name": "An"},
            "Cơ quan UBND huyện Cũ không hoạt động trong thời gian của khóa đào tạo.",
        ),
    ],
)
def test_bad_participants_are_refused(
    client, login, admin, course, justice, make_agency, data, message
):
    make_agency(
        "UBND huyện Cũ", code="HUYEN", level=AgencyLevel.DISTRICT, active_to=date(2025, 6, 30)
    )
    training.add_participant(course, agency=justice, name="Trần Văn Bình")
    db.session.commit()
    login(admin)

    response = client.post(f"/training/courses/{course.id}/participants", data=data)

    assert response.status_code == 422
    assert message in page_text(response)
    assert count(TrainingParticipant) == 1


def test_the_service_refuses_the_same_person_twice(course, justice):
    training.add_participant(course, agency=justice, name="Trần Văn Bình")

    with pytest.raises(DomainError, match="đã có trong danh sách học viên"):
        training.add_participant(course, agency=justice, name="TRẦN VĂN BÌNH")


def test_the_same_name_at_another_agency_is_another_person(course, justice, make_agency):
    training.add_participant(course, agency=justice, name="Trần Văn Bình")
    training.add_participant(course, agency=make_agency(), name="Trần Văn Bình")

    assert len(course.participants) == 2


def test_remove_a_participant(client, login, admin, course, justice):
    participant = training.add_participant(course, agency=justice, name="Trần Văn Bình")
    db.session.commit()
    login(admin)

    response = client.post(f"/training/courses/{course.id}/participants/{participant.id}/remove")

    assert response.status_code == 302
    assert count(TrainingParticipant) == 0
    assert db.session.scalar(
        select(AuditLog).where(
            AuditLog.action == "delete", AuditLog.object_type == "training_participants"
        )
    )


def test_remove_a_participant_of_another_course_is_404(client, login, admin, course, justice):
    other = make_course("Khóa khác")
    participant = training.add_participant(other, agency=justice, name="Trần Văn Bình")
    db.session.commit()
    login(admin)

    response = client.post(f"/training/courses/{course.id}/participants/{participant.id}/remove")

    assert response.status_code == 404
    assert count(TrainingParticipant) == 1


# -- attendance -----------------------------------------------------------------------------


@pytest.fixture
def three(course, justice, make_agency):
    other = make_agency("Sở Nội vụ", code="SNV")
    people = [
        training.add_participant(course, agency=justice, name="Trần Văn Bình"),
        training.add_participant(course, agency=other, name="Lê Thị Bích"),
        training.add_participant(course, agency=other, name="Võ Văn Cường", attended=True),
    ]
    db.session.commit()
    return people


def test_mark_attendance_sets_exactly_the_ticked_people(client, login, admin, course, three):
    login(admin)

    response = client.post(
        f"/training/courses/{course.id}/attendance",
        data={"present": [str(three[0].id), str(three[1].id)]},
    )

    assert response.status_code == 302
    assert [p.attended for p in three] == [True, True, False]
    page = page_text(client.get(response.headers["Location"]))
    assert "Đã ghi nhận điểm danh: 2/3 học viên có mặt." in page
    assert "3 học viên, 2 có mặt" in page
    changes = db.session.scalars(
        select(AuditLog).where(
            AuditLog.object_type == "training_participants", AuditLog.action == "update"
        )
    ).all()
    assert len(changes) == 3


def test_nobody_ticked_means_nobody_present(client, login, admin, course, three):
    login(admin)

    client.post(f"/training/courses/{course.id}/attendance", data={})

    assert [p.attended for p in three] == [False, False, False]


def test_attendance_for_someone_of_another_course_changes_nothing(
    client, login, admin, course, three, justice
):
    other = make_course("Khóa khác")
    stranger = training.add_participant(other, agency=justice, name="Người khác")
    db.session.commit()
    login(admin)

    client.post(
        f"/training/courses/{course.id}/attendance",
        data={"present": [str(three[0].id), str(stranger.id)]},
    )

    page = page_text(client.get(f"/training/courses/{course.id}"))
    assert "Học viên đã chọn không thuộc khóa đào tạo này." in page
    assert [p.attended for p in three] == [False, False, True]
    assert stranger.attended is False


def test_a_long_list_is_paged_and_attendance_changes_only_the_page_shown(
    client, login, admin, course, three, monkeypatch
):
    monkeypatch.setattr(training, "PARTICIPANTS_PER_PAGE", 2)
    login(admin)

    first = page_text(client.get(f"/training/courses/{course.id}"))
    second = page_text(client.get(f"/training/courses/{course.id}?page=2"))
    assert "Trần Văn Bình" in first and "Lê Thị Bích" in first and "Võ Văn Cường" not in first
    assert "Võ Văn Cường" in second and "Trần Văn Bình" not in second
    assert "<td>3</td>" in second, "numbering continues from the first page"
    assert "3 học viên, 1 có mặt" in second  # counted over the course, not the page
    assert f'name="shown" value="{three[2].id}"' in second
    assert "Điểm danh được lưu cho các học viên trên trang này." in second

    response = client.post(
        f"/training/courses/{course.id}/attendance",
        data={"present": [], "shown": [str(three[2].id)], "page": "2"},
    )

    location = response.headers["Location"]
    assert location.endswith(f"/training/courses/{course.id}?page=2#participants")
    assert [p.attended for p in three] == [False, False, False]
    client.post(
        f"/training/courses/{course.id}/attendance",
        data={"present": [str(three[0].id)], "shown": [str(three[0].id), str(three[1].id)]},
    )
    assert [p.attended for p in three] == [True, False, False]


def test_attendance_refuses_a_shown_participant_of_another_course(
    client, login, admin, course, three, justice
):
    other = make_course("Khóa khác")
    stranger = training.add_participant(other, agency=justice, name="Người khác", attended=True)
    db.session.commit()
    login(admin)

    client.post(
        f"/training/courses/{course.id}/attendance",
        data={"present": [], "shown": [str(stranger.id), str(three[2].id)]},
    )

    page = page_text(client.get(f"/training/courses/{course.id}"))
    assert "Học viên đã chọn không thuộc khóa đào tạo này." in page
    assert [p.attended for p in three] == [False, False, True]
    assert stranger.attended is True


def test_many_candidate_agencies_are_suggested_as_the_admin_types(
    client, login, admin, course, make_agency, monkeypatch
):
    make_agency("UBND xã An Bình", code="XAB", level=AgencyLevel.COMMUNE)
    make_agency("UBND xã An Hòa", code="XAH", level=AgencyLevel.COMMUNE)
    commune = AgencyLevel.COMMUNE
    make_agency("UBND xã An Phú", code="XAP", level=commune, active_to=date(2025, 6, 30))
    make_agency("UBND xã Mới", code="XMOI", level=commune, active_from=date(2026, 7, 1))
    login(admin)

    listed = page_text(client.get(f"/training/courses/{course.id}"))
    assert '<option value="XAB">' in listed and "data-suggest" not in listed

    monkeypatch.setattr(training, "CANDIDATE_LIMIT", 1)
    page = page_text(client.get(f"/training/courses/{course.id}"))
    assert '<option value="XAB">' not in page
    assert f'data-suggest="/training/courses/{course.id}/candidates"' in page

    found = client.get(f"/training/courses/{course.id}/candidates?q=ubnd xa an").get_json()
    # merged away before the course, or founded after it: not offered
    assert [a["code"] for a in found["agencies"]] == ["XAB", "XAH"]
    assert found["agencies"][0] == {"code": "XAB", "name": "UBND xã An Bình", "level": "Cấp xã"}
    assert client.get(f"/training/courses/{course.id}/candidates?q=").get_json() == {"agencies": []}
    assert client.get(f"/training/courses/{course.id}/candidates?q=xmoi").get_json() == {
        "agencies": []
    }


def test_printable_attendance_sheet(client, login, make_user, course, three):
    login(make_user(Role.VIEWER))

    page = page_text(client.get(f"/training/courses/{course.id}/attendance-sheet"))

    assert "DANH SÁCH ĐIỂM DANH HỌC VIÊN" in page
    assert 'data-action="print"' in page
    assert "js/training.js" in page
    assert all(p.name in page for p in three)
    assert "Tổng số: 3 học viên; có mặt: 1." in page
    assert "<script>" not in page and 'style="' not in page


# -- web import with preview ----------------------------------------------------------------


def upload(client, course, data: bytes, name="hoc-vien.xlsx"):
    return client.post(
        f"/training/courses/{course.id}/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def stash_files(app) -> list[Path]:
    return list((Path(app.config["INSTANCE_DIR"]) / "imports").glob("*.xlsx"))


def test_import_previews_then_confirm_writes(app, client, login, admin, course, justice):
    login(admin)
    data = participant_workbook(
        (1, "Trần Văn Bình", "STP", "Chuyên viên", "x"), (2, "Lê Thị Bích", "Sở Tư pháp", "", "")
    )

    preview = upload(client, course, data)

    page = page_text(preview)
    assert "2 học viên sẽ được thêm, 1 có mặt, 1 khớp hồ sơ cán bộ phụ trách ISO." in page
    assert count(TrainingParticipant) == 0
    [stashed] = stash_files(app)

    response = client.post(
        f"/training/courses/{course.id}/import/confirm", data={"token": stashed.stem}
    )

    view, _data = started_job(client, response)
    assert view["status"] == "done" and view["link"] == f"/training/courses/{course.id}"
    assert [(p.name, p.attended) for p in course.participants] == [
        ("Trần Văn Bình", True),
        ("Lê Thị Bích", False),
    ]
    assert course.participants[0].iso_officer is justice.current_officer
    assert stash_files(app) == []


def test_import_with_bad_rows_lists_them_and_offers_no_confirm(app, client, login, admin, course):
    login(admin)
    data = participant_workbook((1, "", "STP", "", ""), (2, "An", "NOPE", "", ""))

    page = page_text(upload(client, course, data))

    assert "row 2: thiếu “Họ và tên”." in page
    assert "row 3: không tìm thấy cơ quan “NOPE” trong danh sách cơ quan." in page
    assert "/import/confirm" not in page
    assert stash_files(app) == []


def test_import_confirm_rechecks_and_writes_nothing_when_a_row_went_bad(
    app, client, login, admin, course, justice
):
    login(admin)
    upload(client, course, participant_workbook((1, "Trần Văn Bình", "STP", "", "x")))
    [stashed] = stash_files(app)
    training.add_participant(course, agency=justice, name="Trần Văn Bình")  # meanwhile
    db.session.commit()

    response = client.post(
        f"/training/courses/{course.id}/import/confirm", data={"token": stashed.stem}
    )

    view, _data = started_job(client, response)
    assert view["status"] == "failed"
    assert "đã có trong danh sách học viên của khóa đào tạo." in "\n".join(view["errors"])
    assert "đã có trong danh sách" in page_text(client.get(response.headers["Location"]))
    assert count(TrainingParticipant) == 1


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "0" * 32])
def test_import_confirm_with_an_unknown_token(client, login, admin, course, token):
    login(admin)

    response = client.post(f"/training/courses/{course.id}/import/confirm", data={"token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/training/courses/{course.id}/import"


def test_import_of_something_else(client, login, admin, course):
    login(admin)

    assert "Tệp không phải là bảng tính Excel" in page_text(upload(client, course, b"%PDF-1.4"))
    assert "Chỉ nhận tệp Excel .xlsx." in page_text(
        upload(client, course, participant_workbook(), name="x.csv")
    )


# -- summary --------------------------------------------------------------------------------


@pytest.fixture
def history(make_agency):
    """Three courses in 2019–2020 and one in 2016 (outside the period)."""
    province = make_agency("Sở Nội vụ", code="SNV")
    justice = make_agency("Sở Tư pháp", code="STP")
    commune = make_agency("UBND xã Tịnh Khê", code="X001", level=AgencyLevel.COMMUNE)
    a = make_course("Duy trì 2019", start_on=date(2019, 9, 24))
    b = make_course("Xã 2019", start_on=date(2019, 5, 21), kind=TrainingKind.BUILD_APPLY_COMMUNE)
    c = make_course("Chuyển đổi 2020", start_on=date(2020, 3, 2), kind=TrainingKind.TRANSITION_2015)
    old = make_course("Cũ 2016", start_on=date(2016, 12, 30))
    for course, agency, name, attended in [
        (a, province, "An", True),
        (a, justice, "Bình", False),
        (b, commune, "Cường", True),
        (b, commune, "Dung", True),
        (c, province, "An", True),
        (c, commune, "Em", False),
        (old, justice, "Giang", True),
    ]:
        training.add_participant(course, agency=agency, name=name, attended=attended)
    db.session.commit()


def test_summary_counts_by_kind_level_and_year(history):
    result = training.summary(2019, 2020)

    assert result.courses == 3
    assert result.by_kind == {
        "maintain_improve": 1,
        "build_apply_commune": 1,
        "transition_2015": 1,
        "other": 0,
    }
    assert (result.participants, result.attended, result.agencies_reached) == (6, 4, 2)
    assert result.by_level["provincial"].to_dict() == {
        "participants": 3,
        "attended": 2,
        "agencies": 1,
    }
    assert result.by_level["commune"].to_dict() == {"participants": 3, "attended": 2, "agencies": 1}
    assert result.by_level["district"].to_dict() == {
        "participants": 0,
        "attended": 0,
        "agencies": 0,
    }
    assert result.by_year == [
        {"year": 2019, "courses": 2, "participants": 4, "attended": 3},
        {"year": 2020, "courses": 1, "participants": 2, "attended": 1},
    ]
    as_dict = result.to_dict()
    assert as_dict["from"] == 2019 and as_dict["by_level"]["commune"]["agencies"] == 1


def test_summary_of_an_empty_period_and_a_reversed_one(history):
    empty = training.summary(2010, 2011)

    assert (empty.courses, empty.participants, empty.attendance_rate) == (0, 0, None)
    assert set(empty.by_kind.values()) == {0}
    with pytest.raises(DomainError):
        training.summary(2021, 2020)


def test_summary_page(client, login, make_user, history):
    login(make_user(Role.VIEWER))

    page = page_text(client.get("/training/summary?first_year=2019&last_year=2020"))
    default = page_text(client.get("/training/summary"))
    reversed_ = page_text(client.get("/training/summary?first_year=2021&last_year=2019"))
    garbage = page_text(client.get("/training/summary?first_year=abc"))

    assert "Tổng hợp đào tạo 2019–2020" in page
    assert "66,7%" in page  # 4 of 6 present
    this_year = date.today().year
    assert f"Tổng hợp đào tạo {this_year - 3}–{this_year}" in default
    assert "Năm bắt đầu không được sau năm kết thúc." in reversed_
    assert "Năm phải là một số, ví dụ 2020." in garbage


# -- exports --------------------------------------------------------------------------------


def test_register_export_has_courses_and_participants_sheets(client, login, make_user, history):
    formula = make_course('=HYPERLINK("http://x")', start_on=date(2020, 10, 1))
    training.add_participant(formula, agency=agencies.agency_by_code("SNV"), name="@evil")
    db.session.commit()
    login(make_user(Role.VIEWER))

    view, data = started_job(client, client.get("/training/register.xlsx?year=2020"))

    assert view["status"] == "done"
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Khóa đào tạo", "Học viên"]
    courses = list(book["Khóa đào tạo"].iter_rows(min_row=3, values_only=True))
    assert courses[0][:3] == ("STT", "Tên khóa đào tạo", "Loại khóa")
    assert [row[1] for row in courses[1:]] == ["Chuyển đổi 2020", '\'=HYPERLINK("http://x")']
    assert courses[1][10:12] == (2, 1)
    people = list(book["Học viên"].iter_rows(min_row=4, values_only=True))
    assert [(row[3], row[5], row[8]) for row in people] == [
        ("An", "SNV", "Có"),
        ("Em", "X001", "Không"),
        ("'@evil", "SNV", "Không"),
    ]
