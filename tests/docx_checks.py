"""Reading produced Word files back with python-docx: text in order, and the decree's layout."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def _blocks(parent):
    """Paragraphs and table cells' paragraphs, in document order."""
    for child in parent.iter_inner_content():
        if hasattr(child, "rows"):
            for row in child.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from _blocks(cell)
        else:
            yield child


def paragraphs(doc) -> list:
    return list(_blocks(doc))


def lines(doc) -> list[str]:
    """Every non-empty paragraph's text, tables included, in reading order."""
    return [p.text for p in paragraphs(doc) if p.text.strip()]


def full_text(doc) -> str:
    return "\n".join(lines(doc))


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def data_tables(doc) -> list:
    """The bordered tables (the layout tables of the header and signatures have no style)."""
    return [t for t in doc.tables if t.style is not None and t.style.name == "Table Grid"]


def order_of(doc, needles: list[str]) -> list[int]:
    """The index of the first line containing each needle (ValueError when one is missing)."""
    texts = lines(doc)
    found = []
    for needle in needles:
        index = next((i for i, text in enumerate(texts) if needle in text), None)
        if index is None:
            raise ValueError(f"{needle!r} not in the document")
        found.append(index)
    return found


def _size(paragraph, run) -> float:
    if run.font.size is not None:
        return run.font.size.pt
    style = paragraph.style
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return 13.0


def assert_decree_layout(doc) -> None:
    """A4, the decree's margins, Times New Roman, Quốc hiệu and Tiêu ngữ, page numbers from 2."""
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    # Word stores margins in twentieths of a point: allow its rounding (0.1 mm)
    for margin, (low, high) in (
        (section.top_margin, (20, 25)),
        (section.bottom_margin, (20, 25)),
        (section.left_margin, (30, 35)),
        (section.right_margin, (15, 20)),
    ):
        assert low - 0.1 <= margin.mm <= high + 0.1, margin.mm

    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(key)) == FONT
    assert doc.styles["Normal"].font.name == FONT
    assert doc.styles["Normal"].font.size == Pt(13)

    for paragraph in paragraphs(doc):
        for run in paragraph.runs:
            assert run.font.name in (None, FONT), run.text
            if not run.text.strip():
                continue
            size = _size(paragraph, run)
            if paragraph._p.getparent().tag == qn("w:tc"):
                # tables, the header block, Nơi nhận (12/11) and the Quốc hiệu line (12)
                assert 11 <= size <= 14, (run.text, size)
            else:
                assert 13 <= size <= 14, (run.text, size)

    header_cells = doc.tables[0].rows[0].cells
    right = [p.text for p in header_cells[1].paragraphs if p.text.strip()]
    assert right[0] == NATIONAL_TITLE
    assert right[1] == MOTTO
    title_run = header_cells[1].paragraphs[0].runs[0]
    assert title_run.bold and 12 <= _size(header_cells[1].paragraphs[0], title_run) <= 13
    motto = next(p for p in header_cells[1].paragraphs if p.text == MOTTO)
    assert motto.runs[0].bold and _size(motto, motto.runs[0]) >= 13
    assert right[2].startswith("Quảng Ngãi, ngày ")
    assert header_cells[1].paragraphs[-1].runs[0].italic
    left = [p.text for p in header_cells[0].paragraphs if p.text.strip()]
    assert left[1] == "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and left[2].startswith("Số:")

    assert section.different_first_page_header_footer
    first_header = section.first_page_header._element.xml
    assert "PAGE" not in first_header
    header = section.header
    assert not header.is_linked_to_previous
    page_paragraph = next(p for p in header.paragraphs if "PAGE" in p._p.xml)
    assert page_paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "<w:instrText" in page_paragraph._p.xml


def pdf_pages(data: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", data))
