"""Agencies (cơ quan hành chính nhà nước) and their ISO officers over time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from inspect_app.extensions import db
from inspect_app.models.base import TimestampMixin, enum_type, search_key
from inspect_app.models.enums import AgencyLevel

#: the province's People's Committee: the root of the register, which the departments and
#: communes report to; it is not itself inspected, so registers and coverage leave it out.
REGISTER_ROOT_CODE = "UBND-TINH"


class Agency(TimestampMixin, db.Model):
    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint(
            "active_to IS NULL OR active_from IS NULL OR active_to >= active_from",
            name="active_period",
        ),
        CheckConstraint(
            "merged_into_id IS NULL OR (merged_on IS NOT NULL AND active_to IS NOT NULL)",
            name="merge_has_date",
        ),
        CheckConstraint(
            "merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_self"
        ),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_agencies_level_name_key", "level", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    #: name without case or diacritics, for search ("tinh khe" finds "Tịnh Khê").
    name_key: Mapped[str] = mapped_column(String(255), index=True)
    level: Mapped[AgencyLevel] = mapped_column(enum_type(AgencyLevel, "agency_level"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    address: Mapped[str | None] = mapped_column(String(500))
    #: first day the agency existed in this form; NULL when it predates our records.
    active_from: Mapped[date | None] = mapped_column(Date)
    #: last day of activity; NULL while active (district level ended 2025-06-30).
    active_to: Mapped[date | None] = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    #: the day the merger took effect (the successor's first day).
    merged_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Agency | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Agency]] = relationship(foreign_keys=[parent_id], back_populates="parent")
    merged_into: Mapped[Agency | None] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )
    officers: Mapped[list[IsoOfficer]] = relationship(
        back_populates="agency",
        order_by="IsoOfficer.since.desc()",
        cascade="all, delete-orphan",
    )

    @validates("name")
    def _set_name_key(self, _key: str, value: str) -> str:
        self.name_key = search_key(value)
        return value

    def is_active_on(self, day: date) -> bool:
        """Whether the agency existed on the given day."""
        started = self.active_from is None or self.active_from <= day
        return started and (self.active_to is None or day <= self.active_to)

    @property
    def is_active(self) -> bool:
        return self.active_to is None

    @property
    def current_officer(self) -> IsoOfficer | None:
        return next((o for o in self.officers if o.until is None), None)

    def __repr__(self) -> str:
        return f"<Agency {self.code} {self.name!r}>"


class IsoOfficer(db.Model):
    """One period during which a person was the agency's ISO officer (often part-time)."""

    __tablename__ = "iso_officers"
    __table_args__ = (CheckConstraint("until IS NULL OR until >= since", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    since: Mapped[date] = mapped_column(Date)
    #: NULL for the current officer.
    until: Mapped[date | None] = mapped_column(Date)
    #: ISO work is usually a side duty (kiêm nhiệm).
    part_time: Mapped[bool] = mapped_column(Boolean, default=True)

    agency: Mapped[Agency] = relationship(back_populates="officers")

    def __repr__(self) -> str:
        return f"<IsoOfficer {self.name!r} of agency {self.agency_id} since {self.since}>"
