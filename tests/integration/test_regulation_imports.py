"""import-legal-documents and import-processes (5.11): all or nothing, rows named, re-runs."""

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.extensions import db
from inspect_app.models import (
    IsoProcess,
    LegalChange,
    LegalDocument,
    LegalDocumentKind,
    ProcessVersion,
    Role,
)
from inspect_app.services import regulations
from tests.regulation_world import document, workbook

DOC_HEADER = (
    "Số hiệu",
    "Loại văn bản",
    "Trích yếu",
    "Cơ quan ban hành",
    "Ngày ban hành",
    "Ngày hiệu lực",
    "Thay thế",
    "Sửa đổi, bổ sung",
)
PROC_HEADER = (
    "Mã cơ quan",
    "Mã quy trình",
    "Tên quy trình",
    "Căn cứ pháp lý",
    "Ngày ban hành",
    "Lần ban hành",
)
GOOD_DOCS = (
    (
        "19/2014/QĐ-TTg",
        "Quyết định",
        "Áp dụng TCVN ISO 9001:2008",
        "Thủ tướng Chính phủ",
        "05/03/2014",
        "20/04/2014",
        "",
        "",
    ),
    (
        "599/QĐ-UBND",
        "",
        "Kế hoạch chuyển đổi ISO 2019 – 2020",
        "UBND tỉnh",
        "26/04/2019",
        "26/04/2019",
        "",
        "",
    ),
    # references a row further down and one in the same file: order does not matter
    (
        "971/QĐ-UBND",
        "Quyết định",
        "Sửa đổi Kế hoạch",
        "UBND tỉnh",
        "03/07/2020",
        "03/07/2020",
        "",
        "599/QĐ-UBND",
    ),
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_documents_import_and_reimport_changes_nothing(runner, tmp_path):
    path = write(tmp_path, "docs.xlsx", workbook(DOC_HEADER, *GOOD_DOCS))

    first = runner.invoke(args=["import-legal-documents", path])
    second = runner.invoke(args=["import-legal-documents", path])

    assert first.exit_code == 0, first.output
    assert "3 new, 0 updated, 0 unchanged" in first.output
    assert "0 new, 0 updated, 3 unchanged" in second.output
    amendment = regulations.find_document("971/QĐ-UBND")
    assert [(c.target.number, c.change) for c in amendment.changes] == [
        ("599/QĐ-UBND", LegalChange.AMENDED)
    ]
    assert regulations.find_document("599/QĐ-UBND").kind is LegalDocumentKind.DECISION
    assert regulations.find_document("19/2014/QĐ-TTg").effective_on == date(2014, 4, 20)


def test_reimport_updates_by_number(runner, tmp_path):
    runner.invoke(
        args=["import-legal-documents", write(tmp_path, "a.xlsx", workbook(DOC_HEADER, *GOOD_DOCS))]
    )
    changed = list(GOOD_DOCS)
    changed[1] = changed[1][:2] + ("Trích yếu mới",) + changed[1][3:]

    result = runner.invoke(
        args=["import-legal-documents", write(tmp_path, "b.xlsx", workbook(DOC_HEADER, *changed))]
    )

    assert "0 new, 1 updated, 2 unchanged" in result.output
    assert regulations.find_document("599/QĐ-UBND").summary == "Trích yếu mới"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ("5/QĐ-UBND", "", "Tự thay thế", "", "01/01/2020", "01/01/2020", "5/QĐ-UBND", ""),
            "row 7: “Thay thế”: Văn bản không thể thay thế hoặc sửa đổi chính nó.",
        ),
        (
            ("5/QĐ-UBND", "", "Sai ngày", "", "01/02/2020", "01/01/2020", "", ""),
            "row 7: “Ngày hiệu lực”: Ngày hiệu lực không được trước ngày ban hành.",
        ),
        (
            ("5/QĐ-UBND", "", "Không rõ", "", "01/02/2020", "01/02/2020", "", "77/QĐ-XX"),
            "row 7: Văn bản được thay thế/sửa đổi không có trong tệp và trong sổ: 77/QĐ-XX.",
        ),
        (
            ("5/QĐ-UBND", "", "", "", "01/02/2020", "01/02/2020", "", ""),
            "row 7: “Trích yếu”: Trích yếu không được để trống.",
        ),
        (
            ("5/QĐ-UBND", "", "Ngày hỏng", "", "31/02/2020", "01/03/2020", "", ""),
            "row 7: “Ngày ban hành” “31/02/2020” không phải là ngày có thật.",
        ),
        (
            ("599/QĐ-UBND", "", "Trùng", "", "01/02/2020", "01/02/2020", "", ""),
            "row 7: Số hiệu 599/QĐ-UBND trùng với dòng 5.",
        ),
    ],
)
def test_a_bad_row_is_named_and_nothing_written(runner, tmp_path, row, message):
    path = write(tmp_path, "bad.xlsx", workbook(DOC_HEADER, *GOOD_DOCS, row))

    result = runner.invoke(args=["import-legal-documents", path])

    assert result.exit_code == 1
    assert message in result.output
    assert count(LegalDocument) == 0


def test_a_cycle_across_the_file_and_the_register_is_refused(app, runner, tmp_path):
    document("1/QĐ-UBND", date(2020, 1, 1))
    document("2/QĐ-UBND", date(2020, 2, 1), replaces=["1/QĐ-UBND"])
    rows = (("1/QĐ-UBND", "", "Vòng", "", "01/01/2020", "01/01/2020", "2/QĐ-UBND", ""),)

    result = runner.invoke(
        args=["import-legal-documents", write(tmp_path, "c.xlsx", workbook(DOC_HEADER, *rows))]
    )

    assert result.exit_code == 1
    assert "row 4: Số hiệu 1/QĐ-UBND tạo thành vòng thay thế/sửa đổi." in result.output
    assert regulations.find_document("1/QĐ-UBND").changes == []


def test_missing_columns_are_listed(runner, tmp_path):
    path = write(tmp_path, "m.xlsx", workbook(("Số hiệu", "Trích yếu"), ("1/QĐ", "x")))

    result = runner.invoke(args=["import-legal-documents", path])

    assert result.exit_code == 1
    assert "Thiếu cột: “Ngày ban hành”, “Ngày hiệu lực”." in result.output


@pytest.fixture
def registered(runner, tmp_path, make_agency):
    runner.invoke(
        args=["import-legal-documents", write(tmp_path, "d.xlsx", workbook(DOC_HEADER, *GOOD_DOCS))]
    )
    return make_agency(code="SO-TP"), make_agency(code="SO-YT")


def test_processes_import_versions_and_rerun(runner, tmp_path, registered):
    rows = (
        ("SO-TP", "QT-01", "Quy trình A", "19/2014/QĐ-TTg; 599/QĐ-UBND", "01/06/2019", "01"),
        ("SO-TP", "QT-01", "Quy trình A", "599/QĐ-UBND; 971/QĐ-UBND", "10/07/2020", "02"),
        ("SO-YT", "QT-01", "Quy trình B", "599/QĐ-UBND", "01/06/2019", "01"),
    )
    path = write(tmp_path, "p.xlsx", workbook(PROC_HEADER, *rows))

    first = runner.invoke(args=["import-processes", path])
    second = runner.invoke(args=["import-processes", path])

    assert first.exit_code == 0, first.output
    assert "2 new processes, 1 new versions, 0 unchanged" in first.output
    assert "0 new processes, 0 new versions, 3 unchanged" in second.output
    assert count(ProcessVersion) == 3
    tp = regulations.find_process(registered[0], "QT-01")
    assert tp.version_date == date(2020, 7, 10)
    assert [d.number for d in tp.legal_bases] == ["599/QĐ-UBND", "971/QĐ-UBND"]
    stale = {
        (s.process.agency.code, s.process.code)
        for s in regulations.stale_processes(regulations.today())
    }
    assert stale == {("SO-YT", "QT-01")}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("SO-XX", "QT-01", "A", "", "01/06/2019", ""), "row 5: Không có cơ quan mã SO-XX."),
        (
            ("SO-TP", "QT-01", "A", "1/KHONG-CO", "01/06/2019", ""),
            "row 5: “Căn cứ pháp lý”: không có văn bản số 1/KHONG-CO trong sổ văn bản.",
        ),
        (("SO-TP", "", "A", "", "01/06/2019", ""), "row 5: “Mã quy trình”"),
        (("SO-TP", "QT-01", "A", "", "", ""), "row 5: “Ngày ban hành”"),
    ],
)
def test_bad_process_rows_are_named(runner, tmp_path, registered, row, message):
    path = write(
        tmp_path,
        "bad.xlsx",
        workbook(PROC_HEADER, ("SO-YT", "QT-05", "B", "", "01/01/2020", ""), row),
    )

    result = runner.invoke(args=["import-processes", path])

    assert result.exit_code == 1
    assert message in result.output
    assert count(IsoProcess) == 0


def test_a_version_older_than_the_current_one_is_refused(runner, tmp_path, registered):
    runner.invoke(
        args=[
            "import-processes",
            write(
                tmp_path,
                "a.xlsx",
                workbook(PROC_HEADER, ("SO-TP", "QT-01", "A", "", "01/06/2020", "02")),
            ),
        ]
    )

    result = runner.invoke(
        args=[
            "import-processes",
            write(
                tmp_path,
                "b.xlsx",
                workbook(PROC_HEADER, ("SO-TP", "QT-01", "A", "", "01/06/2019", "01")),
            ),
        ]
    )

    assert result.exit_code == 1
    assert (
        "row 4: “Ngày ban hành” 01/06/2019 cũ hơn phiên bản hiện hành (01/06/2020)" in result.output
    )
    assert count(ProcessVersion) == 1


def test_web_import_previews_then_writes(client, login, make_user, tmp_path):
    login(make_user(Role.ADMIN))
    data = workbook(DOC_HEADER, *GOOD_DOCS)

    import io

    preview = client.post(
        "/regulations/import/documents",
        data={"file": (io.BytesIO(data), "docs.xlsx")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert count(LegalDocument) == 0
    token = page.split('name="token" type="hidden" value="', 1)[1].split('"', 1)[0]
    done = client.post("/regulations/import/documents/confirm", data={"token": token})

    assert done.status_code == 302
    assert count(LegalDocument) == 3


def test_web_import_shows_row_errors(client, login, make_user):
    import io

    login(make_user(Role.ADMIN))
    bad = workbook(DOC_HEADER, ("1/QĐ", "", "x", "", "02/01/2020", "01/01/2020", "", ""))

    page = client.post(
        "/regulations/import/documents",
        data={"file": (io.BytesIO(bad), "bad.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)

    assert "row 4: “Ngày hiệu lực”: Ngày hiệu lực không được trước ngày ban hành." in page
    assert "Xác nhận và ghi dữ liệu" not in page
