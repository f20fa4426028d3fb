"""The reports page: period picker, table, chart, paragraphs, copy button, workbook download."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from inspect_app.extensions import db
from inspect_app.models import InspectionStatus, Role, User
from tests.job_helpers import started_job


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()


def demo_user(name: str) -> User:
    return db.session.scalar(db.select(User).where(User.username == name))


def test_report_page_on_the_demo(seeded, client, login):
    login(demo_user("viewer"))

    response = client.get("/reports/?from=2017&to=2020")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "tại 211 CQHCNN theo Kế hoạch được phê duyệt" in html
    assert "Năm 2017, thực hiện kiểm tra tại 36 CQHCNN" in html
    assert "tổ chức 08 khóa đào tạo" in html
    assert "04 khóa đào tạo về duy trì" in html
    assert 'data-copy-target="paragraph-inspections"' in html
    assert "<svg" in html and "<rect" in html
    assert "/reports/tallies.xlsx?from=2017&amp;to=2020" in html
    assert "js/reports.js" in html
    for row in ('<td class="text-end">36</td>', '<td class="text-end">211</td>'):
        assert row in html
    # CSP: no inline script or style attributes.
    assert "<script>" not in html and "style=" not in html


def test_default_period_is_the_last_four_years(client, login, make_user):
    login(make_user(Role.ADMIN))
    year = date.today().year

    html = client.get("/reports/").get_data(as_text=True)

    assert f'value="{year - 3}"' in html and f'value="{year}"' in html
    assert f"Trong giai đoạn {year - 3} - {year}" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2020&to=2017", "phải nhỏ hơn hoặc bằng"),
        ("?from=abc&to=2020", "phải là một năm"),
        ("?from=1900&to=2020", "tối đa 50 năm"),
        ("?from=2017&to=", "Thiếu tham số"),
    ],
)
def test_bad_periods_are_form_errors(client, login, make_user, query, message):
    login(make_user(Role.VIEWER))

    response = client.get(f"/reports/{query}")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_workbook_download(client, login, make_user, make_plan, make_inspection):
    plan = make_plan(2021)
    make_inspection(plan=plan, status=InspectionStatus.CONCLUDED)
    login(make_user(Role.VIEWER))

    view, data = started_job(client, client.get("/reports/tallies.xlsx?from=2020&to=2021"))

    assert view["status"] == "done" and view["kind"] == "tallies"
    sheet = load_workbook(BytesIO(data), data_only=True)["Tổng hợp"]
    assert [tuple(c.value for c in sheet[n][:4]) for n in (2, 3, 4)] == [
        (2020, 0, 0, 0),
        (2021, 1, 1, 0),
        ("Tổng cộng", 1, 1, 0),
    ]


def test_a_bad_download_period_goes_back_with_a_message(client, login, make_user):
    login(make_user(Role.ADMIN))

    response = client.get("/reports/tallies.xlsx?from=2021&to=2020", follow_redirects=True)

    assert response.status_code == 200
    assert "phải nhỏ hơn hoặc bằng" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADMIN, 200), (Role.VIEWER, 200), (Role.INSPECTOR, 403), (Role.AGENCY, 403)],
)
def test_report_page_roles(client, login, make_user, role, status):
    login(make_user(role))

    assert client.get("/reports/").status_code == status
    workbook = client.get("/reports/tallies.xlsx?from=2020&to=2020", follow_redirects=True)
    assert workbook.status_code == status


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/reports/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_reports_script_is_served(client):
    response = client.get("/static/js/reports.js")

    assert response.status_code == 200
    assert b"data-copy-target" in response.data
    response.close()
