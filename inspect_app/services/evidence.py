"""Evidence files: attach uploads to inspections, items and findings; list and send them."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from flask import Response, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.errors import DomainError, NotFound
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    ChecklistItem,
    EvidenceFile,
    Finding,
    Inspection,
    InspectionStatus,
)
from inspect_app.services import audit
from inspect_app.storage import get_storage, store_upload

#: what a file is for (EvidenceFile.purpose).
PURPOSES = ("evidence", "dossier", "announcement", "decision", "response")
LOCKED_STATUSES = (InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED)
AUDITED_FIELDS = [
    "agency_id",
    "decision_id",
    "inspection_id",
    "item_id",
    "finding_id",
    "purpose",
    "document_type",
    "effective_on",
    "original_name",
    "stored_id",
    "size",
    "sha256",
    "content_type",
]
#: sent with every download, so that a browser never renders or runs an uploaded file.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


class EvidenceError(DomainError):
    status_code = 422


class InspectionLocked(EvidenceError):
    status_code = 409


def attach_evidence(
    file,
    filename: str | None = None,
    *,
    inspection: Inspection | None = None,
    item: ChecklistItem | None = None,
    finding: Finding | None = None,
    purpose: str,
    uploaded_by,
    document_type: str | None = None,
    effective_on: date | None = None,
    agency: Agency | None = None,
    upload_id: str | None = None,
) -> EvidenceFile:
    """Check and store an upload (a werkzeug FileStorage or a binary stream) as evidence.

    Files belong to an inspection (or one of its findings), except an agency's signed
    announcement decision (`purpose="announcement"`), which belongs to the `agency` alone.
    `upload_id` is the id a device gave the upload (see `find_upload`).
    """
    stream: BinaryIO = getattr(file, "stream", file)
    if filename is None:
        filename = getattr(file, "filename", None)
    if purpose not in PURPOSES:
        raise EvidenceError(_("Loại tệp đính kèm không hợp lệ."))
    if purpose == "announcement" and inspection is None and finding is None:
        return _attach_agency_file(stream, filename, agency, purpose, uploaded_by)
    inspection = _owning_inspection(inspection, finding)
    if item is not None and item.template_id != inspection.template_id:
        raise EvidenceError(_("Nội dung kiểm tra không thuộc phiếu của cuộc kiểm tra này."))
    if purpose == "evidence" and inspection.status in LOCKED_STATUSES:
        raise InspectionLocked(
            _("Cuộc kiểm tra đã kết luận hoặc đã hủy; không thể thêm tệp bằng chứng.")
        )
    stored = store_upload(stream, filename)
    _refuse_duplicate(stored.sha256, inspection, item, finding, purpose)
    return _record(
        stored,
        purpose,
        uploaded_by,
        agency_id=inspection.agency_id,
        inspection_id=inspection.id,
        item_id=item.id if item is not None else None,
        finding_id=finding.id if finding is not None else None,
        document_type=(document_type or "").strip()[:255] or None,
        effective_on=effective_on,
        upload_id=upload_id,
    )


def _attach_agency_file(stream, filename, agency, purpose, uploaded_by) -> EvidenceFile:
    """A file owned by an agency without an inspection (its announcement decision)."""
    if agency is None:
        raise EvidenceError(_("Tệp phải được gắn với một cơ quan."))
    return _record(store_upload(stream, filename), purpose, uploaded_by, agency_id=agency.id)


def attach_agency_file(file, agency, purpose: str, uploaded_by) -> EvidenceFile:
    """An agency's own document without an inspection (e.g. a version of an ISO process)."""
    return _attach_agency_file(
        getattr(file, "stream", file), getattr(file, "filename", None), agency, purpose, uploaded_by
    )


def attach_decision_file(file, decision, uploaded_by) -> EvidenceFile:
    """The department's scan of a decision (the same size and type rules as evidence)."""
    stored = store_upload(getattr(file, "stream", file), getattr(file, "filename", None))
    return _record(stored, "decision", uploaded_by, decision_id=decision.id)


def _record(stored, purpose: str, uploaded_by, **links) -> EvidenceFile:
    """The EvidenceFile row for a stored upload, and its audit entry."""
    evidence = EvidenceFile(
        purpose=purpose,
        original_name=stored.name,
        stored_id=stored.stored_id,
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
        uploaded_by_id=getattr(uploaded_by, "id", None),
        **links,
    )
    db.session.add(evidence)
    db.session.flush()
    audit.record(
        "upload", evidence, after=audit.snapshot(evidence, AUDITED_FIELDS), user=uploaded_by
    )
    return evidence


def _owning_inspection(inspection: Inspection | None, finding: Finding | None) -> Inspection:
    if finding is not None:
        if inspection is not None and finding.inspection_id != inspection.id:
            raise EvidenceError(_("Phát hiện không thuộc cuộc kiểm tra này."))
        inspection = finding.inspection
    if inspection is None:
        raise EvidenceError(_("Tệp phải được gắn với một cuộc kiểm tra hoặc một phát hiện."))
    return inspection


def _refuse_duplicate(sha256, inspection, item, finding, purpose) -> None:
    """The same content attached twice to the same place is a double submission."""
    query = select(EvidenceFile).where(
        EvidenceFile.sha256 == sha256,
        EvidenceFile.inspection_id == inspection.id,
        EvidenceFile.purpose == purpose,
        EvidenceFile.item_id.is_(None) if item is None else EvidenceFile.item_id == item.id,
        EvidenceFile.finding_id.is_(None)
        if finding is None
        else EvidenceFile.finding_id == finding.id,
    )
    existing = db.session.scalars(query.limit(1)).first()
    if existing is not None:
        raise EvidenceError(
            _(
                "Tệp này đã được tải lên trước đó (“%(name)s”, %(day)s).",
                name=existing.original_name,
                day=existing.uploaded_at.strftime("%d/%m/%Y"),
            )
        )


def find_upload(upload_id: str) -> EvidenceFile | None:
    """The file a device already sent under `upload_id`: its resend stores nothing again."""
    return db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.upload_id == upload_id).limit(1)
    ).first()


def inspection_files(inspection: Inspection) -> list[tuple[EvidenceFile, str | None]]:
    """The inspection's own files (not a finding's), newest first, with their item codes."""
    query = (
        select(EvidenceFile, ChecklistItem.code)
        .outerjoin(ChecklistItem, ChecklistItem.id == EvidenceFile.item_id)
        .where(EvidenceFile.inspection_id == inspection.id, EvidenceFile.finding_id.is_(None))
        .order_by(EvidenceFile.uploaded_at.desc(), EvidenceFile.id.desc())
    )
    return [(row.EvidenceFile, row.code) for row in db.session.execute(query)]


def finding_files(finding: Finding) -> list[EvidenceFile]:
    query = (
        select(EvidenceFile)
        .where(EvidenceFile.finding_id == finding.id)
        .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
    )
    return list(db.session.scalars(query))


def send_evidence(evidence: EvidenceFile) -> Response:
    """The file as an attachment under its original (UTF-8, RFC 5987) name, never rendered."""
    try:
        stream = get_storage().open(evidence.stored_id)
    except FileNotFoundError:
        raise NotFound(_("Không tìm thấy nội dung của tệp đã lưu.")) from None
    response = send_file(
        stream,
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.original_name,
        etag=evidence.sha256,
        last_modified=evidence.uploaded_at,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    return response
