"""Conformity announcements (issue 5 §5): submit, acknowledge or return, supersede, admin view."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    AgencyLevel,
    AnnouncementStatus,
    AuditLog,
    ConformityAnnouncement,
    EvidenceFile,
    Notification,
    Role,
    Standard,
)
from inspect_app.permissions import can_view_evidence
from inspect_app.services import conformity
from inspect_app.services.conformity import AnnouncementError
from tests.integration.portal_world import PDF, multipart

A = AnnouncementStatus


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def agency(make_agency):
    return make_agency("UBND xã Tịnh Khê", code="XA-21211", level=AgencyLevel.COMMUNE)


@pytest.fixture
def officer(make_user, agency):
    return make_user(Role.AGENCY, agency=agency)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def form_values(**overrides):
    values = {
        "number": "125/QĐ-UBND",
        "announced_on": "10/03/2025",
        "standard": "TCVN ISO 9001:2015",
        "scope": "Toàn bộ 112 thủ tục hành chính thuộc thẩm quyền của UBND xã.",
        "procedures_count": "112",
        "file": ("Quyết định công bố 125.pdf", PDF),
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def submit(client, **overrides):
    return multipart(client, "/portal/announcements/new", form_values(**overrides))


def service_submit(agency, by, number="125/QĐ-UBND", announced_on=date(2025, 3, 10), **extra):
    return conformity.submit_announcement(
        agency,
        number=number,
        announced_on=announced_on,
        standard=extra.pop("standard", Standard.ISO_9001_2015),
        scope=extra.pop("scope", "Toàn bộ thủ tục hành chính"),
        procedures_count=extra.pop("procedures_count", 100),
        file=io.BytesIO(extra.pop("content", PDF + number.encode())),
        filename="Quyết định.pdf",
        by=by,
        **extra,
    )


def test_agency_submits_an_announcement_with_its_signed_decision(client, login, officer, agency):
    login(officer)

    response = submit(client)

    assert response.status_code == 302
    row = db.session.scalars(select(ConformityAnnouncement)).one()
    assert response.headers["Location"] == f"/portal/announcements/{row.id}"
    assert (row.number, row.announced_on, row.standard, row.procedures_count) == (
        "125/QĐ-UBND",
        date(2025, 3, 10),
        Standard.ISO_9001_2015,
        112,
    )
    assert row.status is A.SUBMITTED and row.submitted_by_id == officer.id
    stored = db.session.get(EvidenceFile, row.file_id)
    assert (stored.purpose, stored.agency_id, stored.inspection_id) == (
        "announcement",
        agency.id,
        None,
    )
    assert stored.original_name == "Quyết định công bố 125.pdf"
    assert can_view_evidence(officer, stored)
    assert count(AuditLog, AuditLog.action == "submit") == 1
    page = text(client.get(f"/portal/announcements/{row.id}"))
    assert "Chờ tiếp nhận" in page and "Quyết định công bố 125.pdf" in page
    download = client.get(f"/evidence/{stored.id}")
    assert download.status_code == 200
    download.close()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"number": ""}, "Vui lòng nhập số quyết định công bố."),
        (
            {"announced_on": (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")},
            "Ngày ký quyết định công bố không được ở tương lai.",
        ),
        ({"announced_on": "31/02/2025"}, "Ngày phải có dạng dd/mm/yyyy"),
        ({"standard": "ISO 14001"}, "Giá trị đã chọn không hợp lệ."),
        ({"scope": ""}, "Vui lòng nhập phạm vi áp dụng."),
        ({"procedures_count": "nhiều"}, "Vui lòng nhập một số nguyên, ví dụ 96."),
        ({"procedures_count": "-3"}, "Số thủ tục phải từ 0 đến 100.000."),
        ({"procedures_count": ""}, "Vui lòng nhập số thủ tục hành chính."),
        ({"file": None}, "Vui lòng đính kèm quyết định công bố đã ký."),
        ({"file": ("qd.pdf", b"<html>gi\xe1 m\xe1\xba\xa1o</html>")}, "không đúng định dạng .pdf"),
        ({"file": ("qd.pdf", b"")}, "Tệp rỗng"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    app, client, login, officer, overrides, message
):
    login(officer)

    response = submit(client, **overrides)

    assert response.status_code == 422
    assert message in text(response)
    assert count(ConformityAnnouncement) == 0
    assert count(EvidenceFile) == 0


def test_zero_procedures_is_accepted(client, login, officer):
    login(officer)

    assert submit(client, procedures_count="0").status_code == 302


@pytest.mark.parametrize("number", ["125/QĐ-UBND", " 125/qđ-ubnd ", "125/QĐ-UBND"])
def test_duplicate_number_is_refused(client, login, officer, agency, admin, number):
    service_submit(agency, officer)
    db.session.commit()
    login(officer)

    response = submit(client, number=number, announced_on="11/03/2025")

    assert response.status_code == 422
    assert "Cơ quan đã gửi công bố số 125/QĐ-UBND (ngày 10/03/2025); không gửi trùng." in text(
        response
    )
    assert count(ConformityAnnouncement) == 1


def test_same_number_in_another_agency_is_fine(make_agency, make_user, agency, officer):
    service_submit(agency, officer)
    other = make_agency("UBND xã Nghĩa Hà", level=AgencyLevel.COMMUNE)

    service_submit(other, make_user(Role.AGENCY, agency=other))

    assert count(ConformityAnnouncement) == 2


def test_a_second_submission_waits_for_the_first(agency, officer):
    service_submit(agency, officer)

    with pytest.raises(AnnouncementError) as error:
        service_submit(agency, officer, number="130/QĐ-UBND")

    assert "đang có một công bố chờ Sở tiếp nhận" in error.value.message


def test_service_refuses_a_future_date(agency, officer):
    with pytest.raises(AnnouncementError) as error:
        service_submit(agency, officer, announced_on=date.today() + timedelta(days=3))

    assert error.value.message == "Ngày ký quyết định công bố không được ở tương lai."
    assert count(EvidenceFile) == 0


def test_admin_acknowledges_and_the_agency_is_told(client, login, agency, officer, admin):
    row = service_submit(agency, officer)
    db.session.commit()
    login(admin)

    response = client.post(f"/conformity/announcements/{row.id}/acknowledge")

    assert response.status_code == 302
    assert row.status is A.ACKNOWLEDGED
    assert row.acknowledged_by_id == admin.id and row.acknowledged_at is not None
    note = db.session.scalars(select(Notification)).one()
    assert (note.agency_id, note.user_id) == (agency.id, None)
    assert note.link == f"/portal/announcements/{row.id}"
    assert note.message == "Sở KH&CN đã tiếp nhận công bố HTQLCL số 125/QĐ-UBND."
    assert count(AuditLog, AuditLog.action == "acknowledge") == 1
    status = conformity.current_status(agency)
    assert (status.status, status.current, status.pending) == ("acknowledged", row, None)

    again = client.post(f"/conformity/announcements/{row.id}/acknowledge")
    assert again.status_code == 409
    assert "chỉ xử lý được công bố chờ tiếp nhận" in text(again)


def test_admin_returns_with_a_reason_and_the_agency_may_resubmit(
    client, login, agency, officer, admin
):
    row = service_submit(agency, officer)
    db.session.commit()
    login(admin)

    missing = client.post(f"/conformity/announcements/{row.id}/return", data={"reason": " "})
    assert missing.status_code == 422
    assert "Vui lòng nêu lý do trả lại." in text(missing)
    assert row.status is A.SUBMITTED

    response = client.post(
        f"/conformity/announcements/{row.id}/return",
        data={"reason": "Bản quét thiếu chữ ký, đóng dấu."},
    )

    assert response.status_code == 302
    assert (row.status, row.return_reason) == (A.RETURNED, "Bản quét thiếu chữ ký, đóng dấu.")
    note = db.session.scalars(select(Notification)).one()
    assert "Bản quét thiếu chữ ký, đóng dấu." in note.message
    login(officer)
    page = text(client.get(f"/portal/announcements/{row.id}"))
    assert "Bản quét thiếu chữ ký, đóng dấu." in page and "Gửi lại công bố" in page

    again = submit(client, file=("Quyết định có dấu.pdf", PDF + b"signed"))
    assert again.status_code == 302
    assert count(ConformityAnnouncement) == 2


def test_a_new_announcement_supersedes_the_previous_one_and_keeps_history(
    client, login, agency, officer, admin
):
    first = service_submit(
        agency, officer, "10/QĐ-UBND", date(2017, 6, 1), standard="TCVN ISO 9001:2008"
    )
    conformity.acknowledge(first, admin)
    db.session.commit()
    login(officer)

    too_old = submit(client, number="11/QĐ-UBND", announced_on="01/01/2017")
    assert too_old.status_code == 422
    assert "Ngày ký phải sau ngày của công bố hiện hành (số 10/QĐ-UBND, 01/06/2017)." in text(
        too_old
    )

    assert submit(client).status_code == 302
    second = db.session.scalars(
        select(ConformityAnnouncement).where(ConformityAnnouncement.number == "125/QĐ-UBND")
    ).one()
    assert second.supersedes_id == first.id
    assert conformity.current_status(agency).status == "acknowledged"
    assert conformity.current_status(agency).current == first

    conformity.acknowledge(second, admin)
    db.session.commit()

    assert conformity.current_status(agency).current == second
    assert [a.number for a in conformity.history(agency)] == ["125/QĐ-UBND", "10/QĐ-UBND"]
    assert first.status is A.ACKNOWLEDGED  # history kept
    page = text(client.get("/portal/announcements"))
    assert "10/QĐ-UBND" in page and "125/QĐ-UBND" in page
    assert "TCVN ISO 9001:2008" in page
    register = client.get("/api/v1/conformity").get_json()
    assert register["agencies"][0]["number"] == "125/QĐ-UBND"


def test_admin_view_lists_waiting_announcements_and_agencies_without_one(
    client, login, make_agency, make_user, agency, officer, admin
):
    announced = make_agency("Sở Tư pháp", code="SO-TP")
    make_agency(
        "UBND huyện cũ", code="HUYEN-X", level=AgencyLevel.DISTRICT, active_to=date(2025, 6, 30)
    )
    silent = make_agency("Sở Y tế", code="SO-YT")
    done = service_submit(announced, make_user(Role.AGENCY, agency=announced), "5/QĐ-STP")
    conformity.acknowledge(done, admin)
    waiting = service_submit(agency, officer)
    db.session.commit()
    login(admin)

    page = text(client.get("/conformity/admin"))

    waiting_section = page[page.index("Công bố chờ tiếp nhận") : page.index("Cơ quan chưa có")]
    without_section = page[page.index("Cơ quan chưa có") :]
    assert f"/conformity/announcements/{waiting.id}" in waiting_section
    assert "UBND xã Tịnh Khê" in without_section and silent.name in without_section
    assert "Sở Tư pháp" not in without_section
    assert "UBND huyện cũ" not in page
    assert "Cấp tỉnh: 1/2" in page and "Cấp xã: 0/1" in page

    detail = text(client.get(f"/conformity/announcements/{waiting.id}"))
    assert "Tiếp nhận" in detail and "Trả lại" in detail


def test_admin_view_shows_the_first_rows_and_links_to_the_paged_register(
    client, login, make_agency, make_user, agency, officer, admin, monkeypatch
):
    from inspect_app.blueprints.conformity import routes

    for n in range(3):
        make_agency(f"Sở thử {n}", code=f"SO-{n}")
    service_submit(agency, officer)
    db.session.commit()
    monkeypatch.setattr(routes, "ADMIN_LIST_ROWS", 2)
    login(admin)

    page = text(client.get("/conformity/admin"))

    without_section = page[page.index("Cơ quan chưa có") :]
    assert without_section.count("<tr><td>") == 2
    assert "Hiển thị 2 trong 4 cơ quan." in without_section
    assert 'href="/conformity/?status=none"' in without_section
    assert 'href="/conformity/?status=submitted"' in without_section
    listed = text(client.get("/conformity/?status=none"))
    assert all(f"Sở thử {n}" in listed for n in range(3))


def test_viewer_reads_but_does_not_decide(client, login, make_user, agency, officer):
    row = service_submit(agency, officer)
    db.session.commit()
    login(make_user(Role.VIEWER))

    assert client.get("/conformity/admin").status_code == 200
    detail = text(client.get(f"/conformity/announcements/{row.id}"))
    assert "Lý do trả lại" not in detail
    assert client.post(f"/conformity/announcements/{row.id}/acknowledge").status_code == 403
    assert row.status is A.SUBMITTED


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.AGENCY])
def test_other_roles_cannot_open_the_admin_view(client, login, make_user, role):
    login(make_user(role))

    assert client.get("/conformity/admin").status_code == 403


def test_missing_announcement_is_404(client, login, admin):
    login(admin)

    assert client.get("/conformity/announcements/999").status_code == 404
    assert client.post("/conformity/announcements/999/acknowledge").status_code == 404


def test_a_new_announcement_offers_only_the_current_standard(client, login, agency, officer):
    login(officer)

    form = text(client.get("/portal/announcements/new"))
    assert "TCVN ISO 9001:2015" in form and "TCVN ISO 9001:2008" not in form
    refused = submit(client, standard="TCVN ISO 9001:2008")
    assert refused.status_code == 422
    assert "Giá trị đã chọn không hợp lệ." in text(refused)
    assert count(ConformityAnnouncement) == 0
