"""Yearly tallies (issue 6): the service, GET /api/v1/tallies and `export-tallies`.

The seeded demo reproduces the report's table (section 2.6): 36/10/26, 46/15/31, 64/24/40,
65/50/15, total 211/99/112; the same numbers come out of the service, the API and the
workbook.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from inspect_app.extensions import db
from inspect_app.models import (
    AgencyLevel,
    AnnouncementStatus,
    ConformityAnnouncement,
    Finding,
    InspectionMode,
    InspectionStatus,
    Role,
    Severity,
    Standard,
    User,
)
from inspect_app.models.base import utcnow
from inspect_app.services import tallies
from inspect_app.services.users import create_token

REPORT = {2017: (36, 10, 26), 2018: (46, 15, 31), 2019: (64, 24, 40), 2020: (65, 50, 15)}
REPORT_TOTAL = (211, 99, 112)


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()


def triples(rows):
    return {row["year"]: (row["inspected"], row["on_site"], row["dossier"]) for row in rows}


# -- the service ------------------------------------------------------------------------------


def test_demo_tallies_equal_the_report(seeded):
    report = tallies.tally_report(2017, 2020)

    assert triples(report["years"]) == REPORT
    total = report["total"]
    assert (total["inspected"], total["on_site"], total["dossier"]) == REPORT_TOTAL
    assert total["training"]["courses"] == 8
    by_kind = total["training"]["by_kind"]
    assert [by_kind[k]["courses"] for k in ("maintain_improve", "build_apply_commune")] == [4, 2]
    assert by_kind["transition_2015"]["courses"] == 2
    levels = total["by_level"]
    assert sum(levels[level.value]["inspected"] for level in AgencyLevel) == 211
    assert sum(levels[level.value]["on_site"] for level in AgencyLevel) == 99
    # Every commune had announced by the end of 2020 (report: 100% by 30/12/2020).
    commune = total["coverage"]["commune"]
    assert commune["total"] > 0 and commune["announced"] == commune["total"]


def test_demo_paragraphs_carry_the_report_numbers(seeded):
    report = tallies.tally_report(2017, 2020)

    text = tallies.inspection_paragraph(report)
    assert text.startswith(
        "Trong giai đoạn 2017 - 2020, thực hiện kiểm tra việc xây dựng, áp dụng, duy trì, cải "
        "tiến HTQLCL theo TCVN ISO 9001 tại 211 CQHCNN theo Kế hoạch được phê duyệt (kiểm tra "
        "tại trụ sở cơ quan: 99 CQHCNN, kiểm tra thông qua hồ sơ và báo cáo: 112 CQHCNN), cụ "
        "thể: Năm 2017, thực hiện kiểm tra tại 36 CQHCNN (trong đó kiểm tra tại trụ sở cơ quan: "
        "10 CQHCNN; kiểm tra thông qua hồ sơ và báo cáo: 26 CQHCNN); năm 2018, thực hiện kiểm "
        "tra tại 46 CQHCNN"
    )
    assert text.endswith(
        "năm 2020, thực hiện kiểm tra tại 65 CQHCNN (trong đó kiểm tra tại trụ sở cơ quan: 50 "
        "CQHCNN; kiểm tra thông qua hồ sơ và báo cáo: 15 CQHCNN)."
    )
    assert "năm 2019, thực hiện kiểm tra tại 64 CQHCNN" in text
    training = tallies.training_paragraph(report)
    assert training == (
        "Trong giai đoạn 2017 - 2020, tổ chức 08 khóa đào tạo về xây dựng, áp dụng, duy trì và "
        "cải tiến HTQLCL theo TCVN ISO 9001 cho các CQHCNN trên địa bàn tỉnh: 04 khóa đào tạo về "
        "duy trì, cải tiến HTQLCL theo Tiêu chuẩn quốc gia TCVN ISO 9001; 02 khóa đào tạo về xây "
        "dựng, áp dụng HTQLCL theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015 cho UBND cấp xã và 02 "
        "khóa đào tạo về chuyển đổi áp dụng HTQLCL theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015."
    )


@pytest.mark.parametrize(("n", "text"), [(0, "0"), (1, "01"), (8, "08"), (10, "10"), (211, "211")])
def test_counts_below_ten_have_a_leading_zero(n, text):
    assert tallies.count_text(n) == text


def test_counting_rule_and_breakdowns(make_agency, make_plan, make_inspection, make_user):
    """Conducted or concluded in the plan of the year; planned, cancelled and findings apart."""
    plan, other = make_plan(2022), make_plan(2023)
    commune = make_agency(level=AgencyLevel.COMMUNE)
    first = make_inspection(plan=plan, status=InspectionStatus.CONCLUDED)
    make_inspection(plan=plan, status=InspectionStatus.CONDUCTED, mode=InspectionMode.DOSSIER)
    make_inspection(
        plan=plan, agency=commune, status=InspectionStatus.CONCLUDED, mode=InspectionMode.DOSSIER
    )
    make_inspection(plan=plan, status=InspectionStatus.IN_PROGRESS)
    make_inspection(plan=plan, status=InspectionStatus.PLANNED)
    make_inspection(plan=plan, status=InspectionStatus.CANCELLED)
    # Conducted during 2022 but in the 2023 plan: counts in 2023.
    make_inspection(plan=other, status=InspectionStatus.CONCLUDED, conducted_on=date(2022, 12, 20))
    for severity, clause in (
        (Severity.MAJOR, "7.5.3"),
        (Severity.MINOR, "7.5.3"),
        (Severity.MINOR, "9.2"),
        (Severity.OBSERVATION, "9.2"),
        (Severity.OBSERVATION, "6.2"),
    ):
        db.session.add(
            Finding(inspection=first, severity=severity, description="x", requirement=clause)
        )
    db.session.commit()

    report = tallies.tally_report(2022, 2023)

    y2022, y2023 = report["years"]
    assert (y2022["inspected"], y2022["on_site"], y2022["dossier"]) == (3, 1, 2)
    assert (y2023["inspected"], y2023["on_site"], y2023["dossier"]) == (1, 1, 0)
    assert (y2022["planned"], y2022["not_done"], y2022["cancelled"]) == (5, 2, 1)
    assert y2022["by_level"]["commune"] == {"inspected": 1, "on_site": 0, "dossier": 1}
    assert y2022["conclusions"]["passed"] == 2
    assert y2022["findings"] == {"major": 1, "minor": 2, "observation": 2}
    top = report["total"]["top_requirements"]
    assert [(e["requirement"], e["nonconform"], e["total"]) for e in top] == [
        ("7.5.3", 2, 2),
        ("9.2", 1, 2),
        ("6.2", 0, 1),
    ]


def test_coverage_at_year_end(make_agency):
    old = make_agency(level=AgencyLevel.DISTRICT, active_to=date(2025, 6, 30))
    new = make_agency(level=AgencyLevel.COMMUNE, active_from=date(2025, 7, 1))
    for agency, day, status in (
        (old, date(2020, 5, 1), AnnouncementStatus.ACKNOWLEDGED),
        (new, date(2025, 9, 1), AnnouncementStatus.SUBMITTED),
    ):
        db.session.add(
            ConformityAnnouncement(
                agency=agency,
                number="1/QĐ",
                announced_on=day,
                standard=Standard.ISO_9001_2015,
                scope="TTHC",
                status=status,
                acknowledged_at=utcnow() if status is AnnouncementStatus.ACKNOWLEDGED else None,
            )
        )
    db.session.commit()

    coverage = tallies.coverage_by_year(2019, 2025)

    assert coverage[2019]["district"] == {"announced": 0, "total": 1}
    assert coverage[2020]["district"] == {"announced": 1, "total": 1}
    assert coverage[2024]["commune"] == {"announced": 0, "total": 0}
    assert coverage[2025]["district"] == {"announced": 0, "total": 0}
    assert coverage[2025]["commune"] == {"announced": 0, "total": 1}


@pytest.mark.parametrize(
    ("first", "last"),
    [(None, "2020"), ("2017", ""), ("abc", "2020"), ("2017", "20x0"), ("2020", "2017"),
     ("1950", "2020"), ("-1", "2020"), ("２０１７", "2020"), ("20170", "2020")],
)  # fmt: skip
def test_bad_periods_are_refused(first, last):
    with pytest.raises(tallies.PeriodError) as error:
        tallies.parse_period(first, last)
    assert error.value.message


def test_a_single_year_paragraph(make_plan, make_inspection):
    plan = make_plan(2024)
    for _ in range(3):
        make_inspection(plan=plan, status=InspectionStatus.CONCLUDED)

    report = tallies.tally_report(2024, 2024)

    assert tallies.inspection_paragraph(report) == (
        "Năm 2024, thực hiện kiểm tra việc xây dựng, áp dụng, duy trì, cải tiến HTQLCL theo TCVN "
        "ISO 9001 tại 03 CQHCNN theo Kế hoạch được phê duyệt (kiểm tra tại trụ sở cơ quan: 03 "
        "CQHCNN, kiểm tra thông qua hồ sơ và báo cáo: 0 CQHCNN)."
    )
    assert "chưa tổ chức khóa đào tạo nào" in tallies.training_paragraph(report)


# -- the API ----------------------------------------------------------------------------------


def test_api_tallies_on_the_demo(seeded, client):
    viewer = db.session.scalar(db.select(User).where(User.username == "viewer"))
    _row, token = create_token(viewer)
    db.session.commit()

    response = client.get(
        "/api/v1/tallies?from=2017&to=2020", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"]) == (2017, 2020)
    assert triples(body["years"]) == REPORT
    total = body["total"]
    assert (total["inspected"], total["on_site"], total["dossier"]) == REPORT_TOTAL


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=2017",
        "?to=2020",
        "?from=abc&to=2020",
        "?from=2017&to=x",
        "?from=2020&to=2017",
        "?from=1960&to=2020",
        "?from=2017.0&to=2020",
    ],
)
def test_api_bad_periods_answer_400_json(client, login, make_user, query):
    login(make_user(Role.ADMIN))

    response = client.get(f"/api/v1/tallies{query}")

    assert response.status_code == 400
    assert response.is_json
    assert response.get_json()["error"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADMIN, 200), (Role.INSPECTOR, 200), (Role.VIEWER, 200), (Role.AGENCY, 403)],
)
def test_api_tallies_roles(client, login, make_user, role, status):
    login(make_user(role))

    response = client.get("/api/v1/tallies?from=2020&to=2021")

    assert response.status_code == status
    assert response.is_json


def test_api_tallies_needs_credentials(client):
    response = client.get("/api/v1/tallies?from=2020&to=2021")

    assert response.status_code == 401
    assert response.is_json


def test_api_zero_years_are_listed(client, login, make_user):
    login(make_user(Role.VIEWER))

    body = client.get("/api/v1/tallies?from=2030&to=2032").get_json()

    assert [row["year"] for row in body["years"]] == [2030, 2031, 2032]
    assert all(row["inspected"] == 0 for row in body["years"])
    assert body["total"]["inspected"] == 0


# -- the command ------------------------------------------------------------------------------


def test_export_tallies_writes_the_report_table(seeded, runner, tmp_path):
    target = tmp_path / "tallies.xlsx"

    result = runner.invoke(
        args=["export-tallies", "--from", "2017", "--to", "2020", "-o", str(target)]
    )

    assert result.exit_code == 0, result.output
    sheet = load_workbook(BytesIO(target.read_bytes()), data_only=True)["Tổng hợp"]
    rows = [tuple(c.value for c in sheet[n][:4]) for n in range(2, 7)]
    assert rows == [
        (2017, 36, 10, 26),
        (2018, 46, 15, 31),
        (2019, 64, 24, 40),
        (2020, 65, 50, 15),
        ("Tổng cộng", 211, 99, 112),
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2020", "--to", "2017"],
        ["--from", "abc", "--to", "2020"],
        ["--from", "1900", "--to", "2020"],
        ["--from", "2017"],
    ],
)
def test_export_tallies_bad_periods_exit_non_zero(runner, tmp_path, args):
    target = tmp_path / "t.xlsx"

    result = runner.invoke(args=["export-tallies", *args, "-o", str(target)])

    assert result.exit_code != 0
    assert not target.exists()


def test_export_tallies_refuses_a_missing_folder(app, runner, tmp_path):
    result = runner.invoke(
        args=["export-tallies", "--from", "2017", "--to", "2020", "-o", str(tmp_path / "no/t.xlsx")]
    )

    assert result.exit_code != 0
    assert "no such directory" in result.output
