"""The findings register (5.10): the page, GET /api/v1/findings and the workbook agree."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from inspect_app.extensions import db
from inspect_app.models import (
    AgencyLevel,
    Finding,
    FindingStatus,
    InspectionStatus,
    PlanStatus,
    Role,
    Severity,
)
from inspect_app.models.base import utcnow

TODAY = date(2026, 12, 3)


@pytest.fixture
def register_world(frozen_clock, make_agency, make_user, make_plan, make_inspection):
    plan_2025, plan_2026 = make_plan(2025), make_plan(2026)
    draft = make_plan(2027, status=PlanStatus.DRAFT)
    commune = make_agency("UBND xã Nghĩa Hành", code="X001", level=AgencyLevel.COMMUNE)
    department = make_agency("Sở Tư pháp", code="S001")
    lead = make_user(Role.INSPECTOR)
    outsider = make_user(Role.INSPECTOR)
    # Concluded after the findings were raised (20 and 60 days before the frozen today).
    insp_a = make_inspection(
        plan=plan_2026,
        agency=commune,
        lead=lead,
        status=InspectionStatus.CONCLUDED,
        conducted_on=date(2026, 11, 20),
        concluded_on=date(2026, 11, 20),
    )
    insp_b = make_inspection(
        plan=plan_2025,
        agency=department,
        status=InspectionStatus.CONCLUDED,
        conducted_on=date(2026, 10, 4),
        concluded_on=date(2026, 10, 4),
    )
    insp_draft = make_inspection(plan=draft, agency=commune, lead=lead)

    def finding(inspection, severity, due, status=FindingStatus.OPEN, **fields):
        row = Finding(
            inspection=inspection,
            severity=severity,
            description="d",
            requirement="7.5",
            corrective_action_required="a",
            due_on=due,
            status=status,
            **fields,
        )
        db.session.add(row)
        return row

    overdue = finding(insp_a, Severity.MAJOR, TODAY - timedelta(days=5))
    upcoming = finding(insp_a, Severity.MINOR, TODAY + timedelta(days=10))
    closed = finding(
        insp_b,
        Severity.MINOR,
        TODAY - timedelta(days=40),
        FindingStatus.CLOSED,
        verified_at=utcnow(),
        verified_by_id=lead.id,
    )
    hidden = finding(insp_draft, Severity.MINOR, TODAY + timedelta(days=3))
    db.session.flush()
    overdue.created_at = utcnow() - timedelta(days=20)
    closed.created_at = utcnow() - timedelta(days=60)
    db.session.commit()
    return {
        "overdue": overdue,
        "upcoming": upcoming,
        "closed": closed,
        "hidden": hidden,
        "lead": lead,
        "outsider": outsider,
        "commune": commune,
        "agency_user": make_user(Role.AGENCY, agency=commune),
        "admin": make_user(Role.ADMIN),
    }


def _ids(response):
    assert response.status_code == 200, response.get_json()
    return [row["id"] for row in response.get_json()["findings"]]


def test_api_lists_what_the_caller_may_see_with_days_open(client, login, register_world):
    w = register_world
    login(w["admin"])
    body = client.get("/api/v1/findings").get_json()
    assert [r["id"] for r in body["findings"]] == sorted(
        f.id for f in (w["overdue"], w["upcoming"], w["closed"], w["hidden"])
    )
    assert body["next"] is None
    row = next(r for r in body["findings"] if r["id"] == w["overdue"].id)
    assert row == {
        "id": w["overdue"].id,
        "inspection_id": w["overdue"].inspection_id,
        "year": 2026,
        "agency": {"code": "X001", "name": "UBND xã Nghĩa Hành"},
        "severity": "major",
        "status": "open",
        "requirement": "7.5",
        "due_on": (TODAY - timedelta(days=5)).isoformat(),
        "overdue": True,
        "days_open": 20,
    }
    closed = next(r for r in body["findings"] if r["id"] == w["closed"].id)
    assert closed["overdue"] is False and closed["days_open"] == 60


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=1", ["overdue"]),
        ("severity=major", ["overdue"]),
        ("status=closed", ["closed"]),
        ("year=2025", ["closed"]),
        ("agency=X001", ["overdue", "upcoming", "hidden"]),
        ("agency=X001&overdue=1&severity=minor", []),
    ],
)
def test_api_filters(client, login, register_world, query, expected):
    login(register_world["admin"])
    ids = _ids(client.get(f"/api/v1/findings?{query}"))
    assert ids == sorted(register_world[name].id for name in expected)


def test_each_role_sees_only_its_findings(client, login, register_world):
    w = register_world
    login(w["agency_user"])
    # The agency sees its own findings, never those of a draft plan or another agency.
    assert _ids(client.get("/api/v1/findings")) == sorted([w["overdue"].id, w["upcoming"].id])
    login(w["outsider"])
    assert _ids(client.get("/api/v1/findings")) == []
    login(w["lead"])
    assert w["closed"].id not in _ids(client.get("/api/v1/findings"))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "year"),
        ("severity=huge", "severity"),
        ("status=x", "status"),
        ("overdue=yes", "overdue"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("cursor=-1", "cursor"),
        ("level=city", "level"),
    ],
)
def test_api_bad_filters_answer_400_naming_the_field(client, login, register_world, query, field):
    login(register_world["admin"])
    response = client.get(f"/api/v1/findings?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["error"]


def test_api_pages_with_limit_and_cursor(client, login, register_world):
    login(register_world["admin"])
    seen, url = [], "/api/v1/findings?limit=3&agency=X001"
    while url:
        body = client.get(url).get_json()
        seen += [row["id"] for row in body["findings"]]
        url = body["next"]
        assert url is None or "agency=X001" in url
    assert seen == _ids(client.get("/api/v1/findings?agency=X001"))
    assert len(client.get("/api/v1/findings?limit=2").get_json()["findings"]) == 2


def test_page_lists_overdue_first_with_a_filter_form(client, login, register_world):
    w = register_world
    login(w["admin"])
    html = client.get("/findings").get_data(as_text=True)
    assert "Sổ theo dõi phát hiện" in html
    assert html.index(f"#{w['overdue'].id}<") < html.index(f"#{w['upcoming'].id}<")
    assert html.index(f"#{w['upcoming'].id}<") < html.index(f"#{w['closed'].id}<")
    overdue_only = client.get("/findings?overdue=1").get_data(as_text=True)
    assert f"#{w['overdue'].id}<" in overdue_only and f"#{w['upcoming'].id}<" not in overdue_only
    bad = client.get("/findings?severity=huge")
    assert bad.status_code == 422
    assert "Bộ lọc không hợp lệ" in bad.get_data(as_text=True)


def test_workbook_holds_the_filtered_register(client, login, register_world):
    w = register_world
    login(w["agency_user"])
    response = client.get("/findings/export.xlsx?status=not_closed")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet.title == "Phát hiện"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Số", "Năm", "Mã cơ quan", "Tên cơ quan")
    assert [row[0] for row in rows[1:]] == [w["overdue"].id, w["upcoming"].id]
    assert rows[1][11] == "Có" and rows[1][12] == 20
