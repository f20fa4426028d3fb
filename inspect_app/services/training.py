"""The training register: courses, participants, attendance, the summary and training needs.

Services flush and never commit; the view or command that calls them commits once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, case, extract, func, or_, select
from sqlalchemy.orm import selectinload

from inspect_app import clock
from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Decision,
    IsoOfficer,
    TrainingCourse,
    TrainingKind,
    TrainingParticipant,
)
from inspect_app.models.base import search_key
from inspect_app.services import agencies, audit
from inspect_app.services.bounds import row_ids
from inspect_app.services.pagination import Page, paginate

COURSE_FIELDS = [
    "title",
    "kind",
    "start_on",
    "end_on",
    "location",
    "organizer",
    "trainers",
    "audience_level",
    "decision_id",
]
PARTICIPANT_FIELDS = [
    "course_id",
    "agency_id",
    "name",
    "position",
    "attended",
    "iso_officer_id",
    "invited",
]
TITLE_MAX, NAME_MAX, TEXT_MAX = 500, 255, 255
#: the name of an invitee when the agency has no ISO officer on record.
PLACEHOLDER_NAME = "Cán bộ phụ trách ISO"
#: the summary's default period: the last four years, this one included.
SUMMARY_YEARS = 4
#: the day the 2025 reform took effect (district level abolished, communes merged).
MERGER_DAY = date(2025, 7, 1)
MERGER_YEAR = 2025
#: reasons an agency needs training (TrainingNeed.reasons).
NEED_OFFICER = "officer"
NEED_MERGER = "merger"


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# -- courses ---------------------------------------------------------------------------------


def _course_values(
    *,
    title: str,
    kind: TrainingKind,
    start_on: date,
    end_on: date,
    location: str | None = "",
    organizer: str | None = "",
    trainers: str | None = "",
    audience_level: AgencyLevel | None = None,
    decision: Decision | None = None,
) -> dict:
    """Checked, trimmed course fields, or DomainError naming what is wrong."""
    title = agencies.clean(title) or ""
    if not title:
        raise DomainError(_("Tên khóa đào tạo không được để trống."))
    if len(title) > TITLE_MAX:
        raise DomainError(_("Tên khóa đào tạo dài quá %(n)d ký tự.", n=TITLE_MAX))
    if start_on is None or end_on is None:
        raise DomainError(_("Cần nhập ngày bắt đầu và ngày kết thúc của khóa đào tạo."))
    if end_on < start_on:
        raise DomainError(
            _(
                "Ngày kết thúc (%(end)s) không được trước ngày bắt đầu (%(start)s).",
                end=_day(end_on),
                start=_day(start_on),
            )
        )
    return {
        "title": title,
        "kind": TrainingKind(kind),
        "start_on": start_on,
        "end_on": end_on,
        "location": agencies.clean(location) or "",
        "organizer": agencies.clean(organizer) or "",
        "trainers": (trainers or "").strip(),
        "audience_level": AgencyLevel(audience_level) if audience_level else None,
        "decision": decision,
    }


def create_course(**values) -> TrainingCourse:
    """Add a course to the register (see `_course_values` for the fields)."""
    course = TrainingCourse(**_course_values(**values))
    db.session.add(course)
    db.session.flush()
    audit.record("create", course, after=audit.snapshot(course, COURSE_FIELDS))
    return course


def update_course(course: TrainingCourse, **values) -> bool:
    """Correct a course; participants are relinked to ISO officers when the dates move."""
    checked = _course_values(**values)
    before = audit.snapshot(course, COURSE_FIELDS)
    for key, value in checked.items():
        setattr(course, key, value)
    db.session.flush()
    old, new = audit.changes(before, audit.snapshot(course, COURSE_FIELDS))
    if new:
        audit.record("update", course, before=old, after=new)
    if "start_on" in new or "end_on" in new:
        relink_officers(course)
    return bool(new)


def course_query(year: int | None = None, kind: TrainingKind | None = None) -> Select:
    """Courses of a year (by start date) and kind, newest first."""
    query = select(TrainingCourse)
    if year is not None:
        query = query.where(extract("year", TrainingCourse.start_on) == year)
    if kind is not None:
        query = query.where(TrainingCourse.kind == kind)
    return query.order_by(TrainingCourse.start_on.desc(), TrainingCourse.id.desc())


def courses_in_period(first_year: int, last_year: int) -> list[TrainingCourse]:
    """Courses whose start date falls in the years, oldest first, participants loaded."""
    return list(
        db.session.scalars(
            select(TrainingCourse)
            .where(
                TrainingCourse.start_on >= date(first_year, 1, 1),
                TrainingCourse.start_on <= date(last_year, 12, 31),
            )
            .options(selectinload(TrainingCourse.participants))
            .order_by(TrainingCourse.start_on, TrainingCourse.id)
        )
    )


def course_years() -> list[int]:
    """Years that have courses, newest first."""
    starts = db.session.scalars(select(TrainingCourse.start_on)).all()
    return sorted({day.year for day in starts}, reverse=True)


def participant_counts(course_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(participants, attended) per course id."""
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(
            TrainingParticipant.course_id,
            func.count(),
            func.sum(case((TrainingParticipant.attended.is_(True), 1), else_=0)),
        )
        .where(TrainingParticipant.course_id.in_(course_ids))
        .group_by(TrainingParticipant.course_id)
    ).all()
    counts = dict.fromkeys(course_ids, (0, 0))
    counts.update({course_id: (total, int(present or 0)) for course_id, total, present in rows})
    return counts


def decision_choices() -> list[Decision]:
    """Decisions an admin may name as a course's approving decision, newest first."""
    return list(
        db.session.scalars(select(Decision).order_by(Decision.signed_on.desc(), Decision.id.desc()))
    )


# -- agencies and ISO officers ---------------------------------------------------------------


def active_during(agency: Agency, start_on: date, end_on: date) -> bool:
    """Whether the agency existed on some day of the course."""
    started = agency.active_from is None or agency.active_from <= end_on
    return started and (agency.active_to is None or agency.active_to >= start_on)


def find_agency(ref: str | None, start_on: date, end_on: date) -> tuple[Agency | None, str | None]:
    """The agency a participant row names (code, else name), or None and why not.

    A name shared by several agencies picks the one active during the course; when still
    ambiguous the user is asked for the code.
    """
    ref = agencies.clean(ref)
    if not ref:
        return None, _("thiếu cơ quan.")
    agency = agencies.agency_by_code(ref)
    if agency is None:
        matches = list(db.session.scalars(select(Agency).where(Agency.name_key == search_key(ref))))
        during = [a for a in matches if active_during(a, start_on, end_on)]
        candidates = during or matches
        if len(candidates) > 1:
            return None, _("tên cơ quan “%(ref)s” khớp nhiều cơ quan, hãy ghi mã cơ quan.", ref=ref)
        agency = candidates[0] if candidates else None
    if agency is None:
        return None, _("không tìm thấy cơ quan “%(ref)s” trong danh sách cơ quan.", ref=ref)
    if not active_during(agency, start_on, end_on):
        return None, _(
            "cơ quan %(name)s không hoạt động trong thời gian của khóa đào tạo.", name=agency.name
        )
    return agency, None


def matching_officer(agency: Agency, name: str, start_on: date, end_on: date) -> IsoOfficer | None:
    """The agency's ISO officer record for this person (same name without case or
    diacritics) whose period overlaps the course, if any."""
    key = search_key(name)
    for officer in agency.officers:
        overlaps = officer.since <= end_on and (officer.until is None or officer.until >= start_on)
        if overlaps and search_key(officer.name) == key:
            return officer
    return None


# -- participants ----------------------------------------------------------------------------


def find_participant(
    course: TrainingCourse, agency: Agency, name: str
) -> TrainingParticipant | None:
    """The course's participant from this agency with this name (without case/diacritics)."""
    key = search_key(name)
    return next(
        (p for p in course.participants if p.agency_id == agency.id and p.name_key == key), None
    )


def duplicate_message(name: str, agency: Agency) -> str:
    return _(
        "%(name)s (%(agency)s) đã có trong danh sách học viên của khóa đào tạo.",
        name=name,
        agency=agency.name,
    )


def add_participant(
    course: TrainingCourse,
    *,
    agency: Agency,
    name: str,
    position: str | None = "",
    attended: bool = False,
    invited: bool = False,
) -> TrainingParticipant:
    """Add a person to the course, linked to the agency's ISO officer record when it is them."""
    name = agencies.clean(name) or ""
    if not name:
        raise DomainError(_("Họ và tên học viên không được để trống."))
    if len(name) > NAME_MAX:
        raise DomainError(_("Họ và tên dài quá %(n)d ký tự.", n=NAME_MAX))
    position = agencies.clean(position) or ""
    if len(position) > TEXT_MAX:
        raise DomainError(_("Chức vụ dài quá %(n)d ký tự.", n=TEXT_MAX))
    if not active_during(agency, course.start_on, course.end_on):
        raise DomainError(
            _(
                "Cơ quan %(name)s không hoạt động trong thời gian của khóa đào tạo.",
                name=agency.name,
            )
        )
    if find_participant(course, agency, name) is not None:
        raise DomainError(duplicate_message(name, agency))
    participant = TrainingParticipant(
        agency=agency,
        name=name,
        position=position,
        attended=bool(attended),
        invited=bool(invited),
        iso_officer=matching_officer(agency, name, course.start_on, course.end_on),
    )
    course.participants.append(participant)
    db.session.flush()
    audit.record("create", participant, after=audit.snapshot(participant, PARTICIPANT_FIELDS))
    return participant


def remove_participant(participant: TrainingParticipant) -> None:
    """Take a person off the course (a mistaken entry)."""
    participant_id = participant.id
    before = audit.snapshot(participant, PARTICIPANT_FIELDS)
    participant.course.participants.remove(participant)
    db.session.flush()
    audit.record(
        "delete", object_type="training_participants", object_id=participant_id, before=before
    )


def set_attendance(
    course: TrainingCourse, present_ids: set[int], shown_ids: set[int] | None = None
) -> int:
    """Mark exactly the participants in `present_ids` as present; returns how many changed.

    `shown_ids` limits the change to the participants the form showed (one page of a long
    list); the others keep their attendance. None means every participant.
    """
    changed = 0
    for participant in course.participants:
        if shown_ids is not None and participant.id not in shown_ids:
            continue
        attended = participant.id in present_ids
        if participant.attended is attended:
            continue
        participant.attended = attended
        changed += 1
        audit.record(
            "update",
            participant,
            before={"attended": not attended},
            after={"attended": attended},
        )
    db.session.flush()
    return changed


#: a course page lists every candidate agency up to this many; past it, the field asks the
#: server for the agencies matching what the user types (`suggest_candidates`).
CANDIDATE_LIMIT = 300
SUGGEST_LIMIT = 20
PARTICIPANTS_PER_PAGE = 100


def candidate_query(course: TrainingCourse, text: str | None = None) -> Select:
    """Agencies a participant may come from (active now and already during the course),
    matching `text` as the agency search does, by level then name."""
    return agencies.agency_query(text, active=True).where(
        or_(Agency.active_from.is_(None), Agency.active_from <= course.end_on)
    )


def course_candidates(course: TrainingCourse) -> list[Agency] | None:
    """Every candidate agency by name, or None when there are more than CANDIDATE_LIMIT."""
    query = candidate_query(course)
    if db.session.scalar(select(func.count()).select_from(query.subquery())) > CANDIDATE_LIMIT:
        return None
    return list(db.session.scalars(query))


def suggest_candidates(course: TrainingCourse, text: str | None) -> list[Agency]:
    """The first candidate agencies whose name or code contains `text` (any diacritics)."""
    if not search_key(text):
        return []
    return list(db.session.scalars(candidate_query(course, text).limit(SUGGEST_LIMIT)))


def participant_page(course: TrainingCourse, number: int) -> Page:
    """One page of the course's participants, with their agency and ISO officer."""
    query = (
        select(TrainingParticipant)
        .where(TrainingParticipant.course_id == course.id)
        .options(
            selectinload(TrainingParticipant.agency), selectinload(TrainingParticipant.iso_officer)
        )
        .order_by(TrainingParticipant.id)
    )
    return paginate(query, number, PARTICIPANTS_PER_PAGE)


def relink_officers(course: TrainingCourse) -> None:
    """Link (or unlink) each participant to the ISO officer record they match now."""
    for participant in course.participants:
        officer = matching_officer(
            participant.agency, participant.name, course.start_on, course.end_on
        )
        if participant.iso_officer_id != (officer.id if officer else None):
            before = {"iso_officer_id": participant.iso_officer_id}
            participant.iso_officer = officer
            db.session.flush()
            audit.record(
                "update",
                participant,
                before=before,
                after={"iso_officer_id": participant.iso_officer_id},
            )


def invite_agencies(course: TrainingCourse, invitees: list[Agency]) -> list[TrainingParticipant]:
    """Invite each agency's current ISO officer (or a placeholder name) to the course."""
    added = []
    for agency in invitees:
        officer = agency.current_officer
        name = officer.name if officer else PLACEHOLDER_NAME
        if find_participant(course, agency, name) is not None:
            continue
        added.append(
            add_participant(
                course,
                agency=agency,
                name=name,
                position=(officer.position if officer else "") or "",
                attended=False,
                invited=True,
            )
        )
    return added


# -- summary ---------------------------------------------------------------------------------


def default_period(today: date | None = None) -> tuple[int, int]:
    """The last four years, this one included."""
    year = (today or clock.today()).year
    return year - SUMMARY_YEARS + 1, year


@dataclass
class LevelCounts:
    """Participants, those present, and distinct agencies reached, for one agency level."""

    participants: int = 0
    attended: int = 0
    agencies: int = 0

    def to_dict(self) -> dict:
        return {
            "participants": self.participants,
            "attended": self.attended,
            "agencies": self.agencies,
        }


@dataclass
class TrainingSummary:
    """What the department trained in a period (courses whose start date is in it).

    `agencies_reached` counts distinct agencies with at least one participant present.
    Every kind and every level appears, with zeros when nothing happened.
    """

    first_year: int
    last_year: int
    courses: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    participants: int = 0
    attended: int = 0
    agencies_reached: int = 0
    by_level: dict[str, LevelCounts] = field(default_factory=dict)
    #: per year of the period, ascending: {"year", "courses", "participants", "attended"}.
    by_year: list[dict] = field(default_factory=list)

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.participants if self.participants else None

    def to_dict(self) -> dict:
        return {
            "from": self.first_year,
            "to": self.last_year,
            "courses": self.courses,
            "by_kind": dict(self.by_kind),
            "participants": self.participants,
            "attended": self.attended,
            "agencies_reached": self.agencies_reached,
            "by_level": {level: counts.to_dict() for level, counts in self.by_level.items()},
            "by_year": [dict(row) for row in self.by_year],
        }


def summary(first_year: int, last_year: int) -> TrainingSummary:
    """Courses by kind, participants, attendance and agencies reached (by level) in the years."""
    if first_year > last_year:
        raise DomainError(_("Năm bắt đầu phải không sau năm kết thúc."))
    result = TrainingSummary(first_year, last_year)
    result.by_kind = {kind.value: 0 for kind in TrainingKind}
    result.by_level = {level.value: LevelCounts() for level in AgencyLevel}
    years = {
        year: {"year": year, "courses": 0, "participants": 0, "attended": 0}
        for year in range(first_year, last_year + 1)
    }
    start, end = date(first_year, 1, 1), date(last_year, 12, 31)
    in_period = (TrainingCourse.start_on >= start, TrainingCourse.start_on <= end)
    for kind, start_on in db.session.execute(
        select(TrainingCourse.kind, TrainingCourse.start_on).where(*in_period)
    ):
        result.courses += 1
        result.by_kind[kind.value] += 1
        years[start_on.year]["courses"] += 1
    reached: dict[str, set[int]] = defaultdict(set)
    rows = db.session.execute(
        select(
            TrainingCourse.start_on,
            Agency.level,
            TrainingParticipant.agency_id,
            TrainingParticipant.attended,
        )
        .join(TrainingParticipant.course)
        .join(TrainingParticipant.agency)
        .where(*in_period)
    )
    for start_on, level, agency_id, attended in rows:
        counts = result.by_level[level.value]
        counts.participants += 1
        result.participants += 1
        years[start_on.year]["participants"] += 1
        if attended:
            counts.attended += 1
            result.attended += 1
            years[start_on.year]["attended"] += 1
            reached[level.value].add(agency_id)
    for level, ids in reached.items():
        result.by_level[level].agencies = len(ids)
    result.agencies_reached = sum(len(ids) for ids in reached.values())
    result.by_year = [years[year] for year in sorted(years)]
    return result


# -- training needs --------------------------------------------------------------------------


@dataclass
class TrainingNeed:
    """An agency that needs training, and why."""

    agency: Agency
    officer: IsoOfficer | None
    #: NEED_OFFICER and/or NEED_MERGER.
    reasons: list[str] = field(default_factory=list)
    #: for the merger rule: the first day of the agency in its new form.
    formed_on: date | None = None
    #: the start of the agency's last course with someone present, if any.
    last_trained_on: date | None = None

    @property
    def reason_labels(self) -> list[str]:
        return [reason_label(reason) for reason in self.reasons]

    @property
    def level(self) -> AgencyLevel:
        return self.agency.level


def reason_label(reason: str) -> str:
    return {
        NEED_OFFICER: _("Cán bộ ISO hiện tại chưa được đào tạo từ khi nhận nhiệm vụ"),
        NEED_MERGER: _("Cơ quan hình thành sau sắp xếp năm 2025 chưa được đào tạo"),
    }.get(reason, reason)


def _merger_starts(today: date) -> dict[int, date]:
    """Active agencies formed by the 2025 merger, with their first day in the new form."""
    starts: dict[int, date] = {}
    formed = select(Agency.id, Agency.active_from).where(
        Agency.active_from >= MERGER_DAY,
        or_(Agency.active_to.is_(None), Agency.active_to >= today),
    )
    for agency_id, active_from in db.session.execute(formed):
        starts[agency_id] = active_from
    absorbed = (
        select(Agency.merged_into_id, func.min(Agency.merged_on))
        .where(
            Agency.merged_into_id.is_not(None),
            Agency.merged_on >= date(MERGER_YEAR, 1, 1),
            Agency.merged_on <= date(MERGER_YEAR, 12, 31),
        )
        .group_by(Agency.merged_into_id)
    )
    for agency_id, merged_on in db.session.execute(absorbed):
        starts.setdefault(agency_id, merged_on)
    return starts


@dataclass(slots=True)
class NeedRow:
    """A need before its agency is loaded: what the page filters, counts and orders by."""

    agency_id: int
    level: AgencyLevel
    reasons: list[str]
    formed_on: date | None
    last_trained_on: date | None


def need_rows(today: date | None = None) -> list[NeedRow]:
    """Active agencies that need training, by level then name (rules: `training_needs`).

    Read as plain rows (12,000 agencies at national scale): the agencies and officers are
    loaded as objects only for the needs a page shows (`hydrate_needs`)."""
    today = today or clock.today()
    merger_starts = _merger_starts(today)
    # Core execution: these rows are plain tuples, not ORM entities.
    execute = db.session.connection().execute
    attended: dict[int, list[tuple[date, str, int | None]]] = defaultdict(list)
    for agency_id, start_on, name_key, officer_id in execute(
        select(
            TrainingParticipant.agency_id,
            TrainingCourse.start_on,
            TrainingParticipant.name_key,
            TrainingParticipant.iso_officer_id,
        )
        .join(TrainingParticipant.course)
        .where(TrainingParticipant.attended.is_(True))
    ):
        attended[agency_id].append((start_on, name_key, officer_id))
    # the current officer as Agency.current_officer picks it: no end date, latest start first
    current = (
        select(IsoOfficer.agency_id, IsoOfficer.id, IsoOfficer.name, IsoOfficer.since)
        .where(IsoOfficer.until.is_(None))
        .order_by(IsoOfficer.agency_id, IsoOfficer.since.desc(), IsoOfficer.id)
    )
    officers: dict[int, tuple[int, str, date]] = {}
    for agency_id, officer_id, name, since in execute(current):
        officers.setdefault(agency_id, (officer_id, name, since))
    active = execute(
        select(Agency.id, Agency.level)
        .where(or_(Agency.active_to.is_(None), Agency.active_to >= today))
        .order_by(agencies.level_order(), Agency.name_key, Agency.id)
    )
    rows = []
    for agency_id, level in active:
        history = attended.get(agency_id, ())
        officer = officers.get(agency_id)
        reasons = []
        if officer is not None:
            officer_id, name, since = officer
            since_then = [
                (name_key, linked) for start, name_key, linked in history if start >= since
            ]
            trained = any(linked == officer_id for _key, linked in since_then) or (
                bool(since_then) and search_key(name) in {key for key, _l in since_then}
            )
            if not trained:
                reasons.append(NEED_OFFICER)
        formed_on = merger_starts.get(agency_id)
        if formed_on is not None and not any(start >= formed_on for start, _k, _o in history):
            reasons.append(NEED_MERGER)
        if reasons:
            last = max((start for start, _k, _o in history), default=None)
            rows.append(NeedRow(agency_id, level, reasons, formed_on, last))
    return rows


def hydrate_needs(rows: list[NeedRow]) -> list[TrainingNeed]:
    """The needs with their agency and current officer loaded (in the rows' order)."""
    ids = [row.agency_id for row in rows]
    loaded: dict[int, Agency] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        query = select(Agency).where(Agency.id.in_(chunk)).options(selectinload(Agency.officers))
        loaded.update((agency.id, agency) for agency in db.session.scalars(query))
    needs = []
    for row in rows:
        agency = loaded[row.agency_id]
        needs.append(
            TrainingNeed(
                agency=agency,
                officer=agency.current_officer,
                reasons=row.reasons,
                formed_on=row.formed_on,
                last_trained_on=row.last_trained_on,
            )
        )
    return needs


def training_needs(today: date | None = None) -> list[TrainingNeed]:
    """Active agencies that need training, by level then name.

    - officer rule: the current ISO officer has been present at no course that started on
      or after the day they took the role (a participant linked to that officer record, or
      of the same name at that agency);
    - merger rule: the agency was formed by the 2025 merger (active from 01/07/2025 or
      later, or other agencies were merged into it in 2025) and nobody from it has been
      present at a course since.
    """
    return hydrate_needs(need_rows(today))


def filter_needs(needs: list, *, reason: str | None = None, level: AgencyLevel | None = None):
    """The needs (or need rows) with this reason and at this level (None: any)."""
    return [
        need
        for need in needs
        if (reason is None or reason in need.reasons) and (level is None or need.level is level)
    ]


NEEDS_PER_PAGE = 100


def needs_page(rows: list[NeedRow], number: int) -> Page:
    """One page of need rows, its needs loaded."""
    page = Page([], number, NEEDS_PER_PAGE, len(rows))
    page.number = min(number, page.pages)
    start = page.first_index - 1
    page.items = hydrate_needs(rows[start : start + NEEDS_PER_PAGE])
    return page


def invitable_agencies(agency_ids: list[int]) -> list[Agency]:
    """The agencies among these ids that are still active, by level then name."""
    agency_ids = row_ids(agency_ids)
    if not agency_ids:
        return []
    return list(
        db.session.scalars(
            select(Agency)
            .where(
                Agency.id.in_(agency_ids),
                or_(Agency.active_to.is_(None), Agency.active_to >= clock.today()),
            )
            .options(selectinload(Agency.officers))
            .order_by(agencies.level_order(), Agency.name_key, Agency.id)
        )
    )
