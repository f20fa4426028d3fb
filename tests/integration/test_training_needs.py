"""Training needs: the officer-change rule, the 2025 merger rule, the list, its export and
the new course that invites those agencies (issue 7)."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import (
    AgencyLevel,
    IsoOfficer,
    Role,
    TrainingCourse,
    TrainingKind,
)
from inspect_app.services import agencies, training

TODAY = date(2026, 11, 20)


def page_text(response) -> str:
    return response.get_data(as_text=True)


def course_on(start_on: date, title=None):
    course = training.create_course(
        title=title or f"Khóa {start_on:%d/%m/%Y}",
        kind=TrainingKind.MAINTAIN_IMPROVE,
        start_on=start_on,
        end_on=start_on + timedelta(days=1),
    )
    db.session.flush()
    return course


def attend(agency, name, start_on, attended=True):
    participant = training.add_participant(
        course_on(start_on), agency=agency, name=name, attended=attended
    )
    db.session.commit()
    return participant


def needs_by_code(today=TODAY) -> dict[str, list[str]]:
    return {need.agency.code: need.reasons for need in training.training_needs(today)}


@pytest.fixture
def justice(make_agency):
    """Sở Tư pháp: Hạnh was the officer from 2018; Bình took over on 12/01/2026."""
    agency = make_agency("Sở Tư pháp", code="STP")
    agencies.set_officer(agency, name="Nguyễn Thị Hạnh", since=date(2018, 1, 2))
    db.session.commit()
    return agency


def change_officer(agency, name="Trần Văn Bình", since=date(2026, 1, 12)):
    officer = agencies.set_officer(agency, name=name, since=since, position="Chuyên viên")
    db.session.commit()
    return officer


# -- the officer rule -----------------------------------------------------------------------


def test_a_trained_officer_creates_no_need(justice):
    attend(justice, "Nguyễn Thị Hạnh", date(2019, 9, 24))

    assert "STP" not in needs_by_code()


def test_an_officer_who_never_attended_is_a_need(justice):
    attend(justice, "Nguyễn Thị Hạnh", date(2019, 9, 24), attended=False)

    assert needs_by_code()["STP"] == [training.NEED_OFFICER]


def test_a_new_officer_is_a_need_until_they_attend_a_course(justice):
    attend(justice, "Nguyễn Thị Hạnh", date(2019, 9, 24))
    change_officer(justice)

    assert needs_by_code()["STP"] == [training.NEED_OFFICER]
    [need] = training.training_needs(TODAY)
    assert need.officer.name == "Trần Văn Bình"
    assert need.last_trained_on == date(2019, 9, 24)

    participant = attend(justice, "Trần Văn Bình", date(2026, 5, 12))

    assert participant.iso_officer is justice.current_officer
    assert "STP" not in needs_by_code()


def test_a_course_before_taking_the_role_does_not_count(justice):
    attend(justice, "Trần Văn Bình", date(2019, 9, 24))  # as a colleague, years before
    change_officer(justice)

    assert needs_by_code()["STP"] == [training.NEED_OFFICER]


def test_the_same_name_counts_even_without_an_officer_link(justice):
    change_officer(justice)
    participant = attend(justice, "TRAN VAN BINH", date(2026, 5, 12))
    participant.iso_officer = None
    db.session.commit()

    assert "STP" not in needs_by_code()


def test_a_namesake_at_another_agency_does_not_count(justice, make_agency):
    change_officer(justice)
    attend(make_agency("Sở Nội vụ", code="SNV"), "Trần Văn Bình", date(2026, 5, 12))

    assert needs_by_code()["STP"] == [training.NEED_OFFICER]


def test_agencies_without_an_officer_or_no_longer_active_are_not_listed(make_agency):
    make_agency("Sở Không Có Cán Bộ", code="S0")
    closed = make_agency(
        "UBND huyện Sơn Tịnh", code="H1", level=AgencyLevel.DISTRICT, active_to=date(2025, 6, 30)
    )
    db.session.add(IsoOfficer(agency=closed, name="Lê Văn Cũ", since=date(2016, 1, 4)))
    db.session.commit()

    assert needs_by_code() == {}


# -- the merger rule ------------------------------------------------------------------------


@pytest.fixture
def merged(make_agency):
    """Tịnh Khê and Tịnh Kỳ merged into a new commune on 01/07/2025; a province absorbed one."""
    new_commune = make_agency(
        "UBND xã Tịnh Khê", code="XA-NEW", level=AgencyLevel.COMMUNE, active_from=date(2025, 7, 1)
    )
    for code, name in (("X-TK", "UBND xã Tịnh Khê (cũ)"), ("X-TKY", "UBND xã Tịnh Kỳ")):
        old = make_agency(name, code=code, level=AgencyLevel.COMMUNE)
        agencies.merge_agency(old, new_commune, date(2025, 7, 1))
    receiver = make_agency("Sở Nông nghiệp và Môi trường", code="SO-NNMT")
    absorbed = make_agency("Sở Tài nguyên và Môi trường", code="SO-TNMT")
    agencies.merge_agency(absorbed, receiver, date(2025, 3, 1))
    earlier = make_agency("Sở Tài chính", code="SO-TC")
    agencies.merge_agency(make_agency("Sở Kế hoạch", code="SO-KH"), earlier, date(2024, 6, 1))
    db.session.commit()
    return {"commune": new_commune, "receiver": receiver, "old": absorbed}


def test_agencies_formed_by_the_2025_merger_without_training_are_needs(merged):
    needs = needs_by_code()

    assert needs == {"SO-NNMT": [training.NEED_MERGER], "XA-NEW": [training.NEED_MERGER]}
    formed = {n.agency.code: n.formed_on for n in training.training_needs(TODAY)}
    assert formed == {"SO-NNMT": date(2025, 3, 1), "XA-NEW": date(2025, 7, 1)}


def test_training_before_the_merger_does_not_count_and_after_it_does(merged):
    attend(merged["old"], "Phạm Văn An", date(2024, 5, 2))
    attend(merged["receiver"], "Phạm Văn An", date(2024, 5, 2))
    attend(merged["commune"], "Lê Thị Bích", date(2025, 9, 16), attended=False)

    assert set(needs_by_code()) == {"SO-NNMT", "XA-NEW"}

    attend(merged["commune"], "Võ Văn Cường", date(2025, 10, 7))

    assert set(needs_by_code()) == {"SO-NNMT"}


def test_both_rules_at_once(merged):
    agencies.set_officer(merged["commune"], name="Đỗ Thị Dung", since=date(2025, 7, 20))
    db.session.commit()

    assert needs_by_code()["XA-NEW"] == [training.NEED_OFFICER, training.NEED_MERGER]


# -- the page, the export, the invitation ---------------------------------------------------


@pytest.fixture
def world(justice, merged):
    change_officer(justice)
    return {"justice": justice, **merged}


def test_needs_page_lists_reasons_and_filters(client, login, make_user, world):
    login(make_user(Role.VIEWER))

    page = page_text(client.get("/training/needs"))
    officers = page_text(client.get("/training/needs?reason=officer"))
    communes = page_text(client.get("/training/needs?level=commune"))

    assert "3 cơ quan cần đào tạo." in page
    assert "Cán bộ ISO hiện tại chưa được đào tạo từ khi nhận nhiệm vụ" in page
    assert "Cơ quan hình thành sau sắp xếp năm 2025 chưa được đào tạo" in page
    assert "Trần Văn Bình" in page and "từ 12/01/2026" in page
    assert "1 cơ quan cần đào tạo." in officers and "Sở Tư pháp" in officers
    assert "1 cơ quan cần đào tạo." in communes and "UBND xã Tịnh Khê" in communes
    assert 'name="agency"' not in page  # viewers invite nobody


def test_a_long_needs_list_is_paged_in_order_and_keeps_its_filters(
    client, login, make_user, world, monkeypatch
):
    monkeypatch.setattr(training, "NEEDS_PER_PAGE", 2)
    login(make_user(Role.VIEWER))
    order = [need.agency.name for need in training.training_needs()]

    first = page_text(client.get("/training/needs"))
    second = page_text(client.get("/training/needs?page=2"))
    filtered = page_text(client.get("/training/needs?level=commune&page=2"))

    assert "3 cơ quan cần đào tạo." in first and "3 cơ quan cần đào tạo." in second
    assert [name for name in order if name in first] == order[:2]
    assert [name for name in order if name in second] == order[2:]
    assert 'href="/training/needs?page=2"' in first
    # one commune need: page 2 of one page is that page
    assert "1 cơ quan cần đào tạo." in filtered and "UBND xã Tịnh Khê" in filtered


def test_needs_export(client, login, make_user, world):
    login(make_user(Role.VIEWER))

    response = client.get("/training/needs.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Nhu cầu đào tạo"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0] == (
        "STT",
        "Mã cơ quan",
        "Tên cơ quan",
        "Cấp",
        "Cán bộ phụ trách ISO",
        "Phụ trách từ ngày",
        "Lý do",
        "Lần đào tạo gần nhất",
    )
    assert [row[1] for row in rows[1:]] == ["SO-NNMT", "STP", "XA-NEW"]
    justice_row = rows[2]
    assert justice_row[4] == "Trần Văn Bình"
    assert justice_row[5].date() == date(2026, 1, 12)
    assert justice_row[6] == "Cán bộ ISO hiện tại chưa được đào tạo từ khi nhận nhiệm vụ"


def test_new_course_invites_the_chosen_agencies(client, login, make_user, world):
    login(make_user(Role.ADMIN))
    ids = [world["justice"].id, world["commune"].id]
    needs_page = page_text(client.get("/training/needs"))
    assert f'name="agency" value="{ids[0]}"' in needs_page

    form_page = page_text(client.get(f"/training/courses/new?agency={ids[0]}&agency={ids[1]}"))
    assert "Mời các cơ quan cần đào tạo (2)" in form_page
    assert "Sở Tư pháp (STP, Cấp tỉnh)" in form_page

    response = client.post(
        "/training/courses/new",
        data={
            "kind": "maintain_improve",
            "title": "Tập huấn cho cán bộ ISO mới",
            "start_on": "08/12/2026",
            "end_on": "09/12/2026",
            "invite": [str(i) for i in ids],
        },
    )

    assert response.status_code == 302
    course = db.session.scalar(select(TrainingCourse))
    people = [(p.agency.code, p.name, p.invited, p.attended) for p in course.participants]
    assert people == [
        ("STP", "Trần Văn Bình", True, False),
        ("XA-NEW", training.PLACEHOLDER_NAME, True, False),
    ]
    assert course.participants[0].iso_officer is world["justice"].current_officer
    assert "Được mời" in page_text(client.get(response.headers["Location"]))


def test_invitations_refuse_agencies_that_were_not_offered(client, login, make_user, world):
    login(make_user(Role.ADMIN))
    closed = world["old"]  # merged away, no longer active

    response = client.post(
        "/training/courses/new",
        data={
            "kind": "other",
            "title": "Khóa thử",
            "start_on": "08/12/2026",
            "end_on": "08/12/2026",
            "invite": [str(closed.id)],
        },
    )

    assert response.status_code == 200
    assert "Chỉ mời được cơ quan đang hoạt động." in page_text(response)
    assert db.session.scalar(select(TrainingCourse)) is None


# -- the demo -------------------------------------------------------------------------------


def test_after_seeding_the_demo_the_officer_changes_show_as_needs(runner):
    from inspect_app.seed.demo import AGENCY_USER_AGENCY, OFFICER_CHANGES

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    needs = {need.agency.code: need for need in training.training_needs()}

    for code in OFFICER_CHANGES:
        assert training.NEED_OFFICER in needs[code].reasons, code
        assert needs[code].officer.since.year == date.today().year
    tinh_khe = needs[AGENCY_USER_AGENCY]
    assert tinh_khe.agency.name == "UBND xã Tịnh Khê"
    assert training.NEED_MERGER in tinh_khe.reasons  # formed on 01/07/2025, never trained
