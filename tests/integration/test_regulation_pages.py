"""Regulation tracker pages: register, lineage, overview, portal catalogue, shared pages."""

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import IsoProcess, LegalDocument, Notification, ProcessVersion, Role
from inspect_app.services import regulations
from tests.regulation_world import document, process


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(make_agency, make_user):
    agency = make_agency("UBND xã Tịnh Khê", code="XA-1")
    other = make_agency("Sở Tư pháp", code="SO-TP")
    plan = document("599/QĐ-UBND", date(2019, 4, 26), summary="Kế hoạch chuyển đổi ISO 2019 – 2020")
    tthc = document("2093/QĐ-UBND", date(2018, 11, 23))
    regulations.add_procedures(tthc, agency, [("TĐC", "Đăng ký công bố hợp chuẩn")])
    db.session.commit()
    process(agency, "QT-01", date(2019, 6, 1), plan)
    process(other, "QT-09", date(2019, 6, 1), plan)
    return {
        "agency": agency,
        "other": other,
        "officer": make_user(Role.AGENCY, agency=agency),
        "outsider": make_user(Role.AGENCY, agency=other),
        "admin": make_user(Role.ADMIN),
    }


def amendment_form(**overrides):
    data = {
        "number": "971/QĐ-UBND",
        "kind": "decision",
        "summary": "Sửa đổi, bổ sung Kế hoạch ban hành kèm theo Quyết định số 599/QĐ-UBND",
        "issuer": "UBND tỉnh Quảng Ngãi",
        "signed_on": "03/07/2020",
        "effective_on": "03/07/2020",
        "expires_on": "",
        "replaces": "",
        "amends": "599/QĐ-UBND",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 200), (Role.VIEWER, 200), (Role.INSPECTOR, 200), (Role.AGENCY, 403)],
)
def test_staff_pages_access(client, login, make_user, role, expected):
    login(make_user(role))

    for path in ("/regulations/", "/regulations/documents/"):
        assert client.get(path).status_code == expected


@pytest.mark.parametrize("role", [Role.VIEWER, Role.INSPECTOR, Role.AGENCY])
def test_only_admins_add_documents(client, login, make_user, role):
    login(make_user(role))

    assert client.get("/regulations/documents/new").status_code == 403
    assert client.post("/regulations/documents/new", data=amendment_form()).status_code == 403


def test_recording_an_amendment_marks_processes_and_notifies_agencies(client, login, world):
    login(world["admin"])

    response = client.post(
        "/regulations/documents/new", data=amendment_form(), follow_redirects=True
    )

    page = text(response)
    assert "Đã lưu văn bản số 971/QĐ-UBND" in page
    assert "Đã thông báo cho 2 cơ quan" in page
    assert "Văn bản này làm 2 quy trình của 2 cơ quan cần cập nhật; 0 đã cập nhật" in page
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2
    overview = text(client.get("/regulations/"))
    assert "Làm 2 quy trình của 2 cơ quan cần cập nhật; 0 đã cập nhật." in overview
    assert "UBND xã Tịnh Khê" in overview and "Sở Tư pháp" in overview


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("effective_on", "01/07/2020", "Ngày hiệu lực không được trước ngày ban hành."),
        ("amends", "971/QĐ-UBND", "Văn bản không thể thay thế hoặc sửa đổi chính nó."),
        ("replaces", "12/QĐ-XYZ", "Không có văn bản số 12/QĐ-XYZ trong sổ."),
        ("summary", "", "Vui lòng nhập trích yếu."),
        ("signed_on", "32/01/2020", "Ngày phải có dạng dd/mm/yyyy"),
    ],
)
def test_bad_document_input_is_refused_naming_the_field(
    client, login, world, field, value, message
):
    login(world["admin"])

    response = client.post("/regulations/documents/new", data=amendment_form(**{field: value}))

    assert response.status_code == 200
    assert message in text(response)
    assert regulations.find_document("971/QĐ-UBND") is None


def test_a_cycle_through_the_form_is_refused(client, login, world):
    login(world["admin"])
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    plan = regulations.find_document("599/QĐ-UBND")
    form = amendment_form(
        number="599/QĐ-UBND",
        signed_on="26/04/2019",
        effective_on="26/04/2019",
        amends="971/QĐ-UBND",
    )

    response = client.post(f"/regulations/documents/{plan.id}/edit", data=form)

    assert "vòng thay thế/sửa đổi" in text(response)
    db.session.expire_all()
    assert regulations.find_document("599/QĐ-UBND").changes == []


def test_document_search_without_diacritics_and_filters(client, login, world):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    login(world["admin"])

    found = text(client.get("/regulations/documents/?q=ke+hoach+chuyen+doi"))
    changed = text(client.get("/regulations/documents/?status=changed"))
    in_force = text(client.get("/regulations/documents/?status=in_force&kind=decision"))

    assert "599/QĐ-UBND" in found and "2093/QĐ-UBND" not in found
    assert "599/QĐ-UBND" in changed and "2093/QĐ-UBND" not in changed
    assert "2093/QĐ-UBND" in in_force


def test_document_page_shows_lineage_both_ways(client, login, world):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    login(world["admin"])
    plan = regulations.find_document("599/QĐ-UBND")
    amendment = regulations.find_document("971/QĐ-UBND")

    assert "971/QĐ-UBND" in text(client.get(f"/regulations/documents/{plan.id}"))
    assert "599/QĐ-UBND" in text(client.get(f"/regulations/documents/{amendment.id}"))


def test_agency_sees_its_stale_list_and_a_new_version_clears_it(client, login, world):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    login(world["officer"])
    row = regulations.find_process(world["agency"], "QT-01")

    home = text(client.get("/"))
    catalogue = text(client.get("/portal/processes/"))
    too_old = client.post(
        f"/portal/processes/{row.id}/version",
        data={"issued_on": "01/06/2019", "number": "02", "bases": "599/QĐ-UBND"},
    )
    response = client.post(
        f"/portal/processes/{row.id}/version",
        data={"issued_on": "15/07/2020", "number": "02", "bases": "599/QĐ-UBND; 971/QĐ-UBND"},
        follow_redirects=True,
    )

    assert "Quy trình ISO cần cập nhật theo văn bản mới" in home and "QT-01" in home
    assert "Đăng ký công bố hợp chuẩn" in home  # the TTHC without a process
    assert "QT-01" in catalogue and "is-overdue" in catalogue
    assert "Phiên bản mới phải có ngày ban hành sau 01/06/2019" in text(too_old)
    assert "Đã ghi phiên bản ngày 15/07/2020 của quy trình QT-01" in text(response)
    assert regulations.stale_processes(regulations.today(), agency_id=world["agency"].id) == []
    assert [d.number for d in row.legal_bases] == ["599/QĐ-UBND", "971/QĐ-UBND"]


def test_agency_adds_a_process_covering_a_tthc(client, login, world):
    login(world["officer"])

    response = client.post(
        "/portal/processes/new",
        data={
            "code": "QT-02",
            "name": "Quy trình đăng ký công bố hợp chuẩn",
            "issued_on": "02/01/2020",
            "number": "01",
            "bases": "2093/QĐ-UBND",
            "procedure": regulations.procedure_key("Đăng ký công bố hợp chuẩn"),
        },
        follow_redirects=True,
    )

    assert "Đã thêm quy trình QT-02" in text(response)
    assert regulations.missing_procedures(regulations.today()) == []


def test_unknown_legal_basis_in_the_portal_is_refused(client, login, world):
    login(world["officer"])

    response = client.post(
        "/portal/processes/new",
        data={"code": "QT-03", "name": "Quy trình", "issued_on": "02/01/2020", "bases": "1/XX"},
    )

    assert "Không có văn bản số 1/XX trong sổ." in text(response)
    assert db.session.scalar(select(func.count()).select_from(IsoProcess)) == 2


def test_another_agencys_process_is_not_found(client, login, world):
    login(world["outsider"])
    row = regulations.find_process(world["agency"], "QT-01")

    assert client.get(f"/portal/processes/{row.id}/version").status_code == 404
    before = db.session.scalar(select(func.count()).select_from(ProcessVersion))
    client.post(f"/portal/processes/{row.id}/version", data={"issued_on": "01/01/2025"})
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == before


def test_agency_detail_and_inspection_pages_show_the_tracker(
    client, login, world, make_inspection, make_user
):
    document("971/QĐ-UBND", date(2020, 7, 3), amends=["599/QĐ-UBND"])
    inspection = make_inspection(agency=world["agency"])
    login(world["admin"])

    detail = text(client.get(f"/agencies/{world['agency'].id}"))
    page = text(client.get(f"/inspections/{inspection.id}"))
    checklist = text(client.get(f"/inspections/{inspection.id}/checklist"))

    assert "Quy trình ISO cần cập nhật theo văn bản mới" in detail and "QT-01" in detail
    assert "QT-01" in page
    hint = checklist.split('data-item="A.2"', 1)[1].split("</details>", 1)[0]
    assert "1 quy trình cần cập nhật" in hint and "QT-01" in hint and "599/QĐ-UBND → 971" in hint
    missing = checklist.split('data-item="A.1"', 1)[1].split("</details>", 1)[0]
    assert "Đăng ký công bố hợp chuẩn" in missing


def test_admin_records_tthc_of_a_decision(client, login, world):
    login(world["admin"])
    decision = regulations.find_document("2093/QĐ-UBND")

    bad = client.post(
        f"/regulations/documents/{decision.id}/procedures",
        data={"agency_code": "NOPE", "procedures": "Cấp giấy phép"},
    )
    client.post(
        f"/regulations/documents/{decision.id}/procedures",
        data={
            "agency_code": "XA-1",
            "procedures": "ATBX | Cấp giấy phép\n\nĐăng ký công bố hợp chuẩn",
        },
    )

    assert "Không có cơ quan mã NOPE." in text(bad)
    names = [p.name for p in regulations.missing_procedures(regulations.today())]
    assert sorted(names) == ["Cấp giấy phép", "Đăng ký công bố hợp chuẩn"]


def test_documents_count_unchanged_by_reads(client, login, world):
    login(world["admin"])
    client.get("/regulations/")
    assert db.session.scalar(select(func.count()).select_from(LegalDocument)) == 2
