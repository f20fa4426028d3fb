"""Wide fuzzing of every boundary (issue: robustness): query strings of every page, every
form, every JSON body and every workbook cell, with NUL characters, lone surrogates, very
long and deeply nested values. Whatever arrives: never a 500, and a refusal writes nothing.

These run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, which refuses NUL in text
and checks every column's length and range, so it is the database that catches most.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    Finding,
    InspectionMode,
    InspectionStatus,
    PlanStatus,
    Role,
    Severity,
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: tables a refused request may still write: the throttle's log and the server sessions.
BOOKKEEPING = {"login_attempts", "user_sessions"}

nasty_text = st.one_of(
    st.text(max_size=30),
    st.text(
        st.sampled_from(["\x00", "a", "=", ";", "'", '"', "<", "\\", "đ", "\u202e"]), max_size=12
    ),
    st.integers(min_value=1, max_value=5000).map(lambda n: "x" * n),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "31/12/9999",
            "01/01/0001",
            "00/00/0000",
            "9999-12-31",
            "0001-01-01T00:00:00+14:00",
            "99999999999999999999999",
            "-99999999999999999999999",
            "1e309",
            "NaN",
            "-1",
            "0",
            "Quý V",
            "13/2026",
            "=1+1",
            "../../etc/passwd",
            "%00",
        ]
    ),
)
query_names = st.sampled_from(
    [
        "q", "page", "year", "from", "to", "since", "until", "user", "status", "level",
        "mode", "agency", "plan", "kind", "format", "amendment", "next", "object_type",
        "action", "lead", "sort", "per_page", "id", "x\x00",
    ]
)  # fmt: skip


def table_counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name not in BOOKKEEPING
    }


@pytest.fixture
def world(make_user, make_agency, make_inspection, make_plan, make_decision):
    """One object of each kind, so that every route with an id has something to load."""
    agency = make_agency("Sở Tư pháp", code="SO-TP")
    lead = make_user(Role.INSPECTOR)
    admin = make_user(Role.ADMIN)
    plan = make_plan(2026)
    make_plan(2027, status=PlanStatus.DRAFT)
    inspection = make_inspection(
        plan=plan, agency=agency, lead=lead, status=InspectionStatus.IN_PROGRESS
    )
    make_inspection(plan=plan, mode=InspectionMode.DOSSIER, status=InspectionStatus.PLANNED)
    finding = Finding(inspection=inspection, severity=Severity.MINOR, description="Thiếu")
    db.session.add(finding)
    make_decision()
    db.session.commit()
    return {
        "admin": admin,
        "lead": lead,
        "agency_user": make_user(Role.AGENCY, agency=agency),
        "ids": {"inspection": inspection.id, "finding": finding.id, "agency": agency.id},
        "id": inspection.id,
    }


def _routes(app, method: str) -> list[str]:
    """Every rule answering `method`, its int arguments filled with 1 (ids exist in `world`)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if method not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if rule.endpoint in ("auth.logout", "auth.change_password"):
            continue  # would end the fuzzing user's session; covered by their own tests
        path = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        if "<" not in path:
            paths.append(path)
    return sorted(set(paths))


def _form_field_names() -> list[str]:
    names: set[str] = set()
    stack = list(FlaskForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        for name, unbound in getattr(form, "_unbound_fields", None) or []:
            names.add(unbound.kwargs.get("name") or name)
        for name in dir(form):
            if not name.startswith("_") and hasattr(getattr(form, name, None), "field_class"):
                names.add(name)
    return sorted(names)


@pytest.mark.parametrize("role", ["admin", "agency_user"])
def test_every_page_with_any_query_string_never_500(app, client, login, world, role):
    login(world[role])
    paths = _routes(app, "GET")

    @FUZZ
    @given(
        path=st.sampled_from(paths),
        args=st.lists(st.tuples(query_names, nasty_text), max_size=4),
    )
    def get(path, args):
        response = client.get(path, query_string=args)
        response.close()
        assert response.status_code < 500, (path, args)

    get()


def test_every_form_post_never_500_and_refusals_write_nothing(app, client, login, world):
    login(world["admin"])
    paths = _routes(app, "POST")
    names = _form_field_names() + ["csrf_token", "token", "next"]

    @FUZZ
    @given(
        path=st.sampled_from(paths),
        fields=st.dictionaries(st.sampled_from(names), nasty_text, max_size=6),
    )
    def post(path, fields):
        before = table_counts()
        response = client.post(path, data=fields)
        response.close()
        assert response.status_code < 500, (path, fields)
        if response.status_code >= 400:
            db.session.rollback()
            assert table_counts() == before, (path, fields)

    post()


deep = st.integers(min_value=30, max_value=200_000).map(lambda n: "[" * n + "]" * n)
json_text = st.one_of(
    nasty_text,
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "\u0000\ud83d"]),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), json_text),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(json_text, children, max_size=4)
    ),
    max_leaves=16,
)
op_like = st.fixed_dictionaries(
    {},
    optional={
        "op_id": st.one_of(
            st.uuids(version=4).map(str), st.uuids().map(lambda u: str(u).upper()), json_text
        ),
        "item": st.one_of(st.just("A.1"), json_text),
        "result": st.one_of(st.just("conform"), json_text),
        "note": json_text,
        "base_rev": st.one_of(st.integers(), json_text),
        "client_ts": json_text,
        "base_op": json_text,
    },
)
json_bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v, ensure_ascii=True)),
    st.lists(op_like, max_size=4).map(lambda ops: json.dumps({"ops": ops}, ensure_ascii=True)),
    st.fixed_dictionaries({"ops": st.just([]), "device": json_text, "pending": json_values}).map(
        json.dumps
    ),
    deep,
)


def test_every_json_body_never_500_and_refusals_write_nothing(app, client, login, world):
    login(world["lead"])
    paths = [
        p.replace("/1/", f"/{world['id']}/") for p in _routes(app, "POST") if p.startswith("/api/")
    ]

    @FUZZ
    @given(path=st.sampled_from(paths), body=json_bodies)
    def post(path, body):
        before = table_counts()
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code < 500, (path, body[:300])
        assert response.is_json
        if response.status_code >= 400:
            db.session.rollback()
            assert table_counts() == before

    post()


wide_cells = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    st.integers(min_value=1, max_value=600).map(lambda n: "Ư" * n),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(
        [
            "Cấp tỉnh",
            "UBND xã",
            "Quý II",
            "05/2026",
            "31/12/9999",
            "2026",
            "99999",
            "Đạt",
            "trụ sở",
            "hồ sơ",
            "=1+1",
            "SO-TP",
            "Sở Tư pháp",
            "UBND tỉnh Quảng Ngãi",
            "x",
        ]
    ),  # fmt: skip
)


def _xlsx(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK_UPLOADS = [
    (
        "/agencies/import",
        ["Mã cơ quan", "Tên cơ quan", "Cấp", "Cơ quan cấp trên", "Cán bộ phụ trách ISO",
         "Điện thoại", "Email"],
    ),
    (
        "/reports/import",
        ["Năm", "Tên cơ quan", "Mã cơ quan", "Cấp", "Hình thức kiểm tra", "Ngày kiểm tra",
         "Kết luận", "Số quyết định"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("path", "header"), WORKBOOK_UPLOADS)
def test_workbook_uploads_with_any_cells_never_500(app, client, login, world, path, header):
    login(world["admin"])

    @FUZZ
    @given(rows=st.lists(st.lists(wide_cells, max_size=len(header)), min_size=1, max_size=5))
    def upload(rows):
        before = table_counts()
        data = {"file": (io.BytesIO(_xlsx(header, rows)), "danh-muc.xlsx")}
        response = client.post(path, data=data, content_type="multipart/form-data")
        assert response.status_code < 500, rows
        db.session.rollback()
        assert table_counts() == before  # the upload only previews; confirming writes

    upload()


def test_history_workbook_with_any_cells_applies_or_refuses_whole(app, world):
    from inspect_app.services.workbooks.history_import import (
        apply_history_import,
        read_history_workbook,
    )

    header = WORKBOOK_UPLOADS[1][1]

    @FUZZ
    @given(rows=st.lists(st.lists(wide_cells, max_size=len(header)), min_size=1, max_size=5))
    def run(rows):
        before = table_counts()
        result = read_history_workbook(_xlsx(header, rows), today=date(2026, 6, 1))
        if result.ok:
            apply_history_import(result, today=date(2026, 6, 1))
            db.session.flush()  # PostgreSQL checks every value here
        else:
            assert table_counts() == before
        db.session.rollback()

    run()


#: the values that broke pages before: out of every column's range, or refused by PostgreSQL.
EDGE_VALUES = ["99999999999999999999", "2147483648", "-5", "x" * 3000, "31/12/9999", "\x00"]
ARG_NAMES = [
    "q", "page", "year", "from", "to", "since", "until", "user", "status", "level", "mode",
    "agency", "plan", "kind", "format", "amendment", "object_type", "lead", "course", "code",
]  # fmt: skip


@pytest.mark.parametrize("role", ["admin", "agency_user"])
def test_every_page_with_edge_values_in_its_query_string_never_500(app, client, login, world, role):
    """Deterministic companion of the fuzz test: each edge value in each argument, alone and
    all at once, on every page (a lone bad argument could hide behind another's error)."""
    login(world[role])
    broken = []
    for path in _routes(app, "GET"):
        cases = [dict.fromkeys(ARG_NAMES, value) for value in EDGE_VALUES]
        cases += [{name: EDGE_VALUES[0]} for name in ARG_NAMES]
        for args in cases:
            response = client.get(path, query_string=args)
            response.close()
            if response.status_code >= 500:
                broken.append((path, {k: v[:20] for k, v in args.items()}))
    assert broken == []


def test_every_form_post_with_edge_values_in_every_field_never_500(app, client, login, world):
    """Each edge value in every field any form has, on every POST route, as an admin."""
    login(world["admin"])
    names = _form_field_names()
    broken = []
    for path in _routes(app, "POST"):
        for value in EDGE_VALUES:
            before = table_counts()
            response = client.post(path, data=dict.fromkeys(names, value))
            response.close()
            if response.status_code >= 500:
                broken.append((path, value[:20]))
            elif response.status_code >= 400:
                db.session.rollback()
                if table_counts() != before:
                    broken.append((path, value[:20], "wrote despite refusing"))
    assert broken == []
