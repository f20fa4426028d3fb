"""The decisions register: access, create/edit, numbers unique per issuer and year."""

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import AuditLog, Decision, DecisionKind, Role
from inspect_app.services import decisions


def page_text(response) -> str:
    return response.get_data(as_text=True)


def decision_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Decision))


def decision_form(**overrides):
    data = {
        "number": "728/QĐ-UBND",
        "signed_on": "20/04/2017",
        "issuer": "UBND tỉnh Quảng Ngãi",
        "kind": "plan_approval",
        "summary": "Phê duyệt Kế hoạch kiểm tra việc áp dụng HTQLCL năm 2017",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ADMIN, 200), (Role.VIEWER, 200), (Role.INSPECTOR, 403), (Role.AGENCY, 403)],
)
def test_list_access(client, login, make_user, role, expected):
    login(make_user(role))

    assert client.get("/decisions/").status_code == expected


@pytest.mark.parametrize("role", [Role.VIEWER, Role.INSPECTOR, Role.AGENCY])
def test_only_admins_write(client, login, make_user, make_decision, role):
    decision = make_decision()
    login(make_user(role))

    assert client.get("/decisions/new").status_code == 403
    assert client.post("/decisions/new", data=decision_form()).status_code == 403
    assert client.get(f"/decisions/{decision.id}/edit").status_code == 403
    assert decision_count() == 1


def test_anonymous_goes_to_login(client):
    response = client.get("/decisions/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_admin_creates_a_decision(client, login, make_user):
    login(make_user(Role.ADMIN))

    response = client.post("/decisions/new", data=decision_form())

    assert response.status_code == 302
    decision = db.session.scalar(select(Decision))
    assert (decision.number, decision.signed_on, decision.year, decision.kind) == (
        "728/QĐ-UBND",
        date(2017, 4, 20),
        2017,
        DecisionKind.PLAN_APPROVAL,
    )
    assert (
        db.session.scalar(select(AuditLog.action).where(AuditLog.object_type == "decisions"))
        == "create"
    )
    page = page_text(client.get(response.headers["Location"]))
    assert "728/QĐ-UBND" in page and "20/04/2017" in page and "Phê duyệt kế hoạch" in page


@pytest.mark.parametrize("number", ["728/QĐ-UBND", "728 / qđ-ubnd", " 728/qđ-UBND "])
def test_duplicate_number_same_issuer_and_year_is_refused(client, login, make_user, number):
    login(make_user(Role.ADMIN))
    client.post("/decisions/new", data=decision_form())

    response = client.post(
        "/decisions/new",
        data=decision_form(number=number, signed_on="02/11/2017", issuer="  ubnd tỉnh Quảng Ngãi"),
    )

    assert response.status_code == 200
    assert "Quyết định số" in page_text(response)
    assert "năm 2017 đã có trong danh sách." in page_text(response)
    assert decision_count() == 1


@pytest.mark.parametrize(
    "overrides",
    [{"signed_on": "09/02/2018"}, {"issuer": "Sở Khoa học và Công nghệ"}],
)
def test_same_number_in_another_year_or_from_another_issuer_is_fine(
    client, login, make_user, overrides
):
    login(make_user(Role.ADMIN))
    client.post("/decisions/new", data=decision_form())

    response = client.post("/decisions/new", data=decision_form(**overrides))

    assert response.status_code == 302
    assert decision_count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"number": ""}, "Vui lòng nhập số hiệu quyết định."),
        ({"signed_on": ""}, "Vui lòng nhập ngày ký."),
        ({"signed_on": "2017-04-20"}, "Ngày phải có dạng dd/mm/yyyy"),
        ({"signed_on": "31/04/2017"}, "Ngày phải có dạng dd/mm/yyyy"),
        ({"signed_on": "01/01/1900"}, "Năm ký phải từ 1945 đến 2200."),
        ({"issuer": ""}, "Vui lòng nhập cơ quan ban hành."),
        ({"kind": "bogus"}, "Giá trị đã chọn không hợp lệ."),
    ],
)
def test_bad_input_is_refused(client, login, make_user, overrides, message):
    login(make_user(Role.ADMIN))

    response = client.post("/decisions/new", data=decision_form(**overrides))

    assert response.status_code == 200
    assert message in page_text(response)
    assert decision_count() == 0


def test_edit_keeps_its_own_number_and_refuses_another(client, login, make_user, make_decision):
    first = make_decision("79/QĐ-KHCN", signed_on=date(2019, 4, 1), issuer="Sở KH&CN")
    second = make_decision("80/QĐ-KHCN", signed_on=date(2019, 4, 2), issuer="Sở KH&CN")
    login(make_user(Role.ADMIN))

    page = page_text(client.get(f"/decisions/{first.id}/edit"))
    assert 'value="79/QĐ-KHCN"' in page and 'value="01/04/2019"' in page

    ok = client.post(
        f"/decisions/{first.id}/edit",
        data=decision_form(
            number="79/QĐ-KHCN",
            signed_on="01/04/2019",
            issuer="Sở KH&CN",
            summary="Kế hoạch kiểm tra năm 2019",
        ),
    )
    assert ok.status_code == 302
    db.session.refresh(first)
    assert first.summary == "Kế hoạch kiểm tra năm 2019"

    clash = client.post(
        f"/decisions/{second.id}/edit",
        data=decision_form(number="79/qđ-khcn", signed_on="30/12/2019", issuer="Sở KH&CN"),
    )
    assert "đã có trong danh sách" in page_text(clash)
    db.session.refresh(second)
    assert second.number == "80/QĐ-KHCN"
    assert client.get("/decisions/999999/edit").status_code == 404


def test_year_filter(client, login, make_user, make_decision):
    make_decision("728/QĐ-UBND", signed_on=date(2017, 4, 20))
    make_decision("264/QĐ-UBND", signed_on=date(2018, 2, 9))
    login(make_user(Role.VIEWER))

    page = page_text(client.get("/decisions/", query_string={"year": 2018}))

    assert "264/QĐ-UBND" in page and "728/QĐ-UBND" not in page
    assert 'href="/decisions/new"' not in page
    assert decisions.decision_years() == [2018, 2017]
    everything = page_text(client.get("/decisions/", query_string={"year": "abc"}))
    assert "264/QĐ-UBND" in everything and "728/QĐ-UBND" in everything


def test_service_refuses_duplicates_too(app, make_decision):
    make_decision("94/QĐ-KHCN", signed_on=date(2020, 3, 25), issuer="Sở KH&CN")

    with pytest.raises(Exception, match="đã có trong danh sách"):
        decisions.create_decision(
            number="94/qđ-khcn",
            signed_on=date(2020, 6, 1),
            issuer="sở kh&cn",
            kind=DecisionKind.OTHER,
        )


PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def test_decision_with_its_scanned_file(client, login, make_user):
    import io

    from inspect_app.models import Decision, EvidenceFile

    login(make_user(Role.ADMIN))
    data = {
        "number": "728/QĐ-UBND",
        "signed_on": "20/04/2017",
        "issuer": "UBND tỉnh Quảng Ngãi",
        "kind": "plan_approval",
        "summary": "Phê duyệt kế hoạch kiểm tra năm 2017",
        "file": (io.BytesIO(PDF_BYTES), "Quyết định 728.pdf"),
    }
    response = client.post("/decisions/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    decision = db.session.scalar(select(Decision))
    stored = db.session.scalar(select(EvidenceFile))
    assert stored.decision_id == decision.id and stored.purpose == "decision"
    login(make_user(Role.VIEWER))
    with client.get(f"/decisions/{decision.id}/files/{stored.id}") as download:
        assert download.status_code == 200 and download.data == PDF_BYTES
        assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_bad_file_keeps_nothing(client, login, make_user):
    import io

    from inspect_app.models import Decision

    login(make_user(Role.ADMIN))
    data = {
        "number": "264/QĐ-UBND",
        "signed_on": "09/02/2018",
        "issuer": "UBND tỉnh Quảng Ngãi",
        "kind": "plan_approval",
        "file": (io.BytesIO(b"<html>not a pdf</html>"), "qd.pdf"),
    }
    page = client.post("/decisions/new", data=data, content_type="multipart/form-data")
    assert page.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
