"""`import-inspections` and its web upload (CONTRACTS 5.5): all or nothing, idempotent."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Decision,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    Role,
)
from inspect_app.services import tallies

HEADER = ["Năm", "Tên cơ quan", "Mã cơ quan", "Cấp", "Hình thức kiểm tra", "Ngày kiểm tra",
          "Kết luận", "Số quyết định"]  # fmt: skip


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["KẾT QUẢ KIỂM TRA CÁC NĂM 2015 - 2016"])
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def history_rows(n: int = 30) -> list[list]:
    """n rows over 2015 and 2016, a third on-site, with a decision number for 2015."""
    rows = []
    for i in range(n):
        year = 2015 + i % 2
        rows.append(
            [
                year,
                f"UBND xã Lịch Sử {i}",
                None,
                "Cấp xã",
                "Kiểm tra tại trụ sở cơ quan" if i % 3 == 0 else "Kiểm tra qua hồ sơ, báo cáo",
                f"{1 + i % 28:02d}/06/{year}",
                "Đạt",
                "15/QĐ-UBND" if year == 2015 else None,
            ]
        )
    return rows


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Agency, Inspection, InspectionPlan, Decision)
    }


@pytest.fixture
def history_file(tmp_path):
    path = tmp_path / "lich-su.xlsx"
    path.write_bytes(workbook(history_rows()))
    return path


def test_import_creates_closed_historical_plans_and_agencies(app, runner, history_file):
    result = runner.invoke(args=["import-inspections", str(history_file)])

    assert result.exit_code == 0, result.output
    assert "30 inspections added" in result.output
    assert "rows read" in result.output and "rows written" in result.output  # progress
    plans = {p.year: p for p in db.session.scalars(select(InspectionPlan))}
    assert sorted(plans) == [2015, 2016]
    for plan in plans.values():
        assert plan.status is PlanStatus.CLOSED and plan.is_historical
    assert plans[2015].decision.number == "15/QĐ-UBND"
    assert plans[2016].decision is None  # the paper records name no decision for 2016
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 1
    report = tallies.tally_report(2015, 2016)
    assert [(r["inspected"], r["on_site"], r["dossier"]) for r in report["years"]] == [
        (15, 5, 10),
        (15, 5, 10),
    ]
    inspection = db.session.scalar(select(Inspection).order_by(Inspection.id))
    assert inspection.status is InspectionStatus.CONCLUDED
    assert inspection.conducted_on == date(2015, 6, 1) == inspection.concluded_on
    assert inspection.agency.level is AgencyLevel.COMMUNE


def test_importing_the_same_file_twice_adds_nothing(app, runner, history_file):
    first = runner.invoke(args=["import-inspections", str(history_file)])
    assert first.exit_code == 0, first.output
    before = counts()

    again = runner.invoke(args=["import-inspections", str(history_file)])

    assert again.exit_code == 0, again.output
    assert "0 inspections added, 30 already present" in again.output
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a workbook", "không phải là bảng tính Excel"),
        (workbook([[2015, "Sở Y tế", None, None, "Hồ sơ"]], header=["Nam học", "Tên"]),
         "Không tìm thấy dòng tiêu đề có ô “Năm”"),
        (workbook([[2015, "Sở Y tế", None, None, "Trực tuyến"]]), "row 3:"),
        (workbook([[2015, "", None, None, "Hồ sơ"]]), "row 3: thiếu “Tên cơ quan”"),
        (workbook([["năm 2015", "Sở Y tế", None, None, "Hồ sơ"]]), "row 3: “Năm” phải là một năm"),
        (workbook([[2015, "Sở Y tế", None, None, "Hồ sơ", "30/02/2015"]]),
         "row 3: “Ngày kiểm tra” “30/02/2015” không phải là ngày có thật"),
    ],
)  # fmt: skip
def test_bad_input_writes_nothing_and_exits_non_zero(app, runner, tmp_path, content, expected):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    before = counts()

    result = runner.invoke(args=["import-inspections", str(path)])

    assert result.exit_code != 0
    assert expected in result.output
    assert counts() == before


def test_one_bad_row_among_good_ones_writes_nothing(app, runner, tmp_path):
    rows = history_rows(20)
    rows[7][4] = "Kiểm tra bằng điện thoại"
    rows[12][0] = "x"
    path = tmp_path / "mixed.xlsx"
    path.write_bytes(workbook(rows))
    before = counts()

    result = runner.invoke(args=["import-inspections", str(path)])

    assert result.exit_code != 0
    assert "Error: row 10:" in result.output and "Error: row 15:" in result.output
    assert counts() == before


def test_a_missing_file(app, runner, tmp_path):
    result = runner.invoke(args=["import-inspections", str(tmp_path / "none.xlsx")])

    assert result.exit_code != 0
    assert "cannot read" in result.output


def test_rows_join_an_existing_plan_and_skip_inspections_already_there(
    app, runner, tmp_path, make_plan, make_agency, make_inspection
):
    plan = make_plan(2019, status=PlanStatus.CLOSED)
    known = make_agency("Sở Y tế", code="SO-YT")
    make_inspection(plan=plan, agency=known, status=InspectionStatus.CONCLUDED)
    path = tmp_path / "h.xlsx"
    path.write_bytes(
        workbook(
            [
                [2019, "Sở Y tế", "SO-YT", "Sở", "Tại trụ sở"],
                [2019, "Sở Nội vụ", "SO-NV", "Sở", "Hồ sơ"],
            ]
        )
    )

    result = runner.invoke(args=["import-inspections", str(path)])

    assert result.exit_code == 0, result.output
    assert "1 inspections added, 1 already present, 1 agencies created" in result.output
    assert db.session.scalar(select(func.count()).select_from(InspectionPlan)) == 1
    new = db.session.scalar(select(Agency).where(Agency.code == "SO-NV"))
    assert new.level is AgencyLevel.PROVINCIAL
    assert {i.agency.code for i in plan.inspections} == {"SO-YT", "SO-NV"}


def test_a_decision_number_that_disagrees_with_the_plan_is_a_row_error(
    app, runner, tmp_path, make_plan
):
    plan = make_plan(2019, status=PlanStatus.CLOSED)
    path = tmp_path / "h.xlsx"
    path.write_bytes(workbook([[2019, "Sở Y tế", None, "Sở", "Hồ sơ", None, None, "99/QĐ-X"]]))

    result = runner.invoke(args=["import-inspections", str(path)])

    assert result.exit_code != 0
    assert f"Quyết định số {plan.decision.number}" in result.output


# -- the web upload ---------------------------------------------------------------------------


def test_web_upload_previews_then_confirms(client, login, make_user):
    login(make_user(Role.ADMIN))
    data = workbook(history_rows(12))

    preview = client.post(
        "/reports/import",
        data={"file": (BytesIO(data), "lich-su.xlsx")},
        content_type="multipart/form-data",
    )

    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert 'id="import-counts"' in html
    assert "12 cuộc kiểm tra sẽ được thêm" in html
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]

    done = client.post("/reports/import/confirm", data={"token": token}, follow_redirects=True)

    assert done.status_code == 200
    assert "Đã nhập 12 cuộc kiểm tra" in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 12
    modes = db.session.execute(
        select(Inspection.mode, func.count()).group_by(Inspection.mode)
    ).all()
    assert dict(modes) == {InspectionMode.ON_SITE: 4, InspectionMode.DOSSIER: 8}


def test_web_upload_lists_errors_by_row_and_offers_no_confirmation(client, login, make_user):
    login(make_user(Role.ADMIN))
    rows = history_rows(5)
    rows[2][1] = None

    response = client.post(
        "/reports/import",
        data={"file": (BytesIO(workbook(rows)), "x.xlsx")},
        content_type="multipart/form-data",
    )

    html = response.get_data(as_text=True)
    assert "row 5: thiếu “Tên cơ quan”." in html
    assert "/reports/import/confirm" not in html


def test_web_confirm_with_an_unknown_token(client, login, make_user):
    login(make_user(Role.ADMIN))

    response = client.post(
        "/reports/import/confirm", data={"token": "0" * 32}, follow_redirects=True
    )

    assert "Không tìm thấy tệp đã tải lên" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.INSPECTOR, Role.AGENCY])
def test_only_admins_import(client, login, make_user, role):
    login(make_user(role))

    assert client.get("/reports/import").status_code == 403
    assert client.post("/reports/import/confirm", data={"token": "0" * 32}).status_code == 403
