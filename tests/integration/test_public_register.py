"""The public conformity register and its open data (issue 5 §6, CONTRACTS 5.4)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import event, func, select

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    ConformityAnnouncement,
    IsoOfficer,
    Standard,
)
from inspect_app.models.agency import REGISTER_ROOT_CODE
from inspect_app.models.base import utcnow
from inspect_app.services.dashboard import conformity_coverage

AGENCY_KEYS = {"code", "name", "level", "status", "standard", "announced_on", "number"}
CSV_HEADER = ["code", "name", "level", "status", "standard", "announced_on", "number"]


def text(response) -> str:
    return response.get_data(as_text=True)


def announce(agency, number, day, status=AnnouncementStatus.ACKNOWLEDGED, **fields):
    row = ConformityAnnouncement(
        agency=agency,
        number=number,
        announced_on=day,
        standard=fields.pop("standard", Standard.ISO_9001_2015),
        scope="Toàn bộ thủ tục hành chính",
        procedures_count=90,
        status=status,
        acknowledged_at=utcnow() if status is AnnouncementStatus.ACKNOWLEDGED else None,
        return_reason="Thiếu chữ ký" if status is AnnouncementStatus.RETURNED else None,
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def register(make_agency):
    """Two communes, two departments, a merged district; announcements in every state."""
    commune = AgencyLevel.COMMUNE
    tinh_khe = make_agency("UBND xã Tịnh Khê", code="XA-21211", level=commune)
    cam_thanh = make_agency("UBND phường Cẩm Thành", code="XA-21001", level=commune)
    so_tp = make_agency("Sở Tư pháp", code="SO-TP")
    so_yt = make_agency("Sở Y tế", code="SO-YT")
    old = make_agency(
        "UBND huyện Sơn Tịnh",
        code="HUYEN-ST",
        level=AgencyLevel.DISTRICT,
        active_to=date(2025, 6, 30),
    )
    tinh_khe.officers.append(
        IsoOfficer(
            name="Nguyễn Thị Hoa",
            phone="0905 123 456",
            email="hoa.tinhkhe@quangngai.gov.vn",
            since=date(2025, 7, 1),
        )
    )
    old_2008 = announce(tinh_khe, "45/QĐ-UBND", date(2017, 3, 2), standard=Standard.ISO_9001_2008)
    announce(tinh_khe, "212/QĐ-UBND", date(2025, 8, 14), supersedes=old_2008)
    announce(cam_thanh, "220/QĐ-UBND", date(2025, 9, 1), AnnouncementStatus.SUBMITTED)
    announce(so_tp, "88/QĐ-STP", date(2025, 7, 20))
    announce(so_tp, "99/QĐ-STP", date(2025, 11, 2), AnnouncementStatus.SUBMITTED)
    announce(so_yt, "17/QĐ-SYT", date(2025, 8, 1), AnnouncementStatus.RETURNED)
    announce(old, "300/QĐ-UBND", date(2019, 5, 5))
    return {"tinh_khe": tinh_khe, "cam_thanh": cam_thanh, "so_tp": so_tp, "so_yt": so_yt}


def by_code(payload) -> dict:
    return {row["code"]: row for row in payload["agencies"]}


def test_visitors_read_the_register_without_logging_in(client, register):
    response = client.get("/conformity/")

    assert response.status_code == 200
    page = text(response)
    for name in ("UBND xã Tịnh Khê", "UBND phường Cẩm Thành", "Sở Tư pháp", "Sở Y tế"):
        assert name in page
    assert "UBND huyện Sơn Tịnh" not in page  # no longer active
    assert "212/QĐ-UBND" in page and "14/08/2025" in page and "TCVN ISO 9001:2015" in page
    assert "45/QĐ-UBND" not in page  # superseded
    assert "Chờ Sở tiếp nhận" in page and "Chưa công bố" in page
    assert "Cấp xã: 1/2" in page and "Cấp tỉnh: 1/2" in page
    assert "Cấp huyện:" not in page  # no active district: no coverage line


def test_no_personal_contact_data(client, register):
    page = text(client.get("/conformity/"))
    data = text(client.get("/api/v1/conformity"))
    sheet = text(client.get("/api/v1/conformity?format=csv"))

    for leak in ("Nguyễn Thị Hoa", "0905 123 456", "hoa.tinhkhe@quangngai.gov.vn"):
        assert leak not in page and leak not in data and leak not in sheet


@pytest.mark.parametrize("query", ["tinh khe", "TỊNH KHÊ", "Tinh  Khe", "xa-21211", "tịnh"])
def test_search_ignores_case_and_diacritics(client, register, query):
    page = text(client.get("/conformity/", query_string={"q": query}))

    assert "UBND xã Tịnh Khê" in page
    assert "Sở Tư pháp" not in page


def test_filters_by_level_and_status(client, register):
    communes = text(client.get("/conformity/?level=commune"))
    waiting = text(client.get("/conformity/?status=submitted"))
    none = text(client.get("/conformity/?status=none&level=provincial"))

    assert "UBND xã Tịnh Khê" in communes and "Sở Tư pháp" not in communes
    assert "UBND phường Cẩm Thành" in waiting and "UBND xã Tịnh Khê" not in waiting
    assert "Sở Tư pháp" not in waiting  # acknowledged, even with a newer one waiting
    assert "Sở Y tế" in none and "UBND phường Cẩm Thành" not in none


def test_a_tampered_filter_is_shown_and_ignored(client, register):
    response = client.get("/conformity/?level=galaxy")

    assert response.status_code == 200
    page = text(response)
    assert "Giá trị đã chọn không hợp lệ." in page
    assert "UBND xã Tịnh Khê" in page and "Sở Tư pháp" in page


def test_json_open_data_contract(client, register):
    response = client.get("/api/v1/conformity")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    payload = response.get_json()
    assert set(payload) == {"agencies", "coverage", "next"}
    for row in payload["agencies"]:
        assert set(row) == AGENCY_KEYS
    rows = by_code(payload)
    assert set(rows) == {"XA-21211", "XA-21001", "SO-TP", "SO-YT"}
    assert rows["XA-21211"] == {
        "code": "XA-21211",
        "name": "UBND xã Tịnh Khê",
        "level": "commune",
        "status": "acknowledged",
        "standard": "TCVN ISO 9001:2015",
        "announced_on": "2025-08-14",
        "number": "212/QĐ-UBND",
    }
    assert rows["XA-21001"]["status"] == "submitted"
    assert rows["XA-21001"]["standard"] is None and rows["XA-21001"]["number"] is None
    assert rows["SO-YT"] == {
        "code": "SO-YT",
        "name": "Sở Y tế",
        "level": "provincial",
        "status": "none",
        "standard": None,
        "announced_on": None,
        "number": None,
    }
    assert rows["SO-TP"]["number"] == "88/QĐ-STP"
    assert payload["coverage"] == conformity_coverage()
    assert payload["coverage"]["commune"] == {"announced": 1, "total": 2}
    assert payload["coverage"]["provincial"] == {"announced": 1, "total": 2}
    assert payload["coverage"]["district"] == {"announced": 0, "total": 0}
    for level in payload["coverage"].values():
        assert set(level) == {"announced", "total"}


def test_json_filters(client, register):
    communes = by_code(client.get("/api/v1/conformity?level=commune").get_json())
    found = by_code(client.get("/api/v1/conformity", query_string={"q": "cam thanh"}).get_json())

    assert set(communes) == {"XA-21211", "XA-21001"}
    assert set(found) == {"XA-21001"}


@pytest.mark.parametrize("query", ["format=xml", "level=galaxy", "status=maybe", "q=" + "x" * 300])
def test_bad_parameters_are_a_json_400(client, register, query):
    response = client.get(f"/api/v1/conformity?{query}")

    assert response.status_code == 400
    assert set(response.get_json()) == {"error"}


def test_csv_open_data(client, register):
    response = client.get("/api/v1/conformity?format=csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    records = {row[0]: dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    assert set(records) == {"XA-21211", "XA-21001", "SO-TP", "SO-YT"}
    assert records["XA-21211"]["name"] == "UBND xã Tịnh Khê"
    assert records["XA-21211"]["announced_on"] == "2025-08-14"
    assert records["SO-YT"]["status"] == "none" and records["SO-YT"]["number"] == ""


def test_csv_neutralises_formulas(client, make_agency):
    make_agency('=HYPERLINK("http://evil")', code="X-1")

    body = client.get("/api/v1/conformity?format=csv").data.decode("utf-8-sig")

    assert "'=HYPERLINK" in body


def test_the_register_page_runs_a_fixed_number_of_queries(client, make_agency):
    agencies = [
        Agency(code=f"XA-{n:05d}", name=f"UBND xã Thử {n}", level=AgencyLevel.COMMUNE)
        for n in range(240)
    ]
    db.session.add_all(agencies)
    db.session.flush()
    db.session.add_all(
        ConformityAnnouncement(
            agency_id=agency.id,
            number=f"{n}/QĐ-UBND",
            announced_on=date(2025, 8, 1),
            standard=Standard.ISO_9001_2015,
            scope="Toàn bộ",
            status=AnnouncementStatus.ACKNOWLEDGED,
            acknowledged_at=datetime(2025, 8, 5),
        )
        for n, agency in enumerate(agencies)
        if n % 3
    )
    db.session.commit()
    statements = []

    def count_statement(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        page = text(client.get("/conformity/"))
        payload = client.get("/api/v1/conformity").get_json()
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)

    assert page.count('class="register-row') == 50  # one page (DESIGN 5.9)
    assert "240 cơ quan" in page
    assert "Cấp xã: 160/240" in page
    assert len(payload["agencies"]) == 100 and payload["next"]
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5, selects  # page: count + rows + coverage; API: rows + coverage
    rest = client.get(payload["next"]).get_json()
    last = client.get(rest["next"]).get_json()
    assert len(rest["agencies"]) == 100 and len(last["agencies"]) == 40 and last["next"] is None
    codes = [a["code"] for a in payload["agencies"] + rest["agencies"] + last["agencies"]]
    assert len(set(codes)) == 240


def test_the_demo_register_lists_its_agencies_with_coverage_per_level(client, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    active = db.session.scalars(
        select(Agency).where(Agency.active_to.is_(None), Agency.code != REGISTER_ROOT_CODE)
    ).all()
    communes = [a for a in active if a.level is AgencyLevel.COMMUNE]
    assert len(communes) == 96

    page = text(client.get("/conformity/"))
    payload = client.get("/api/v1/conformity?limit=1000").get_json()

    assert page.count('class="register-row') == min(50, len(active))
    names = {record["name"] for record in payload["agencies"]}
    for agency in active:
        assert agency.name in names
    # the province's People's Committee is the register's root, not an inspected agency
    assert "UBND tỉnh Quảng Ngãi" not in names
    coverage = payload["coverage"]
    assert coverage["commune"]["total"] == 96
    assert 0 < coverage["commune"]["announced"] < 96  # a few still missing or waiting
    for level, row in coverage.items():
        if row["total"]:
            label = {"provincial": "Cấp tỉnh", "commune": "Cấp xã", "other": "Khác"}[level]
            assert f"{label}: {row['announced']}/{row['total']}" in page
    rows = by_code(payload)
    assert set(rows) == {a.code for a in active}
    statuses = {row["status"] for row in rows.values()}
    assert statuses == {"acknowledged", "submitted", "none"}
    assert rows["XA-21211"]["name"] == "UBND xã Tịnh Khê"
    acknowledged = sum(1 for row in rows.values() if row["status"] == "acknowledged")
    assert acknowledged == sum(row["announced"] for row in coverage.values())
    waiting = db.session.scalar(
        select(func.count())
        .select_from(ConformityAnnouncement)
        .where(ConformityAnnouncement.status == AnnouncementStatus.SUBMITTED)
    )
    assert waiting >= 1
