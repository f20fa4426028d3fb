"""Official documents in Word (contract 5.13): content from the data, the decree's layout,
templates the department owns, and where users download them."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from datetime import date
from html.parser import HTMLParser

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspect_app.documents import KINDS, build_templates, contexts, shipped_template
from inspect_app.documents.render import TemplateRejected, check_template, clean, render_docx
from inspect_app.documents.samples import FULL, sample_contexts
from inspect_app.extensions import db
from inspect_app.i18n import SESSION_KEY
from inspect_app.models import (
    Answer,
    AuditLog,
    Conclusion,
    DocumentTemplate,
    Finding,
    FindingStatus,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    IsoOfficer,
    PlanStatus,
    Result,
    Role,
    Severity,
    User,
)
from inspect_app.models.base import utcnow
from inspect_app.services import document_templates
from tests.docx_checks import (
    assert_decree_layout,
    data_tables,
    full_text,
    open_docx,
    order_of,
    pdf_pages,
    table_rows,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def concluded(make_agency, make_user, make_plan, make_decision, make_inspection, make_template):
    """A concluded on-site inspection with answers in both groups and one finding."""
    decision = make_decision(
        "728/QĐ-UBND",
        signed_on=date(2017, 4, 20),
        summary="Phê duyệt Kế hoạch kiểm tra việc áp dụng HTQLCL năm 2017",
    )
    plan = make_plan(2017, decision=decision, title="Kế hoạch kiểm tra năm 2017")
    lead = make_user(Role.INSPECTOR, full_name="Nguyễn Văn Trưởng")
    member = make_user(Role.INSPECTOR, full_name="Trần Thị Thành")
    template = make_template(5)
    inspection = make_inspection(
        plan=plan,
        agency=make_agency("Sở Tư pháp tỉnh Quảng Ngãi", address="số 1 Hùng Vương"),
        lead=lead,
        members=[member],
        template=template,
        status=InspectionStatus.CONCLUDED,
        conducted_on=date(2017, 5, 9),
        concluded_on=date(2017, 5, 10),
        conclusion=Conclusion.PASSED_WITH_RECOMMENDATIONS,
        conclusion_summary="Cơ quan duy trì HTQLCL phù hợp; cần cập nhật quy trình.",
        record_number="15/BB-KT",
        external_members="Lê Văn Chuyên Gia",
        agency_representatives="Ông Phạm Văn Giám Đốc, Giám đốc\nBà Võ Thị ISO, cán bộ ISO",
    )
    items = {item.code: item for item in template.items}
    for code, result in {
        "A.1": Result.CONFORM,
        "A.2": Result.NONCONFORM,
        "4.2": Result.CONFORM,
        "4.3": Result.OBSERVATION,
    }.items():
        db.session.add(Answer(inspection=inspection, item=items[code], result=result))
    db.session.add(
        Finding(
            inspection=inspection,
            item=items["A.2"],
            severity=Severity.MINOR,
            requirement="A.2",
            description="Hai quy trình viện dẫn văn bản hết hiệu lực.\nCần rà soát lại.",
            corrective_action_required="Cập nhật hai quy trình.",
            due_on=date(2017, 6, 10),
        )
    )
    db.session.commit()
    return inspection


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()


def user_named(name: str) -> User:
    return db.session.scalar(db.select(User).where(User.username == name))


def download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    assert "attachment" in response.headers["Content-Disposition"]
    return open_docx(response.data)


# -- the shipped templates --------------------------------------------------------------------


def _xml_text(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs] + [
        cell.text
        for table in Document(io.BytesIO(data)).tables
        for row in table.rows
        for cell in row.cells
    ]


@pytest.mark.parametrize("kind", list(KINDS))
def test_shipped_template_is_what_the_build_script_makes(kind):
    assert _xml_text(shipped_template(kind)) == _xml_text(build_templates.build(kind))


@pytest.mark.parametrize("kind", list(KINDS))
def test_shipped_templates_pass_their_own_check_and_layout(kind, app):
    check_template(kind, shipped_template(kind))
    for context in sample_contexts(kind):
        assert_decree_layout(open_docx(render_docx(shipped_template(kind), context)))


def _shape(value):
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return None


def _same_keys(real, sample, path="") -> None:
    """Every key of the real context is in the sample (and the other way round)."""
    if isinstance(sample, dict):
        assert isinstance(real, dict | type(None)), path
        if real is not None:
            assert set(real) == set(sample), (path, set(real) ^ set(sample))
            for key in real:
                _same_keys(real[key], sample[key], f"{path}.{key}")
    elif isinstance(sample, list) and sample:
        assert isinstance(real, list), path
        for item in real:
            _same_keys(item, sample[0], path + "[]")


def test_samples_name_exactly_the_fields_of_the_real_contexts(concluded, make_inspection):
    dossier = make_inspection(mode=InspectionMode.DOSSIER, dossier_request="Báo cáo")
    real = {
        "record": contexts.record_context(concluded),
        "notice": contexts.notice_context(dossier),
        "annex": contexts.annex_context(concluded.plan),
        "report": contexts.report_context(2017, 2017),
    }
    for kind, context in real.items():
        _same_keys(context, FULL[kind], kind)


# -- the inspection record --------------------------------------------------------------------


class _Cells(HTMLParser):
    """Rows of the tables of the printable record page, as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.items: list[str] = []
        self._cell: list[str] | None = None
        self._item: list[str] | None = None
        self._in_record = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "article":
            self._in_record = True
        elif tag == "li" and self._in_record:
            self._item = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "li" and self._item is not None:
            self.items.append(" ".join("".join(self._item).split()))
            self._item = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._item is not None:
            self._item.append(data)


def test_record_matches_its_printable_page_item_for_item(concluded, client, login, make_user):
    login(make_user(Role.ADMIN))
    page = _Cells()
    page.feed(client.get(f"/inspections/{concluded.id}/record").get_data(as_text=True))
    doc = download(client, f"/inspections/{concluded.id}/record.docx")

    assert_decree_layout(doc)
    results_page, findings_page = page.tables
    results_doc, findings_doc = data_tables(doc)
    doc_rows = [[" ".join(cell.split()) for cell in row] for row in table_rows(results_doc)]
    # the printable page drops the "Chưa đánh giá" column when everything was assessed
    width = len(results_page[0])
    assert [row[:width] for row in doc_rows] == results_page
    assert doc_rows[-1][-1] == "1"  # 4.4 was not answered
    assert [[" ".join(c.split()) for c in row] for row in table_rows(findings_doc)] == [
        [" ".join(c.split()) for c in row] for row in findings_page
    ]
    text = full_text(doc)
    for item in page.items:  # the team and the agency's representatives
        assert item.rstrip(";") in text
    for needle in (
        "Số: 15/BB-KT",
        "Quảng Ngãi, ngày 09 tháng 5 năm 2017",
        "tại Sở Tư pháp tỉnh Quảng Ngãi",
        "Căn cứ Quyết định số 728/QĐ-UBND ngày 20/04/2017 của UBND tỉnh Quảng Ngãi về việc "
        "phê duyệt Kế hoạch kiểm tra việc áp dụng HTQLCL năm 2017;",
        "Thực hiện kế hoạch kiểm tra năm 2017,",
        "Ngày 09/05/2017, Đoàn kiểm tra tiến hành kiểm tra tại trụ sở cơ quan đối với Sở Tư pháp "
        "tỉnh Quảng Ngãi (số 1 Hùng Vương).",
        "- Ông/Bà Nguyễn Văn Trưởng: Trưởng đoàn;",
        "- Ông/Bà Lê Văn Chuyên Gia: Thành viên;",
        "Đạt nhưng có khuyến nghị.",
        "Cơ quan duy trì HTQLCL phù hợp; cần cập nhật quy trình.",
    ):
        assert needle in text, needle
    assert "Hai quy trình viện dẫn văn bản hết hiệu lực.\nCần rà soát lại." in text
    order_of(
        doc,
        [
            "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "Số: 15/BB-KT",
            "CỘNG HÒA XÃ HỘI",
            "Độc lập - Tự do",
            "Quảng Ngãi, ngày",
            "BIÊN BẢN KIỂM TRA",
            "Căn cứ",
            "I. THÀNH PHẦN",
            "II. KẾT QUẢ KIỂM TRA",
            "III. KẾT LUẬN",
            "TRƯỞNG ĐOÀN KIỂM TRA",
            "Nguyễn Văn Trưởng",
        ],
    )
    found = order_of(
        doc,
        [
            "BIÊN BẢN KIỂM TRA",
            "I. THÀNH PHẦN",
            "II. KẾT QUẢ",
            "III. KẾT LUẬN",
            "TRƯỞNG ĐOÀN KIỂM TRA",
        ],
    )
    assert found == sorted(found)


def test_record_page_and_inspection_page_link_the_word_files(concluded, client, login, make_user):
    login(make_user(Role.ADMIN))
    record = client.get(f"/inspections/{concluded.id}/record").get_data(as_text=True)
    assert f'href="/inspections/{concluded.id}/record.docx"' in record
    assert "Tải về (Word)" in record
    detail = client.get(f"/inspections/{concluded.id}").get_data(as_text=True)
    assert f'href="/inspections/{concluded.id}/notice.docx"' in detail
    assert "Thông báo kiểm tra (Word)" in detail


def test_draft_record_of_an_unconducted_inspection_still_renders(
    make_inspection, client, login, make_user
):
    inspection = make_inspection(template=None, lead=None)
    inspection.template = None
    db.session.commit()
    login(make_user(Role.ADMIN))
    doc = download(client, f"/inspections/{inspection.id}/record.docx")
    text = full_text(doc)
    assert "Số: …/BB-KT" in text
    assert "Quảng Ngãi, ngày …… tháng …… năm ……" in text
    assert "(Chưa có kết luận.)" in text
    assert "Không có điểm không phù hợp hoặc khuyến nghị." in text
    assert_decree_layout(doc)


# -- the notice -------------------------------------------------------------------------------


def test_dossier_notice_lists_the_documents_and_the_due_date(
    make_inspection, make_user, client, login
):
    lead = make_user(Role.INSPECTOR, full_name="Lê Thị Thu Hà")
    inspection = make_inspection(
        mode=InspectionMode.DOSSIER,
        lead=lead,
        planned_from=date(2026, 4, 1),
        planned_to=date(2026, 4, 30),
        dossier_due=date(2026, 4, 15),
        dossier_request="Báo cáo tình hình áp dụng HTQLCL năm 2025\nDanh mục quy trình nội bộ",
    )
    login(make_user(Role.ADMIN))
    doc = download(client, f"/inspections/{inspection.id}/notice.docx")

    assert_decree_layout(doc)
    text = full_text(doc)
    assert "V/v đề nghị cung cấp hồ sơ, báo cáo về HTQLCL theo TCVN ISO 9001:2015" in text
    assert f"Kính gửi: {inspection.agency.name}." in text
    assert "2. Thời gian dự kiến: từ ngày 01/04/2026 đến ngày 30/04/2026." in text
    assert "- Ông/Bà Lê Thị Thu Hà: Trưởng đoàn;" in text
    assert "- Báo cáo tình hình áp dụng HTQLCL năm 2025" in text
    assert "- Danh mục quy trình nội bộ" in text
    assert "trước ngày 15/04/2026" in text
    found = order_of(
        doc,
        [
            "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "Số:",
            "V/v",
            "Quảng Ngãi, ngày",
            "Kính gửi:",
            "Căn cứ Quyết định",
            "4. Hồ sơ",
            "Nơi nhận:",
            "- Lưu: VT, TĐC.",
            "GIÁM ĐỐC",
        ],
    )
    assert found[4:] == sorted(found[4:])


def test_on_site_notice_announces_the_visit(make_inspection, make_user, client, login):
    inspection = make_inspection(
        mode=InspectionMode.ON_SITE, planned_from=date(2026, 6, 3), planned_to=date(2026, 6, 3)
    )
    login(make_user(Role.ADMIN))
    text = full_text(download(client, f"/inspections/{inspection.id}/notice.docx"))
    assert "V/v thông báo kiểm tra việc áp dụng HTQLCL" in text
    assert "2. Thời gian dự kiến: ngày 03/06/2026." in text
    assert "bố trí lãnh đạo, cán bộ phụ trách ISO" in text
    assert "4. Hồ sơ" not in text


# -- the annex --------------------------------------------------------------------------------


def test_annex_lists_the_plans_agencies(
    make_plan, make_inspection, make_agency, make_user, client, login
):
    plan = make_plan(2026)
    lead = make_user(Role.INSPECTOR, full_name="Phạm Quốc Bảo")
    make_inspection(plan=plan, agency=make_agency("Sở Tài chính"), lead=lead)
    make_inspection(plan=plan, agency=make_agency("Sở Công Thương"), mode=InspectionMode.DOSSIER)
    make_inspection(plan=plan, agency=make_agency("Sở Đã Hủy"), status=InspectionStatus.CANCELLED)
    login(make_user(Role.VIEWER))
    page = client.get(f"/plans/{plan.id}/annex").get_data(as_text=True)
    assert f'href="/plans/{plan.id}/annex.docx"' in page
    doc = download(client, f"/plans/{plan.id}/annex.docx")

    assert_decree_layout(doc)
    rows = table_rows(data_tables(doc)[0])
    assert rows[0] == [
        "STT",
        "Cơ quan được kiểm tra",
        "Hình thức kiểm tra",
        "Thời gian dự kiến",
        "Đoàn kiểm tra",
    ]
    assert [row[1] for row in rows[1:]] == ["Sở Công Thương", "Sở Tài chính"]
    assert rows[2][4] == "Phạm Quốc Bảo (Trưởng đoàn)"
    text = full_text(doc)
    assert f"(Kèm theo Quyết định số {plan.decision.number} ngày 01/03/2026" in text
    assert (
        "Danh sách có 2 cơ quan được kiểm tra (1 kiểm tra tại trụ sở, 1 kiểm tra qua hồ sơ" in text
    )
    assert "Sở Đã Hủy" not in text


def test_annex_of_an_empty_draft_plan_says_so(make_plan, make_user, client, login):
    plan = make_plan(2027, status=PlanStatus.DRAFT)
    login(make_user(Role.ADMIN))
    text = full_text(download(client, f"/plans/{plan.id}/annex.docx"))
    assert "(Dự thảo)" in text
    assert "Kế hoạch chưa có cơ quan nào." in text


# -- the report -------------------------------------------------------------------------------


def test_report_of_the_demo_period_has_the_reports_figures(seeded, client, login):
    login(user_named("viewer"))
    page = client.get("/reports/?from=2017&to=2020").get_data(as_text=True)
    assert "/reports/report.docx?from=2017&amp;to=2020" in page
    doc = download(client, "/reports/report.docx?from=2017&to=2020")

    assert_decree_layout(doc)
    text = full_text(doc)
    assert "tại các cơ quan hành chính nhà nước giai đoạn 2017 - 2020" in text
    assert (
        "tại 211 CQHCNN theo Kế hoạch được phê duyệt (kiểm tra tại trụ sở cơ quan: 99 CQHCNN, "
        "kiểm tra thông qua hồ sơ và báo cáo: 112 CQHCNN)" in text
    )
    assert "tổ chức 08 khóa đào tạo" in text
    assert "04 khóa đào tạo về duy trì" in text
    assert "02 khóa đào tạo về xây dựng, áp dụng" in text
    assert "02 khóa đào tạo về chuyển đổi" in text
    tallies, training, coverage = data_tables(doc)[:3]
    assert table_rows(tallies)[1:] == [
        ["2017", "36", "10", "26"],
        ["2018", "46", "15", "31"],
        ["2019", "64", "24", "40"],
        ["2020", "65", "50", "15"],
        ["Tổng cộng", "211", "99", "112"],
    ]
    assert [row[1] for row in table_rows(training)[1:4]] == ["4", "2", "2"]
    assert table_rows(training)[-1][:2] == ["Tổng cộng", "8"]
    assert all(row[2] == "100,0%" for row in table_rows(coverage)[1:])
    assert "đã công bố HTQLCL phù hợp TCVN ISO 9001:2015" in text
    found = order_of(
        doc,
        [
            "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "Số:",
            "Quảng Ngãi, ngày",
            "BÁO CÁO",
            "1. Kết quả kiểm tra",
            "2. Kết quả đào tạo",
            "3. Công bố",
            "4. Tồn tại, hạn chế",
            "Nơi nhận:",
            "GIÁM ĐỐC",
        ],
    )
    assert found[3:] == sorted(found[3:])


def test_report_names_the_problems_the_data_shows(
    make_inspection, make_plan, make_agency, client, login, make_user
):
    plan = make_plan(2020)
    agency = make_agency("UBND xã <Tịnh> & Khê")
    inspection = make_inspection(plan=plan, agency=agency, status=InspectionStatus.CONCLUDED)
    db.session.add_all(
        [
            Finding(
                inspection=inspection,
                severity=Severity.MAJOR,
                requirement="7.5",
                description="Quy trình cũ",
                due_on=date(2020, 8, 1),
            ),
            Finding(
                inspection=inspection,
                severity=Severity.MINOR,
                requirement="8.2",
                description="Đã khắc phục",
                due_on=date(2020, 8, 1),
                status=FindingStatus.CLOSED,
                verified_at=utcnow(),
                verified_by_id=make_user(Role.INSPECTOR).id,
            ),
            IsoOfficer(
                agency=agency, name="Cán bộ cũ", since=date(2015, 1, 1), until=date(2019, 3, 1)
            ),
            IsoOfficer(agency=agency, name="Cán bộ mới", since=date(2019, 3, 1), part_time=True),
        ]
    )
    make_inspection(plan=plan, status=InspectionStatus.PLANNED)
    db.session.commit()

    context = contexts.report_context(2017, 2020, today=date(2021, 1, 10))
    assert context["overdue_count"] == 1
    assert context["overdue"][0]["agency"] == "UBND xã <Tịnh> & Khê"
    problems = " ".join(context["problems"])
    assert "Có 01 cuộc kiểm tra trong kế hoạch chưa thực hiện." in problems
    assert "Có 01 điểm không phù hợp, khuyến nghị đã quá thời hạn khắc phục" in problems
    assert "01 cơ quan thay đổi cán bộ phụ trách (01 lượt) trong giai đoạn 2017 - 2020" in problems
    assert "01/01 cán bộ phụ trách ISO hiện nay làm việc kiêm nhiệm." in problems

    login(make_user(Role.ADMIN))
    doc = download(client, "/reports/report.docx?from=2017&to=2020")
    overdue = data_tables(doc)[-1]
    assert table_rows(overdue)[1][1:4] == ["UBND xã <Tịnh> & Khê", "2020", "7.5"]


def test_report_of_a_period_without_data_is_valid_and_says_so(client, login, make_user):
    login(make_user(Role.VIEWER))
    doc = download(client, "/reports/report.docx?from=2030&to=2031")
    assert_decree_layout(doc)
    text = full_text(doc)
    assert "Trong giai đoạn 2030 - 2031, chưa thực hiện kiểm tra" in text
    assert "chưa tổ chức khóa đào tạo nào" in text
    assert "chưa có dữ liệu về công bố HTQLCL" in text
    assert "chưa cho thấy tồn tại, hạn chế nào" in text
    assert table_rows(data_tables(doc)[0])[1:] == [
        ["2030", "0", "0", "0"],
        ["2031", "0", "0", "0"],
        ["Tổng cộng", "0", "0", "0"],
    ]


def test_report_with_a_bad_period_goes_back_with_the_reason(client, login, make_user):
    login(make_user(Role.ADMIN))
    response = client.get("/reports/report.docx?from=2020&to=2017")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/reports/")


def test_documents_are_in_vietnamese_whatever_the_interface_language(
    concluded, client, login, make_user
):
    login(make_user(Role.ADMIN))
    with client.session_transaction() as session:
        session[SESSION_KEY] = "en"
    assert "Inspection record" in client.get(f"/inspections/{concluded.id}/record").get_data(
        as_text=True
    )
    text = full_text(download(client, f"/inspections/{concluded.id}/record.docx"))
    assert "Đạt nhưng có khuyến nghị." in text
    assert "kiểm tra tại trụ sở cơ quan" in text


# -- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "record", "annex", "report"),
    [
        (Role.ADMIN, 200, 200, 200),
        (Role.VIEWER, 200, 200, 200),
        (Role.INSPECTOR, 404, 200, 403),
        (Role.AGENCY, 404, 403, 403),
    ],
)
def test_who_may_download_what(role, record, annex, report, concluded, make_user, client, login):
    login(make_user(role))
    assert client.get(f"/inspections/{concluded.id}/record.docx").status_code == record
    assert client.get(f"/inspections/{concluded.id}/notice.docx").status_code == record
    assert client.get(f"/plans/{concluded.plan_id}/annex.docx").status_code == annex
    assert client.get("/reports/report.docx?from=2017&to=2017").status_code == report


def test_agency_user_gets_the_documents_of_its_own_inspection(concluded, make_user, client, login):
    login(make_user(Role.AGENCY, agency=concluded.agency))
    assert client.get(f"/inspections/{concluded.id}/record.docx").status_code == 200
    assert client.get(f"/inspections/{concluded.id}/notice.docx").status_code == 200


def test_lead_of_the_inspection_gets_its_documents(concluded, client, login):
    login(concluded.lead)
    assert client.get(f"/inspections/{concluded.id}/record.docx").status_code == 200


# -- templates the department owns ------------------------------------------------------------


def _edited(kind: str, old: str, new: str) -> bytes:
    """The shipped template with `old` replaced by `new` in its text, as Word would save it."""
    source = io.BytesIO(shipped_template(kind))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode()
                assert old in text, old
                data = text.replace(old, new, 1).encode()
            zout.writestr(item, data)
    return out.getvalue()


def _upload(client, kind: str, data: bytes, name: str = "mau.docx"):
    return client.post(
        f"/admin/documents/{kind}/upload",
        data={f"{kind}-file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_admin_replaces_a_template_and_returns_to_the_shipped_one(
    concluded, make_user, client, login
):
    admin = make_user(Role.ADMIN)
    login(admin)
    page = client.get("/admin/documents").get_data(as_text=True)
    assert "Đang dùng mẫu gốc của phần mềm." in page
    assert "agency[].name" not in page and "team[].name" in page
    shipped = client.get("/admin/documents/record.docx")
    assert shipped.status_code == 200 and shipped.data == shipped_template("record")

    own = _edited("record", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CHI CỤC TIÊU CHUẨN ĐO LƯỜNG CHẤT LƯỢNG")
    response = _upload(client, "record", own, "bien-ban-cua-so.docx")
    assert response.status_code == 302
    stored = db.session.scalar(db.select(DocumentTemplate))
    assert stored.kind == "record" and stored.filename == "bien-ban-cua-so.docx"
    assert stored.uploaded_by_id == admin.id
    assert client.get("/admin/documents/record.docx").data == own
    assert client.get("/admin/documents/record.docx?shipped=1").data == shipped_template("record")
    text = full_text(download(client, f"/inspections/{concluded.id}/record.docx"))
    assert "CHI CỤC TIÊU CHUẨN ĐO LƯỜNG CHẤT LƯỢNG" in text
    assert "Đang dùng mẫu tải lên: bien-ban-cua-so.docx" in client.get("/admin/documents").get_data(
        as_text=True
    )

    assert client.post("/admin/documents/record/reset").status_code == 302
    assert db.session.scalar(db.select(DocumentTemplate)) is None
    text = full_text(download(client, f"/inspections/{concluded.id}/record.docx"))
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
    actions = db.session.scalars(db.select(AuditLog.action)).all()
    assert "document_template.upload" in actions and "document_template.reset" in actions


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("{{ agency.name }}", "{{ ten_co_quan }}", "ten_co_quan"),
        ("{{ agency.name }}", "{{ agency.ten }}", "ten"),
        ("{{ lead_name }}", "{{ lead_name ", "cú pháp"),
        ("{%tr for group in groups %}", "{%tr for group in groupz %}", "groupz"),
    ],
)
def test_a_bad_template_is_refused_naming_the_problem_and_the_previous_stays(
    old, new, named, concluded, make_user, client, login
):
    login(make_user(Role.ADMIN))
    own = _edited("record", "UBND TỈNH QUẢNG NGÃI", "UBND TỈNH KON TUM")
    assert _upload(client, "record", own).status_code == 302

    response = _upload(client, "record", _edited("record", old, new))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Mẫu không được dùng" in html and named in html
    assert client.get("/admin/documents/record.docx").data == own
    assert "UBND TỈNH KON TUM" in full_text(
        download(client, f"/inspections/{concluded.id}/record.docx")
    )


def test_a_file_that_is_not_word_is_refused(make_user, client, login):
    login(make_user(Role.ADMIN))
    response = _upload(client, "annex", b"PK\x03\x04 not really a zip", "mau.docx")
    assert response.status_code == 422
    assert "Tệp không phải là tài liệu Word (.docx)." in response.get_data(as_text=True)
    broken_xml = _edited("annex", "PHỤ LỤC", "PHỤ <LỤC")
    assert _upload(client, "annex", broken_xml).status_code == 422
    response = _upload(client, "annex", b"plain", "mau.txt")
    assert response.status_code == 400
    assert "Chỉ nhận tệp Word .docx." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(DocumentTemplate)) is None


def test_check_template_names_the_unknown_field_directly():
    with pytest.raises(TemplateRejected, match="so_cong_van"):
        check_template("notice", _edited("notice", "{{ lead_name }}", "{{ so_cong_van }}"))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.INSPECTOR, Role.AGENCY])
def test_only_admins_manage_templates(role, make_user, client, login):
    login(make_user(role))
    assert client.get("/admin/documents").status_code == 403
    assert client.get("/admin/documents/record.docx").status_code == 403
    assert _upload(client, "record", shipped_template("record")).status_code == 403
    assert client.post("/admin/documents/record/reset").status_code == 403


def test_unknown_kind_is_404(make_user, client, login):
    login(make_user(Role.ADMIN))
    assert client.get("/admin/documents/memo.docx").status_code == 404
    assert client.post("/admin/documents/memo/reset").status_code == 404


def test_admin_page_links_the_templates(make_user, client, login):
    login(make_user(Role.ADMIN))
    assert 'href="/admin/documents"' in client.get("/admin/").get_data(as_text=True)


# -- any characters ---------------------------------------------------------------------------


def test_hostile_names_and_notes_come_out_intact(concluded, make_user, client, login):
    agency = concluded.agency
    agency.name = "UBND phường <Nghĩa Lộ> & \"Trần Phú\" 'x' ]]> ${x} {{ agency.name }} {% if %}"
    long_note = "Ghi chú rất dài ổ đĩa ưng ý. " * 400
    concluded.conclusion_summary = long_note + "\x07\x0b\x0c kết thúc"  # (PostgreSQL stores no NUL)
    db.session.commit()
    login(make_user(Role.ADMIN))

    doc = download(client, f"/inspections/{concluded.id}/record.docx")

    text = full_text(doc)
    assert (
        "tại UBND phường <Nghĩa Lộ> & \"Trần Phú\" 'x' ]]> ${x} {{ agency.name }} {% if %}" in text
    )
    assert long_note + " kết thúc" in text
    assert "\x07" not in text and "\x0b" not in text


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(min_size=1, max_size=300))
def test_any_text_renders_into_a_valid_file(app, name):
    context = sample_contexts("annex")[0]
    context["rows"][0]["agency"] = name
    context["plan"]["title"] = name
    doc = open_docx(render_docx(shipped_template("annex"), context))
    assert table_rows(data_tables(doc)[0])[1][1] == clean(name)


# -- LibreOffice ------------------------------------------------------------------------------

SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(
    not SOFFICE and not os.environ.get("E2E_REQUIRED"), reason="LibreOffice is not installed"
)
def test_every_document_opens_in_libreoffice(seeded, tmp_path):
    assert SOFFICE, "E2E_REQUIRED is set but LibreOffice is not installed"
    from sqlalchemy import select

    from inspect_app.models import Inspection

    concluded = db.session.scalars(
        select(Inspection).where(Inspection.status == InspectionStatus.CONCLUDED)
    ).first()
    dossier = db.session.scalars(
        select(Inspection).where(Inspection.mode == InspectionMode.DOSSIER)
    ).first()
    plan = db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == 2020))
    files = {
        "record": document_templates.record_docx(concluded),
        "notice": document_templates.notice_docx(dossier),
        "annex": document_templates.annex_docx(plan),
        "report": document_templates.report_docx(2017, 2020),
    }
    for kind, data in files.items():
        (tmp_path / f"{kind}.docx").write_bytes(data)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *(str(tmp_path / f"{kind}.docx") for kind in files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for kind in files:
        pdf = (tmp_path / f"{kind}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF"), kind
        assert pdf_pages(pdf) >= 1, kind
    assert pdf_pages((tmp_path / "annex.pdf").read_bytes()) >= 2  # 65 agencies in 2020
    assert pdf_pages((tmp_path / "report.pdf").read_bytes()) >= 2


# -- backups ----------------------------------------------------------------------------------


def test_the_departments_templates_survive_backup_and_restore(app, runner, tmp_path, make_user):
    from inspect_app import create_app
    from tests.conftest import _config, upgrade_to_head

    own = _edited("report", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SỞ KH&amp;CN TỈNH QUẢNG NGÃI")
    document_templates.install_template("report", own, "bao-cao.docx", make_user(Role.ADMIN))
    db.session.commit()
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", "-o", str(archive)])
    assert result.exit_code == 0, result.output

    if db.engine.dialect.name == "sqlite":
        target = create_app(_config(tmp_path / "restored", f"sqlite:///{tmp_path / 'r.db'}"))
    else:
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(db.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()
        target = create_app(
            _config(tmp_path / "restored", db.engine.url.render_as_string(hide_password=False))
        )
    upgrade_to_head(target)
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert document_templates.current_template("report") == own
        db.session.remove()
        db.engine.dispose()
