"""Findings and their corrective-action thread: raise, respond, verify and close, reopen.

open ──► responded ──► closed ──► reopened ──► responded …
  └──────────────────────►┘ (an observation may be closed without a response)
responded ──► reopened (the response is not enough)
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    ChecklistItem,
    Finding,
    FindingEvent,
    FindingStatus,
    Inspection,
    Result,
    Severity,
)
from inspect_app.models.base import utcnow
from inspect_app.services import audit, notifications

F = FindingStatus
#: item codes that are clauses of the standard ("4.3", "7.5.3"), not our own ("A.1").
CLAUSE_RE = re.compile(r"^\d+(\.\d+)*$")
AUDITED_FIELDS = [
    "inspection_id",
    "item_id",
    "severity",
    "description",
    "requirement",
    "corrective_action_required",
    "due_on",
    "status",
    "root_cause",
    "agency_response",
    "responded_at",
    "responded_by_id",
    "verified_by_id",
    "verified_at",
]
#: the answers from which a finding is raised, and the severity each suggests.
SUGGESTED_SEVERITY = {Result.NONCONFORM: Severity.MINOR, Result.OBSERVATION: Severity.OBSERVATION}


class FindingError(DomainError):
    """A move the corrective-action workflow forbids."""


def _text(value: str | None) -> str:
    return (value or "").strip()


def _required(value: str | None, message: str) -> str:
    value = _text(value)
    if not value:
        raise FindingError(message)
    return value


def prefill(inspection: Inspection, item: ChecklistItem | None) -> dict:
    """Form defaults for a finding raised from an item and its answer."""
    values = {"severity": Severity.MINOR, "requirement": "", "description": ""}
    if item is None:
        return values
    answer = answer_for(inspection, item)
    if answer is not None and answer.result in SUGGESTED_SEVERITY:
        values["severity"] = SUGGESTED_SEVERITY[answer.result]
    if CLAUSE_RE.match(item.code):
        values["requirement"] = item.code
    if answer is not None:
        values["description"] = answer.note or ""
    return values


def answer_for(inspection: Inspection, item: ChecklistItem) -> Answer | None:
    return db.session.scalar(
        select(Answer).where(Answer.inspection_id == inspection.id, Answer.item_id == item.id)
    )


def item_by_code(inspection: Inspection, code: str | None) -> ChecklistItem | None:
    """The item of the inspection's pinned template with this code, if any."""
    if not code or inspection.template_id is None:
        return None
    return db.session.scalar(
        select(ChecklistItem).where(
            ChecklistItem.template_id == inspection.template_id, ChecklistItem.code == code
        )
    )


def _event(finding: Finding, kind: str, body: str, by) -> FindingEvent:
    event = FindingEvent(kind=kind, body=body, author_id=getattr(by, "id", None))
    finding.events.append(event)
    return event


def create_finding(
    inspection: Inspection,
    *,
    severity: Severity,
    description: str,
    corrective_action_required: str,
    due_on: date | None,
    by,
    item: ChecklistItem | None = None,
    requirement: str = "",
    today: date | None = None,
) -> Finding:
    """Raise a finding on an inspection (optionally on one of its checklist items)."""
    today = today or clock.today()
    description = _required(description, _("Cần mô tả phát hiện."))
    action = _required(corrective_action_required, _("Cần nêu hành động khắc phục yêu cầu."))
    severity = Severity(severity)
    if item is not None and item.template_id != inspection.template_id:
        raise FindingError(_("Nội dung kiểm tra không thuộc phiếu của cuộc kiểm tra này."))
    if due_on is None and severity is not Severity.OBSERVATION:
        raise FindingError(_("Cần nhập thời hạn khắc phục."))
    if due_on is not None and due_on < today:
        raise FindingError(_("Thời hạn khắc phục không được trước ngày hôm nay."))
    finding = Finding(
        inspection=inspection,
        item=item,
        severity=severity,
        description=description,
        requirement=_text(requirement)[:255],
        corrective_action_required=action,
        due_on=due_on,
        status=F.OPEN,
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(finding)
    _event(finding, "created", description, by)
    db.session.flush()
    audit.record("create", finding, after=audit.snapshot(finding, AUDITED_FIELDS), user=by)
    notifications.notify_finding_raised(finding)
    return finding


def _move(finding: Finding, action: str, by, change) -> Finding:
    """Apply `change` to the finding and record before → after."""
    before = audit.snapshot(finding, AUDITED_FIELDS)
    # No flush halfway: the check constraints hold only once every field is set.
    with db.session.no_autoflush:
        change()
    db.session.flush()
    old, new = audit.changes(before, audit.snapshot(finding, AUDITED_FIELDS))
    audit.record(action, finding, before=old, after=new, user=by)
    return finding


def respond_to_finding(finding: Finding, root_cause: str, action_taken: str, by) -> Finding:
    """The agency's answer: the root cause and the corrective action taken → responded."""
    if finding.status is F.CLOSED:
        raise FindingError(_("Phát hiện đã được đóng; không thể phản hồi thêm."))
    if finding.status is F.RESPONDED:
        raise FindingError(_("Phát hiện đã được phản hồi và đang chờ đoàn kiểm tra xác minh."))
    root_cause = _required(root_cause, _("Cần nêu nguyên nhân."))
    action_taken = _required(action_taken, _("Cần nêu hành động khắc phục đã thực hiện."))

    def change():
        finding.root_cause = root_cause
        finding.agency_response = action_taken
        finding.responded_at = utcnow()
        finding.responded_by_id = getattr(by, "id", None)
        finding.status = F.RESPONDED
        body = _(
            "Nguyên nhân: %(cause)s\nHành động khắc phục: %(action)s",
            cause=root_cause,
            action=action_taken,
        )
        _event(finding, "responded", body, by)

    return _move(finding, "respond", by, change)


def close_finding(finding: Finding, by, comment: str = "") -> Finding:
    """The team verifies the correction (or accepts an observation) → closed."""
    if finding.status is F.CLOSED:
        raise FindingError(_("Phát hiện này đã được đóng."))
    if finding.status is not F.RESPONDED and finding.severity is not Severity.OBSERVATION:
        raise FindingError(
            _("Chỉ đóng được điểm không phù hợp sau khi cơ quan đã phản hồi hành động khắc phục.")
        )
    comment = _text(comment)

    def change():
        finding.verified_by_id = by.id
        finding.verified_at = utcnow()
        finding.status = F.CLOSED
        _event(finding, "closed", comment or _("Đã xác minh, đóng phát hiện."), by)

    _move(finding, "close", by, change)
    notifications.notify_finding_closed(finding)
    return finding


def reopen_finding(finding: Finding, by, comment: str) -> Finding:
    """The correction is not enough: reopen a responded or closed finding, saying why."""
    if finding.status not in (F.RESPONDED, F.CLOSED):
        raise FindingError(_("Chỉ mở lại được phát hiện đã được phản hồi hoặc đã đóng."))
    comment = _required(comment, _("Cần nêu lý do mở lại."))

    def change():
        finding.status = F.REOPENED
        finding.verified_by_id = None
        finding.verified_at = None
        _event(finding, "reopened", comment, by)

    _move(finding, "reopen", by, change)
    notifications.notify_finding_reopened(finding)
    return finding


def inspection_findings(inspection: Inspection) -> list[Finding]:
    """The inspection's findings, in the order they were raised."""
    return list(
        db.session.scalars(
            select(Finding).where(Finding.inspection_id == inspection.id).order_by(Finding.id)
        )
    )


def is_overdue(finding: Finding, today: date | None = None) -> bool:
    return (
        finding.due_on is not None
        and finding.status is not F.CLOSED
        and finding.due_on < (today or clock.today())
    )


def can_close(finding: Finding) -> bool:
    return finding.status is not F.CLOSED and (
        finding.status is F.RESPONDED or finding.severity is Severity.OBSERVATION
    )


def can_reopen(finding: Finding) -> bool:
    return finding.status in (F.RESPONDED, F.CLOSED)


def can_respond(finding: Finding) -> bool:
    return finding.status in (F.OPEN, F.REOPENED)
