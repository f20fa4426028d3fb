"""Workbook imports of the regulation tracker (DESIGN 5.11): legal documents and agencies'
ISO process catalogues. Reading checks every row and writes nothing; applying writes all rows
or raises, and the caller commits once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import Agency, IsoProcess, LegalDocument
from inspect_app.services import regulations
from inspect_app.services.decisions import number_key
from inspect_app.services.regulations import DocumentData
from inspect_app.services.workbooks import reading
from inspect_app.services.workbooks.reading import ImportResult, SheetError, cell_text, row_cells

DOCUMENT_COLUMNS = {
    "number": "Số hiệu",
    "kind": "Loại văn bản",
    "summary": "Trích yếu",
    "issuer": "Cơ quan ban hành",
    "signed_on": "Ngày ban hành",
    "effective_on": "Ngày hiệu lực",
    "expires_on": "Ngày hết hiệu lực",
    "replaces": "Thay thế",
    "amends": "Sửa đổi, bổ sung",
}
REQUIRED_DOCUMENT_COLUMNS = ("number", "summary", "signed_on", "effective_on")

PROCESS_COLUMNS = {
    "agency": "Mã cơ quan",
    "code": "Mã quy trình",
    "name": "Tên quy trình",
    "bases": "Căn cứ pháp lý",
    "issued_on": "Ngày ban hành",
    "number": "Lần ban hành",
    "procedure": "Thủ tục hành chính",
}
REQUIRED_PROCESS_COLUMNS = ("agency", "code", "name", "issued_on")

_DAY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_day(value, header: str, errors: list[str]) -> date | None:
    """An Excel date or a dd/mm/yyyy cell; a message naming the column otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value) or ""
    match = _DAY_RE.match(text)
    if not match:
        errors.append(
            _("“%(col)s” “%(text)s” phải là ngày dạng dd/mm/yyyy.", col=header, text=text)
        )
        return None
    d, m, y = (int(group) for group in match.groups())
    try:
        return date(y, m, d)
    except ValueError:
        errors.append(_("“%(col)s” “%(text)s” không phải là ngày có thật.", col=header, text=text))
        return None


def _read(data: bytes, result, columns: dict, required: tuple, read_row) -> None:
    def read_rows(rows):
        found = reading.find_header(rows, columns, required[:1])
        if found is None:
            raise SheetError(reading.no_header_message(columns[required[0]]))
        reading.require_columns(found, columns, required)
        for number, values in rows:
            cells = row_cells(values, found)
            if all(cell_text(v) is None for v in cells.values()):
                continue
            read_row(number, cells)

    reading.read_sheet(data, result, read_rows)


# --- legal documents ----------------------------------------------------------------------------


@dataclass
class DocumentRow:
    row: int
    data: DocumentData
    #: "new", "updated", "unchanged" or "error".
    action: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class DocumentImport(ImportResult):
    rows: list[DocumentRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def read_legal_document_workbook(data: bytes) -> DocumentImport:
    """Every row of a legal documents workbook checked against the file and the register."""
    result = DocumentImport()

    def read_row(number: int, cells: dict) -> None:
        errors: list[str] = []
        doc_number = cell_text(cells.get("number")) or ""
        doc = DocumentData(
            number=doc_number,
            summary=cell_text(cells.get("summary")) or "",
            issuer=cell_text(cells.get("issuer")) or "",
            kind=regulations.kind_from_text(cell_text(cells.get("kind")), doc_number),
            signed_on=parse_day(cells.get("signed_on"), DOCUMENT_COLUMNS["signed_on"], errors),
            effective_on=parse_day(
                cells.get("effective_on"), DOCUMENT_COLUMNS["effective_on"], errors
            ),
            expires_on=parse_day(cells.get("expires_on"), DOCUMENT_COLUMNS["expires_on"], errors),
            replaces=regulations.split_numbers(cell_text(cells.get("replaces"))),
            amends=regulations.split_numbers(cell_text(cells.get("amends"))),
        )
        if not errors:
            for name, message in regulations.document_problems(doc):
                errors.append(f"“{DOCUMENT_COLUMNS[name]}”: {message}")
        result.rows.append(DocumentRow(number, doc, errors=errors))

    _read(data, result, DOCUMENT_COLUMNS, REQUIRED_DOCUMENT_COLUMNS, read_row)
    if result.rows:
        _check_documents(result)
    return result


def _check_documents(result: DocumentImport) -> None:
    in_file: dict[str, DocumentRow] = {}
    for row in result.rows:
        key = number_key(row.data.number)
        if key and key in in_file:
            row.errors.append(
                _(
                    "Số hiệu %(number)s trùng với dòng %(other)d.",
                    number=row.data.number,
                    other=in_file[key].row,
                )
            )
        elif key:
            in_file[key] = row
    references = {number_key(n) for row in result.rows for n in row.data.replaces + row.data.amends}
    register = regulations.documents_by_key(set(in_file) | references)
    for row in result.rows:
        unknown = [
            n
            for n in row.data.replaces + row.data.amends
            if number_key(n) not in in_file and number_key(n) not in register
        ]
        if unknown:
            row.errors.append(
                _(
                    "Văn bản được thay thế/sửa đổi không có trong tệp và trong sổ: %(numbers)s.",
                    numbers=", ".join(unknown),
                )
            )
    # Cycles over the register's changes, with the file's rows replacing their own.
    ids = {doc.id: key for key, doc in register.items()}
    graph: dict[str, set[str]] = {}
    for source_id, targets in regulations.changed_targets().items():
        source = ids.get(source_id) or f"#{source_id}"
        graph[source] = {ids.get(t) or f"#{t}" for t in targets}
    for key, row in in_file.items():
        graph[key] = {number_key(n) for n in row.data.replaces + row.data.amends} - {key}
    for key, row in in_file.items():
        if regulations.creates_cycle(graph, key, graph[key]) and not any(
            "vòng" in e for e in row.errors
        ):
            row.errors.append(
                _(
                    "Số hiệu %(number)s tạo thành vòng thay thế/sửa đổi.",
                    number=row.data.number,
                )
            )
    for row in result.rows:
        existing = register.get(number_key(row.data.number))
        if row.errors:
            row.action = "error"
        elif existing is None:
            row.action = "new"
        else:
            row.action = "unchanged" if _same_document(existing, row.data) else "updated"


def _same_document(doc: LegalDocument, data: DocumentData) -> bool:
    wanted = {number_key(n): "replaced" for n in data.replaces}
    wanted.update({number_key(n): "amended" for n in data.amends})
    current = {c.target.number_key: c.change.value for c in doc.changes}
    return (
        doc.number == " ".join(data.number.split())
        and doc.summary == data.summary.strip()
        and doc.issuer == " ".join(data.issuer.split())
        and doc.kind is data.kind
        and doc.signed_on == data.signed_on
        and doc.effective_on == data.effective_on
        and doc.expires_on == data.expires_on
        and current == wanted
    )


def apply_legal_document_import(result: DocumentImport, *, by=None) -> list[LegalDocument]:
    """Write every row (referenced documents first); DomainError naming the row otherwise."""
    if not result.ok:
        raise DomainError("\n".join(result.errors))
    by_key = {number_key(row.data.number): row for row in result.rows}
    done: set[str] = set()
    saved: list[LegalDocument] = []

    def save(row: DocumentRow) -> None:
        key = number_key(row.data.number)
        if key in done:
            return
        done.add(key)
        for ref in row.data.replaces + row.data.amends:
            if number_key(ref) in by_key:
                save(by_key[number_key(ref)])
        if row.action == "unchanged":
            return
        try:
            saved.append(
                regulations.save_document(
                    regulations.find_document(row.data.number), row.data, by=by
                )
            )
        except DomainError as exc:
            raise DomainError(f"row {row.row}: {exc.message}") from None

    for row in result.rows:
        save(row)
    return saved


# --- process catalogues ---------------------------------------------------------------------------


@dataclass
class ProcessRow:
    row: int
    agency_code: str
    code: str
    name: str
    issued_on: date | None
    number: str = ""
    bases: list[str] = field(default_factory=list)
    procedure: str | None = None
    #: "new", "version" (a later date), "unchanged" or "error".
    action: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ProcessImport(ImportResult):
    rows: list[ProcessRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def read_process_workbook(data: bytes) -> ProcessImport:
    """Every row of a process catalogue workbook checked against the registers."""
    result = ProcessImport()

    def read_row(number: int, cells: dict) -> None:
        errors: list[str] = []
        row = ProcessRow(
            row=number,
            agency_code=cell_text(cells.get("agency")) or "",
            code=cell_text(cells.get("code")) or "",
            name=cell_text(cells.get("name")) or "",
            issued_on=parse_day(cells.get("issued_on"), PROCESS_COLUMNS["issued_on"], errors),
            number=cell_text(cells.get("number")) or "",
            bases=regulations.split_numbers(cell_text(cells.get("bases"))),
            procedure=cell_text(cells.get("procedure")),
            errors=errors,
        )
        if not row.agency_code:
            errors.append(_("“Mã cơ quan” không được để trống."))
        for name, message in regulations.process_problems(row.code, row.name, row.issued_on):
            if name != "issued_on" or not errors:
                errors.append(f"“{PROCESS_COLUMNS[name]}”: {message}")
        result.rows.append(row)

    _read(data, result, PROCESS_COLUMNS, REQUIRED_PROCESS_COLUMNS, read_row)
    if result.rows:
        _check_processes(result)
    return result


def _check_processes(result: ProcessImport) -> None:
    codes = {row.agency_code.lower() for row in result.rows if row.agency_code}
    agencies = {
        a.code.lower(): a for a in db.session.scalars(select(Agency)) if a.code.lower() in codes
    }
    register = regulations.documents_by_key(n for row in result.rows for n in row.bases)
    existing = {
        (p.agency_id, p.code): p
        for p in db.session.scalars(
            select(IsoProcess).where(IsoProcess.agency_id.in_([a.id for a in agencies.values()]))
        )
    }
    seen: dict[tuple[str, str, date | None], int] = {}
    latest: dict[tuple[str, str], date] = {}
    for row in sorted(result.rows, key=lambda r: (r.issued_on or date.min, r.row)):
        agency = agencies.get(row.agency_code.lower())
        if row.agency_code and agency is None:
            row.errors.append(_("Không có cơ quan mã %(code)s.", code=row.agency_code))
        unknown = [n for n in row.bases if number_key(n) not in register]
        if unknown:
            row.errors.append(
                _(
                    "“Căn cứ pháp lý”: không có văn bản số %(numbers)s trong sổ văn bản.",
                    numbers=", ".join(unknown),
                )
            )
        key = (row.agency_code.lower(), row.code, row.issued_on)
        if key in seen and not row.errors:
            row.errors.append(_("Trùng với dòng %(other)d.", other=seen[key]))
        seen.setdefault(key, row.row)
        if row.errors or agency is None:
            row.action = "error"
            continue
        process = existing.get((agency.id, row.code))
        pair = (row.agency_code.lower(), row.code)
        current = latest.get(pair) or (process.version_date if process else None)
        versions = {v.issued_on for v in process.versions} if process else set()
        if process is None and pair not in latest:
            row.action = "new"
        elif row.issued_on in versions:
            row.action = "unchanged"
        elif current is not None and row.issued_on < current:
            row.errors.append(
                _(
                    "“Ngày ban hành” %(day)s cũ hơn phiên bản hiện hành (%(current)s) của "
                    "quy trình %(code)s.",
                    day=row.issued_on.strftime("%d/%m/%Y"),
                    current=current.strftime("%d/%m/%Y"),
                    code=row.code,
                )
            )
            row.action = "error"
            continue
        else:
            row.action = "version"
        if row.action != "unchanged":
            latest[pair] = max(row.issued_on, latest.get(pair, row.issued_on))


def apply_process_import(result: ProcessImport, *, by=None) -> dict[str, int]:
    """Write every row: new processes, new versions; the same row again adds nothing."""
    if not result.ok:
        raise DomainError("\n".join(result.errors))
    agencies = {a.code.lower(): a for a in db.session.scalars(select(Agency))}
    counts = {"new": 0, "version": 0, "unchanged": 0}
    for row in sorted(result.rows, key=lambda r: (r.issued_on, r.row)):
        counts[row.action] += 1
        if row.action == "unchanged":
            continue
        agency = agencies[row.agency_code.lower()]
        bases = regulations.resolve_bases(row.bases)
        procedure_key = regulations.procedure_key(row.procedure) if row.procedure else None
        try:
            process = regulations.find_process(agency, row.code)
            if process is None:
                regulations.create_process(
                    agency,
                    code=row.code,
                    name=row.name,
                    issued_on=row.issued_on,
                    number=row.number,
                    bases=bases,
                    procedure_key=procedure_key,
                    by=by,
                )
            else:
                regulations.record_version(
                    process,
                    issued_on=row.issued_on,
                    number=row.number,
                    bases=bases,
                    name=row.name,
                    by=by,
                )
                if procedure_key:
                    process.procedure_key = procedure_key
        except DomainError as exc:
            raise DomainError(f"row {row.row}: {exc.message}") from None
    db.session.flush()
    return counts
