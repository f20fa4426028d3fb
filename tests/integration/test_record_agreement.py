"""The record agrees with itself (5.10): every "Không phù hợp" / "Khuyến nghị" item is listed."""

from __future__ import annotations

import re
from datetime import date

import pytest

from inspect_app.extensions import db
from inspect_app.models import Answer, Finding, InspectionStatus, Result, Role, Severity
from inspect_app.services import record_check


@pytest.fixture
def conducted(make_user, make_inspection, make_template):
    lead, member = make_user(Role.INSPECTOR), make_user(Role.INSPECTOR)
    template = make_template(5)  # A.1, A.2, 4.2, 4.3, 4.4
    inspection = make_inspection(
        lead=lead,
        members=[member],
        template=template,
        status=InspectionStatus.CONDUCTED,
        conducted_on=date(2026, 5, 1),
    )
    items = {item.code: item for item in template.items}
    results = {
        "A.1": Result.NONCONFORM,
        "A.2": Result.NONCONFORM,
        "4.2": Result.CONFORM,
        "4.3": Result.OBSERVATION,
        "4.4": Result.NONCONFORM,
    }
    for code, result in results.items():
        note = "Chưa có quyết định ban hành" if code == "4.4" else ""
        db.session.add(Answer(inspection=inspection, item=items[code], result=result, note=note))
    db.session.add(
        Finding(
            inspection=inspection,
            item=items["A.1"],
            severity=Severity.MINOR,
            requirement="A.1",
            description="Quy trình viện dẫn văn bản hết hiệu lực.",
            corrective_action_required="Cập nhật quy trình.",
            due_on=date(2026, 6, 1),
        )
    )
    db.session.commit()
    return {"inspection": inspection, "lead": lead, "member": member, "items": items}


def test_items_without_finding(conducted):
    inspection = conducted["inspection"]
    listed = [item.code for item, _ in record_check.items_without_finding(inspection)]
    assert listed == ["A.2", "4.3", "4.4"]
    warned = [item.code for item, _ in record_check.nonconforming_without_finding(inspection)]
    assert warned == ["A.2", "4.4"]


def test_concluding_warns_and_lets_the_lead_raise_the_finding(client, login, conducted):
    inspection = conducted["inspection"]
    login(conducted["lead"])
    html = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert 'id="missing-findings"' in html
    assert "2 nội dung được đánh giá “Không phù hợp” chưa có phát hiện" in html
    link = f"/inspections/{inspection.id}/findings/new?item=A.2"
    assert link in html
    form = client.get(link)
    assert form.status_code == 200


def test_the_record_lists_every_nonconforming_and_observation_item(client, login, conducted):
    inspection = conducted["inspection"]
    login(conducted["lead"])
    html = client.get(f"/inspections/{inspection.id}/record").get_data(as_text=True)
    section = html[html.index("2. Các điểm không phù hợp và khuyến nghị") :]
    section = section[: section.index("III. KẾT LUẬN")]
    rows = re.findall(r"<tr[ >]", section.split("<tbody>")[1])
    # 3 "Không phù hợp" + 1 "Khuyến nghị" in the table above: 4 rows here as well.
    assert len(rows) == 4
    assert 'data-item="A.2"' in section and 'data-item="4.3"' in section
    assert "Chưa có quyết định ban hành" in section
    assert "Quy trình viện dẫn văn bản hết hiệu lực." in section
