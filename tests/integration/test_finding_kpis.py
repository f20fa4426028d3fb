"""Follow-up indicators (5.10) on the reports page and in the tally workbook."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from inspect_app.extensions import db
from inspect_app.models import Finding, FindingStatus, InspectionStatus, Role, Severity
from inspect_app.services import finding_kpis
from inspect_app.services.workbooks import tally_export

TODAY = date(2026, 12, 3)


def _finding(inspection, lead, *, due, raised, closed=None, severity=Severity.MINOR):
    finding = Finding(
        inspection=inspection,
        severity=severity,
        description="d",
        corrective_action_required="a",
        due_on=due,
        status=FindingStatus.OPEN,
        created_at=datetime(*raised, 3, tzinfo=UTC),
    )
    if closed:
        finding.status = FindingStatus.CLOSED
        finding.verified_at = datetime(*closed, 3, tzinfo=UTC)
        finding.verified_by_id = lead.id
    db.session.add(finding)
    return finding


def _world(make_user, make_plan, make_inspection, make_agency):
    lead = make_user(Role.INSPECTOR)
    plan = make_plan(2026)
    late_agency = make_agency("UBND xã Bình Sơn", code="X-BS")
    a = make_inspection(
        plan=plan,
        lead=lead,
        status=InspectionStatus.CONCLUDED,
        conducted_on=date(2026, 5, 30),
        concluded_on=date(2026, 6, 1),
    )
    b = make_inspection(plan=plan, agency=late_agency, lead=lead, status=InspectionStatus.CONCLUDED)
    # closed on time after 10 days; closed late after 30 days; open and overdue; open, not due.
    _finding(a, lead, due=date(2026, 6, 30), raised=(2026, 6, 1), closed=(2026, 6, 11))
    _finding(
        a,
        lead,
        due=date(2026, 6, 30),
        raised=(2026, 6, 1),
        closed=(2026, 7, 1),
        severity=Severity.MAJOR,
    )
    _finding(b, lead, due=date(2026, 11, 30), raised=(2026, 10, 1))
    _finding(b, lead, due=date(2026, 12, 31), raised=(2026, 11, 1))
    db.session.commit()
    return lead


def test_indicators(frozen_clock, make_user, make_plan, make_inspection, make_agency):
    _world(make_user, make_plan, make_inspection, make_agency)
    data = finding_kpis.kpis(2025, 2026, TODAY)
    year_2026 = data["years"][1]
    assert year_2026["raised"] == 4 and year_2026["closed"] == 2
    # Due by today or closed: 3 (the one due 31/12 is not yet); closed on time: 1.
    assert (year_2026["due"], year_2026["on_time"]) == (3, 1)
    assert year_2026["on_time_share"] == 1 / 3
    assert year_2026["median_days_to_close"] == 20
    assert data["years"][0]["raised"] == 0 and data["years"][0]["median_days_to_close"] is None
    assert data["agencies_overdue"] == [{"code": "X-BS", "name": "UBND xã Bình Sơn", "overdue": 1}]


def test_reports_page_and_workbook_show_them(
    client, login, frozen_clock, make_user, make_plan, make_inspection, make_agency
):
    _world(make_user, make_plan, make_inspection, make_agency)
    login(make_user(Role.VIEWER))
    html = client.get("/reports/?from=2025&to=2026").get_data(as_text=True)
    assert "Theo dõi khắc phục" in html
    assert "33,3%" in html
    assert "1 cơ quan có hành động khắc phục quá hạn" in html
    book = load_workbook(io.BytesIO(tally_export.tally_workbook(2025, 2026)))
    rows = list(book["Khắc phục"].iter_rows(values_only=True))
    assert rows[0][0] == "Năm"
    assert rows[2][:5] == (2026, 4, 2, 3, 1)
    assert abs(rows[2][5] - 1 / 3) < 1e-9 and rows[2][6] == 20
    assert any(row[0] == "X-BS" for row in rows)
