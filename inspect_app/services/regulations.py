"""Regulation-change tracker (DESIGN 5.11): the legal documents register and its lineage,
the agencies' ISO process catalogues, the TTHC in scope, and the stale and missing processes.

A process is stale when one of its legal bases was replaced or amended by a document whose
effective date is after the process version's date and not after today; it stays stale until
a version dated on or after that effective date is recorded. Pages, the API, the notices and
the report all read the same query (`stale_rows`). Services flush and never commit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, or_, select, update
from sqlalchemy.orm import contains_eager

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    AdministrativeProcedure,
    Agency,
    IsoProcess,
    LegalChange,
    LegalDocument,
    LegalDocumentChange,
    LegalDocumentKind,
    ProcessVersion,
    RegulationNotice,
    process_legal_bases,
)
from inspect_app.models.base import search_key
from inspect_app.services import audit, notifications
from inspect_app.services.decisions import number_key

DEFAULT_UPDATE_DAYS = 90
DOCUMENT_FIELDS = ["number", "kind", "summary", "issuer", "signed_on", "effective_on", "expires_on"]
NUMBER_MAX, ISSUER_MAX, CODE_MAX, NAME_MAX, VERSION_MAX = 64, 255, 64, 500, 32
PORTAL_PATH = "/portal/processes/"

#: words of `Loại văn bản` (without diacritics) and the kind they mean; first match wins.
KIND_WORDS = (
    ("nghi dinh", LegalDocumentKind.DECREE),
    ("nghi quyet", LegalDocumentKind.RESOLUTION),
    ("thong tu", LegalDocumentKind.CIRCULAR),
    ("quyet dinh", LegalDocumentKind.DECISION),
    ("chi thi", LegalDocumentKind.DIRECTIVE),
    ("ke hoach", LegalDocumentKind.PLAN),
    ("tieu chuan", LegalDocumentKind.STANDARD),
    ("luat", LegalDocumentKind.LAW),
    ("bo luat", LegalDocumentKind.LAW),
)
#: the tail of a number says its kind when the kind column is empty ("34/2016/NĐ-CP").
NUMBER_KINDS = (
    ("/nd-", LegalDocumentKind.DECREE),
    ("/tt-", LegalDocumentKind.CIRCULAR),
    ("/ttlt-", LegalDocumentKind.CIRCULAR),
    ("/qd-", LegalDocumentKind.DECISION),
    ("/nq-", LegalDocumentKind.RESOLUTION),
    ("/ct-", LegalDocumentKind.DIRECTIVE),
    ("/kh-", LegalDocumentKind.PLAN),
    ("/qh", LegalDocumentKind.LAW),
)


# --- settings -----------------------------------------------------------------------------


def today() -> date:
    """Today in APP_TIMEZONE (default Asia/Ho_Chi_Minh), whatever the server's clock zone."""
    zone = current_app.config.get("APP_TIMEZONE") or "Asia/Ho_Chi_Minh"
    return datetime.now(ZoneInfo(zone)).date()


def update_days() -> int:
    """PROCESS_UPDATE_DAYS: how long an agency has to update a process once it is stale."""
    return int(current_app.config.get("PROCESS_UPDATE_DAYS") or DEFAULT_UPDATE_DAYS)


def due_on(stale_since: date) -> date:
    return stale_since + timedelta(days=update_days())


def kind_from_text(text: str | None, number: str = "") -> LegalDocumentKind:
    """The kind a `Loại văn bản` cell names, else the kind the number's tail shows."""
    key = search_key(text)
    if key in {kind.value for kind in LegalDocumentKind}:
        return LegalDocumentKind(key)
    for words, kind in KIND_WORDS:
        if key.startswith(words) or f" {words}" in f" {key}":
            return kind
    tail = search_key(number)
    for marker, kind in NUMBER_KINDS:
        if marker in tail:
            return kind
    return LegalDocumentKind.OTHER


def procedure_key(name: str | None) -> str:
    """A TTHC name without case, diacritics or punctuation ("X - quang" = "X-quang")."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", search_key(name)).split())[:NAME_MAX]


def split_numbers(text: str | None) -> list[str]:
    """Document numbers of a `;`-separated cell, trimmed, duplicates dropped, order kept."""
    seen, numbers = set(), []
    for part in (text or "").replace("\n", ";").split(";"):
        number = " ".join(part.split())
        if number and number_key(number) not in seen:
            seen.add(number_key(number))
            numbers.append(number)
    return numbers


# --- the legal documents register ---------------------------------------------------------------


def find_document(number: str) -> LegalDocument | None:
    return db.session.scalar(
        select(LegalDocument).where(LegalDocument.number_key == number_key(number))
    )


def documents_by_key(numbers: Iterable[str]) -> dict[str, LegalDocument]:
    keys = {number_key(n) for n in numbers if n}
    if not keys:
        return {}
    rows = db.session.scalars(select(LegalDocument).where(LegalDocument.number_key.in_(keys)))
    return {row.number_key: row for row in rows}


def changed_targets() -> dict[int, set[int]]:
    """For every document of the register: the ids of the documents it changes."""
    graph: dict[int, set[int]] = defaultdict(set)
    for source, target in db.session.execute(
        select(LegalDocumentChange.document_id, LegalDocumentChange.target_id)
    ):
        graph[source].add(target)
    return graph


def creates_cycle(graph: dict[int, set[int]], source: int, targets: Iterable[int]) -> bool:
    """Whether `source` changing `targets` closes a loop: a target already leads to source."""
    stack, seen = list(targets), set()
    while stack:
        node = stack.pop()
        if node == source:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return False


@dataclass
class DocumentData:
    """What a form, an import row or the API says about a document."""

    number: str
    summary: str
    signed_on: date | None
    effective_on: date | None
    kind: LegalDocumentKind | None = None
    issuer: str = ""
    expires_on: date | None = None
    replaces: list[str] = field(default_factory=list)
    amends: list[str] = field(default_factory=list)


def document_problems(data: DocumentData) -> list[tuple[str, str]]:
    """(field, message) for every problem of the document's own fields."""
    problems = []
    if not data.number:
        problems.append(("number", _("Số hiệu không được để trống.")))
    elif len(data.number) > NUMBER_MAX:
        problems.append(("number", _("Số hiệu dài quá %(n)d ký tự.", n=NUMBER_MAX)))
    if not data.summary:
        problems.append(("summary", _("Trích yếu không được để trống.")))
    if len(data.issuer or "") > ISSUER_MAX:
        problems.append(("issuer", _("Cơ quan ban hành dài quá %(n)d ký tự.", n=ISSUER_MAX)))
    if data.signed_on is None:
        problems.append(("signed_on", _("Ngày ban hành không được để trống.")))
    if data.effective_on is None:
        problems.append(("effective_on", _("Ngày hiệu lực không được để trống.")))
    if data.signed_on and data.effective_on and data.effective_on < data.signed_on:
        problems.append(("effective_on", _("Ngày hiệu lực không được trước ngày ban hành.")))
    if data.expires_on and data.effective_on and data.expires_on < data.effective_on:
        problems.append(("expires_on", _("Ngày hết hiệu lực không được trước ngày hiệu lực.")))
    own = number_key(data.number)
    if own and any(number_key(n) == own for n in data.replaces + data.amends):
        problems.append(("replaces", _("Văn bản không thể thay thế hoặc sửa đổi chính nó.")))
    both = {number_key(n) for n in data.replaces} & {number_key(n) for n in data.amends}
    if both:
        problems.append(
            (
                "amends",
                _("Một văn bản không thể vừa bị thay thế vừa được sửa đổi bởi cùng văn bản."),
            )
        )
    return problems


def save_document(document: LegalDocument | None, data: DocumentData, *, by=None) -> LegalDocument:
    """Create or update a document with what it replaces and amends; DomainError if refused."""
    data.number = " ".join((data.number or "").split())
    data.summary = (data.summary or "").strip()
    data.issuer = " ".join((data.issuer or "").split())
    problems = document_problems(data)
    if problems:
        raise DomainError(problems[0][1])
    duplicate = find_document(data.number)
    if duplicate is not None and duplicate is not document:
        raise DomainError(_("Văn bản số %(number)s đã có trong sổ.", number=duplicate.number))
    targets = documents_by_key(data.replaces + data.amends)
    unknown = [n for n in data.replaces + data.amends if number_key(n) not in targets]
    if unknown:
        raise DomainError(
            _("Không có văn bản số %(numbers)s trong sổ.", numbers=", ".join(unknown))
        )
    before = audit.snapshot(document, DOCUMENT_FIELDS) if document is not None else None
    if document is None:
        document = LegalDocument(number=data.number)
        db.session.add(document)
    document.number, document.number_key = data.number, number_key(data.number)
    document.kind = data.kind or kind_from_text(None, data.number)
    document.summary, document.issuer = data.summary, data.issuer
    document.signed_on, document.effective_on = data.signed_on, data.effective_on
    document.expires_on = data.expires_on
    document.search_text = search_key(f"{data.number} {data.summary} {data.issuer}")
    db.session.flush()
    wanted = {targets[number_key(n)].id: LegalChange.REPLACED for n in data.replaces}
    wanted.update({targets[number_key(n)].id: LegalChange.AMENDED for n in data.amends})
    graph = changed_targets()
    graph[document.id] = set()
    if creates_cycle(graph, document.id, wanted):
        raise DomainError(
            _(
                "Văn bản %(number)s tạo thành vòng thay thế/sửa đổi: một văn bản nó thay thế "
                "hoặc sửa đổi đã (trực tiếp hay gián tiếp) thay thế hoặc sửa đổi nó.",
                number=data.number,
            )
        )
    previous = {change.target_id for change in document.changes}
    _set_changes(document, wanted)
    db.session.flush()
    refresh_stale_since(document_ids=previous | set(wanted))
    after = audit.snapshot(document, DOCUMENT_FIELDS)
    after["changes"] = {str(k): v.value for k, v in sorted(wanted.items())}
    if before is None:
        audit.record("create", document, after=after, user=by)
    else:
        old, new = audit.changes(before, after)
        if new:
            audit.record("update", document, before=old, after=new, user=by)
    return document


def _set_changes(document: LegalDocument, wanted: dict[int, LegalChange]) -> None:
    current = {change.target_id: change for change in document.changes}
    for target_id, change in list(current.items()):
        if target_id not in wanted:
            document.changes.remove(change)
    for target_id, kind in wanted.items():
        row = current.get(target_id)
        if row is None:
            row = LegalDocumentChange(target_id=target_id, change=kind)
            document.changes.append(row)
        row.change = kind
        row.effective_on = document.effective_on


@dataclass(frozen=True)
class DocumentFilters:
    q: str = ""
    kind: str = ""
    #: "in_force", "changed" (replaced or amended) or "" for all.
    status: str = ""


def document_query(filters: DocumentFilters, *, on: date) -> Select:
    """Documents matching the search (without diacritics) and filters, newest first."""
    query = select(LegalDocument)
    for word in search_key(filters.q).split():
        query = query.where(LegalDocument.search_text.contains(word, autoescape=True))
    if filters.kind:
        query = query.where(LegalDocument.kind == LegalDocumentKind(filters.kind))
    replaced = exists().where(
        LegalDocumentChange.target_id == LegalDocument.id,
        LegalDocumentChange.change == LegalChange.REPLACED,
        LegalDocumentChange.effective_on <= on,
    )
    if filters.status == "in_force":
        query = query.where(
            LegalDocument.effective_on <= on,
            or_(LegalDocument.expires_on.is_(None), LegalDocument.expires_on >= on),
            ~replaced,
        )
    elif filters.status == "changed":
        query = query.where(exists().where(LegalDocumentChange.target_id == LegalDocument.id))
    return query.order_by(LegalDocument.signed_on.desc(), LegalDocument.id.desc())


def in_force(document: LegalDocument, on: date) -> bool:
    """In force on `on`: effective, not expired, not replaced by a document in effect."""
    if document.effective_on > on or (document.expires_on and document.expires_on < on):
        return False
    return not any(
        c.change is LegalChange.REPLACED and c.effective_on <= on for c in document.changed_by
    )


def lineage(document: LegalDocument) -> dict[str, list[tuple[int, LegalDocumentChange]]]:
    """What the document replaced or amended (earlier, recursively) and what changed it since,
    as (depth, change) pairs in walking order."""
    earlier, later = [], []
    seen = {document.id}

    def walk_back(doc, depth):
        for change in doc.changes:
            if change.target_id not in seen:
                seen.add(change.target_id)
                earlier.append((depth, change))
                walk_back(change.target, depth + 1)

    def walk_forward(doc, depth):
        for change in doc.changed_by:
            if change.document_id not in seen:
                seen.add(change.document_id)
                later.append((depth, change))
                walk_forward(change.document, depth + 1)

    walk_back(document, 0)
    walk_forward(document, 0)
    return {"earlier": earlier, "later": later}


# --- process catalogues ----------------------------------------------------------------------


def process_problems(code: str, name: str, issued_on: date | None) -> list[tuple[str, str]]:
    problems = []
    if not code:
        problems.append(("code", _("Mã quy trình không được để trống.")))
    elif len(code) > CODE_MAX:
        problems.append(("code", _("Mã quy trình dài quá %(n)d ký tự.", n=CODE_MAX)))
    if not name:
        problems.append(("name", _("Tên quy trình không được để trống.")))
    elif len(name) > NAME_MAX:
        problems.append(("name", _("Tên quy trình dài quá %(n)d ký tự.", n=NAME_MAX)))
    if issued_on is None:
        problems.append(("issued_on", _("Ngày ban hành không được để trống.")))
    return problems


def resolve_bases(numbers: Sequence[str]) -> list[LegalDocument]:
    """The register's documents for the numbers; DomainError naming the unknown ones."""
    found = documents_by_key(numbers)
    unknown = [n for n in numbers if number_key(n) not in found]
    if unknown:
        raise DomainError(
            _("Căn cứ pháp lý không có trong sổ văn bản: %(numbers)s.", numbers=", ".join(unknown))
        )
    return [found[number_key(n)] for n in numbers]


def find_process(agency: Agency, code: str) -> IsoProcess | None:
    return db.session.scalar(
        select(IsoProcess).where(IsoProcess.agency_id == agency.id, IsoProcess.code == code)
    )


def create_process(
    agency: Agency,
    *,
    code: str,
    name: str,
    issued_on: date,
    number: str = "",
    bases: Sequence[LegalDocument] = (),
    procedure_key: str | None = None,
    by=None,
) -> IsoProcess:
    """Add a process to an agency's catalogue with its first version."""
    code, name = " ".join((code or "").split()), " ".join((name or "").split())
    problems = process_problems(code, name, issued_on)
    if problems:
        raise DomainError(problems[0][1])
    if find_process(agency, code) is not None:
        raise DomainError(_("Cơ quan đã có quy trình mã %(code)s.", code=code))
    process = IsoProcess(
        agency=agency,
        code=code,
        name=name,
        version_date=issued_on,
        version_number=(number or "").strip()[:VERSION_MAX],
        procedure_key=procedure_key or None,
    )
    process.legal_bases = list(bases)
    db.session.add(process)
    _append_version(process, issued_on, process.version_number, by)
    audit.record(
        "create", process, after=audit.snapshot(process, ["agency_id", "code", "name"]), user=by
    )
    return process


def _append_version(process: IsoProcess, issued_on: date, number: str, by) -> ProcessVersion:
    version = ProcessVersion(
        issued_on=issued_on,
        number=number,
        legal_bases="; ".join(doc.number for doc in process.legal_bases),
        recorded_by_id=getattr(by, "id", None),
    )
    process.versions.append(version)
    db.session.flush()
    refresh_stale_since(process_ids=[process.id])
    return version


def record_version(
    process: IsoProcess,
    *,
    issued_on: date,
    number: str = "",
    bases: Sequence[LegalDocument] | None = None,
    name: str | None = None,
    by=None,
) -> ProcessVersion:
    """Record a newer version of a process (and, optionally, its new legal bases)."""
    if issued_on is None:
        raise DomainError(_("Ngày ban hành không được để trống."))
    if issued_on <= process.version_date:
        raise DomainError(
            _(
                "Phiên bản ngày %(new)s không mới hơn phiên bản hiện hành (%(current)s).",
                new=issued_on.strftime("%d/%m/%Y"),
                current=process.version_date.strftime("%d/%m/%Y"),
            )
        )
    before = audit.snapshot(process, ["version_date", "version_number", "name"])
    process.stale_since = None  # recomputed for the new version below
    process.version_date = issued_on
    process.version_number = (number or "").strip()[:VERSION_MAX]
    if name:
        process.name = " ".join(name.split())[:NAME_MAX]
    if bases is not None:
        process.legal_bases = list(bases)
    version = _append_version(process, issued_on, process.version_number, by)
    after = audit.snapshot(process, ["version_date", "version_number", "name"])
    after["legal_bases"] = version.legal_bases
    audit.record("new_version", process, before=before, after=after, user=by)
    return version


def agency_processes(agency: Agency) -> list[IsoProcess]:
    return list(
        db.session.scalars(
            select(IsoProcess).where(IsoProcess.agency_id == agency.id).order_by(IsoProcess.code)
        )
    )


# --- stale and missing: one query for pages, API, notices and tallies --------------------------


def derived_stale_rows(on: date, *, agency_id: int | None = None) -> Select:
    """(process_id, agency_id, stale_since) on `on` straight from the definition (the joins
    of bases and changes); `stale_rows` reads the same from the kept column."""
    change, bases = LegalDocumentChange, process_legal_bases.c
    query = (
        select(
            IsoProcess.id.label("process_id"),
            # one agency per process; an aggregate keeps GROUP BY on the key alone
            func.min(IsoProcess.agency_id).label("agency_id"),
            func.min(change.effective_on).label("stale_since"),
        )
        .select_from(change)
        .join(process_legal_bases, bases.document_id == change.target_id)
        .join(IsoProcess, IsoProcess.id == bases.process_id)
        .where(change.effective_on <= on, change.effective_on > IsoProcess.version_date)
        .group_by(IsoProcess.id)
    )
    if agency_id is not None:
        query = query.where(IsoProcess.agency_id == agency_id)
    return query


def stale_rows(on: date, *, agency_id: int | None = None) -> Select:
    """(process_id, agency_id, stale_since) of every process stale on `on`: the one query
    pages, API, counts and the plan proposal share (an indexed column, see refresh)."""
    query = select(
        IsoProcess.id.label("process_id"),
        IsoProcess.agency_id.label("agency_id"),
        IsoProcess.stale_since.label("stale_since"),
    ).where(IsoProcess.stale_since <= on)
    if agency_id is not None:
        query = query.where(IsoProcess.agency_id == agency_id)
    return query


def refresh_stale_since(
    *, process_ids: Iterable[int] | None = None, document_ids: Iterable[int] | None = None
) -> None:
    """Recompute IsoProcess.stale_since, in SQL, for the given processes, for every process
    citing the given documents, or (neither given) for all processes."""
    change, bases = LegalDocumentChange, process_legal_bases.c
    earliest = (
        select(func.min(change.effective_on))
        .select_from(change)
        .join(process_legal_bases, bases.document_id == change.target_id)
        .where(bases.process_id == IsoProcess.id, change.effective_on > IsoProcess.version_date)
        .scalar_subquery()
    )
    # rows whose value stays are not written (most processes are never stale)
    statement = (
        update(IsoProcess)
        .values(stale_since=earliest)
        .where(IsoProcess.stale_since.is_distinct_from(earliest))
    )
    if process_ids is not None:
        ids = list(process_ids)
        if not ids:
            return
        statement = statement.where(IsoProcess.id.in_(ids))
    elif document_ids is not None:
        docs = list(document_ids)
        if not docs:
            return
        citing = select(bases.process_id).where(bases.document_id.in_(docs))
        statement = statement.where(IsoProcess.id.in_(citing))
    db.session.flush()
    db.session.execute(statement.execution_options(synchronize_session=False))
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, IsoProcess):
            db.session.expire(obj, ["stale_since"])


def stale_counts_by_agency(on: date) -> dict[int, dict]:
    """Per agency id: {"stale": n, "overdue": n} on `on`; the plan proposal (5.12) reads it."""
    rows = stale_rows(on).subquery()
    overdue_before = on - timedelta(days=update_days())
    query = select(
        rows.c.agency_id,
        func.count(),
        func.count().filter(rows.c.stale_since < overdue_before),
    ).group_by(rows.c.agency_id)
    return {
        agency_id: {"stale": stale, "overdue": overdue}
        for agency_id, stale, overdue in db.session.execute(query)
    }


@dataclass
class StaleProcess:
    """One stale process and the changes that made it stale (the API's record)."""

    process: IsoProcess
    stale_since: date
    due_on: date
    overdue: bool
    because: list[dict]

    def as_json(self) -> dict:
        agency = self.process.agency
        return {
            "agency": {"code": agency.code, "name": agency.name},
            "code": self.process.code,
            "name": self.process.name,
            "version_date": self.process.version_date.isoformat(),
            "stale_since": self.stale_since.isoformat(),
            "due_on": self.due_on.isoformat(),
            "overdue": self.overdue,
            "because": self.because,
        }


def stale_processes(
    on: date,
    *,
    agency_id: int | None = None,
    after_id: int | None = None,
    limit: int | None = None,
    process_ids: Iterable[int] | None = None,
) -> list[StaleProcess]:
    """Stale processes in id order (keyset pages with `after_id`), each with its reasons."""
    rows = stale_rows(on, agency_id=agency_id)
    if after_id is not None or limit is not None:
        # the bound makes the planner walk processes by key and stop at `limit`
        rows = rows.where(IsoProcess.id > (after_id or 0))
    if process_ids is not None:
        rows = rows.where(IsoProcess.id.in_(list(process_ids)))
    rows = rows.order_by(IsoProcess.id)
    if limit is not None:
        rows = rows.limit(limit)
    found = {pid: since for pid, _agency, since in db.session.execute(rows)}
    if not found:
        return []
    processes = {
        p.id: p
        for p in db.session.scalars(
            select(IsoProcess)
            .where(IsoProcess.id.in_(found))
            .join(IsoProcess.agency)
            .options(contains_eager(IsoProcess.agency))
        )
    }
    reasons = _reasons({pid: p.version_date for pid, p in processes.items()}, on)
    result = []
    for pid, since in found.items():
        due = due_on(since)
        result.append(StaleProcess(processes[pid], since, due, due < on, reasons.get(pid, [])))
    return result


def _reasons(version_dates: dict[int, date], on: date) -> dict[int, list[dict]]:
    """The changes that made each process stale: two index-driven reads (the processes' bases,
    then the changes of those documents), joined here, so the plan never scans all bases."""
    bases = process_legal_bases.c
    cited: dict[int, list[int]] = defaultdict(list)
    for pid, doc_id in db.session.execute(
        select(bases.process_id, bases.document_id).where(bases.process_id.in_(list(version_dates)))
    ):
        cited[doc_id].append(pid)
    if not cited:
        return {}
    target = LegalDocument.__table__.alias("target")
    source = LegalDocument.__table__.alias("source")
    change = LegalDocumentChange.__table__.c
    query = (
        select(
            change.target_id, target.c.number, source.c.number, change.change, change.effective_on
        )
        .select_from(LegalDocumentChange.__table__)
        .join(target, target.c.id == change.target_id)
        .join(source, source.c.id == change.document_id)
        .where(change.target_id.in_(list(cited)), change.effective_on <= on)
        .order_by(change.effective_on, source.c.number)
    )
    reasons: dict[int, list[dict]] = defaultdict(list)
    for target_id, number, changed_by, kind, effective in db.session.execute(query):
        for pid in cited[target_id]:
            if effective > version_dates[pid]:
                reasons[pid].append(
                    {
                        "number": number,
                        "changed_by": changed_by,
                        "change": LegalChange(kind).value,
                        "effective": effective.isoformat(),
                    }
                )
    return reasons


def _procedures_in_force(on: date) -> Select:
    """TTHC whose announcing decision is in force on `on`."""
    replaced = exists().where(
        LegalDocumentChange.target_id == AdministrativeProcedure.document_id,
        LegalDocumentChange.change == LegalChange.REPLACED,
        LegalDocumentChange.effective_on <= on,
    )
    return (
        select(AdministrativeProcedure)
        .join(AdministrativeProcedure.document)
        .where(
            LegalDocument.effective_on <= on,
            or_(LegalDocument.expires_on.is_(None), LegalDocument.expires_on >= on),
            ~replaced,
        )
    )


def missing_procedures(on: date, *, agency_id: int | None = None) -> list[AdministrativeProcedure]:
    """TTHC in force for an agency that no process of that agency covers (checklist A.1).

    A TTHC listed by several decisions appears once (the latest decision's entry)."""
    covered = exists().where(
        IsoProcess.agency_id == AdministrativeProcedure.agency_id,
        IsoProcess.procedure_key == AdministrativeProcedure.name_key,
    )
    query = _procedures_in_force(on).where(~covered)
    if agency_id is not None:
        query = query.where(AdministrativeProcedure.agency_id == agency_id)
    query = query.order_by(
        AdministrativeProcedure.agency_id,
        LegalDocument.signed_on.desc(),
        AdministrativeProcedure.position,
    )
    seen, result = set(), []
    for row in db.session.scalars(query):
        if (row.agency_id, row.name_key) not in seen:
            seen.add((row.agency_id, row.name_key))
            result.append(row)
    return result


def missing_counts_by_agency(on: date) -> dict[int, int]:
    """Per agency id: how many TTHC in scope no process covers (5.12 reads it)."""
    counts: dict[int, int] = defaultdict(int)
    for row in missing_procedures(on):
        counts[row.agency_id] += 1
    return dict(counts)


def agency_procedures(agency: Agency, on: date) -> list[AdministrativeProcedure]:
    """The TTHC in force for an agency, one entry per name, for the process form."""
    query = (
        _procedures_in_force(on)
        .where(AdministrativeProcedure.agency_id == agency.id)
        .order_by(LegalDocument.signed_on.desc(), AdministrativeProcedure.position)
    )
    seen, result = set(), []
    for row in db.session.scalars(query):
        if row.name_key not in seen:
            seen.add(row.name_key)
            result.append(row)
    return result


def add_procedures(
    document: LegalDocument, agency: Agency, entries: Iterable[tuple[str, str]]
) -> list[AdministrativeProcedure]:
    """Record the TTHC (field, name) a decision announces for an agency; existing ones stay."""
    existing = set(
        db.session.scalars(
            select(AdministrativeProcedure.name_key).where(
                AdministrativeProcedure.document_id == document.id,
                AdministrativeProcedure.agency_id == agency.id,
            )
        )
    )
    added = []
    for position, (field_name, name) in enumerate(entries, start=1):
        name = " ".join((name or "").split())
        if not name:
            raise DomainError(_("Tên thủ tục hành chính không được để trống."))
        key = procedure_key(name)
        if key in existing:
            continue
        existing.add(key)
        row = AdministrativeProcedure(
            agency=agency,
            document=document,
            name=name[:NAME_MAX],
            name_key=key,
            field=(field_name or "")[:255],
            position=position,
        )
        db.session.add(row)
        added.append(row)
    db.session.flush()
    return added


# --- telling agencies ------------------------------------------------------------------------


def notify_stale(on: date) -> list[RegulationNotice]:
    """Tell each agency, once per changing document, which processes it made stale and by
    when to update them; run when a change is recorded and daily (a change may take effect
    after it is recorded)."""
    change, bases = LegalDocumentChange, process_legal_bases.c
    pairs = db.session.execute(
        select(IsoProcess.agency_id, change.document_id, IsoProcess.code, change.effective_on)
        .select_from(change)
        .join(process_legal_bases, bases.document_id == change.target_id)
        .join(IsoProcess, IsoProcess.id == bases.process_id)
        .where(change.effective_on <= on, change.effective_on > IsoProcess.version_date)
        .where(
            ~exists().where(
                RegulationNotice.agency_id == IsoProcess.agency_id,
                RegulationNotice.document_id == change.document_id,
            )
        )
        .order_by(IsoProcess.agency_id, change.document_id, IsoProcess.code)
    ).all()
    grouped: dict[tuple[int, int], list[str]] = defaultdict(list)
    effective: dict[int, date] = {}
    for agency_id, document_id, code, effective_on in pairs:
        if code not in grouped[(agency_id, document_id)]:
            grouped[(agency_id, document_id)].append(code)
        effective[document_id] = effective_on
    notices = []
    for (agency_id, document_id), codes in grouped.items():
        document = db.session.get_one(LegalDocument, document_id)
        due = due_on(effective[document_id])
        message = _(
            "Văn bản %(number)s có hiệu lực từ %(effective)s làm %(n)d quy trình ISO của cơ quan "
            "cần cập nhật (%(codes)s). Hạn cập nhật: %(due)s.",
            number=document.number,
            effective=effective[document_id].strftime("%d/%m/%Y"),
            n=len(codes),
            codes=", ".join(codes),
            due=due.strftime("%d/%m/%Y"),
        )
        agency = db.session.get_one(Agency, agency_id)
        note = notifications.notify(agency=agency, message=message, link=PORTAL_PATH)
        notice = RegulationNotice(
            agency_id=agency_id,
            document_id=document_id,
            processes=len(codes),
            due_on=due,
            notification_id=note.id,
        )
        db.session.add(notice)
        notices.append(notice)
    db.session.flush()
    return notices


# --- by legal document: what each change did ---------------------------------------------


@dataclass
class ChangeImpact:
    """What one changing document did to the processes citing what it changed."""

    document: LegalDocument
    effective_on: date
    stale: int = 0
    agencies: int = 0
    updated: int = 0
    still_stale: int = 0
    overdue: int = 0


def change_impacts(on: date, *, document_id: int | None = None) -> list[ChangeImpact]:
    """Per changing document in effect: processes it made stale, in how many agencies, how
    many were updated since and how many are still waiting (overdue among them)."""
    episodes = _episodes(on, document_id=document_id)
    by_doc: dict[int, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_doc[episode.document_id].append(episode)
    impacts = []
    for doc_id, rows in by_doc.items():
        document = db.session.get_one(LegalDocument, doc_id)
        processes = {(e.process_id) for e in rows}
        updated = {e.process_id for e in rows if e.updated_on is not None}
        waiting = processes - updated
        overdue = {e.process_id for e in rows if e.updated_on is None and e.due_on < on}
        impacts.append(
            ChangeImpact(
                document=document,
                effective_on=document.effective_on,
                stale=len(processes),
                agencies=len({e.agency_id for e in rows}),
                updated=len(updated),
                still_stale=len(waiting),
                overdue=len(overdue),
            )
        )
    impacts.sort(key=lambda i: (i.effective_on, i.document.id), reverse=True)
    return impacts


@dataclass(frozen=True)
class Episode:
    """A process made stale by one change: from the change's effective date until updated."""

    process_id: int
    agency_id: int
    document_id: int
    stale_since: date
    due_on: date
    #: the date of the first version on or after stale_since, if any.
    updated_on: date | None


def _episodes(on: date, *, document_id: int | None = None) -> list[Episode]:
    """Every (process, change) where the change took effect while a version citing the changed
    document was in force; the legal bases are those the version in force cited then."""
    query = select(
        LegalDocumentChange.document_id,
        LegalDocumentChange.effective_on,
        LegalDocument.number_key,
    ).join(LegalDocument, LegalDocument.id == LegalDocumentChange.target_id)
    query = query.where(LegalDocumentChange.effective_on <= on)
    if document_id is not None:
        query = query.where(LegalDocumentChange.document_id == document_id)
    changes = db.session.execute(query).all()
    if not changes:
        return []
    targets = {key for _doc, _eff, key in changes}
    versions: dict[int, list[tuple[date, set[str]]]] = defaultdict(list)
    # only processes that cite a changed document now, or named one in an earlier version
    numbers = db.session.scalars(
        select(LegalDocument.number).where(LegalDocument.number_key.in_(targets))
    ).all()
    citing = select(process_legal_bases.c.process_id).where(
        process_legal_bases.c.document_id.in_(
            select(LegalDocument.id).where(LegalDocument.number_key.in_(targets))
        )
    )
    named = select(ProcessVersion.process_id).where(
        or_(*(ProcessVersion.legal_bases.contains(n, autoescape=True) for n in numbers))
    )
    rows = db.session.execute(
        select(ProcessVersion.process_id, ProcessVersion.issued_on, ProcessVersion.legal_bases)
        .where(or_(ProcessVersion.process_id.in_(citing), ProcessVersion.process_id.in_(named)))
        .order_by(ProcessVersion.process_id, ProcessVersion.issued_on)
    )
    for pid, issued_on, bases in rows:
        versions[pid].append((issued_on, {number_key(n) for n in split_numbers(bases)}))
    agency_of = dict(
        db.session.execute(
            select(IsoProcess.id, IsoProcess.agency_id).where(
                or_(IsoProcess.id.in_(citing), IsoProcess.id.in_(named))
            )
        ).all()
    )
    episodes = []
    for pid, history in versions.items():
        if not any(targets & cited for _day, cited in history):
            continue
        for doc_id, effective, target_key in changes:
            in_force = [cited for day, cited in history if day < effective]
            if not in_force or target_key not in in_force[-1]:
                continue
            later = [day for day, _cited in history if day >= effective]
            episodes.append(
                Episode(
                    pid,
                    agency_of[pid],
                    doc_id,
                    effective,
                    due_on(effective),
                    later[0] if later else None,
                )
            )
    return episodes


# --- the report: per year ------------------------------------------------------------------------


@dataclass
class YearFigures:
    year: int
    changes: int = 0
    made_stale: int = 0
    on_time: int = 0
    late: int = 0
    agencies_overdue: int = 0

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "changes": self.changes,
            "made_stale": self.made_stale,
            "updated_on_time": self.on_time,
            "updated_late": self.late,
            "agencies_overdue": self.agencies_overdue,
        }


def yearly_figures(first: int, last: int, on: date) -> list[YearFigures]:
    """Per year: changes that took effect, processes they made stale, updated on time (by the
    due date) or late, and agencies with an overdue update at the year's end (or today)."""
    years = {y: YearFigures(y) for y in range(first, last + 1)}
    for (effective,) in db.session.execute(
        select(LegalDocumentChange.effective_on).where(
            LegalDocumentChange.effective_on <= on,
            LegalDocumentChange.effective_on >= date(first, 1, 1),
            LegalDocumentChange.effective_on <= date(last, 12, 31),
        )
    ):
        years[effective.year].changes += 1
    # one stale period per process and change; the earliest change of a period counts.
    episodes = _episodes(on)
    periods: dict[tuple[int, date | None], Episode] = {}
    for e in sorted(episodes, key=lambda e: e.stale_since):
        periods.setdefault((e.process_id, e.updated_on), e)
    for e in periods.values():
        if e.stale_since.year in years:
            years[e.stale_since.year].made_stale += 1
        if e.updated_on is not None and e.updated_on.year in years:
            if e.updated_on <= e.due_on:
                years[e.updated_on.year].on_time += 1
            else:
                years[e.updated_on.year].late += 1
    for year, figures in years.items():
        end = min(date(year, 12, 31), on)
        figures.agencies_overdue = len(
            {
                e.agency_id
                for e in periods.values()
                if e.due_on < end and (e.updated_on is None or e.updated_on > end)
            }
        )
    return [years[y] for y in sorted(years)]


def limitation_paragraph(figures: Sequence[YearFigures]) -> str:
    """The report's "Hạn chế" sentence on legal changes, in the department's wording, with
    the period's figures."""
    if not figures:
        return ""
    changes = sum(f.changes for f in figures)
    made_stale = sum(f.made_stale for f in figures)
    late = sum(f.late for f in figures)
    overdue = figures[-1].agencies_overdue
    first, last = figures[0].year, figures[-1].year
    if not made_stale:
        return _(
            "Giai đoạn %(first)d - %(last)d ghi nhận %(changes)d lần văn bản quy phạm pháp luật "
            "được thay thế, sửa đổi, bổ sung; các CQHCNN đã cập nhật kịp thời các quy trình "
            "giải quyết công việc liên quan.",
            first=first,
            last=last,
            changes=changes,
        )
    return _(
        "Các văn bản quy phạm pháp luật thường xuyên thay đổi, bổ sung, điều chỉnh "
        "(giai đoạn %(first)d - %(last)d có %(changes)d lần thay thế, sửa đổi, bổ sung làm "
        "%(stale)d quy trình cần cập nhật; %(late)d quy trình được cập nhật chậm so với hạn "
        "%(days)d ngày; đến cuối năm %(last)d còn %(overdue)d cơ quan quá hạn cập nhật) nên các "
        "CQHCNN chưa kịp thời thực hiện việc cập nhật, sửa đổi, bổ sung các quy trình giải "
        "quyết công việc đã ban hành.",
        first=first,
        last=last,
        changes=changes,
        stale=made_stale,
        late=late,
        days=update_days(),
        overdue=overdue,
    )


# --- overview for the department -----------------------------------------------------------------


def stale_by_agency(on: date) -> list[dict]:
    """Per agency with anything to do: stale, overdue and missing counts, most overdue first."""
    stale = stale_counts_by_agency(on)
    missing = missing_counts_by_agency(on)
    ids = set(stale) | set(missing)
    if not ids:
        return []
    agencies = {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(ids)))}
    rows = [
        {
            "agency": agencies[i],
            "stale": stale.get(i, {}).get("stale", 0),
            "overdue": stale.get(i, {}).get("overdue", 0),
            "missing": missing.get(i, 0),
        }
        for i in ids
    ]
    rows.sort(key=lambda r: (-r["overdue"], -r["stale"], -r["missing"], r["agency"].name))
    return rows


def citing_processes(document: LegalDocument) -> int:
    return db.session.scalar(
        select(func.count()).where(process_legal_bases.c.document_id == document.id)
    )
