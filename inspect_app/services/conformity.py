"""Conformity announcements (công bố HTQLCL phù hợp TCVN ISO 9001) and the public register.

submitted ──► acknowledged (the department takes note; it supersedes the agency's previous
   │          acknowledged announcement, which stays in the history)
   └────────► returned (with a reason; the agency may submit again)

An agency's register status is `acknowledged` when it has an acknowledged announcement,
`submitted` when its only hope is one awaiting acknowledgement, `none` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    ConformityAnnouncement,
    Standard,
)
from inspect_app.models.agency import REGISTER_ROOT_CODE
from inspect_app.models.base import search_key, utcnow
from inspect_app.services import audit, evidence, notifications
from inspect_app.services.dashboard import conformity_coverage
from inspect_app.services.spreadsheet_safety import csv_bytes

A = AnnouncementStatus
AUDITED_FIELDS = [
    "agency_id",
    "number",
    "announced_on",
    "standard",
    "scope",
    "procedures_count",
    "file_id",
    "status",
    "return_reason",
    "supersedes_id",
    "acknowledged_by_id",
    "acknowledged_at",
]
#: the register's statuses, in the order the filter offers them.
REGISTER_STATUSES = {
    "acknowledged": _l("Đã công bố (Sở đã tiếp nhận)"),
    "submitted": _l("Chờ Sở tiếp nhận"),
    "none": _l("Chưa công bố"),
}
#: register order: provincial departments first, then districts, communes, others.
LEVEL_ORDER = {
    AgencyLevel.PROVINCIAL: 0,
    AgencyLevel.DISTRICT: 1,
    AgencyLevel.COMMUNE: 2,
    AgencyLevel.OTHER: 3,
}
CSV_COLUMNS = ("code", "name", "level", "status", "standard", "announced_on", "number")


class AnnouncementError(DomainError):
    status_code = 422


class AnnouncementConflict(AnnouncementError):
    """A move the workflow forbids (already acknowledged, returned...)."""

    status_code = 409


def normalize_number(number: str | None) -> str:
    """The number as typed, without surrounding or repeated spaces ("125 /QĐ-UBND" kept)."""
    return " ".join((number or "").split())


def _number_key(number: str) -> str:
    return normalize_number(number).casefold()


# --- queries ----------------------------------------------------------------------


def history(agency: Agency) -> list[ConformityAnnouncement]:
    """Every announcement of the agency, newest first."""
    return list(
        db.session.scalars(
            select(ConformityAnnouncement)
            .where(ConformityAnnouncement.agency_id == agency.id)
            .order_by(ConformityAnnouncement.announced_on.desc(), ConformityAnnouncement.id.desc())
        )
    )


def current_acknowledged(agency: Agency) -> ConformityAnnouncement | None:
    """The agency's valid announcement: its latest acknowledged one."""
    return db.session.scalars(
        select(ConformityAnnouncement)
        .where(
            ConformityAnnouncement.agency_id == agency.id,
            ConformityAnnouncement.status == A.ACKNOWLEDGED,
        )
        .order_by(ConformityAnnouncement.announced_on.desc(), ConformityAnnouncement.id.desc())
        .limit(1)
    ).first()


def pending(agency: Agency) -> ConformityAnnouncement | None:
    """The announcement awaiting the department's acknowledgement, if any."""
    return db.session.scalars(
        select(ConformityAnnouncement)
        .where(
            ConformityAnnouncement.agency_id == agency.id,
            ConformityAnnouncement.status == A.SUBMITTED,
        )
        .limit(1)
    ).first()


@dataclass(frozen=True)
class CurrentStatus:
    status: str
    current: ConformityAnnouncement | None
    pending: ConformityAnnouncement | None

    @property
    def label(self) -> str:
        return str(REGISTER_STATUSES[self.status])


def current_status(agency: Agency) -> CurrentStatus:
    """Where the agency stands: its valid announcement and the one awaiting acknowledgement."""
    current, waiting = current_acknowledged(agency), pending(agency)
    if current is not None:
        status = "acknowledged"
    elif waiting is not None:
        status = "submitted"
    else:
        status = "none"
    return CurrentStatus(status, current, waiting)


def awaiting_acknowledgement() -> list[ConformityAnnouncement]:
    """Submitted announcements, oldest first (the department's queue)."""
    return list(
        db.session.scalars(
            select(ConformityAnnouncement)
            .where(ConformityAnnouncement.status == A.SUBMITTED)
            .order_by(ConformityAnnouncement.submitted_at, ConformityAnnouncement.id)
        )
    )


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    level: str = ""
    status: str = ""


def register_rows(filters: RegisterFilters | None = None) -> list:
    """Active agencies with their register status, in one query (no per-row lookups).

    Each row has: id, code, name, level, status, number, announced_on, standard.
    """
    return list(db.session.execute(register_query(filters)))


def register_query(filters: RegisterFilters | None = None):
    """The SELECT behind `register_rows`, in register order, to paginate or stream."""
    filters = filters or RegisterFilters()
    latest = (
        select(
            ConformityAnnouncement.agency_id,
            ConformityAnnouncement.number,
            ConformityAnnouncement.announced_on,
            ConformityAnnouncement.standard,
            func.row_number()
            .over(
                partition_by=ConformityAnnouncement.agency_id,
                order_by=(
                    ConformityAnnouncement.announced_on.desc(),
                    ConformityAnnouncement.id.desc(),
                ),
            )
            .label("rank"),
        )
        .where(ConformityAnnouncement.status == A.ACKNOWLEDGED)
        .subquery()
    )
    waiting = (
        select(ConformityAnnouncement.agency_id)
        .where(ConformityAnnouncement.status == A.SUBMITTED)
        .group_by(ConformityAnnouncement.agency_id)
        .subquery()
    )
    status = case(
        (latest.c.agency_id.is_not(None), "acknowledged"),
        (waiting.c.agency_id.is_not(None), "submitted"),
        else_="none",
    )
    query = (
        select(
            Agency.id,
            Agency.code,
            Agency.name,
            Agency.level,
            status.label("status"),
            latest.c.number,
            latest.c.announced_on,
            latest.c.standard,
        )
        .outerjoin(latest, and_(latest.c.agency_id == Agency.id, latest.c.rank == 1))
        .outerjoin(waiting, waiting.c.agency_id == Agency.id)
        .where(Agency.active_to.is_(None), Agency.code != REGISTER_ROOT_CODE)
        .order_by(case(LEVEL_ORDER, value=Agency.level), Agency.name_key, Agency.code)
    )
    key = search_key(filters.q)
    if key:
        query = query.where(
            or_(
                Agency.name_key.contains(key, autoescape=True),
                func.lower(Agency.code).contains(key, autoescape=True),
            )
        )
    if filters.level:
        query = query.where(Agency.level == AgencyLevel(filters.level))
    if filters.status:
        query = query.where(status == filters.status)
    return query


def coverage() -> dict[str, dict[str, int]]:
    """Active agencies per level and how many have announced (see dashboard)."""
    return conformity_coverage()


def agencies_without_valid_announcement() -> list:
    """Active agencies without an acknowledged announcement (awaiting ones included)."""
    return [row for row in register_rows() if row.status != "acknowledged"]


# --- open data ----------------------------------------------------------------------


def register_record(row) -> dict:
    """One agency as the open data gives it (CONTRACTS 5.4)."""
    return {
        "code": row.code,
        "name": row.name,
        "level": row.level.value,
        "status": row.status,
        "standard": row.standard.value if row.standard is not None else None,
        "announced_on": row.announced_on.isoformat() if row.announced_on else None,
        "number": row.number,
    }


def register_csv(records: list[dict]) -> bytes:
    """The register as CSV: UTF-8 with a BOM, a header row, every field quoted and inert."""
    return csv_bytes(
        CSV_COLUMNS, ([record[column] for column in CSV_COLUMNS] for record in records)
    )


# --- the workflow ----------------------------------------------------------------------


def _required(value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise AnnouncementError(message)
    return value


def duplicate_of(agency: Agency, number: str) -> ConformityAnnouncement | None:
    """An earlier, not returned, announcement of the agency with the same number."""
    key = _number_key(number)
    rows = db.session.scalars(
        select(ConformityAnnouncement).where(
            ConformityAnnouncement.agency_id == agency.id,
            ConformityAnnouncement.status != A.RETURNED,
        )
    )
    return next((row for row in rows if _number_key(row.number) == key), None)


def check_submission(
    agency: Agency, *, number: str, announced_on: date | None, today: date | None = None
) -> None:
    """The rules a new announcement must meet; raises AnnouncementError with a message."""
    today = today or clock.today()
    if announced_on is None:
        raise AnnouncementError(_("Cần nhập ngày ký quyết định công bố."))
    if announced_on > today:
        raise AnnouncementError(_("Ngày ký quyết định công bố không được ở tương lai."))
    existing = duplicate_of(agency, number)
    if existing is not None:
        raise AnnouncementError(
            _(
                "Cơ quan đã gửi công bố số %(number)s (ngày %(day)s); không gửi trùng.",
                number=existing.number,
                day=existing.announced_on.strftime("%d/%m/%Y"),
            )
        )
    if pending(agency) is not None:
        raise AnnouncementError(
            _("Cơ quan đang có một công bố chờ Sở tiếp nhận; hãy chờ kết quả trước khi gửi mới.")
        )
    current = current_acknowledged(agency)
    if current is not None and announced_on <= current.announced_on:
        raise AnnouncementError(
            _(
                "Ngày ký phải sau ngày của công bố hiện hành (số %(number)s, %(day)s).",
                number=current.number,
                day=current.announced_on.strftime("%d/%m/%Y"),
            )
        )


def submit_announcement(
    agency: Agency,
    *,
    number: str,
    announced_on: date | None,
    standard: Standard | str,
    scope: str,
    procedures_count: int | None,
    file,
    by,
    filename: str | None = None,
    today: date | None = None,
) -> ConformityAnnouncement:
    """The agency announces its QMS conformity, with the signed decision attached."""
    number = normalize_number(_required(number, _("Cần nhập số quyết định công bố.")))
    if len(number) > 64:
        raise AnnouncementError(_("Số quyết định tối đa 64 ký tự."))
    try:
        standard = Standard(standard)
    except ValueError:
        raise AnnouncementError(_("Tiêu chuẩn không hợp lệ.")) from None
    scope = _required(scope, _("Cần nêu phạm vi áp dụng HTQLCL."))
    if procedures_count is None or procedures_count < 0:
        raise AnnouncementError(_("Số thủ tục hành chính phải là số nguyên không âm."))
    check_submission(agency, number=number, announced_on=announced_on, today=today)
    if file is None:
        raise AnnouncementError(_("Cần đính kèm quyết định công bố đã ký."))
    # Every check above runs before the file is stored: a refused submission stores nothing.
    stored = evidence.attach_evidence(
        file, filename, purpose="announcement", agency=agency, uploaded_by=by
    )
    announcement = ConformityAnnouncement(
        agency=agency,
        number=number,
        announced_on=announced_on,
        standard=standard,
        scope=scope,
        procedures_count=procedures_count,
        file_id=stored.id,
        status=A.SUBMITTED,
        supersedes=current_acknowledged(agency),
        submitted_by_id=getattr(by, "id", None),
    )
    db.session.add(announcement)
    db.session.flush()
    audit.record(
        "submit", announcement, after=audit.snapshot(announcement, AUDITED_FIELDS), user=by
    )
    return announcement


def _move(announcement: ConformityAnnouncement, action: str, by, change) -> None:
    if announcement.status is not A.SUBMITTED:
        raise AnnouncementConflict(
            _(
                "Công bố này đang ở trạng thái “%(status)s”; chỉ xử lý được công bố chờ tiếp nhận.",
                status=announcement.status.label,
            )
        )
    before = audit.snapshot(announcement, AUDITED_FIELDS)
    with db.session.no_autoflush:
        change()
    db.session.flush()
    old, new = audit.changes(before, audit.snapshot(announcement, AUDITED_FIELDS))
    audit.record(action, announcement, before=old, after=new, user=by)


def acknowledge(announcement: ConformityAnnouncement, by) -> ConformityAnnouncement:
    """The department takes note: the announcement becomes the agency's valid one."""
    previous = current_acknowledged(announcement.agency)

    def change():
        if previous is not None and previous.id != announcement.id:
            announcement.supersedes = previous
        announcement.status = A.ACKNOWLEDGED
        announcement.acknowledged_at = utcnow()
        announcement.acknowledged_by_id = by.id

    _move(announcement, "acknowledge", by, change)
    notifications.notify_announcement_acknowledged(announcement)
    return announcement


def return_announcement(
    announcement: ConformityAnnouncement, by, reason: str
) -> ConformityAnnouncement:
    """The department sends the announcement back, saying why."""
    reason = _required(reason, _("Cần nêu lý do trả lại."))

    def change():
        announcement.status = A.RETURNED
        announcement.return_reason = reason

    _move(announcement, "return", by, change)
    notifications.notify_announcement_returned(announcement)
    return announcement
