"""Lists at national scale (DESIGN 5.9): pages of 50, filters in the query string, cursors."""

from __future__ import annotations

import re

import pytest

from inspect_app.models import AgencyLevel, InspectionMode, InspectionStatus, Role


@pytest.fixture
def big_plan(make_plan, make_agency, make_inspection, make_template, make_user):
    plan = make_plan(2026)
    template = make_template()
    lead = make_user(Role.INSPECTOR, full_name="Trưởng Đoàn Một")
    for n in range(120):
        make_inspection(
            plan=plan,
            template=template,
            agency=make_agency(
                f"UBND xã Thử {n:03d}",
                level=AgencyLevel.COMMUNE if n % 2 else AgencyLevel.PROVINCIAL,
            ),
            mode=InspectionMode.DOSSIER if n % 3 == 0 else InspectionMode.ON_SITE,
            lead=lead if n < 10 else None,
        )
    return plan, lead


def rows(html: str) -> int:
    body = html.split('id="plan-inspections"', 1)[1].split("</table>", 1)[0]
    return body.count("<tr>") - 1


def test_plan_page_shows_50_rows_a_page_and_counts_from_sql(client, login, make_user, big_plan):
    plan, lead = big_plan
    login(make_user(Role.ADMIN))
    first = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert rows(first) == 50
    assert "120 cơ quan: 80 tại trụ sở, 40 qua hồ sơ" in first
    last = client.get(f"/plans/{plan.id}?page=3").get_data(as_text=True)
    assert rows(last) == 20 and "<td>101</td>" in last
    beyond = client.get(f"/plans/{plan.id}?page=99").get_data(as_text=True)
    assert rows(beyond) == 20
    assert client.get(f"/plans/{plan.id}?page=abc").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mode=dossier", 40),
        ("level=commune", 60),
        ("q=thu+007", 1),
        ("q=xa+thu+00", 10),
        ("status=cancelled", 0),
    ],
)
def test_plan_page_filters(client, login, make_user, big_plan, query, expected):
    plan, _lead = big_plan
    login(make_user(Role.ADMIN))
    html = client.get(f"/plans/{plan.id}?{query}").get_data(as_text=True)
    if expected:
        assert f"Tổng số: {expected}" in html
    else:
        assert "Không có cuộc kiểm tra nào khớp bộ lọc." in html


def test_plan_page_filters_by_lead_and_keeps_filters_in_page_links(
    client, login, make_user, big_plan
):
    plan, lead = big_plan
    login(make_user(Role.ADMIN))
    html = client.get(f"/plans/{plan.id}?lead={lead.id}").get_data(as_text=True)
    assert "Tổng số: 10" in html
    html = client.get(f"/plans/{plan.id}?mode=on_site").get_data(as_text=True)
    links = re.findall(r'href="([^"]*page=2[^"]*)"', html)
    assert links and all("mode=on_site" in link for link in links)


def test_api_inspections_pages_with_a_cursor(client, login, make_user, big_plan):
    login(make_user(Role.ADMIN))
    first = client.get("/api/v1/inspections?limit=50").get_json()
    assert len(first["inspections"]) == 50 and first["next"]
    seen = [item["id"] for item in first["inspections"]]
    url = first["next"]
    while url:
        page = client.get(url).get_json()
        seen += [item["id"] for item in page["inspections"]]
        url = page["next"]
    assert len(seen) == 120 == len(set(seen)) and seen == sorted(seen)
    default = client.get("/api/v1/inspections").get_json()
    assert len(default["inspections"]) == 100


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"), ("cursor=-1", "cursor")],
)
def test_api_bad_limit_or_cursor_names_the_parameter(client, login, make_user, query, field):
    login(make_user(Role.ADMIN))
    response = client.get(f"/api/v1/inspections?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(f"{field}:")


def test_api_plans_page_their_inspections(client, login, make_user, big_plan, monkeypatch):
    from inspect_app.blueprints.api import plans as api_plans

    plan, _lead = big_plan
    monkeypatch.setattr(api_plans, "PLAN_INSPECTIONS", 100)
    login(make_user(Role.ADMIN))
    [body] = client.get("/api/v1/plans?year=2026").get_json()["plans"]
    assert len(body["inspections"]) == 100 and body["inspections_next"]
    rest = client.get(body["inspections_next"]).get_json()
    assert len(rest["inspections"]) == 20 and rest["next"] is None
    ids = [i["id"] for i in body["inspections"] + rest["inspections"]]
    assert len(set(ids)) == 120
    assert set(rest["inspections"][0]) >= {"id", "agency", "mode", "status"}
    assert InspectionStatus(rest["inspections"][0]["status"])
