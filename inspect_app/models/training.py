"""Training courses on building, maintaining and transitioning quality systems."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from inspect_app.extensions import db
from inspect_app.models.base import enum_type, search_key, utcnow
from inspect_app.models.enums import AgencyLevel, TrainingKind


class TrainingCourse(db.Model):
    __tablename__ = "training_courses"
    __table_args__ = (CheckConstraint("end_on >= start_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[TrainingKind] = mapped_column(enum_type(TrainingKind, "training_kind"))
    start_on: Mapped[date] = mapped_column(Date, index=True)
    end_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(255), default="")
    organizer: Mapped[str] = mapped_column(String(255), default="")
    trainers: Mapped[str] = mapped_column(Text, default="")
    audience_level: Mapped[AgencyLevel | None] = mapped_column(
        enum_type(AgencyLevel, "training_audience_level")
    )
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    decision = relationship("Decision")
    participants: Mapped[list[TrainingParticipant]] = relationship(
        back_populates="course", order_by="TrainingParticipant.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<TrainingCourse {self.title!r} {self.start_on}>"


class TrainingParticipant(db.Model):
    __tablename__ = "training_participants"
    __table_args__ = (
        UniqueConstraint(
            "course_id", "agency_id", "name_key", name="uq_training_participants_person"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("training_courses.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    #: the name without case or diacritics: one person once per course.
    name_key: Mapped[str] = mapped_column(String(255))
    position: Mapped[str] = mapped_column(String(255), default="")
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    #: set when the participant is the agency's ISO officer of that record.
    iso_officer_id: Mapped[int | None] = mapped_column(ForeignKey("iso_officers.id"))
    #: True when invited from the training-needs list, before attendance is known.
    invited: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    course: Mapped[TrainingCourse] = relationship(back_populates="participants")
    agency = relationship("Agency")
    iso_officer = relationship("IsoOfficer")

    @validates("name")
    def _set_name_key(self, _key: str, value: str) -> str:
        self.name_key = search_key(value)
        return value

    def __repr__(self) -> str:
        return f"<TrainingParticipant {self.name!r} course={self.course_id}>"
