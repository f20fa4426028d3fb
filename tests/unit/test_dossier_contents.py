"""Reading a dossier request into its requested documents."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from inspect_app.services.dossier_contents import missing_documents, requested_documents

DEMO = (
    "Đề nghị cơ quan gửi: báo cáo tình hình duy trì, cải tiến HTQLCL; danh mục tài liệu, "
    "quy trình đang áp dụng; kết quả đánh giá nội bộ và biên bản xem xét của lãnh đạo trong "
    "năm; quyết định công bố HTQLCL phù hợp TCVN ISO 9001."
)


def test_parts_of_a_sentence_become_items_without_the_preamble():
    assert requested_documents(DEMO) == [
        "Báo cáo tình hình duy trì, cải tiến HTQLCL",
        "Danh mục tài liệu, quy trình đang áp dụng",
        "Kết quả đánh giá nội bộ và biên bản xem xét của lãnh đạo trong năm",
        "Quyết định công bố HTQLCL phù hợp TCVN ISO 9001",
    ]


def test_lines_with_bullets_or_numbers_become_items_once():
    text = "1. Báo cáo năm\n- Sổ tay chất lượng\n\n• báo cáo năm\n2) Quyết định công bố."
    assert requested_documents(text) == ["Báo cáo năm", "Sổ tay chất lượng", "Quyết định công bố"]


def test_nothing_requested():
    assert requested_documents(None) == []
    assert requested_documents("  ;\n ") == []


def test_missing_are_the_items_no_file_is_filed_under():
    inspection = SimpleNamespace(dossier_request="Báo cáo năm\nSổ tay chất lượng")
    files = [SimpleNamespace(document_type="báo cáo  năm"), SimpleNamespace(document_type=None)]
    assert missing_documents(inspection, files) == ["Sổ tay chất lượng"]
    assert missing_documents(inspection, []) == ["Báo cáo năm", "Sổ tay chất lượng"]


@given(st.text(max_size=300))
def test_items_are_non_empty_and_distinct(text):
    items = requested_documents(text)
    assert all(item.strip() for item in items)
    assert len({item.casefold() for item in items}) == len(items) or len(items) == len(set(items))
