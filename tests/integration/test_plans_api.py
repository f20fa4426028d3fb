"""GET /api/v1/plans (CONTRACTS 5.4) and `import-plan` (CONTRACTS 5.3) seen through it."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.models import AgencyLevel, InspectionMode, InspectionPlan, PlanStatus, Role
from inspect_app.services import users
from tests.job_helpers import started_job

URL = "/api/v1/plans"
PLAN_KEYS = {"id", "year", "status", "decision", "inspections"}
INSPECTION_KEYS = {"id", "agency", "mode", "status"}
AGENCY_KEYS = {"id", "code", "name", "level"}


def bearer(user) -> dict:
    _row, token = users.create_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(make_agency, make_user, make_plan, make_inspection):
    agency_a, agency_b = make_agency("Sở A"), make_agency("Sở B")
    approved = make_plan(2026)
    draft = make_plan(2026, status=PlanStatus.DRAFT, title="Dự thảo bổ sung")
    other_year = make_plan(2025, status=PlanStatus.CLOSED)
    make_inspection(plan=approved, agency=agency_a)
    make_inspection(plan=approved, agency=agency_b, mode=InspectionMode.DOSSIER)
    make_inspection(plan=draft, agency=agency_a)
    make_inspection(plan=other_year, agency=agency_a)
    people = {
        role.value: make_user(role, agency=agency_a if role is Role.AGENCY else None)
        for role in Role
    }
    return {"approved": approved, "draft": draft, "users": people, "a": agency_a}


def test_contract_shape(client, world):
    body = client.get(URL, query_string={"year": 2026}, headers=bearer(world["users"]["admin"]))
    assert body.status_code == 200
    plans = body.get_json()["plans"]
    assert {p["id"] for p in plans} == {world["approved"].id, world["draft"].id}
    approved = next(p for p in plans if p["id"] == world["approved"].id)
    assert set(approved) >= PLAN_KEYS
    assert approved["year"] == 2026 and approved["status"] == "approved"
    decision = world["approved"].decision
    assert approved["decision"]["number"] == decision.number
    assert approved["decision"]["signed_on"] == decision.signed_on.isoformat()
    assert len(approved["inspections"]) == 2
    first = approved["inspections"][0]
    assert set(first) >= INSPECTION_KEYS and set(first["agency"]) >= AGENCY_KEYS
    assert {i["mode"] for i in approved["inspections"]} == {"on_site", "dossier"}
    assert first["status"] == "planned" and first["agency"]["level"] == "provincial"
    draft = next(p for p in plans if p["id"] == world["draft"].id)
    assert draft["decision"] is None and draft["status"] == "draft"


@pytest.mark.parametrize("role", ["admin", "inspector", "viewer"])
def test_staff_see_every_plan_of_the_year(client, login, world, role):
    login(world["users"][role])
    plans = client.get(f"{URL}?year=2026").get_json()["plans"]
    assert len(plans) == 2
    assert sum(len(p["inspections"]) for p in plans) == 3


def test_an_agency_user_sees_approved_plans_with_only_its_own_inspections(client, world):
    plans = client.get(f"{URL}?year=2026", headers=bearer(world["users"]["agency"])).get_json()[
        "plans"
    ]
    assert [p["id"] for p in plans] == [world["approved"].id]
    assert [i["agency"]["id"] for i in plans[0]["inspections"]] == [world["a"].id]


@pytest.mark.parametrize("query", ["", "?year=", "?year=abc", "?year=20x6", "?year=-1"])
def test_a_missing_or_bad_year_is_400(client, world, query):
    response = client.get(URL + query, headers=bearer(world["users"]["viewer"]))
    assert response.status_code == 400
    assert "year" in response.get_json()["error"]


def test_no_credentials_is_401(client, world):
    response = client.get(f"{URL}?year=2026")
    assert response.status_code == 401 and "error" in response.get_json()
    bad = client.get(f"{URL}?year=2026", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_an_empty_year_is_an_empty_list(client, world):
    response = client.get(f"{URL}?year=2031", headers=bearer(world["users"]["admin"]))
    assert response.get_json() == {"plans": []}


# -- import-plan ------------------------------------------------------------------------------


def annex(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["PHỤ LỤC: DANH SÁCH CƠ QUAN ĐƯỢC KIỂM TRA NĂM 2027"])
    sheet.append(
        [
            "STT",
            "Mã cơ quan",
            "Tên cơ quan",
            "Hình thức kiểm tra",
            "Thời gian dự kiến",
            "Trưởng đoàn",
        ]
    )
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def register(make_agency, make_user):
    make_agency("Sở Tư pháp", code="STP")
    make_agency("UBND xã Tịnh Khê", code="X01", level=AgencyLevel.COMMUNE)
    make_agency("Sở Y tế", code="SYT")
    return {"lead": make_user(Role.INSPECTOR, username="ktv1"), "viewer": make_user(Role.VIEWER)}


GOOD_ROWS = [
    (1, "STP", "Sở Tư pháp", "Kiểm tra tại trụ sở cơ quan", "Quý II", "ktv1"),
    (2, None, "UBND xã Tịnh Khê", "Kiểm tra thông qua hồ sơ và báo cáo", "05/2027", None),
    (3, "SYT", None, "tại trụ sở", "15/09/2027", None),
]


def test_import_plan_with_a_decision_yields_an_approved_plan_seen_by_the_api(
    runner, client, tmp_path, register
):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(annex(GOOD_ROWS))
    result = runner.invoke(
        args=[
            "import-plan",
            str(path),
            "--year",
            "2027",
            "--decision",
            "12/QĐ-KHCN",
            "--signed-on",
            "20/12/2026",
        ]
    )
    assert result.exit_code == 0, result.output
    plan = db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == 2027))
    assert f"Plan {plan.id} (2027): approved" in result.output
    assert "3 inspections (2 on-site, 1 dossier)" in result.output

    body = client.get(f"{URL}?year=2027", headers=bearer(register["viewer"])).get_json()
    [seen] = body["plans"]
    assert seen["status"] == "approved"
    assert seen["decision"] == {
        "number": "12/QĐ-KHCN",
        "signed_on": "2026-12-20",
        "issuer": "Sở Khoa học và Công nghệ",
    }
    assert [i["agency"]["code"] for i in seen["inspections"]] == ["STP", "X01", "SYT"]


def test_import_plan_without_a_decision_is_a_draft(runner, tmp_path, register):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(annex(GOOD_ROWS))
    result = runner.invoke(args=["import-plan", str(path), "--year", "2027"])
    assert result.exit_code == 0, result.output
    assert "draft" in result.output


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        ([(1, None, "Sở Không Có", "trụ sở", "Quý I", None)], [], "row 3: không tìm thấy cơ quan"),
        ([(1, "STP", None, "trực tuyến", "Quý I", None)], [], "row 3: “Hình thức kiểm tra”"),
        ([(1, "STP", None, "trụ sở", "Quý I", None)], ["--decision", "1/QĐ"], "--signed-on"),
        (
            [(1, "STP", None, "trụ sở", "Quý I", None)],
            ["--decision", "1/QĐ", "--signed-on", "31/02/2027"],
            "--signed-on",
        ),
        (
            [*GOOD_ROWS, (4, "STP", None, "trụ sở", "Quý I", None)],
            [],
            "row 6: cơ quan Sở Tư pháp trùng với dòng 3",
        ),
    ],
)
def test_import_plan_bad_input_writes_nothing(runner, tmp_path, register, rows, extra, message):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(annex(rows))
    result = runner.invoke(args=["import-plan", str(path), "--year", "2027", *extra])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == 2027)) is None


def test_import_plan_refuses_a_year_that_has_a_plan(runner, tmp_path, register, make_plan):
    make_plan(2027, status=PlanStatus.DRAFT)
    path = tmp_path / "annex.xlsx"
    path.write_bytes(annex(GOOD_ROWS))
    result = runner.invoke(args=["import-plan", str(path), "--year", "2027"])
    assert result.exit_code == 1 and "Đã có kế hoạch kiểm tra năm 2027" in result.output


def test_web_import_previews_then_commits(client, login, make_user, register, app):
    login(make_user(Role.ADMIN))
    data = {
        "file": (BytesIO(annex(GOOD_ROWS)), "annex.xlsx"),
        "year": "2027",
        "number": "12/QĐ-KHCN",
        "signed_on": "20/12/2026",
        "issuer": "Sở Khoa học và Công nghệ",
    }
    preview = client.post("/plans/import", data=data, content_type="multipart/form-data")
    text = preview.get_data(as_text=True)
    assert "Kế hoạch năm 2027: 3 cơ quan (2 tại trụ sở, 1 qua hồ sơ)." in text
    assert db.session.scalar(select(InspectionPlan)) is None
    token = text.split('name="token" type="hidden" value="')[1].split('"')[0]
    confirm = client.post(
        "/plans/import/confirm",
        data={
            "token": token,
            "year": "2027",
            "number": "12/QĐ-KHCN",
            "signed_on": "20/12/2026",
            "issuer": "Sở Khoa học và Công nghệ",
        },
    )
    view, _data = started_job(client, confirm)
    assert view["status"] == "done"
    plan = db.session.scalar(select(InspectionPlan))
    assert view["link"] == f"/plans/{plan.id}"
    assert plan.status is PlanStatus.APPROVED and len(plan.inspections) == 3
    assert plan.decision.signed_on == date(2026, 12, 20)


def test_web_import_lists_row_errors_and_offers_no_confirmation(client, login, make_user, register):
    login(make_user(Role.ADMIN))
    rows = [(1, None, "Sở Không Có", "trụ sở", "Quý I", None)]
    data = {"file": (BytesIO(annex(rows)), "annex.xlsx"), "year": "2027"}
    text = client.post("/plans/import", data=data, content_type="multipart/form-data").get_data(
        as_text=True
    )
    assert "row 3: không tìm thấy cơ quan “Sở Không Có”" in text
    assert "/plans/import/confirm" not in text
