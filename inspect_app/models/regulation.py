"""Regulation-change tracker: legal documents, agencies' ISO processes and the TTHC in scope.

A process cites legal documents (its legal bases); a later document that replaces or amends
one of them makes the process stale from the day it takes effect until a newer version of
the process is recorded (DESIGN 5.11).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import enum_type, utcnow
from inspect_app.models.enums import LegalChange, LegalDocumentKind

#: the legal documents a process's current version cites.
process_legal_bases = Table(
    "process_legal_bases",
    db.metadata,
    Column("process_id", ForeignKey("iso_processes.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("legal_documents.id"), primary_key=True, index=True),
)


class LegalDocument(db.Model):
    """A legal or administrative document (văn bản QPPL, quyết định, ...)."""

    __tablename__ = "legal_documents"
    __table_args__ = (
        CheckConstraint("effective_on >= signed_on", name="effective_after_signing"),
        CheckConstraint(
            "expires_on IS NULL OR expires_on >= effective_on", name="expires_after_effective"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: as printed, e.g. "34/2016/NĐ-CP".
    number: Mapped[str] = mapped_column(String(64))
    #: the number without case or spaces; unique ("599/QĐ-UBND" = "599 / qđ-ubnd").
    number_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[LegalDocumentKind] = mapped_column(
        enum_type(LegalDocumentKind, "legal_document_kind")
    )
    summary: Mapped[str] = mapped_column(Text)
    #: number, summary and issuer without case or diacritics, for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(255), default="")
    signed_on: Mapped[date] = mapped_column(Date)
    effective_on: Mapped[date] = mapped_column(Date)
    #: last day in force, when known (hết hiệu lực).
    expires_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    #: what this document replaces or amends.
    changes: Mapped[list[LegalDocumentChange]] = relationship(
        foreign_keys="LegalDocumentChange.document_id",
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="LegalDocumentChange.id",
    )
    #: the later documents that replace or amend this one.
    changed_by: Mapped[list[LegalDocumentChange]] = relationship(
        foreign_keys="LegalDocumentChange.target_id",
        back_populates="target",
        order_by="LegalDocumentChange.effective_on",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<LegalDocument {self.number} effective {self.effective_on}>"


class LegalDocumentChange(db.Model):
    """`document` replaces or amends `target` from `effective_on` (the document's date)."""

    __tablename__ = "legal_document_changes"
    __table_args__ = (
        UniqueConstraint("document_id", "target_id", name="uq_legal_document_changes_pair"),
        CheckConstraint("document_id <> target_id", name="not_self"),
        Index("ix_legal_document_changes_target_effective", "target_id", "effective_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("legal_documents.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id"))
    change: Mapped[LegalChange] = mapped_column(enum_type(LegalChange, "legal_change"))
    #: the changing document's effective date, kept here so the stale query needs no join.
    effective_on: Mapped[date] = mapped_column(Date)

    document: Mapped[LegalDocument] = relationship(
        foreign_keys=[document_id], back_populates="changes"
    )
    target: Mapped[LegalDocument] = relationship(
        foreign_keys=[target_id], back_populates="changed_by"
    )

    def __repr__(self) -> str:
        return f"<LegalDocumentChange {self.document_id} {self.change} {self.target_id}>"


class IsoProcess(db.Model):
    """One process of an agency's ISO catalogue (danh mục quy trình ISO)."""

    __tablename__ = "iso_processes"
    __table_args__ = (
        UniqueConstraint("agency_id", "code", name="uq_iso_processes_agency_code"),
        CheckConstraint(
            "stale_since IS NULL OR stale_since > version_date", name="stale_after_version"
        ),
        Index("ix_iso_processes_stale_since", "stale_since", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    #: the current version's date (ngày ban hành); the stale rule compares with it.
    version_date: Mapped[date] = mapped_column(Date)
    #: the current version's issue number (lần ban hành), as written.
    version_number: Mapped[str] = mapped_column(String(32), default="")
    #: the earliest effective date, after version_date, of a change to one of the legal
    #: bases (whether or not it is in effect yet); stale on day D when stale_since <= D.
    #: Kept by services.regulations.refresh_stale_since whenever bases, versions or
    #: changes move, so the stale list and counts read one indexed column.
    stale_since: Mapped[date | None] = mapped_column(Date)
    #: search key of the name of the TTHC this process handles, if any.
    procedure_key: Mapped[str | None] = mapped_column(String(500), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agency = relationship("Agency")
    legal_bases: Mapped[list[LegalDocument]] = relationship(
        secondary=process_legal_bases, order_by="LegalDocument.signed_on"
    )
    versions: Mapped[list[ProcessVersion]] = relationship(
        back_populates="process",
        cascade="all, delete-orphan",
        order_by="ProcessVersion.issued_on.desc()",
    )

    def __repr__(self) -> str:
        return f"<IsoProcess {self.code} agency={self.agency_id} {self.version_date}>"


class ProcessVersion(db.Model):
    """A version of a process as issued (ngày ban hành, lần ban hành), append-only."""

    __tablename__ = "process_versions"
    __table_args__ = (
        UniqueConstraint("process_id", "issued_on", name="uq_process_versions_process_date"),
        Index("ix_process_versions_process_issued", "process_id", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("iso_processes.id", ondelete="CASCADE"))
    issued_on: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(32), default="")
    #: the legal bases' numbers as this version cited them, "; "-separated.
    legal_bases: Mapped[str] = mapped_column(Text, default="")
    file_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_files.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    process: Mapped[IsoProcess] = relationship(back_populates="versions")
    file = relationship("EvidenceFile")

    def __repr__(self) -> str:
        return f"<ProcessVersion process={self.process_id} {self.issued_on}>"


class AdministrativeProcedure(db.Model):
    """A TTHC an agency handles, as announced by a decision of the Chủ tịch UBND tỉnh."""

    __tablename__ = "administrative_procedures"
    __table_args__ = (
        UniqueConstraint(
            "agency_id", "document_id", "name_key", name="uq_administrative_procedures_entry"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: the announcing decision (in the legal documents register).
    document_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    #: the name without case or diacritics: a process covers the TTHC whose key it holds.
    name_key: Mapped[str] = mapped_column(String(500), index=True)
    #: the procedure's field (lĩnh vực), as the decision groups them.
    field: Mapped[str] = mapped_column(String(255), default="")
    #: position in the decision's list.
    position: Mapped[int] = mapped_column(Integer, default=0)

    agency = relationship("Agency")
    document: Mapped[LegalDocument] = relationship()

    def __repr__(self) -> str:
        return f"<AdministrativeProcedure {self.name_key[:30]} agency={self.agency_id}>"


class RegulationNotice(db.Model):
    """An agency was told that a document made some of its processes stale (sent once)."""

    __tablename__ = "regulation_notices"
    __table_args__ = (
        UniqueConstraint("agency_id", "document_id", name="uq_regulation_notices_agency_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id", ondelete="CASCADE"))
    #: how many processes the notice listed.
    processes: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<RegulationNotice agency={self.agency_id} document={self.document_id}>"
