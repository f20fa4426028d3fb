"""The agency register: create, edit, deactivate, merge, ISO officers, search."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    ConformityAnnouncement,
    Inspection,
    InspectionPlan,
    IsoOfficer,
    TrainingCourse,
    TrainingParticipant,
)
from inspect_app.models.base import search_key
from inspect_app.services import audit
from inspect_app.services.bounds import paginate

#: how high in the administrative hierarchy a level sits; OTHER fits anywhere.
LEVEL_RANK = {AgencyLevel.PROVINCIAL: 0, AgencyLevel.DISTRICT: 1, AgencyLevel.COMMUNE: 2}
AGENCY_FIELDS = ["code", "name", "level", "parent_id", "address", "active_from", "note"]
OFFICER_FIELDS = ["name", "position", "phone", "email", "since", "until", "part_time"]
PER_PAGE = 25


def clean(text: str | None) -> str | None:
    """Trimmed text with single spaces, or None when blank."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text or None


def agency_by_code(code: str | None) -> Agency | None:
    """The agency with this code, compared without case or surrounding spaces."""
    code = clean(code)
    if not code:
        return None
    return db.session.scalar(select(Agency).where(func.lower(Agency.code) == code.lower()))


def code_taken(code: str, agency: Agency | None = None) -> bool:
    """Whether another agency than `agency` already uses this code."""
    other = agency_by_code(code)
    return other is not None and (agency is None or other.id != agency.id)


def is_descendant(candidate: Agency, ancestor: Agency) -> bool:
    """Whether `candidate` sits somewhere below `ancestor` in the parent chain."""
    seen: set[int] = set()
    node = candidate.parent
    while node is not None and id(node) not in seen:
        if node is ancestor:
            return True
        seen.add(id(node))
        node = node.parent
    return False


def parent_level_problem(level: AgencyLevel, parent_level: AgencyLevel) -> str | None:
    """Why an agency of `level` cannot sit under one of `parent_level`, or None."""
    if level is AgencyLevel.COMMUNE and parent_level not in (
        AgencyLevel.DISTRICT,
        AgencyLevel.PROVINCIAL,
    ):
        return _("Cơ quan cấp xã phải trực thuộc cơ quan cấp huyện hoặc cấp tỉnh.")
    rank, parent_rank = LEVEL_RANK.get(level), LEVEL_RANK.get(parent_level)
    if rank is not None and parent_rank is not None and parent_rank > rank:
        return _(
            "Cơ quan cấp trên không được ở cấp thấp hơn (%(parent)s dưới %(level)s).",
            parent=parent_level.label,
            level=level.label,
        )
    return None


def parent_problem(agency: Agency | None, parent: Agency | None, level: AgencyLevel) -> str | None:
    """Why `parent` cannot be the parent of `agency` (None when new), or None when fine."""
    if parent is None:
        return None
    if agency is not None and (parent is agency or parent.id == agency.id):
        return _("Một cơ quan không thể là cơ quan cấp trên của chính nó.")
    if agency is not None and is_descendant(parent, agency):
        return _("Cơ quan cấp trên không được là cơ quan trực thuộc của cơ quan này.")
    return parent_level_problem(level, parent.level)


def _check(agency: Agency | None, code: str, name: str, parent: Agency | None, level) -> None:
    if not code:
        raise DomainError(_("Mã cơ quan không được để trống."))
    if not name:
        raise DomainError(_("Tên cơ quan không được để trống."))
    if code_taken(code, agency):
        raise DomainError(_("Mã cơ quan %(code)s đã được dùng.", code=code))
    problem = parent_problem(agency, parent, level)
    if problem:
        raise DomainError(problem)


def create_agency(
    *,
    code: str,
    name: str,
    level: AgencyLevel,
    parent: Agency | None = None,
    address: str | None = None,
    active_from: date | None = None,
    note: str | None = None,
) -> Agency:
    """Add an agency to the register."""
    code, name, level = clean(code) or "", clean(name) or "", AgencyLevel(level)
    _check(None, code, name, parent, level)
    agency = Agency(
        code=code,
        name=name,
        level=level,
        parent=parent,
        address=clean(address),
        active_from=active_from,
        note=(note or "").strip() or None,
    )
    db.session.add(agency)
    db.session.flush()
    audit.record("create", agency, after=audit.snapshot(agency, AGENCY_FIELDS))
    return agency


def update_agency(
    agency: Agency,
    *,
    code: str,
    name: str,
    level: AgencyLevel,
    parent: Agency | None = None,
    address: str | None = None,
    active_from: date | None = None,
    note: str | None = None,
) -> bool:
    """Change the agency's details; returns whether anything changed."""
    code, name, level = clean(code) or "", clean(name) or "", AgencyLevel(level)
    _check(agency, code, name, parent, level)
    if active_from and agency.active_to and active_from > agency.active_to:
        raise DomainError(_("Ngày bắt đầu hoạt động phải trước ngày ngừng hoạt động."))
    before = audit.snapshot(agency, AGENCY_FIELDS)
    agency.code, agency.name, agency.level, agency.parent = code, name, level, parent
    agency.address, agency.active_from = clean(address), active_from
    agency.note = (note or "").strip() or None
    db.session.flush()
    old, new = audit.changes(before, audit.snapshot(agency, AGENCY_FIELDS))
    if new:
        audit.record("update", agency, before=old, after=new)
    return bool(new)


def _check_last_day(agency: Agency, last_day: date) -> None:
    if not agency.is_active:
        raise DomainError(
            _("Cơ quan đã ngừng hoạt động từ sau ngày %(day)s.", day=_day(agency.active_to))
        )
    if agency.active_from and last_day < agency.active_from:
        raise DomainError(
            _(
                "Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động (%(day)s).",
                day=_day(agency.active_from),
            )
        )


def deactivate_agency(agency: Agency, last_day: date) -> None:
    """End the agency's activity after `last_day`; its history stays as it was."""
    _check_last_day(agency, last_day)
    before = audit.snapshot(agency, ["active_to"])
    agency.active_to = last_day
    db.session.flush()
    audit.record("deactivate", agency, before=before, after=audit.snapshot(agency, ["active_to"]))


def merge_agency(agency: Agency, into: Agency, merged_on: date) -> None:
    """Merge `agency` into `into` from `merged_on`; past inspections stay with `agency`."""
    if into is agency or into.id == agency.id:
        raise DomainError(_("Không thể sáp nhập một cơ quan vào chính nó."))
    if not into.is_active_on(merged_on):
        raise DomainError(
            _(
                "Cơ quan tiếp nhận %(name)s không hoạt động vào ngày %(day)s.",
                name=into.name,
                day=_day(merged_on),
            )
        )
    _check_last_day(agency, merged_on - timedelta(days=1))
    fields = ["active_to", "merged_into_id", "merged_on"]
    before = audit.snapshot(agency, fields)
    agency.active_to = merged_on - timedelta(days=1)
    agency.merged_into = into
    agency.merged_on = merged_on
    db.session.flush()
    audit.record("merge", agency, before=before, after=audit.snapshot(agency, fields))


def set_officer(
    agency: Agency,
    *,
    name: str,
    since: date,
    position: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    part_time: bool = True,
) -> IsoOfficer:
    """Record the agency's ISO officer from `since`, closing the previous officer's period.

    The same person again (name without case or diacritics) only updates the contacts.
    """
    name = clean(name) or ""
    if not name:
        raise DomainError(_("Tên cán bộ phụ trách ISO không được để trống."))
    details = {
        "position": clean(position),
        "phone": clean(phone),
        "email": clean(email),
        "part_time": part_time,
    }
    current = agency.current_officer
    if current is not None and search_key(current.name) == search_key(name):
        before = audit.snapshot(current, OFFICER_FIELDS)
        current.name = name
        for key, value in details.items():
            setattr(current, key, value)
        db.session.flush()
        old, new = audit.changes(before, audit.snapshot(current, OFFICER_FIELDS))
        if new:
            audit.record("update", current, before=old, after=new)
        return current
    if current is not None:
        if since < current.since:
            raise DomainError(
                _(
                    "Ngày bắt đầu không được trước ngày bắt đầu của cán bộ hiện tại (%(day)s).",
                    day=_day(current.since),
                )
            )
        before = audit.snapshot(current, ["until"])
        # The previous officer served until the day before (or the same day, for a same-day swap).
        current.until = max(current.since, since - timedelta(days=1))
        db.session.flush()
        audit.record("update", current, before=before, after=audit.snapshot(current, ["until"]))
    officer = IsoOfficer(agency=agency, name=name, since=since, **details)
    db.session.add(officer)
    db.session.flush()
    audit.record("create", officer, after=audit.snapshot(officer, OFFICER_FIELDS))
    return officer


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# -- reading ---------------------------------------------------------------------------------


def has_acknowledged_announcement():
    """SQL condition: the agency has an acknowledged conformity announcement."""
    return exists().where(
        ConformityAnnouncement.agency_id == Agency.id,
        ConformityAnnouncement.status == AnnouncementStatus.ACKNOWLEDGED,
    )


def level_order():
    """Sort key: provincial, district, commune, then other."""
    return case(dict(LEVEL_RANK), value=Agency.level, else_=3)


def agency_query(
    text: str | None = None,
    *,
    level: AgencyLevel | None = None,
    active: bool | None = None,
    announced: bool | None = None,
) -> Select:
    """Agencies matching the search text (any case, with or without diacritics) and filters."""
    query = select(Agency)
    key = search_key(text)
    if key:
        query = query.where(
            or_(
                Agency.name_key.contains(key, autoescape=True),
                func.lower(Agency.code).contains(key, autoescape=True),
            )
        )
    if level is not None:
        query = query.where(Agency.level == level)
    if active is True:
        query = query.where(Agency.active_to.is_(None))
    elif active is False:
        query = query.where(Agency.active_to.is_not(None))
    if announced is True:
        query = query.where(has_acknowledged_announcement())
    elif announced is False:
        query = query.where(~has_acknowledged_announcement())
    return query.order_by(level_order(), Agency.name_key, Agency.id)


def search_agencies(text=None, *, page: int = 1, per_page: int = PER_PAGE, **filters):
    """One page of `agency_query` results."""
    query = agency_query(text, **filters).options(
        selectinload(Agency.parent), selectinload(Agency.officers), selectinload(Agency.merged_into)
    )
    return paginate(query, page, per_page)


def announced_ids(agency_ids: list[int]) -> set[int]:
    """Which of these agencies have an acknowledged conformity announcement."""
    if not agency_ids:
        return set()
    rows = db.session.scalars(
        select(ConformityAnnouncement.agency_id).where(
            ConformityAnnouncement.agency_id.in_(agency_ids),
            ConformityAnnouncement.status == AnnouncementStatus.ACKNOWLEDGED,
        )
    )
    return set(rows)


def parent_candidates() -> list[Agency]:
    """Active agencies that other agencies usually sit under (provincial and district)."""
    return list(
        db.session.scalars(
            select(Agency)
            .where(
                Agency.active_to.is_(None),
                Agency.level.in_([AgencyLevel.PROVINCIAL, AgencyLevel.DISTRICT]),
            )
            .order_by(level_order(), Agency.name_key)
        )
    )


def active_agencies() -> list[Agency]:
    return list(
        db.session.scalars(
            select(Agency).where(Agency.active_to.is_(None)).order_by(Agency.name_key)
        )
    )


def past_inspections(agency: Agency) -> list[Inspection]:
    """The agency's inspections, most recent plan year first."""
    return list(
        db.session.scalars(
            select(Inspection)
            .join(Inspection.plan)
            .where(Inspection.agency_id == agency.id)
            .order_by(InspectionPlan.year.desc(), Inspection.id.desc())
        )
    )


def announcements(agency: Agency) -> list[ConformityAnnouncement]:
    return list(
        db.session.scalars(
            select(ConformityAnnouncement)
            .where(ConformityAnnouncement.agency_id == agency.id)
            .order_by(ConformityAnnouncement.announced_on.desc())
        )
    )


def training_attendance(agency: Agency) -> list[TrainingParticipant]:
    return list(
        db.session.scalars(
            select(TrainingParticipant)
            .join(TrainingParticipant.course)
            .where(TrainingParticipant.agency_id == agency.id)
            .order_by(TrainingCourse.start_on.desc(), TrainingParticipant.name_key)
        )
    )


def merged_from(agency: Agency) -> list[Agency]:
    """Agencies that were merged into this one."""
    return list(
        db.session.scalars(
            select(Agency).where(Agency.merged_into_id == agency.id).order_by(Agency.name_key)
        )
    )
