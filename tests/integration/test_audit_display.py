"""/admin/audit for people: Vietnamese names, links, local time, before → after, export."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from inspect_app.extensions import db
from inspect_app.models import AuditLog, Role
from inspect_app.services import audit


def _announcement_update(admin):
    entry = audit.record(
        "acknowledge",
        object_type="conformity_announcements",
        object_id=271,
        before={"status": "submitted", "number": "145/QĐ-UBND", "scope": "Xã"},
        after={
            "status": "acknowledged",
            "number": "145/QĐ-UBND",
            "acknowledged_at": "2026-11-30T17:30:00+00:00",
            "scope": "Toàn bộ 120 TTHC của xã",
        },
        user=admin,
    )
    entry.at = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    db.session.commit()
    return entry


def test_the_log_reads_in_vietnamese_with_links_and_local_time(client, login, make_user):
    admin = make_user(Role.ADMIN, full_name="Nguyễn Văn Quản")
    _announcement_update(admin)
    login(admin)

    page = client.get("/admin/audit").get_data(as_text=True)

    assert "Nguyễn Văn Quản" in page
    assert "Tiếp nhận" in page
    assert '<a href="/conformity/announcements/271">Công bố HTQLCL #271</a>' in page
    assert "01/12/2026 00:30" in page  # 17:30 UTC is half past midnight in Vietnam
    assert "Chờ tiếp nhận" in page or "submitted" not in page
    assert "Toàn bộ 120 TTHC của xã" in page and "\\u" not in page
    assert "Trạng thái" in page and "→" in page
    assert "conformity_announcements" not in page.split("<tbody>")[1]
    # the number did not change, so it is not listed as a change
    assert page.split("<tbody>")[1].count("145/QĐ-UBND") == 0


def test_filters_by_object_type_user_and_period(client, login, make_user):
    admin = make_user(Role.ADMIN, username="quan")
    other = make_user(Role.ADMIN, username="other")
    _announcement_update(admin)
    audit.record(
        "update",
        object_type="agencies",
        object_id=5,
        before={"name": "A"},
        after={"name": "B"},
        user=other,
    )
    db.session.commit()
    login(admin)

    by_type = client.get("/admin/audit?object_type=agencies").get_data(as_text=True)
    assert "Cơ quan #5" in by_type and "#271" not in by_type
    assert '<option selected value="agencies">Cơ quan</option>' in by_type
    by_user = client.get("/admin/audit?user=quan").get_data(as_text=True)
    assert "#271" in by_user and "Cơ quan #5" not in by_user
    by_day = client.get("/admin/audit?since=01/12/2026&until=01/12/2026").get_data(as_text=True)
    assert "#271" in by_day


def test_export_is_a_workbook_of_the_filtered_rows(client, login, make_user):
    admin = make_user(Role.ADMIN, full_name="Nguyễn Văn Quản")
    _announcement_update(admin)
    audit.record(
        "update",
        object_type="agencies",
        object_id=5,
        before={"name": "=cmd"},
        after={"name": "B"},
        user=admin,
    )
    db.session.commit()
    login(admin)

    response = client.get("/admin/audit.xlsx?object_type=agencies")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Thời điểm",
        "Người thực hiện",
        "Thao tác",
        "Đối tượng",
        "Trường",
        "Trước",
        "Sau",
    )
    assert rows[1][1:] == ("Nguyễn Văn Quản", "Sửa", "Cơ quan #5", "Tên", "'=cmd", "B")
    assert len(rows) == 2
    assert sheet.page_setup.orientation == "landscape"


def test_only_admins_read_or_export_the_log(client, login, make_user):
    login(make_user(Role.VIEWER))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.xlsx").status_code == 403
    assert db.session.query(AuditLog).count() >= 0
