"""The agency's own verbs: hand in its dossier, answer findings with corrective actions.

Views load objects through the portal loaders (404 outside the agency); these functions
check the workflow again so that the CLI, the API and tests get the same answers.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    EvidenceFile,
    Finding,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Role,
    Severity,
)
from inspect_app.services import audit, dossier_contents, evidence, findings, notifications
from inspect_app.services.dossier_contents import dossier_files
from inspect_app.services.inspection_workflow import transition

#: document types offered for dossier files (kind of document, EvidenceFile.document_type).
DOSSIER_DOCUMENT_TYPES = (
    "Báo cáo tình hình xây dựng, áp dụng, duy trì và cải tiến HTQLCL",
    "Quyết định công bố HTQLCL",
    "Chính sách chất lượng, mục tiêu chất lượng",
    "Danh mục tài liệu, quy trình của HTQLCL",
    "Quy trình giải quyết thủ tục hành chính",
    "Báo cáo đánh giá nội bộ",
    "Biên bản họp xem xét của lãnh đạo",
    "Hồ sơ hành động khắc phục",
    "Tài liệu khác",
)

#: no HTQLCL document of a state agency took effect before this year.
FIRST_EFFECTIVE_YEAR = 1990


class PortalError(DomainError):
    status_code = 422


class PortalConflict(PortalError):
    """The object is no longer in a state that allows the move."""

    status_code = 409


def _require_agency_user(user, agency_id: int) -> None:
    """Only a user of the owning agency acts in its portal (views already answer 404)."""
    if not (user.is_authenticated and user.role is Role.AGENCY and user.agency_id == agency_id):
        raise PortalError(_("Bạn không có quyền thực hiện thao tác này."))


# --- dossiers ----------------------------------------------------------------------


def is_dossier_request(inspection: Inspection) -> bool:
    """A dossier-mode inspection for which the team has asked the agency for documents."""
    return inspection.mode is InspectionMode.DOSSIER and inspection.dossier_requested_at is not None


def accepts_dossier_files(inspection: Inspection) -> bool:
    return inspection.status is InspectionStatus.DOSSIER_REQUESTED


def dossier_is_overdue(inspection: Inspection, today: date | None = None) -> bool:
    return (
        accepts_dossier_files(inspection)
        and inspection.dossier_due is not None
        and inspection.dossier_due < (today or clock.today())
    )


def _require_open_dossier(inspection: Inspection) -> None:
    if not accepts_dossier_files(inspection):
        raise PortalConflict(
            _(
                "Hồ sơ không còn nhận tệp: cuộc kiểm tra đang ở trạng thái “%(status)s”.",
                status=inspection.status.label,
            )
        )


def dossier_document_types(inspection: Inspection) -> list[str]:
    """The kinds a dossier file may have: the documents the team asked for, then the list."""
    requested = dossier_contents.requested_documents(inspection.dossier_request)
    return requested + [t for t in DOSSIER_DOCUMENT_TYPES if t not in requested]


def add_dossier_file(
    inspection: Inspection,
    file,
    *,
    document_type: str,
    effective_on: date | None,
    by,
    filename: str | None = None,
    upload_id: str | None = None,
) -> EvidenceFile:
    """One file of the dossier, with its kind of document and its effective date."""
    _require_agency_user(by, inspection.agency_id)
    _require_open_dossier(inspection)
    document_type = (document_type or "").strip()
    if not document_type:
        raise PortalError(_("Cần chọn loại tài liệu."))
    if document_type not in dossier_document_types(inspection):
        raise PortalError(_("Loại tài liệu không có trong danh mục."))
    if effective_on is None:
        raise PortalError(_("Cần nhập ngày hiệu lực của tài liệu."))
    if effective_on.year < FIRST_EFFECTIVE_YEAR:
        raise PortalError(_("Ngày hiệu lực không hợp lệ."))
    return evidence.attach_evidence(
        file,
        filename,
        inspection=inspection,
        purpose="dossier",
        uploaded_by=by,
        document_type=document_type,
        effective_on=effective_on,
        upload_id=upload_id,
    )


def remove_dossier_file(stored: EvidenceFile, by) -> None:
    """Take back a file handed in by mistake, while the dossier is still open."""
    inspection = stored.inspection
    if inspection is None or stored.purpose != "dossier":
        raise PortalError(_("Tệp này không thuộc hồ sơ."))
    _require_agency_user(by, inspection.agency_id)
    _require_open_dossier(inspection)
    audit.record("delete", stored, before=audit.snapshot(stored, evidence.AUDITED_FIELDS), user=by)
    db.session.delete(stored)
    db.session.flush()


def submit_dossier(inspection: Inspection, by) -> Inspection:
    """ "Nộp hồ sơ": the inspection moves to dossier_received and the team is told."""
    _require_agency_user(by, inspection.agency_id)
    _require_open_dossier(inspection)
    if not dossier_files(inspection):
        raise PortalError(
            _("Hồ sơ chưa có tệp nào; hãy tải lên ít nhất một tài liệu trước khi nộp.")
        )
    transition(inspection, InspectionStatus.DOSSIER_RECEIVED, by)
    notifications.notify_dossier_submitted(inspection)
    return inspection


# --- corrective actions ----------------------------------------------------------------------


def response_files_required(finding: Finding) -> bool:
    """Nonconformities need evidence of the correction; observations may be answered in words."""
    return finding.severity is not Severity.OBSERVATION


def respond(
    finding: Finding,
    *,
    root_cause: str,
    action_taken: str,
    files: list,
    by,
) -> Finding:
    """The agency's corrective action: cause, action and evidence files → responded."""
    _require_agency_user(by, finding.inspection.agency_id)
    if not findings.can_respond(finding):
        raise PortalConflict(
            _(
                "Phát hiện này không chờ phản hồi (trạng thái “%(status)s”).",
                status=finding.status.label,
            )
        )
    if not (root_cause or "").strip():
        raise PortalError(_("Cần nêu nguyên nhân."))
    if not (action_taken or "").strip():
        raise PortalError(_("Cần nêu hành động khắc phục đã thực hiện."))
    uploads = [f for f in files or [] if f is not None and getattr(f, "filename", "x")]
    if not uploads and response_files_required(finding):
        raise PortalError(_("Cần đính kèm ít nhất một tệp bằng chứng khắc phục."))
    for upload in uploads:
        evidence.attach_evidence(upload, finding=finding, purpose="response", uploaded_by=by)
    findings.respond_to_finding(finding, root_cause, action_taken, by)
    notifications.notify_finding_responded(finding)
    return finding


def attach_response_file(finding: Finding, file, by, upload_id: str | None = None) -> EvidenceFile:
    """One corrective-action evidence file, while the finding waits for the response."""
    _require_agency_user(by, finding.inspection.agency_id)
    if not findings.can_respond(finding):
        raise PortalConflict(
            _(
                "Phát hiện này không chờ phản hồi (trạng thái “%(status)s”).",
                status=finding.status.label,
            )
        )
    return evidence.attach_evidence(
        file, finding=finding, purpose="response", uploaded_by=by, upload_id=upload_id
    )


def response_files(finding: Finding) -> list[EvidenceFile]:
    return [f for f in evidence.finding_files(finding) if f.purpose == "response"]
