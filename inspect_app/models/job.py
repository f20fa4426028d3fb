"""Background jobs: an import or export that runs on the task queue (DESIGN 5.8)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.extensions import db
from inspect_app.models.base import enum_type, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("done >= 0 AND total >= 0", name="counts_not_negative"),
        CheckConstraint("status <> 'done' OR finished_at IS NOT NULL", name="done_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: public id in URLs (uuid4 hex), so that job numbers do not leak how busy the app is.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    #: `export:tallies`, `import:agencies`, … (inspect_app.jobs.kinds).
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[JobStatus] = mapped_column(
        enum_type(JobStatus, "job_status"), default=JobStatus.QUEUED, index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the kind's parameters (period, year, course id, original file name …).
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: rows done / total at the last progress report the database has seen.
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    #: `row N: reason` lines of a failed import, or one line for any other failure.
    errors: Mapped[list] = mapped_column(JSON, default=list)
    #: a one-line outcome for the job page ("12 new agencies, 3 updated").
    summary: Mapped[str] = mapped_column(String(500), default="")
    #: file name under the job folder, and the name the download gets.
    result_file: Mapped[str | None] = mapped_column(String(255))
    result_name: Mapped[str | None] = mapped_column(String(255))
    #: how many times a worker started it (a killed worker's job is started again).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    owner = relationship("User")

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status.value}>"
