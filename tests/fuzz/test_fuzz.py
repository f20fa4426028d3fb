"""Property-based fuzzing of the inputs users send: sync payloads, workbooks, form posts.

Whatever arrives, the answer is a clear 4xx (or a list of row errors), never a 500, and a
refused input leaves the database exactly as it was.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import Agency, Answer, InspectionPlan, Role, SyncOp
from inspect_app.services.workbooks.agency_import import apply_agency_import, read_agency_workbook
from inspect_app.services.workbooks.plan_import import read_plan_workbook

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
op_field = {
    "op_id": st.one_of(st.uuids(version=4).map(str), st.text(max_size=40), json_scalars),
    "item": st.one_of(st.sampled_from(["A.1", "A.2", "4.1", "Z.9", ""]), json_scalars),
    "result": st.one_of(
        st.sampled_from(["conform", "nonconform", "observation", "not_applicable", "maybe"]),
        json_scalars,
    ),
    "note": st.one_of(st.text(max_size=50), json_scalars),
    "base_rev": st.one_of(st.integers(min_value=-3, max_value=5), json_scalars),
    "client_ts": st.one_of(st.just("2026-05-01T08:00:00+07:00"), st.text(max_size=20)),
}
ops = st.fixed_dictionaries({}, optional=op_field)
bodies = st.one_of(
    st.builds(lambda items: {"ops": items}, st.lists(ops, max_size=5)),
    json_values.map(lambda value: {"ops": value}),
    json_values,
)


def counts(*models) -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)


@pytest.fixture
def team_inspection(make_user, make_inspection):
    lead = make_user(Role.INSPECTOR)
    return lead, make_inspection(lead=lead)


@FUZZ
@given(body=bodies)
def test_sync_payloads_never_500_and_refusals_write_nothing(client, login, team_inspection, body):
    lead, inspection = team_inspection
    login(lead)
    before = counts(Answer, SyncOp)
    response = client.post(
        f"/api/v1/inspections/{inspection.id}/answers",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code in (200, 400, 422), response.get_data(as_text=True)
    assert response.is_json
    if response.status_code != 200:
        assert "error" in response.json
        assert counts(Answer, SyncOp) == before
    else:
        statuses = {r["status"] for r in response.json["results"]}
        assert statuses <= {"applied", "duplicate", "conflict", "rejected"}


@FUZZ
@given(raw=st.binary(max_size=200))
def test_undecodable_bodies_are_400(client, login, team_inspection, raw):
    lead, inspection = team_inspection
    login(lead)
    response = client.post(
        f"/api/v1/inspections/{inspection.id}/answers", data=raw, content_type="application/json"
    )
    assert response.status_code in (200, 400, 422)


#: what a spreadsheet cell can hold (openpyxl refuses control characters).
cell_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=25)
cells = st.one_of(
    st.none(),
    cell_text,
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["Cấp tỉnh", "UBND xã", "huyện", "Quý II", "05/2026", "=1+1", "@x", "Sở"]),
)


def workbook_bytes(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


AGENCY_HEADER = [
    "Mã cơ quan",
    "Tên cơ quan",
    "Cấp",
    "Cơ quan cấp trên",
    "Cán bộ phụ trách ISO",
    "Điện thoại",
    "Email",
]


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=8), max_size=6))
def test_agency_import_is_all_or_nothing(app, rows):
    before = counts(Agency)
    result = read_agency_workbook(workbook_bytes(AGENCY_HEADER, rows))
    if result.ok:
        apply_agency_import(result, today=date(2026, 6, 1))
        db.session.flush()
    else:
        assert all(line.startswith("row ") or line for line in result.errors)
        assert counts(Agency) == before
    db.session.rollback()


@FUZZ
@given(data=st.binary(max_size=300))
def test_agency_import_of_random_bytes_reports_an_error(app, data):
    result = read_agency_workbook(data)
    assert not result.ok and result.errors


PLAN_HEADER = [
    "STT",
    "Tên cơ quan",
    "Mã cơ quan",
    "Hình thức kiểm tra",
    "Thời gian dự kiến",
    "Trưởng đoàn",
]


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=6))
def test_plan_import_never_raises_and_writes_nothing(app, rows):
    before = counts(InspectionPlan)
    result = read_plan_workbook(workbook_bytes(PLAN_HEADER, rows), 2026)
    assert isinstance(result.errors, list)
    assert counts(InspectionPlan) == before


form_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "0", "-1", "2026", "31/02/2026", "99/99/9999", "x" * 300]),
)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/login", ["username", "password", "next"]),
        ("/agencies/new", ["code", "name", "level", "parent", "address", "active_from"]),
        ("/decisions/new", ["number", "signed_on", "issuer", "summary", "kind"]),
        ("/plans/new", ["year", "title"]),
        ("/admin/users/new", ["username", "full_name", "email", "role", "agency_code", "password"]),
        ("/admin/audit", []),
    ],
)
def test_form_posts_never_500(client, login, make_user, path, fields):
    login(make_user(Role.ADMIN))

    @FUZZ
    @given(values=st.fixed_dictionaries({}, optional=dict.fromkeys(fields, form_values)))
    def post(values):
        before = counts(Agency, InspectionPlan)
        response = client.post(path, data=values)
        assert response.status_code < 500, (path, values)
        if response.status_code == 200:  # the form came back with errors: nothing written
            assert counts(Agency, InspectionPlan) == before

    post()
