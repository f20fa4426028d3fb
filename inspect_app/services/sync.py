"""Offline answer sync (contract 5.4): idempotent, conflict-keeping application of ops.

Every op carries a client-generated op_id. The first outcome of an op_id is stored in
SyncOp, so a replay is answered `duplicate` and never applied twice; the same op_id with
another payload is `rejected`. Writes based on a stale rev never overwrite: they become
an AnswerConflict for the team lead, unless they carry the value the server already has.
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
    ConflictResolution,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Result,
    SyncOp,
)
from inspect_app.models.base import utcnow
from inspect_app.services import audit
from inspect_app.services import inspections as workflow

MAX_OPS_PER_BATCH = 500
MAX_NOTE_LENGTH = 10_000
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

    def payload_hash(self, inspection_id: int) -> str:
        canonical = json.dumps(
            {
                "inspection": inspection_id,
                "item": self.item,
                "result": self.result.value if self.result else None,
                "note": self.note,
                "base_rev": self.base_rev,
            },
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


def _parse_op(index: int, raw: Any, item_codes: set[str]) -> Op:
    where = f"ops[{index}]"
    if not isinstance(raw, dict):
        raise InvalidBatch(f"{where}: expected an object.")
    op_id = raw.get("op_id")
    try:
        if not isinstance(op_id, str) or uuid.UUID(op_id).version != 4:
            raise ValueError
    except ValueError:
        raise InvalidBatch(f"{where}.op_id: expected a UUID4 string.") from None
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
    if isinstance(base_rev, bool) or not isinstance(base_rev, int) or base_rev < 0:
        raise InvalidBatch(f"{where}.base_rev: expected an integer >= 0.")
    client_ts = raw.get("client_ts")
    if client_ts is not None:
        try:
            client_ts = datetime.fromisoformat(str(client_ts).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidBatch(f"{where}.client_ts: expected an ISO 8601 timestamp.") from None
    return Op(op_id, item, result, note.replace("\r\n", "\n"), base_rev, client_ts)


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


def apply_batch(inspection: Inspection, user, ops: list[Op]) -> BatchOutcome:
    """Apply validated ops in order, as one unit of work (the caller commits)."""
    lock_inspection(inspection)
    items = {
        item.code: item
        for item in db.session.scalars(
            select(ChecklistItem).where(ChecklistItem.template_id == inspection.template_id)
        )
    }
    answers = {
        answer.item_id: answer
        for answer in db.session.scalars(
            select(Answer).where(Answer.inspection_id == inspection.id)
        )
    }
    seen = {
        row.op_id: row
        for row in db.session.scalars(
            select(SyncOp).where(SyncOp.op_id.in_([op.op_id for op in ops]))
        )
    }
    outcome = BatchOutcome()
    for op in ops:
        result = _apply_op(inspection, user, op, items[op.item], answers, seen)
        outcome.results.append(result)
        if result["status"] == "applied":
            outcome.applied += 1
    if outcome.applied and (inspection.status, inspection.mode) in AUTO_START:
        workflow.transition(inspection, InspectionStatus.IN_PROGRESS, user, check_actor=False)
    db.session.flush()
    return outcome


def _apply_op(inspection, user, op: Op, item, answers: dict, seen: dict) -> dict:
    digest = op.payload_hash(inspection.id)
    previous = seen.get(op.op_id)
    if previous is not None:
        if previous.payload_hash != digest or previous.inspection_id != inspection.id:
            return _rejected(op, "op_id was already used with a different payload.")
        current = answers.get(item.id)
        return {
            "op_id": op.op_id,
            "status": "duplicate",
            "rev": current.rev if current else 0,
            # what the first delivery of this op did: applied, conflict or rejected.
            "original": previous.status,
        }

    answer = answers.get(item.id)
    if inspection.status in LOCKED:
        outcome = _rejected(op, _locked_message(inspection))
    else:
        outcome = _write(inspection, user, op, item, answer, answers)
    sync_op = SyncOp(
        op_id=op.op_id,
        payload_hash=digest,
        user_id=user.id,
        inspection_id=inspection.id,
        status=outcome["status"],
        rev=outcome.get("rev"),
        error=outcome.get("error"),
    )
    db.session.add(sync_op)
    seen[op.op_id] = sync_op
    return outcome


def _locked_message(inspection: Inspection) -> str:
    if inspection.status is InspectionStatus.CONCLUDED:
        return _("Cuộc kiểm tra đã kết luận; không thể sửa kết quả.")
    return _("Cuộc kiểm tra đã bị hủy; không thể sửa kết quả.")


def _rejected(op: Op, message: str) -> dict:
    return {"op_id": op.op_id, "status": "rejected", "error": message}


def _write(inspection, user, op: Op, item, answer: Answer | None, answers: dict) -> dict:
    current_rev = answer.rev if answer else 0
    if op.base_rev > current_rev:
        return _rejected(op, f"base_rev {op.base_rev} is ahead of the server's rev {current_rev}.")
    if op.base_rev < current_rev:
        if answer.result == op.result and answer.note == op.note:
            # Someone already saved this very value: nothing to keep, nothing to bump.
            return {"op_id": op.op_id, "status": "applied", "rev": current_rev}
        db.session.add(
            AnswerConflict(
                inspection_id=inspection.id,
                item_id=item.id,
                op_id=op.op_id,
                server_result=answer.result,
                server_note=answer.note,
                server_rev=answer.rev,
                client_result=op.result,
                client_note=op.note,
                client_base_rev=op.base_rev,
                client_ts=op.client_ts,
                submitted_by_id=user.id,
            )
        )
        return {
            "op_id": op.op_id,
            "status": "conflict",
            "rev": current_rev,
            "server": answer_view(answer),
        }
    answer = store_answer(inspection, item, answer, op.result, op.note, user, op_id=op.op_id)
    answers[item.id] = answer
    return {"op_id": op.op_id, "status": "applied", "rev": answer.rev}


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


def open_conflicts(inspection: Inspection) -> list[AnswerConflict]:
    return list(
        db.session.scalars(
            select(AnswerConflict)
            .where(
                AnswerConflict.inspection_id == inspection.id,
                AnswerConflict.resolved_at.is_(None),
            )
            .order_by(AnswerConflict.id)
        )
    )


def resolve_conflict(conflict: AnswerConflict, resolution: ConflictResolution, by) -> None:
    """The lead keeps the server's value or takes the offline one; either way it is recorded."""
    if conflict.resolved_at is not None:
        raise DomainError(_("Xung đột này đã được xử lý."))
    inspection = db.session.get(Inspection, conflict.inspection_id)
    if inspection.status in LOCKED:
        raise DomainError(_locked_message(inspection))
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
    conflict.resolution = resolution
    conflict.resolved_by_id = by.id
    conflict.resolved_at = utcnow()
    db.session.flush()
    audit.record(
        "resolve_conflict",
        conflict,
        after={"resolution": resolution.value, "item_id": conflict.item_id},
        user=by,
    )
