"""Demo content for follow-up (DESIGN 5.10): deadlines that fall in the coming weeks.

Part of `seed-demo`: inspections of the current year already concluded, whose corrective
actions are due soon or overdue (some answered, waiting for verification), dossier requests
due around today, a conflict waiting for the lead, a returned announcement, and e-mail
addresses on the reserved `.example` domain for the demo users and every current ISO officer
(one of them mistyped, so the admin's queue shows it). Every row is created once: running
the seed again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import (
    AnnouncementStatus,
    Answer,
    AnswerConflict,
    Conclusion,
    ConformityAnnouncement,
    Finding,
    FindingEvent,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    IsoOfficer,
    PlanStatus,
    Result,
    Role,
    Severity,
    Standard,
    User,
)
from inspect_app.services.users import create_user

#: reserved for examples (RFC 2606): nothing is ever delivered to it by mistake.
MAIL_DOMAIN = "quangngai.example"
STAFF_DOMAIN = f"skhcn.{MAIL_DOMAIN}"
#: the officer whose address was typed without its domain's suffix.
MISTYPED_OFFICER_AGENCY = "SO-DTTG"
SECOND_AGENCY_USER = "agency2"
SECOND_AGENCY_NAME = "Xã Sơn Tịnh"
CONFLICT_OP_ID = "5e1f0c4a-7d3b-4c2e-9a1f-0d5c3b2a1e00"
DOSSIER_REQUEST = (
    "Đề nghị cơ quan gửi báo cáo tình hình duy trì, cải tiến HTQLCL năm nay, danh mục quy "
    "trình đang áp dụng, kết quả đánh giá nội bộ và biên bản xem xét của lãnh đạo."
)


@dataclass(frozen=True)
class FindingSpec:
    item: str
    severity: Severity
    description: str
    action: str
    #: days from today to the due date (negative: overdue).
    due_in: int
    responded: bool = False


@dataclass(frozen=True)
class ConcludedSpec:
    #: an agency code, or the vietnam-provinces name of one of today's communes.
    agency: str
    mode: InspectionMode
    #: days before today it was conducted.
    days_ago: int
    findings: tuple[FindingSpec, ...]


S = Severity
CONCLUDED = (
    ConcludedSpec("SO-NV", InspectionMode.ON_SITE, 60, (
        FindingSpec("9.2", S.MAJOR, "Chưa thực hiện đánh giá nội bộ theo kế hoạch năm.",
                    "Thực hiện đánh giá nội bộ toàn bộ HTQLCL và báo cáo kết quả.", -12),
        FindingSpec("7.5", S.OBSERVATION, "Còn tài liệu lỗi thời tại bộ phận một cửa.",
                    "Thu hồi tài liệu lỗi thời, cập nhật danh mục tài liệu.", 9),
    )),
    ConcludedSpec("SO-TC", InspectionMode.ON_SITE, 45, (
        FindingSpec("A.2", S.MINOR, "Ba quy trình còn viện dẫn thông tư đã được thay thế.",
                    "Cập nhật các quy trình theo văn bản đang có hiệu lực.", 2),
    )),
    ConcludedSpec("SO-GDDT", InspectionMode.DOSSIER, 40, (
        FindingSpec("9.3", S.MINOR, "Chưa tổ chức họp xem xét của lãnh đạo trong năm.",
                    "Tổ chức xem xét của lãnh đạo, lập biên bản đầy đủ.", -3, responded=True),
        FindingSpec("6.2", S.OBSERVATION, "Mục tiêu chất lượng chưa đo lường được.",
                    "Xây dựng mục tiêu chất lượng có chỉ tiêu cụ thể.", 20),
    )),
    ConcludedSpec("VP-UBND", InspectionMode.ON_SITE, 30, (
        FindingSpec("8.5", S.MINOR, "Hồ sơ giải quyết TTHC trễ hạn chưa có văn bản xin lỗi.",
                    "Rà soát hồ sơ trễ hạn, thực hiện xin lỗi theo quy định.", 6),
    )),
    ConcludedSpec(SECOND_AGENCY_NAME, InspectionMode.ON_SITE, 35, (
        FindingSpec("A.2", S.MAJOR, "Chưa công bố lại HTQLCL sau khi sắp xếp đơn vị hành chính.",
                    "Xây dựng lại HTQLCL của xã mới và công bố phù hợp.", -5),
        FindingSpec("A.7", S.MINOR, "Cán bộ phụ trách ISO mới được phân công chưa qua đào tạo.",
                    "Cử cán bộ tham gia lớp đào tạo về TCVN ISO 9001:2015.", 6),
        FindingSpec("7.5", S.OBSERVATION, "Danh mục tài liệu bên ngoài chưa cập nhật.",
                    "Cập nhật danh mục tài liệu có nguồn gốc bên ngoài.", 13, responded=True),
    )),
    ConcludedSpec("Phường Đức Phổ", InspectionMode.DOSSIER, 25, (
        FindingSpec("9.1", S.MINOR, "Chưa theo dõi, đo lường sự hài lòng của người dân.",
                    "Thực hiện khảo sát sự hài lòng và phân tích kết quả.", 27),
    )),
)  # fmt: skip
#: (commune, days from today to the dossier's due date)
DOSSIER_REQUESTS = (("Xã Tư Nghĩa", -2), ("Xã Trà Bồng", 3), ("Xã Sơn Hà", 7))


def _at(day: date, hour: int = 9) -> datetime:
    """A moment on a local day, stored in UTC."""
    return datetime.combine(day, time(hour), tzinfo=clock.app_timezone())


def seed_followup(seed, password: str, agency_user_agency: str) -> None:
    """Add the follow-up content to the demo (see the module docstring); flushes only."""
    seed_addresses(seed)
    lead, member = seed.users["inspector"], seed.users["inspector2"]
    plan = seed.plans[seed.today.year]
    planned = set(
        db.session.scalars(select(Inspection.agency_id).where(Inspection.plan_id == plan.id))
    )
    for spec in CONCLUDED:
        agency = _agency(seed, spec.agency)
        if agency is None or agency.id in planned:
            continue
        _concluded(seed, plan, agency, spec, lead, member)
    for name, due_in in DOSSIER_REQUESTS:
        agency = _agency(seed, name)
        if agency is None or agency.id in planned:
            continue
        due = seed.today + timedelta(days=due_in)
        db.session.add(
            Inspection(
                plan=plan,
                agency=agency,
                mode=InspectionMode.DOSSIER,
                status=InspectionStatus.DOSSIER_REQUESTED,
                lead=lead,
                template=seed.template,
                dossier_due=due,
                dossier_request=DOSSIER_REQUEST,
                dossier_requested_at=_at(due - timedelta(days=21)),
                planned_from=due + timedelta(days=3),
                planned_to=due + timedelta(days=13),
            )
        )
    db.session.flush()
    _conflict_for_the_lead(seed, plan)
    _second_agency_user(seed, password)
    _returned_announcement(seed, agency_user_agency)
    _next_year_draft(seed)
    db.session.flush()


def _next_year_draft(seed) -> None:
    """December: next year's plan is drafted and waits for its approving decision."""
    year = seed.today.year + 1
    title = f"Kế hoạch kiểm tra việc áp dụng HTQLCL năm {year} (dự thảo)"
    if db.session.scalar(select(InspectionPlan).where(InspectionPlan.year == year)):
        return
    db.session.add(
        InspectionPlan(
            year=year, title=title, status=PlanStatus.DRAFT, created_by_id=seed.users["admin"].id
        )
    )


def _agency(seed, name_or_code: str):
    return seed.agencies.get(seed.ward_codes.get(name_or_code, name_or_code))


def _concluded(seed, plan, agency, spec: ConcludedSpec, lead, member) -> None:
    conducted = seed.today - timedelta(days=spec.days_ago)
    inspection = Inspection(
        plan=plan,
        agency=agency,
        mode=spec.mode,
        status=InspectionStatus.CONCLUDED,
        lead=lead,
        template=seed.template,
        planned_from=conducted,
        planned_to=conducted,
        conducted_on=conducted,
        concluded_on=conducted + timedelta(days=2),
        conclusion=Conclusion.PASSED_WITH_RECOMMENDATIONS,
        conclusion_summary=(
            "Cơ quan duy trì HTQLCL cơ bản phù hợp TCVN ISO 9001; đề nghị khắc phục các điểm "
            "còn tồn tại nêu trong biên bản và báo cáo kết quả về Sở Khoa học và Công nghệ."
        ),
    )
    if spec.mode is InspectionMode.ON_SITE:
        inspection.members = [member]
    else:
        inspection.dossier_due = conducted - timedelta(days=5)
        inspection.dossier_request = DOSSIER_REQUEST
        inspection.dossier_requested_at = _at(conducted - timedelta(days=25))
        inspection.dossier_received_at = _at(conducted - timedelta(days=6), 14)
    db.session.add(inspection)
    items = {item.code: item for item in seed.template.items}
    raised = _at(inspection.concluded_on, 10)
    answers = {}
    for finding_spec in spec.findings:
        item = items.get(finding_spec.item)
        result = Result.OBSERVATION if finding_spec.severity is S.OBSERVATION else Result.NONCONFORM
        if item is not None and item.id not in answers:
            answers[item.id] = Answer(
                inspection=inspection, item=item, result=result,
                note=finding_spec.description, rev=1, updated_by=lead, updated_at=raised,
            )  # fmt: skip
        finding = Finding(
            inspection=inspection,
            item=item,
            severity=finding_spec.severity,
            description=finding_spec.description,
            requirement=finding_spec.item,
            corrective_action_required=finding_spec.action,
            due_on=seed.today + timedelta(days=finding_spec.due_in),
            status=FindingStatus.OPEN,
            created_by=lead,
            created_at=raised,
        )
        finding.events = [
            FindingEvent(author=lead, kind="created", body=finding_spec.description,
                         created_at=raised),
        ]  # fmt: skip
        if finding_spec.responded:
            responded = _at(seed.today - timedelta(days=2), 15)
            finding.status = FindingStatus.RESPONDED
            finding.agency_response = "Đã thực hiện hành động khắc phục; gửi kèm hồ sơ minh chứng."
            finding.responded_at = responded
            finding.events.append(
                FindingEvent(kind="responded", body=finding.agency_response, created_at=responded)
            )
        db.session.add(finding)
    db.session.add_all(answers.values())


def _conflict_for_the_lead(seed, plan) -> None:
    """inspector2's offline answer disagreed with the lead's on the visit under way."""
    if db.session.scalar(select(AnswerConflict).where(AnswerConflict.op_id == CONFLICT_OP_ID)):
        return
    inspection = db.session.scalar(
        select(Inspection).where(
            Inspection.plan_id == plan.id, Inspection.status == InspectionStatus.IN_PROGRESS
        )
    )
    if inspection is None:
        return
    answer = db.session.scalar(
        select(Answer).where(Answer.inspection_id == inspection.id).order_by(Answer.id)
    )
    if answer is None:
        return
    db.session.add(
        AnswerConflict(
            inspection_id=inspection.id,
            item_id=answer.item_id,
            op_id=CONFLICT_OP_ID,
            server_result=answer.result,
            server_note=answer.note,
            server_rev=answer.rev,
            client_result=Result.OBSERVATION,
            client_note="Hồ sơ một cửa chưa lưu đầy đủ phiếu kiểm soát.",
            client_base_rev=0,
            client_ts=_at(seed.today - timedelta(days=1), 10),
            submitted_by_id=seed.users["inspector2"].id,
        )
    )


def _second_agency_user(seed, password: str) -> None:
    """`agency2`, the ISO officer of a commune with corrective actions due."""
    agency = _agency(seed, SECOND_AGENCY_NAME)
    if agency is None:
        return
    user = db.session.scalar(select(User).where(User.username == SECOND_AGENCY_USER))
    if user is None:
        officer = next((o for o in agency.officers if o.until is None), None)
        user = create_user(
            SECOND_AGENCY_USER,
            role=Role.AGENCY,
            password=password,
            full_name=officer.name if officer else "Cán bộ ISO xã Sơn Tịnh",
            agency=agency,
        )
        user.email = f"{SECOND_AGENCY_USER}@{MAIL_DOMAIN}"
    seed.users[SECOND_AGENCY_USER] = user


def _returned_announcement(seed, agency_code: str) -> None:
    """The demo agency's announcement was sent back: it has to submit a corrected one."""
    agency = seed.agencies.get(agency_code)
    if agency is None:
        return
    number = "12/QĐ-UBND"
    existing = db.session.scalar(
        select(ConformityAnnouncement).where(
            ConformityAnnouncement.agency_id == agency.id, ConformityAnnouncement.number == number
        )
    )
    if existing is not None:
        return
    db.session.add(
        ConformityAnnouncement(
            agency=agency,
            number=number,
            announced_on=seed.today - timedelta(days=20),
            standard=Standard.ISO_9001_2015,
            scope="Các thủ tục hành chính thuộc thẩm quyền giải quyết của UBND xã",
            status=AnnouncementStatus.RETURNED,
            return_reason="Phạm vi công bố chưa liệt kê đủ các TTHC sau khi sắp xếp xã.",
            submitted_by_id=seed.users["agency"].id,
            submitted_at=_at(seed.today - timedelta(days=18)),
        )
    )


def seed_addresses(seed) -> None:
    """Demo users and current ISO officers get an address on the reserved domain, once."""
    for username, user in seed.users.items():
        if user.email is None:
            user.email = (
                f"{username}@{STAFF_DOMAIN if user.role is not Role.AGENCY else MAIL_DOMAIN}"
            )
    for officer in db.session.scalars(
        select(IsoOfficer).where(IsoOfficer.until.is_(None), IsoOfficer.email.is_(None))
    ):
        code = officer.agency.code.lower()
        if officer.agency.code == MISTYPED_OFFICER_AGENCY:
            # A typing slip the admin's work queue reports: the domain lacks ".example".
            officer.email = f"iso.{code}@quangngai"
        else:
            officer.email = f"iso.{code}@{MAIL_DOMAIN}"
