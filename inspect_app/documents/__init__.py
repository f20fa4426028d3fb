"""Official documents as Word files in the format of Nghị định 30/2020/NĐ-CP (contract 5.13).

Each kind of document is rendered by docxtpl from a `.docx` template: the shipped one in
`shipped/` (built by `build_templates.py`), or the department's own upload. The contexts
are plain data computed by `contexts.py`; rendering and checking templates is `render.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

SHIPPED_DIR = Path(__file__).with_name("shipped")
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class DocumentKind:
    key: str
    title: str


KINDS: dict[str, DocumentKind] = {
    kind.key: kind
    for kind in (
        DocumentKind("record", _l("Biên bản kiểm tra")),
        DocumentKind("notice", _l("Thông báo kiểm tra / đề nghị cung cấp hồ sơ")),
        DocumentKind("annex", _l("Phụ lục danh sách cơ quan được kiểm tra")),
        DocumentKind("report", _l("Báo cáo kết quả kiểm tra, đào tạo và công bố HTQLCL")),
    )
}


def shipped_template(kind: str) -> bytes:
    """The template shipped with the project for `kind`."""
    return (SHIPPED_DIR / f"{KINDS[kind].key}.docx").read_bytes()
