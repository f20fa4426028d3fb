"""Build the shipped Word templates (`shipped/*.docx`) in the layout of Nghị định 30/2020/NĐ-CP.

This script is the reviewable source of the templates: `python -m
inspect_app.documents.build_templates` rewrites them, and a test checks that the committed
files say what this script says. The department edits its own copies in Word afterwards.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

SHIPPED_DIR = Path(__file__).with_name("shipped")

FONT = "Times New Roman"
#: body text; Nghị định 30 allows 13–14 pt.
BODY_PT = 13
#: table cells and the recipients' list, as the decree's annex sets for those parts.
SMALL_PT = 12
RECIPIENTS_PT = 11
#: the decree's size for the Quốc hiệu line is 12–13 pt; 12 keeps it on one line beside the
#: issuer's name.
NATIONAL_TITLE_PT = 12
PAGE_MM = (210, 297)
#: top, bottom, left, right (decree: 20–25, 20–25, 30–35, 15–20 mm).
MARGINS_MM = (20, 20, 30, 15)

ISSUER_PARENT = "UBND TỈNH QUẢNG NGÃI"
ISSUER = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
#: one person of the team: "- Bà Trần Thị Hoa, Chuyên viên …: Thành viên;".
TEAM_LINE = (
    "- {{ person.title or 'Ông/Bà' }} {{ person.name }}"
    "{% if person.position %}, {{ person.position }}{% endif %}: {{ person.role }};"
)
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE = "Quảng Ngãi"
#: the approving decision, the first ground of the record and of the letter.
BASIS = (
    "Căn cứ Quyết định số {{ decision.number }} ngày {{ decision.signed_on }} của "
    "{{ decision.issuer }}{% if decision.summary %} về việc {{ decision.summary }}{% endif %};"
)
CENTER, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


#: children that follow in the schema's order (Word refuses files with them out of order).
AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
AFTER_TBLBORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
AFTER_TBLCELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
AFTER_SZ = (
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def insert_in_order(parent, child, successors: tuple[str, ...]) -> None:
    """Insert `child` before the first of `successors` present in `parent`, else at the end."""
    names = {qn(tag) for tag in successors}
    for index, existing in enumerate(parent):
        if existing.tag in names:
            parent.insert(index, child)
            return
    parent.append(child)


# -- page and styles --------------------------------------------------------------------------


def _set_fonts(rpr_parent, size_pt: int) -> None:
    rpr = rpr_parent.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_parent.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), FONT)
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            insert_in_order(rpr, element, ("w:szCs", *AFTER_SZ) if tag == "w:sz" else AFTER_SZ)
        element.set(qn("w:val"), str(size_pt * 2))


def new_document() -> Document:
    """An empty A4 document: margins, Times New Roman 13, page numbers from page 2."""
    doc = Document()
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _set_fonts(defaults, BODY_PT)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element, BODY_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    top, bottom, left, right = MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    _page_number(section.header.paragraphs[0])
    section.first_page_header.paragraphs[0].text = ""
    return doc


def _page_number(paragraph) -> None:
    """A centred PAGE field (the decree: page numbers centred at the top, from page 2)."""
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    run.font.size = Pt(BODY_PT)
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


# -- paragraphs -------------------------------------------------------------------------------


def para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = BODY_PT,
    align=JUSTIFY,
    indent: bool = False,
    after: int = 6,
    before: int = 0,
    keep_with_next: bool = False,
):
    """One paragraph of one run; `indent` gives the body's first-line indent (1.27 cm)."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = Pt(size)
    return paragraph


def tag(container, text: str):
    """A paragraph holding only a docxtpl paragraph/row tag; the renderer removes it."""
    return para(container, text, after=0)


def rule(container, width_cm: float, column_cm: float):
    """The short line under the issuer's name and under the motto."""
    paragraph = para(container, align=CENTER, after=0)
    run = paragraph.add_run()
    run.font.size = Pt(4)
    shape = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    shape.append(bottom)
    insert_in_order(paragraph._p.get_or_add_pPr(), shape, AFTER_PBDR)
    side = Cm(max(0.0, (column_cm - width_cm) / 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    insert_in_order(table._tbl.tblPr, borders, AFTER_TBLBORDERS)


def _no_cell_margins(table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    insert_in_order(table._tbl.tblPr, margins, AFTER_TBLCELLMAR)


def layout_table(doc, widths_cm: list[float]):
    table = doc.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _no_cell_margins(table)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for cell, width in zip(table.rows[0].cells, widths_cm, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table


def header_block(doc, number_line: str, subject: str | None = None) -> None:
    """Issuer, number (and subject of a letter) on the left; Quốc hiệu, Tiêu ngữ, place and date
    on the right."""
    table = layout_table(doc, [7.5, 9.0])
    left, right = table.rows[0].cells
    para(left, ISSUER_PARENT, align=CENTER, after=0)
    para(left, ISSUER, bold=True, align=CENTER, after=0)
    rule(left, 2.5, 7.5)
    para(left, number_line, align=CENTER, before=6, after=0)
    if subject:
        para(left, subject, size=SMALL_PT, align=CENTER, after=0)
    para(right, NATIONAL_TITLE, bold=True, size=NATIONAL_TITLE_PT, align=CENTER, after=0)
    para(right, MOTTO, bold=True, align=CENTER, after=0)
    rule(right, 6.0, 9.0)
    para(right, PLACE + ", {{ date_text }}", italic=True, align=CENTER, before=6, after=0)
    para(doc, after=6)


def grid(
    doc,
    headers: list[str],
    widths_cm: list[float],
    rows_loop: str | None,
    cells: list[str],
    footer: list[str] | None = None,
    numeric_from: int = 99,
):
    """A bordered table: a header row, a row looped by docxtpl, and an optional total row."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)

    def fill(row, texts, bold=False):
        for index, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            cell.width = Cm(widths_cm[index])
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            centred = (bold and row is table.rows[0]) or index >= numeric_from
            paragraph.alignment = CENTER if centred else LEFT
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.font.size = Pt(SMALL_PT)

    fill(table.rows[0], headers, bold=True)
    header_xml = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header_xml.append(repeat)
    if rows_loop:
        fill(table.add_row(), [rows_loop] + [""] * (len(headers) - 1))
    fill(table.add_row(), cells)
    if rows_loop:
        fill(table.add_row(), ["{%tr endfor %}"] + [""] * (len(headers) - 1))
    if footer:
        total = table.add_row()
        fill(total, footer)
        for cell in total.cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
    para(doc, after=0)
    return table


def signatures(doc, left: list[tuple[str, dict]], right: list[tuple[str, dict]]) -> None:
    """Two columns under the content: usually Nơi nhận on the left, the signer on the right."""
    table = layout_table(doc, [7.5, 8.5])
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        for text, style in lines:
            para(cell, text, after=0, **style)


def recipients(lines: list[str]) -> list[tuple[str, dict]]:
    head = [("Nơi nhận:", {"bold": True, "italic": True, "size": SMALL_PT, "align": LEFT})]
    return head + [(line, {"size": RECIPIENTS_PT, "align": LEFT}) for line in lines]


def signer(authority: list[str], name: str) -> list[tuple[str, dict]]:
    block = [(line, {"bold": True, "align": CENTER}) for line in authority]
    block += [("", {"align": CENTER})] * 4
    return block + [(name, {"bold": True, "align": CENTER})]


def title(doc, kind: str, summary: list[str]) -> None:
    para(doc, kind, bold=True, size=14, align=CENTER, after=0, before=6)
    for line in summary:
        para(doc, line, bold=True, align=CENTER, after=0)
    para(doc, after=6)


# -- the four documents -----------------------------------------------------------------------


def record_template() -> Document:
    """Biên bản kiểm tra: the printable record's content."""
    doc = new_document()
    header_block(doc, "Số: {{ number }}")
    title(
        doc,
        "BIÊN BẢN KIỂM TRA",
        [
            "Việc áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo {{ standard }}",
            "tại {{ agency.name }}",
        ],
    )
    tag(doc, "{%p if decision %}")
    para(doc, BASIS, indent=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if amending_decision %}")
    para(
        doc,
        "Căn cứ Quyết định số {{ amending_decision.number }} ngày "
        "{{ amending_decision.signed_on }} của {{ amending_decision.issuer }}"
        "{% if amending_decision.summary %} về việc {{ amending_decision.summary }}{% endif %};",
        indent=True,
    )
    tag(doc, "{%p endif %}")
    para(doc, "Thực hiện {{ plan.title }},", indent=True)
    para(
        doc,
        "Ngày {{ inspection.day }}, Đoàn kiểm tra tiến hành {{ inspection.mode }} đối với "
        "{{ agency.name }}{% if agency.address %} ({{ agency.address }}){% endif %}.",
        indent=True,
    )
    para(doc, "I. THÀNH PHẦN", bold=True, keep_with_next=True, before=6)
    para(doc, "1. Đoàn kiểm tra", bold=True, keep_with_next=True)
    tag(doc, "{%p for person in team %}")
    para(doc, TEAM_LINE, indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not team %}")
    para(doc, "……………………………………", indent=True)
    tag(doc, "{%p endif %}")
    para(doc, "2. Đại diện cơ quan được kiểm tra", bold=True, keep_with_next=True)
    tag(doc, "{%p for line in representatives %}")
    para(doc, "- {{ line }}", indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not representatives %}")
    para(doc, "……………………………………", indent=True)
    para(doc, "……………………………………", indent=True)
    tag(doc, "{%p endif %}")
    para(doc, "II. KẾT QUẢ KIỂM TRA", bold=True, keep_with_next=True, before=6)
    para(doc, "1. Kết quả đánh giá theo nhóm nội dung", bold=True, keep_with_next=True)
    grid(
        doc,
        [
            "Nhóm nội dung",
            "Số nội dung",
            "Phù hợp",
            "Không phù hợp",
            "Khuyến nghị",
            "Không áp dụng",
            "Chưa đánh giá",
        ],
        [4.4, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0],
        "{%tr for group in groups %}",
        [
            "{{ group.code }}. {{ group.title }}",
            "{{ group.total }}",
            "{{ group.conform }}",
            "{{ group.nonconform }}",
            "{{ group.observation }}",
            "{{ group.not_applicable }}",
            "{{ group.unanswered }}",
        ],
        footer=[
            "Tổng cộng",
            "{{ total.total }}",
            "{{ total.conform }}",
            "{{ total.nonconform }}",
            "{{ total.observation }}",
            "{{ total.not_applicable }}",
            "{{ total.unanswered }}",
        ],
        numeric_from=1,
    )
    para(doc, "2. Các điểm không phù hợp và khuyến nghị", bold=True, keep_with_next=True)
    tag(doc, "{%p if findings %}")
    grid(
        doc,
        ["STT", "Điều khoản", "Nội dung", "Mức độ", "Hành động khắc phục yêu cầu", "Thời hạn"],
        [1.3, 2.0, 4.9, 2.2, 3.6, 2.0],
        "{%tr for finding in findings %}",
        [
            "{{ finding.number }}",
            "{{ finding.requirement }}",
            "{{ finding.description }}",
            "{{ finding.severity }}",
            "{{ finding.corrective_action }}",
            "{{ finding.due_on }}",
        ],
    )
    tag(doc, "{%p else %}")
    para(doc, "Không có điểm không phù hợp hoặc khuyến nghị.", indent=True)
    tag(doc, "{%p endif %}")
    # The conclusion, the closing sentence and the signatures are kept on one page, so that
    # the signatures never stand alone on the last page.
    para(doc, "III. KẾT LUẬN", bold=True, keep_with_next=True, before=6)
    tag(doc, "{%p if conclusion %}")
    para(doc, "{{ conclusion.label }}.", bold=True, indent=True, keep_with_next=True)
    tag(doc, "{%p if conclusion.summary %}")
    para(doc, "{{ conclusion.summary }}", indent=True, keep_with_next=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(doc, "(Chưa có kết luận.)", indent=True, keep_with_next=True)
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Biên bản được lập thành 02 bản có giá trị pháp lý như nhau: cơ quan được kiểm tra "
        "giữ 01 bản, Đoàn kiểm tra giữ 01 bản.",
        indent=True,
        after=12,
        keep_with_next=True,
    )
    table = layout_table(doc, [8.0, 8.0])
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    row_properties.append(OxmlElement("w:cantSplit"))
    blocks = (
        ("ĐẠI DIỆN CƠ QUAN ĐƯỢC KIỂM TRA", "(Ký, ghi rõ họ tên, đóng dấu)", "{{ agency_signer }}"),
        ("TRƯỞNG ĐOÀN KIỂM TRA", "(Ký, ghi rõ họ tên)", "{{ lead_name }}"),
    )
    for cell, (authority, hint, name) in zip(table.rows[0].cells, blocks, strict=True):
        para(cell, authority, bold=True, align=CENTER, after=0)
        para(cell, hint, italic=True, align=CENTER, after=0)
        for _ in range(4):
            para(cell, align=CENTER, after=0)
        para(cell, name, bold=True, align=CENTER, after=0)
    return doc


def notice_template() -> Document:
    """The letter announcing an on-site inspection, or requesting the dossier."""
    doc = new_document()
    header_block(
        doc,
        "Số:        /SKHCN-TĐC",
        "V/v {% if dossier %}đề nghị cung cấp hồ sơ, báo cáo về HTQLCL theo {{ standard }}"
        "{% else %}thông báo kiểm tra việc áp dụng HTQLCL theo {{ standard }}{% endif %}",
    )
    para(doc, "Kính gửi: {{ agency.name }}.", align=CENTER, after=12)
    tag(doc, "{%p if decision %}")
    para(doc, BASIS, indent=True)
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Thực hiện {{ plan.title }}, Sở Khoa học và Công nghệ thông báo việc kiểm tra việc "
        "xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo {{ standard }} "
        "tại {{ agency.name }} như sau:",
        indent=True,
    )
    para(doc, "1. Hình thức kiểm tra: {{ inspection.mode }}.", indent=True)
    para(doc, "2. Thời gian dự kiến: {{ inspection.window }}.", indent=True)
    para(doc, "3. Thành phần Đoàn kiểm tra:", indent=True)
    tag(doc, "{%p for person in team %}")
    para(doc, TEAM_LINE, indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not team %}")
    para(doc, "- (Sở sẽ thông báo sau.)", indent=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if dossier %}")
    para(doc, "4. Hồ sơ, báo cáo đề nghị cung cấp:", indent=True)
    tag(doc, "{%p for line in requested %}")
    para(doc, "- {{ line }}", indent=True)
    tag(doc, "{%p endfor %}")
    para(
        doc,
        "Đề nghị {{ agency.name }} gửi hồ sơ, báo cáo nêu trên về Sở Khoa học và Công nghệ "
        "{% if inspection.dossier_due %}trước ngày {{ inspection.dossier_due }}"
        "{% else %}trong thời hạn Đoàn kiểm tra thông báo{% endif %} để Đoàn kiểm tra xem xét, "
        "đánh giá.",
        indent=True,
    )
    tag(doc, "{%p else %}")
    para(
        doc,
        "Đề nghị {{ agency.name }} bố trí lãnh đạo, cán bộ phụ trách ISO và các bộ phận "
        "liên quan làm việc với Đoàn kiểm tra; chuẩn bị hồ sơ, tài liệu của Hệ thống quản lý "
        "chất lượng theo nội dung kiểm tra.",
        indent=True,
    )
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Mọi thông tin chi tiết xin liên hệ{% if lead_name %} {{ lead_title }} {{ lead_name }}, "
        "Trưởng đoàn kiểm tra{% else %} Chi cục Tiêu chuẩn Đo lường Chất lượng{% endif %}.",
        indent=True,
    )
    para(
        doc,
        "Sở Khoa học và Công nghệ thông báo để {{ agency.name }} biết, phối hợp thực hiện./.",
        indent=True,
        after=12,
    )
    signatures(
        doc,
        recipients(["- Như trên;", "- Lưu: VT, TĐC."]),
        signer(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "……………………"),
    )
    return doc


def annex_template() -> Document:
    """Phụ lục: the list of agencies to inspect, attached to the approving decision."""
    doc = new_document()
    header_block(
        doc, "{% if decision %}Số: {{ decision.number }}{% else %}Số:        /QĐ-…{% endif %}"
    )
    title(
        doc,
        "PHỤ LỤC",
        [
            "DANH SÁCH CƠ QUAN ĐƯỢC KIỂM TRA NĂM {{ plan.year }}",
        ],
    )
    para(doc, "{{ plan.title }}", italic=True, align=CENTER, after=0)
    para(
        doc,
        "{% if decision %}(Kèm theo Quyết định số {{ decision.number }} ngày "
        "{{ decision.signed_on }} của {{ decision.issuer }}){% else %}(Dự thảo){% endif %}",
        italic=True,
        align=CENTER,
        after=12,
    )
    tag(doc, "{%p if rows %}")
    grid(
        doc,
        [
            "STT",
            "Cơ quan được kiểm tra",
            "Hình thức kiểm tra",
            "Thời gian dự kiến",
            "Đoàn kiểm tra",
        ],
        [1.3, 5.3, 3.0, 2.8, 3.6],
        "{%tr for row in rows %}",
        [
            "{{ row.number }}",
            "{{ row.agency }}",
            "{{ row.mode }}",
            "{{ row.time }}",
            "{{ row.team }}",
        ],
    )
    tag(doc, "{%p else %}")
    para(doc, "Kế hoạch chưa có cơ quan nào.", italic=True, align=CENTER)
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Danh sách có {{ rows|length }} cơ quan được kiểm tra"
        "{% if rows %} ({{ on_site }} kiểm tra tại trụ sở, {{ dossier }} kiểm tra qua hồ sơ, "
        "báo cáo){% endif %}./.",
        indent=True,
        after=12,
    )
    return doc


def report_template() -> Document:
    """Báo cáo: inspections, training and conformity of a period, and the problems seen."""
    doc = new_document()
    header_block(doc, "Số:        /BC-SKHCN")
    title(
        doc,
        "BÁO CÁO",
        [
            "Kết quả kiểm tra, đào tạo và công bố Hệ thống quản lý chất lượng",
            "theo TCVN ISO 9001 tại các cơ quan hành chính nhà nước {{ period }}",
        ],
    )
    para(doc, "1. Kết quả kiểm tra", bold=True, keep_with_next=True)
    para(doc, "{{ inspection_text }}", indent=True)
    grid(
        doc,
        [
            "Năm",
            "Tổng số cơ quan được kiểm tra",
            "Kiểm tra tại trụ sở",
            "Kiểm tra qua hồ sơ, báo cáo",
        ],
        [2.5, 5.0, 4.0, 4.5],
        "{%tr for row in years %}",
        ["{{ row.year }}", "{{ row.inspected }}", "{{ row.on_site }}", "{{ row.dossier }}"],
        footer=["Tổng cộng", "{{ total.inspected }}", "{{ total.on_site }}", "{{ total.dossier }}"],
        numeric_from=1,
    )
    para(doc, "2. Kết quả đào tạo", bold=True, keep_with_next=True, before=6)
    para(doc, "{{ training_text }}", indent=True)
    grid(
        doc,
        ["Loại khóa đào tạo", "Số khóa", "Học viên", "Tham dự"],
        [8.5, 2.5, 2.5, 2.5],
        "{%tr for row in training %}",
        ["{{ row.kind }}", "{{ row.courses }}", "{{ row.participants }}", "{{ row.attended }}"],
        footer=[
            "Tổng cộng",
            "{{ training_total.courses }}",
            "{{ training_total.participants }}",
            "{{ training_total.attended }}",
        ],
        numeric_from=1,
    )
    para(
        doc,
        "3. Công bố Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015",
        bold=True,
        keep_with_next=True,
        before=6,
    )
    para(doc, "{{ conformity_text }}", indent=True)
    tag(doc, "{%p if coverage %}")
    grid(
        doc,
        ["Cấp cơ quan", "Đã công bố / tổng số", "Tỷ lệ"],
        [8.5, 4.5, 3.0],
        "{%tr for row in coverage %}",
        ["{{ row.level }}", "{{ row.announced }}/{{ row.total }}", "{{ row.percent }}"],
        numeric_from=1,
    )
    tag(doc, "{%p endif %}")
    para(doc, "4. Tồn tại, hạn chế", bold=True, keep_with_next=True, before=6)
    tag(doc, "{%p for line in problems %}")
    para(doc, "- {{ line }}", indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if overdue %}")
    para(doc, "Các hành động khắc phục quá hạn:", italic=True, indent=True, keep_with_next=True)
    grid(
        doc,
        ["STT", "Cơ quan", "Năm", "Điều khoản", "Mức độ", "Thời hạn"],
        [1.3, 6.2, 1.6, 2.3, 2.4, 2.2],
        "{%tr for row in overdue %}",
        [
            "{{ row.number }}",
            "{{ row.agency }}",
            "{{ row.year }}",
            "{{ row.requirement }}",
            "{{ row.severity }}",
            "{{ row.due_on }}",
        ],
    )
    tag(doc, "{%p endif %}")
    para(doc, after=6)
    signatures(
        doc,
        recipients(["- UBND tỉnh (b/c);", "- Bộ Khoa học và Công nghệ (b/c);", "- Lưu: VT, TĐC."]),
        signer(["GIÁM ĐỐC"], "……………………"),
    )
    return doc


BUILDERS: dict[str, Callable[[], Document]] = {
    "record": record_template,
    "notice": notice_template,
    "annex": annex_template,
    "report": report_template,
}


def build(kind: str) -> bytes:
    import io

    out = io.BytesIO()
    BUILDERS[kind]().save(out)
    return out.getvalue()


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else SHIPPED_DIR
    target.mkdir(parents=True, exist_ok=True)
    for kind in BUILDERS:
        (target / f"{kind}.docx").write_bytes(build(kind))
        print(target / f"{kind}.docx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
