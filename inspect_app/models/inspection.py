"""Inspections, their teams, answers, answer history, conflicts and sync operations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import TimestampMixin, enum_type, utcnow
from inspect_app.models.enums import (
    Conclusion,
    ConflictKind,
    ConflictResolution,
    InspectionMode,
    InspectionStatus,
    Result,
)

inspection_members = Table(
    "inspection_members",
    db.metadata,
    Column("inspection_id", ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Inspection(TimestampMixin, db.Model):
    """One agency's inspection within one plan."""

    __tablename__ = "inspections"
    __table_args__ = (
        UniqueConstraint("plan_id", "agency_id", name="uq_inspections_plan_agency"),
        CheckConstraint(
            "(status = 'concluded') = (concluded_on IS NOT NULL)", name="concluded_has_date"
        ),
        CheckConstraint(
            "status <> 'concluded' OR conclusion IS NOT NULL", name="concluded_has_conclusion"
        ),
        CheckConstraint(
            "status NOT IN ('conducted', 'concluded') OR conducted_on IS NOT NULL",
            name="conducted_has_date",
        ),
        CheckConstraint(
            "(status = 'cancelled') = (cancel_reason IS NOT NULL)", name="cancelled_has_reason"
        ),
        CheckConstraint(
            "status NOT IN ('dossier_requested', 'dossier_received') OR mode = 'dossier'",
            name="dossier_states_need_dossier_mode",
        ),
        CheckConstraint(
            "planned_to IS NULL OR planned_from IS NULL OR planned_to >= planned_from",
            name="planned_window",
        ),
        CheckConstraint("rev >= 0", name="rev_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_plans.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    mode: Mapped[InspectionMode] = mapped_column(enum_type(InspectionMode, "inspection_mode"))
    status: Mapped[InspectionStatus] = mapped_column(
        enum_type(InspectionStatus, "inspection_status"),
        default=InspectionStatus.PLANNED,
        index=True,
    )
    planned_from: Mapped[date | None] = mapped_column(Date)
    planned_to: Mapped[date | None] = mapped_column(Date)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: team members from outside the app (one name per line).
    external_members: Mapped[str] = mapped_column(Text, default="")
    template_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_templates.id"))
    dossier_due: Mapped[date | None] = mapped_column(Date)
    #: the documents asked of the agency in dossier mode.
    dossier_request: Mapped[str | None] = mapped_column(Text)
    dossier_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dossier_received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    conducted_on: Mapped[date | None] = mapped_column(Date)
    conclusion: Mapped[Conclusion | None] = mapped_column(enum_type(Conclusion, "conclusion"))
    conclusion_summary: Mapped[str | None] = mapped_column(Text)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    #: number printed on the inspection record (biên bản).
    record_number: Mapped[str | None] = mapped_column(String(64))
    #: the agency's people present, one per line, for the record.
    agency_representatives: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: the amending decision that added this inspection to an approved plan.
    added_by_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    cancelled_by_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    #: optimistic-locking counter, bumped by every change of the inspection or its answers.
    rev: Mapped[int] = mapped_column(Integer, default=0)

    plan = relationship("InspectionPlan", back_populates="inspections")
    agency = relationship("Agency")
    lead = relationship("User", foreign_keys=[lead_id])
    members = relationship("User", secondary=inspection_members, order_by="User.full_name")
    template = relationship("ChecklistTemplate")
    added_by_decision = relationship("Decision", foreign_keys=[added_by_decision_id])
    cancelled_by_decision = relationship("Decision", foreign_keys=[cancelled_by_decision_id])
    answers: Mapped[list[Answer]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )

    @property
    def year(self) -> int:
        return self.plan.year

    def team_user_ids(self) -> set[int]:
        ids = {member.id for member in self.members}
        if self.lead_id is not None:
            ids.add(self.lead_id)
        return ids

    def __repr__(self) -> str:
        return f"<Inspection {self.id} agency={self.agency_id} {self.status.value}>"


class Answer(db.Model):
    """The current answer to one checklist item of one inspection."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("inspection_id", "item_id", name="uq_answers_inspection_item"),
        CheckConstraint("rev >= 1", name="rev_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    #: NULL when a result was cleared (the note may remain).
    result: Mapped[Result | None] = mapped_column(enum_type(Result, "answer_result"))
    note: Mapped[str] = mapped_column(Text, default="")
    rev: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    inspection: Mapped[Inspection] = relationship(back_populates="answers")
    item = relationship("ChecklistItem")
    updated_by = relationship("User")

    def __repr__(self) -> str:
        return f"<Answer insp={self.inspection_id} item={self.item_id} rev={self.rev}>"


class AnswerHistory(db.Model):
    """Append-only log of every value an answer has taken."""

    __tablename__ = "answer_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    rev: Mapped[int] = mapped_column(Integer)
    result: Mapped[Result | None] = mapped_column(enum_type(Result, "history_result"))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the sync operation that made the change, if it came through the API.
    op_id: Mapped[str | None] = mapped_column(String(36))
    #: "sync", "resolve" (conflict resolution) or "web".
    source: Mapped[str] = mapped_column(String(16), default="sync")

    def __repr__(self) -> str:
        return f"<AnswerHistory answer={self.answer_id} rev={self.rev}>"


class AnswerConflict(db.Model):
    """An offline write the server could not simply apply; kept for the lead to resolve.

    Either it was based on an older revision and carries another value (`conflict`), or it
    arrived after the inspection was locked (`late`): nothing an inspector sent is lost.
    """

    __tablename__ = "answer_conflicts"
    __table_args__ = (
        CheckConstraint(
            "(resolved_at IS NULL) = (resolved_by_id IS NULL)", name="resolved_by_and_at"
        ),
        CheckConstraint(
            "(resolved_at IS NULL) = (resolution IS NULL)", name="resolution_when_resolved"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    op_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[ConflictKind] = mapped_column(
        enum_type(ConflictKind, "conflict_kind"), default=ConflictKind.CONFLICT
    )
    server_result: Mapped[Result | None] = mapped_column(
        enum_type(Result, "conflict_server_result")
    )
    server_note: Mapped[str] = mapped_column(Text, default="")
    server_rev: Mapped[int] = mapped_column(Integer)
    client_result: Mapped[Result | None] = mapped_column(
        enum_type(Result, "conflict_client_result")
    )
    client_note: Mapped[str] = mapped_column(Text, default="")
    client_base_rev: Mapped[int] = mapped_column(Integer)
    client_ts: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolution: Mapped[ConflictResolution | None] = mapped_column(
        enum_type(ConflictResolution, "conflict_resolution")
    )
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    item = relationship("ChecklistItem")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])

    def __repr__(self) -> str:
        return f"<AnswerConflict {self.id} insp={self.inspection_id} item={self.item_id}>"


class SyncOp(db.Model):
    """Each offline operation seen by the server, so a replay is answered, not re-applied."""

    __tablename__ = "sync_ops"

    id: Mapped[int] = mapped_column(primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    #: sha256 of the canonical payload; the same op_id with another payload is rejected.
    payload_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    #: the first outcome: applied, conflict or rejected.
    status: Mapped[str] = mapped_column(String(16))
    rev: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    #: what a refused op carried (JSON: item, result, note, base_rev, base_op): the server
    #: keeps the content of what it refuses, not only its hash.
    content: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<SyncOp {self.op_id} {self.status}>"


class DeviceReport(db.Model):
    """What a team member's browser last said about its unsent changes for an inspection.

    Concluding warns while a report says changes wait: they may still arrive.
    """

    __tablename__ = "device_reports"
    __table_args__ = (
        UniqueConstraint("inspection_id", "user_id", "device_id", name="uq_device_reports_device"),
        CheckConstraint("pending >= 0", name="pending_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: a random id the browser keeps in its own storage (one per browser profile).
    device_id: Mapped[str] = mapped_column(String(36))
    #: changes kept on that device and not yet accepted by the server.
    pending: Mapped[int] = mapped_column(Integer, default=0)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<DeviceReport insp={self.inspection_id} user={self.user_id} {self.pending}>"
