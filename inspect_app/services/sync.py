"""Offline answer sync (CONTRACTS 5.4): idempotent, conflict-keeping application of ops.

Every op carries a client-generated op_id. The first outcome of an op_id is stored in
SyncOp, so a replay is answered `duplicate` and never applied twice; the same op_id with
another payload is `rejected`. Writes based on a stale rev never overwrite: they become
an AnswerConflict for the team lead, unless they carry the value the server already has,
or they follow (`base_op`) the very op that wrote the current value: one's own later edit
is never a conflict with one's own earlier one, even when the answer to the earlier was
lost. Nothing sent is lost: an op refused because the inspection is locked is kept as a
`late` AnswerConflict for the lead, and every refused op keeps its content in SyncOp.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Answer,
    AnswerConflict,
    AnswerHistory,
    ChecklistItem,
    ConflictKind,
    ConflictResolution,
    DeviceReport,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Result,
    SyncOp,
)
from inspect_app.models.base import utcnow
from inspect_app.services import audit, inspection_workflow

MAX_OPS_PER_BATCH = 500
MAX_NOTE_LENGTH = 10_000
#: revs are stored as 32-bit integers.
MAX_REV = 2**31 - 1
#: a device clock outside these years is wrong, and such a date would not fit every column.
CLIENT_TS_YEARS = (1970, 2200)
LOCKED = (InspectionStatus.CONCLUDED, InspectionStatus.CANCELLED)
#: the first applied answer starts these inspections.
AUTO_START = {
    (InspectionStatus.PLANNED, InspectionMode.ON_SITE),
    (InspectionStatus.DOSSIER_RECEIVED, InspectionMode.DOSSIER),
}


class InvalidBatch(DomainError):
    """The request itself is malformed (answered 400/422; nothing is applied)."""

    status_code = 422


@dataclass(frozen=True)
class Op:
    op_id: str
    item: str
    result: Result | None
    note: str
    base_rev: int
    client_ts: datetime | None
    #: the op of the same person that this edit follows, while that op's outcome is unknown.
    base_op: str | None = None

    def content(self) -> dict[str, Any]:
        body = {
            "item": self.item,
            "result": self.result.value if self.result else None,
            "note": self.note,
            "base_rev": self.base_rev,
        }
        if self.base_op:
            body["base_op"] = self.base_op
        return body

    def payload_hash(self, inspection_id: int) -> str:
        # base_op only when present, so that ops sent before it existed keep their hash.
        canonical = json.dumps(
            {"inspection": inspection_id, **self.content()},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class BatchOutcome:
    results: list[dict[str, Any]] = field(default_factory=list)
    applied: int = 0


def parse_batch(payload: Any, item_codes: set[str]) -> list[Op]:
    """Validate the whole request before anything is applied."""
    if not isinstance(payload, dict) or not isinstance(payload.get("ops"), list):
        raise InvalidBatch('Expected a JSON object {"ops": [...]}.')
    raw_ops = payload["ops"]
    if len(raw_ops) > MAX_OPS_PER_BATCH:
        raise InvalidBatch(f"At most {MAX_OPS_PER_BATCH} ops per request.")
    return [_parse_op(index, raw, item_codes) for index, raw in enumerate(raw_ops)]


def is_uuid4(value: Any) -> bool:
    """Only the canonical form (lower-case, hyphenated): one op has one spelling."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return parsed.version == 4 and str(parsed) == value


def _parse_op(index: int, raw: Any, item_codes: set[str]) -> Op:
    where = f"ops[{index}]"
    if not isinstance(raw, dict):
        raise InvalidBatch(f"{where}: expected an object.")
    op_id = raw.get("op_id")
    if not is_uuid4(op_id):
        raise InvalidBatch(
            f"{where}.op_id: expected a UUID4 in canonical form (lower-case, hyphenated)."
        )
    base_op = raw.get("base_op")
    if base_op is not None and (not is_uuid4(base_op) or base_op == op_id):
        raise InvalidBatch(f"{where}.base_op: expected the UUID4 of an earlier op, or null.")
    item = raw.get("item")
    if not isinstance(item, str) or item not in item_codes:
        raise InvalidBatch(f"{where}.item: unknown checklist item {item!r}.")
    result = raw.get("result")
    if result is not None:
        try:
            result = Result(result)
        except (ValueError, TypeError):
            raise InvalidBatch(
                f"{where}.result: expected one of {[r.value for r in Result]} or null."
            ) from None
    note = raw.get("note", "")
    if note is None:
        note = ""
    if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH:
        raise InvalidBatch(f"{where}.note: expected a string of at most {MAX_NOTE_LENGTH}.")
    base_rev = raw.get("base_rev")
    if isinstance(base_rev, bool) or not isinstance(base_rev, int) or not 0 <= base_rev <= MAX_REV:
        raise InvalidBatch(f"{where}.base_rev: expected an integer from 0 to {MAX_REV}.")
    client_ts = raw.get("client_ts")
    if client_ts is not None:
        try:
            client_ts = datetime.fromisoformat(str(client_ts).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidBatch(f"{where}.client_ts: expected an ISO 8601 timestamp.") from None
        if not CLIENT_TS_YEARS[0] <= client_ts.year <= CLIENT_TS_YEARS[1]:
            raise InvalidBatch(
                f"{where}.client_ts: the year must be from {CLIENT_TS_YEARS[0]} "
                f"to {CLIENT_TS_YEARS[1]}."
            )
    return Op(op_id, item, result, note.replace("\r\n", "\n"), base_rev, client_ts, base_op)


def answer_view(answer: Answer | None) -> dict | None:
    if answer is None:
        return None
    return {
        "result": answer.result.value if answer.result else None,
        "note": answer.note,
        "rev": answer.rev,
        "updated_at": answer.updated_at.isoformat() if answer.updated_at else None,
        "updated_by": answer.updated_by.username if answer.updated_by else None,
    }


def lock_inspection(inspection: Inspection) -> None:
    """Serialise batches on one inspection: take its row's write lock first, then re-read.

    On SQLite the UPDATE opens the write transaction before any read of the batch; on
    PostgreSQL it locks the row until commit. Either way no two batches interleave.
    """
    db.session.execute(
        update(Inspection).where(Inspection.id == inspection.id).values(rev=Inspection.rev)
    )
    db.session.refresh(inspection)


@dataclass
class BatchContext:
    """What one batch reads once: the template's items, current answers, seen ops, and
    the open conflicts by (item, submitter), so that applying 500 ops stays a few queries."""

    inspection: Inspection
    user: Any
    items: dict[str, ChecklistItem]
    answers: dict[int, Answer]
    seen: dict[str, SyncOp]
    open_by_item: dict[tuple[int, int | None], list[AnswerConflict]]


def apply_batch(inspection: Inspection, user, ops: list[Op]) -> BatchOutcome:
    """Apply validated ops in order, as one unit of work (the caller commits)."""
    lock_inspection(inspection)
    context = BatchContext(
        inspection=inspection,
        user=user,
        items={
            item.code: item
            for item in db.session.scalars(
                select(ChecklistItem).where(ChecklistItem.template_id == inspection.template_id)
            )
        },
        answers={
            answer.item_id: answer
            for answer in db.session.scalars(
                select(Answer).where(Answer.inspection_id == inspection.id)
            )
        },
        seen={
            row.op_id: row
            for row in db.session.scalars(
                select(SyncOp).where(SyncOp.op_id.in_([op.op_id for op in ops]))
            )
        },
        open_by_item={},
    )
    for conflict in inspection_workflow.open_conflicts(inspection):
        key = (conflict.item_id, conflict.submitted_by_id)
        context.open_by_item.setdefault(key, []).append(conflict)
    outcome = BatchOutcome()
    for op in ops:
        result = _apply_op(context, op, context.items[op.item])
        outcome.results.append(result)
        if result["status"] == "applied":
            outcome.applied += 1
    if outcome.applied and (inspection.status, inspection.mode) in AUTO_START:
        inspection_workflow.transition(
            inspection, InspectionStatus.IN_PROGRESS, user, check_actor=False
        )
    db.session.flush()
    return outcome


def _apply_op(context: BatchContext, op: Op, item: ChecklistItem) -> dict:
    inspection, user = context.inspection, context.user
    digest = op.payload_hash(inspection.id)
    previous = context.seen.get(op.op_id)
    if previous is not None:
        if previous.payload_hash != digest or previous.inspection_id != inspection.id:
            return _rejected(op, _("Mã thao tác (op_id) đã được dùng cho một nội dung khác."))
        current = context.answers.get(item.id)
        answer = {
            "op_id": op.op_id,
            "status": "duplicate",
            "rev": current.rev if current else 0,
            # what the first delivery of this op did: applied, conflict or rejected.
            "original": previous.status,
        }
        if previous.rev is not None and previous.rev != answer["rev"]:
            # the revision this op produced, when others have changed the answer since.
            answer["op_rev"] = previous.rev
        return answer

    answer = context.answers.get(item.id)
    if inspection.status in LOCKED:
        outcome = _rejected(op, _locked_message(inspection))
        _keep_for_lead(context, op, item, answer, ConflictKind.LATE)
    else:
        outcome = _write(context, op, item, answer)
    sync_op = SyncOp(
        op_id=op.op_id,
        payload_hash=digest,
        user_id=user.id,
        inspection_id=inspection.id,
        status=outcome["status"],
        rev=outcome.get("rev"),
        error=outcome.get("error"),
        content=(
            json.dumps(op.content(), ensure_ascii=False)
            if outcome["status"] == "rejected"
            else None
        ),
    )
    db.session.add(sync_op)
    context.seen[op.op_id] = sync_op
    return outcome


def _locked_message(inspection: Inspection) -> str:
    if inspection.status is InspectionStatus.CONCLUDED:
        return _("Cuộc kiểm tra đã kết luận; không thể sửa kết quả.")
    return _("Cuộc kiểm tra đã bị hủy; không thể sửa kết quả.")


def _rejected(op: Op, message: str) -> dict:
    return {"op_id": op.op_id, "status": "rejected", "error": message}


def _write(context: BatchContext, op: Op, item: ChecklistItem, answer: Answer | None) -> dict:
    current_rev = answer.rev if answer else 0
    if op.base_rev > current_rev:
        return _rejected(
            op,
            _(
                "Bản sửa dựa trên phiên bản %(base)d, mới hơn phiên bản %(rev)d trên máy chủ.",
                base=op.base_rev,
                rev=current_rev,
            ),
        )
    if op.base_rev < current_rev and not _follows(op, answer):
        if answer.result == op.result and answer.note == op.note:
            # Someone already saved this very value: nothing to keep, nothing to bump.
            _supersede(context, item, context.user)
            return {"op_id": op.op_id, "status": "applied", "rev": current_rev}
        _keep_for_lead(context, op, item, answer, ConflictKind.CONFLICT)
        return {
            "op_id": op.op_id,
            "status": "conflict",
            "rev": current_rev,
            "server": answer_view(answer),
        }
    answer = store_answer(
        context.inspection, item, answer, op.result, op.note, context.user, op_id=op.op_id
    )
    context.answers[item.id] = answer
    # This person's newer value is now the server's: their open conflicts on it are moot.
    _supersede(context, item, context.user)
    return {"op_id": op.op_id, "status": "applied", "rev": answer.rev}


def _follows(op: Op, answer: Answer | None) -> bool:
    """Whether the answer's current value was written by the op this edit follows."""
    if not op.base_op or answer is None:
        return False
    last_op = db.session.scalar(
        select(AnswerHistory.op_id).where(
            AnswerHistory.answer_id == answer.id, AnswerHistory.rev == answer.rev
        )
    )
    return last_op == op.base_op


def _keep_for_lead(
    context: BatchContext, op: Op, item: ChecklistItem, answer: Answer | None, kind: ConflictKind
) -> None:
    """Keep a value the server could not apply, replacing the sender's older one for the item."""
    _supersede(context, item, context.user)
    conflict = AnswerConflict(
        inspection_id=context.inspection.id,
        item_id=item.id,
        op_id=op.op_id,
        kind=kind,
        server_result=answer.result if answer else None,
        server_note=answer.note if answer else "",
        server_rev=answer.rev if answer else 0,
        client_result=op.result,
        client_note=op.note,
        client_base_rev=op.base_rev,
        client_ts=op.client_ts,
        submitted_by_id=context.user.id,
    )
    db.session.add(conflict)
    context.open_by_item[(item.id, context.user.id)] = [conflict]


def _supersede(context: BatchContext, item: ChecklistItem, user) -> None:
    user_id, now = user.id, utcnow()
    for conflict in context.open_by_item.pop((item.id, user_id), []):
        _mark_resolved(conflict, ConflictResolution.SUPERSEDED, user_id, now)


def _mark_resolved(conflict: AnswerConflict, resolution, user_id: int, now: datetime) -> None:
    # The three together: the database checks that they are set together.
    conflict.resolved_by_id, conflict.resolved_at, conflict.resolution = user_id, now, resolution


def store_answer(
    inspection: Inspection,
    item: ChecklistItem,
    answer: Answer | None,
    result: Result | None,
    note: str,
    user,
    *,
    op_id: str | None = None,
    source: str = "sync",
) -> Answer:
    """Write a new revision of an answer and its history row."""
    now = utcnow()
    if answer is None:
        answer = Answer(inspection_id=inspection.id, item_id=item.id, rev=0)
        db.session.add(answer)
    answer.result = result
    answer.note = note
    answer.rev += 1
    answer.updated_by_id = user.id
    answer.updated_at = now
    db.session.flush()
    db.session.add(
        AnswerHistory(
            answer_id=answer.id,
            rev=answer.rev,
            result=result,
            note=note,
            changed_by_id=user.id,
            changed_at=now,
            op_id=op_id,
            source=source,
        )
    )
    inspection.rev += 1
    return answer


@dataclass(frozen=True)
class ConflictRow:
    """An open conflict beside the item's current value (what "keep" keeps)."""

    conflict: AnswerConflict
    current: Answer | None


def conflict_rows(inspection: Inspection) -> list[ConflictRow]:
    conflicts = inspection_workflow.open_conflicts(inspection)
    item_ids = {conflict.item_id for conflict in conflicts}
    query = select(Answer).where(
        Answer.inspection_id == inspection.id, Answer.item_id.in_(item_ids)
    )
    answers = {answer.item_id: answer for answer in db.session.scalars(query)} if item_ids else {}
    return [ConflictRow(c, answers.get(c.item_id)) for c in conflicts]


def conflicts_view(inspection: Inspection, user, *, everyone: bool) -> list[dict]:
    """Open conflicts for the API: all of them for the lead, else the caller's own."""
    return [
        {
            "id": conflict.id,
            "item": conflict.item.code,
            "kind": conflict.kind.value,
            "op_id": conflict.op_id,
            "submitted_by": conflict.submitted_by.username if conflict.submitted_by else None,
            "client": {
                "result": conflict.client_result.value if conflict.client_result else None,
                "note": conflict.client_note,
            },
            "created_at": conflict.created_at.isoformat(),
        }
        for conflict in inspection_workflow.open_conflicts(inspection)
        if everyone or conflict.submitted_by_id == user.id
    ]


def resolve_conflict(conflict: AnswerConflict, resolution: ConflictResolution, by) -> None:
    """The lead keeps the current value or takes the offline one; either way it is recorded.

    Keeping is allowed on a locked inspection (a late answer is then acknowledged); taking
    a late answer needs the inspection reopened first.
    """
    if conflict.resolved_at is not None:
        raise DomainError(_("Xung đột này đã được xử lý."))
    if resolution is ConflictResolution.SUPERSEDED:
        raise DomainError(_("Cách xử lý không hợp lệ."))
    inspection = db.session.get(Inspection, conflict.inspection_id)
    if resolution is ConflictResolution.TAKE_CLIENT and inspection.status in LOCKED:
        raise DomainError(
            _locked_message(inspection)
            + " "
            + _("Quản trị cần mở lại cuộc kiểm tra trước khi lấy giá trị này.")
        )
    lock_inspection(inspection)
    if resolution is ConflictResolution.TAKE_CLIENT:
        answer = db.session.scalar(
            select(Answer).where(
                Answer.inspection_id == inspection.id, Answer.item_id == conflict.item_id
            )
        )
        item = db.session.get(ChecklistItem, conflict.item_id)
        store_answer(
            inspection,
            item,
            answer,
            conflict.client_result,
            conflict.client_note,
            by,
            op_id=conflict.op_id,
            source="resolve",
        )
    _mark_resolved(conflict, resolution, by.id, utcnow())
    db.session.flush()
    audit.record(
        "resolve_conflict",
        conflict,
        after={"resolution": resolution.value, "item_id": conflict.item_id},
        user=by,
    )


# ---- what devices say they still hold ------------------------------------------------


def report_device(inspection: Inspection, user, device_id: str, pending: int) -> DeviceReport:
    """Record how many changes a team member's browser still holds for this inspection."""
    report = db.session.scalar(
        select(DeviceReport).where(
            DeviceReport.inspection_id == inspection.id,
            DeviceReport.user_id == user.id,
            DeviceReport.device_id == device_id,
        )
    )
    if report is None:
        report = DeviceReport(inspection_id=inspection.id, user_id=user.id, device_id=device_id)
        db.session.add(report)
    report.pending = pending
    report.reported_at = utcnow()
    db.session.flush()
    return report


def parse_device_report(payload: Any) -> tuple[str, int] | None:
    """The optional `device` and `pending` of a request body, validated; None when absent."""
    if not isinstance(payload, dict) or payload.get("device") is None:
        return None
    device, pending = payload.get("device"), payload.get("pending")
    if not is_uuid4(device):
        raise InvalidBatch("device: expected a UUID4 string.")
    if isinstance(pending, bool) or not isinstance(pending, int) or not 0 <= pending <= 1_000_000:
        raise InvalidBatch("pending: expected an integer >= 0.")
    return device, pending
