"""Workbook imports: read and check every row first (rows in, errors out), then apply.

`read_agency_workbook` never writes; `apply_agency_import` writes everything or raises, and
the caller (CLI command or view) commits once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Agency, AgencyLevel
from inspect_app.models.agency import REGISTER_ROOT_CODE
from inspect_app.models.base import search_key
from inspect_app.services import agencies
from inspect_app.services.workbooks import reading
from inspect_app.services.workbooks.reading import (  # noqa: F401 (header_key is imported from here)
    ImportResult,
    SheetError,
    cell_text,
    header_key,
    row_cells,
)

#: header text (as the department writes it) per field of the agency workbook.
AGENCY_COLUMNS = {
    "code": "Mã cơ quan",
    "name": "Tên cơ quan",
    "level": "Cấp",
    "parent": "Cơ quan cấp trên",
    "officer": "Cán bộ phụ trách ISO",
    "phone": "Điện thoại",
    "email": "Email",
}
REQUIRED_AGENCY_COLUMNS = ("code", "name")
CODE_MAX, NAME_MAX, CONTACT_MAX = 32, 255, 64
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: words of the `Cấp` column (without diacritics) and the level they mean (CONTRACTS 5.5).
LEVEL_WORDS = (
    (("tinh", "so", "ban"), AgencyLevel.PROVINCIAL),
    (("huyen",), AgencyLevel.DISTRICT),
    (("xa", "phuong", "thi tran", "dac khu"), AgencyLevel.COMMUNE),
)


def level_from_text(text: str | None) -> AgencyLevel | None:
    """The level a `Cấp` cell names: tỉnh/sở/ban, huyện, xã/phường/thị trấn/đặc khu, or other."""
    key = search_key(text)
    if not key:
        return None
    if key in {level.value for level in AgencyLevel}:
        return AgencyLevel(key)
    padded = " " + " ".join(re.findall(r"[a-z0-9]+", key)) + " "
    for words, level in LEVEL_WORDS:
        if any(f" {word} " in padded for word in words):
            return level
    return AgencyLevel.OTHER


@dataclass
class AgencyRow:
    """One data row of the agency workbook and what importing it would do."""

    row: int
    code: str | None
    name: str | None
    level_text: str | None = None
    parent_ref: str | None = None
    officer: str | None = None
    phone: str | None = None
    email: str | None = None
    level: AgencyLevel | None = None
    #: the parent's code after resolution (None: no parent).
    parent_code: str | None = None
    #: "new", "updated", "unchanged" or "error".
    action: str = ""
    #: what would change, in words, for the preview.
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return (self.code or "").lower()


@dataclass
class AgencyImport(ImportResult):
    """The result of reading a workbook: rows, counts, and every problem found."""

    rows: list[AgencyRow] = field(default_factory=list)
    #: problems with the whole file (not a workbook, no header row, missing columns).
    file_errors: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


@dataclass
class _Node:
    """An agency as it would be after the import: the graph used to check parents."""

    code: str
    name_key: str
    level: AgencyLevel | None
    parent_key: str | None
    active: bool


def read_agency_workbook(data: bytes) -> AgencyImport:
    """Read and check the agency workbook against the register; writes nothing."""
    result = AgencyImport()

    def read_rows(rows) -> None:
        columns = reading.find_header(rows, AGENCY_COLUMNS, anchors=("code",))
        if columns is None:
            raise SheetError(reading.no_header_message(AGENCY_COLUMNS["code"]))
        reading.require_columns(columns, AGENCY_COLUMNS, REQUIRED_AGENCY_COLUMNS)
        for number, values in rows:
            cells = {name: cell_text(value) for name, value in row_cells(values, columns).items()}
            if not any(cells.values()):
                continue
            result.rows.append(
                AgencyRow(
                    row=number,
                    code=cells.get("code"),
                    name=cells.get("name"),
                    level_text=cells.get("level"),
                    parent_ref=cells.get("parent"),
                    officer=cells.get("officer"),
                    phone=cells.get("phone"),
                    email=cells.get("email"),
                )
            )

    if reading.read_sheet(data, result, read_rows):
        _check_rows(result.rows)
    return result


def _check_rows(rows: list[AgencyRow]) -> None:
    everyone = select(Agency).options(selectinload(Agency.officers))
    existing = {a.code.lower(): a for a in db.session.scalars(everyone)}
    by_id = {a.id: a for a in existing.values()}
    graph = {
        key: _Node(
            a.code,
            a.name_key,
            a.level,
            by_id[a.parent_id].code.lower() if a.parent_id in by_id else None,
            a.is_active,
        )
        for key, a in existing.items()
    }
    first_row: dict[str, int] = {}
    for row in rows:
        current = existing.get(row.key)
        _check_cells(row, current, first_row)
        if row.code and row.key not in first_row:
            first_row[row.key] = row.row
            old = graph.get(row.key)
            graph[row.key] = _Node(
                row.code,
                search_key(row.name),
                row.level or (current.level if current else None),
                old.parent_key if old else None,
                current.is_active if current else True,
            )
    implied: list[AgencyRow] = []
    for row in rows:
        if row.errors:
            continue
        _resolve_parent(row, graph, implied)
    rows.extend(implied)
    for row in rows:
        if not row.errors and row.parent_code is not None:
            _check_parent_chain(row, graph)
    for row in rows:
        _classify(row, existing.get(row.key), by_id)


def _check_cells(row: AgencyRow, current: Agency | None, first_row: dict[str, int]) -> None:
    if not row.code:
        row.errors.append(_("thiếu “Mã cơ quan”."))
    elif len(row.code) > CODE_MAX:
        row.errors.append(_("“Mã cơ quan” dài quá %(n)d ký tự.", n=CODE_MAX))
    elif row.key in first_row:
        row.errors.append(
            _(
                "mã cơ quan %(code)s trùng với dòng %(other)d.",
                code=row.code,
                other=first_row[row.key],
            )
        )
    if not row.name:
        row.errors.append(_("thiếu “Tên cơ quan”."))
    elif len(row.name) > NAME_MAX:
        row.errors.append(_("“Tên cơ quan” dài quá %(n)d ký tự.", n=NAME_MAX))
    row.level = level_from_text(row.level_text)
    if row.level is None and current is None:
        row.errors.append(_("thiếu “Cấp” cho cơ quan mới."))
    if (row.phone or row.email) and not row.officer:
        row.errors.append(_("có điện thoại hoặc email nhưng thiếu “Cán bộ phụ trách ISO”."))
    if row.officer and len(row.officer) > NAME_MAX:
        row.errors.append(_("“Cán bộ phụ trách ISO” dài quá %(n)d ký tự.", n=NAME_MAX))
    if row.phone and len(row.phone) > CONTACT_MAX:
        row.errors.append(_("“Điện thoại” dài quá %(n)d ký tự.", n=CONTACT_MAX))
    if row.email and (not EMAIL_RE.match(row.email) or len(row.email) > NAME_MAX):
        row.errors.append(_("“Email” không hợp lệ: %(email)s.", email=row.email))


#: a provincial People's Committee named as a parent: "UBND tỉnh Quảng Ngãi".
PROVINCE_COMMITTEE_RE = re.compile(r"^(?:ubnd|uy ban nhan dan) tinh \S")
#: the code the register's root gets when an import creates it (as `seed-demo` does).
ROOT_CODE = REGISTER_ROOT_CODE


def _committee_key(name: str) -> str:
    return re.sub(r"^uy ban nhan dan ", "ubnd ", search_key(name))


def _implied_root(row: AgencyRow, graph: dict[str, _Node], implied: list[AgencyRow]) -> str | None:
    """The register's root, added to the import when a row names it and it does not exist.

    Departments and (since 01/07/2025) communes name the provincial People's Committee as
    their parent (DESIGN 5.3); a register that lacks it gets it as a new provincial agency.
    """
    parent_ref = row.parent_ref or ""
    if not PROVINCE_COMMITTEE_RE.match(search_key(parent_ref)):
        return None
    wanted = _committee_key(parent_ref)
    for key, node in graph.items():  # "Ủy ban nhân dân tỉnh …" is "UBND tỉnh …"
        if node.level is AgencyLevel.PROVINCIAL and _committee_key(node.name_key) == wanted:
            return key
    key = ROOT_CODE.lower()
    if key in graph:  # the code is taken by an agency of another name
        return None
    graph[key] = _Node(ROOT_CODE, search_key(parent_ref), AgencyLevel.PROVINCIAL, None, True)
    implied.append(
        AgencyRow(
            row=row.row,
            code=ROOT_CODE,
            name=" ".join(parent_ref.split()),
            level=AgencyLevel.PROVINCIAL,
            changes=[_("Cơ quan gốc của danh mục, tạo theo “Cơ quan cấp trên” trong tệp.")],
        )
    )
    return key


def _resolve_parent(row: AgencyRow, graph: dict[str, _Node], implied: list[AgencyRow]) -> None:
    """Find the parent by code, else by name (preferring active agencies)."""
    if not row.parent_ref:
        node = graph.get(row.key)
        row.parent_code = graph[node.parent_key].code if node and node.parent_key else None
        return
    ref = row.parent_ref.lower()
    if ref in graph:
        parent_key = ref
    else:
        name_key = search_key(row.parent_ref)
        matches = [key for key, node in graph.items() if node.name_key == name_key]
        if matches == [row.key]:
            row.errors.append(_("cơ quan không thể là cơ quan cấp trên của chính nó."))
            return
        matches = [key for key in matches if key != row.key]
        active = [key for key in matches if graph[key].active]
        candidates = active or matches
        if not candidates and (root_key := _implied_root(row, graph, implied)):
            candidates = [root_key]
        if not candidates:
            row.errors.append(
                _(
                    "không tìm thấy cơ quan cấp trên “%(ref)s” (ghi mã hoặc tên của cơ quan đã có "
                    "hoặc có trong tệp).",
                    ref=row.parent_ref,
                )
            )
            return
        if len(candidates) > 1:
            row.errors.append(
                _(
                    "tên cơ quan cấp trên “%(ref)s” khớp nhiều cơ quan, hãy ghi mã cơ quan.",
                    ref=row.parent_ref,
                )
            )
            return
        parent_key = candidates[0]
    if parent_key == row.key:
        row.errors.append(_("cơ quan không thể là cơ quan cấp trên của chính nó."))
        return
    row.parent_code = graph[parent_key].code
    graph[row.key].parent_key = parent_key


def _check_parent_chain(row: AgencyRow, graph: dict[str, _Node]) -> None:
    seen = {row.key}
    key = graph[row.key].parent_key
    while key is not None:
        if key in seen:
            row.errors.append(
                _(
                    "cơ quan cấp trên “%(ref)s” tạo thành vòng lặp (cơ quan là cấp trên của "
                    "chính cấp trên của nó).",
                    ref=row.parent_code,
                )
            )
            return
        seen.add(key)
        key = graph[key].parent_key if key in graph else None
    level, parent = graph[row.key].level, graph.get(row.parent_code.lower())
    if level is not None and parent is not None and parent.level is not None:
        problem = agencies.parent_level_problem(level, parent.level)
        if problem:
            row.errors.append(problem[0].lower() + problem[1:])


def _officer_values(row: AgencyRow, current: Agency | None) -> dict | None:
    """The officer the row records, keeping known contacts when the cells are blank."""
    if not row.officer:
        return None
    officer = current.current_officer if current else None
    if officer is not None and search_key(officer.name) == search_key(row.officer):
        return {
            "name": row.officer,
            "position": officer.position,
            "phone": row.phone or officer.phone,
            "email": row.email or officer.email,
            "part_time": officer.part_time,
        }
    return {
        "name": row.officer,
        "position": None,
        "phone": row.phone,
        "email": row.email,
        "part_time": True,
    }


def _classify(row: AgencyRow, current: Agency | None, by_id: dict[int, Agency]) -> None:
    if row.errors:
        row.action = "error"
        return
    if current is None:
        row.action = "new"
        return
    if row.name != current.name:
        row.changes.append(_("Tên: %(old)s → %(new)s", old=current.name, new=row.name))
    if row.level is not None and row.level is not current.level:
        row.changes.append(
            _("Cấp: %(old)s → %(new)s", old=current.level.label, new=row.level.label)
        )
    old_parent = by_id.get(current.parent_id)
    old_parent_code = old_parent.code if old_parent else None
    if (row.parent_code or "").lower() != (old_parent_code or "").lower():
        row.changes.append(
            _(
                "Cơ quan cấp trên: %(old)s → %(new)s",
                old=old_parent_code or "–",
                new=row.parent_code or "–",
            )
        )
    values = _officer_values(row, current)
    officer = current.current_officer
    if values is not None:
        if officer is None or search_key(officer.name) != search_key(values["name"]):
            row.changes.append(
                _(
                    "Cán bộ ISO: %(old)s → %(new)s",
                    old=officer.name if officer else "–",
                    new=values["name"],
                )
            )
        elif (officer.name, officer.phone, officer.email) != (
            values["name"],
            values["phone"],
            values["email"],
        ):
            row.changes.append(_("Liên hệ của cán bộ ISO"))
    row.action = "updated" if row.changes else "unchanged"


def _parents_first(rows: list[AgencyRow]) -> list[AgencyRow]:
    """Rows ordered so that a parent named in the file is written before its children."""
    in_file = {row.key: row for row in rows}
    ordered: list[AgencyRow] = []
    placed: set[str] = set()

    def place(row: AgencyRow) -> None:
        if row.key in placed:
            return
        placed.add(row.key)
        parent = in_file.get((row.parent_code or "").lower())
        if parent is not None:
            place(parent)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


def apply_agency_import(result: AgencyImport, *, today: date) -> AgencyImport:
    """Write a checked import: new agencies, updates by code, officer changes; flush only.

    Raises DomainError when the import has any error, so nothing is written.
    """
    if not result.ok:
        raise DomainError("\n".join(result.errors))
    written: dict[str, Agency] = {}

    def find(code: str | None) -> Agency | None:
        if not code:
            return None
        return written.get(code.lower()) or agencies.agency_by_code(code)

    for row in _parents_first(result.rows):
        try:
            current = find(row.code)
            parent = find(row.parent_code)
            if current is None:
                current = agencies.create_agency(
                    code=row.code, name=row.name, level=row.level, parent=parent
                )
            elif row.action == "updated":
                agencies.update_agency(
                    current,
                    code=current.code,
                    name=row.name,
                    level=row.level or current.level,
                    parent=parent,
                    address=current.address,
                    active_from=current.active_from,
                    note=current.note,
                )
            written[row.key] = current
            officer = _officer_values(row, current)
            if officer is not None:
                agencies.set_officer(current, since=today, **officer)
        except DomainError as exc:
            raise DomainError(f"row {row.row}: {exc.message}") from exc
    return result
