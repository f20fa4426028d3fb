"""The demo data set (`flask seed-demo`): Quảng Ngãi as the 2016–2020 report describes it.

Everything is looked up by natural key and only what is missing is created, so running the
seed again changes nothing. Values are deterministic: each piece of variety comes from a
`random.Random` seeded with 2017 and the key of what it describes, never from the clock
except where the current year is the point (the current-year plan, today's officers).
Rows that belong to a parent (a plan's findings, a course's participants, an inspection's
answers) are created together with their parent. Flush only; the caller commits.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from vietnam_provinces import Province, Ward

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AgencyLevel,
    AnnouncementStatus,
    Answer,
    AnswerHistory,
    ChecklistTemplate,
    Conclusion,
    ConformityAnnouncement,
    Decision,
    DecisionKind,
    Finding,
    FindingEvent,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    InspectionStatus,
    IsoOfficer,
    IsoProcess,
    LegalDocument,
    PlanStatus,
    ProcessVersion,
    Result,
    Role,
    Severity,
    Standard,
    TrainingCourse,
    TrainingKind,
    TrainingParticipant,
    User,
)
from inspect_app.models.agency import REGISTER_ROOT_CODE
from inspect_app.seed import demo_followup, demo_regulations
from inspect_app.seed.checklist_content import (
    DEFAULT_TEMPLATE_NAME,
    DEFAULT_TEMPLATE_VERSION,
    build_default_template,
)
from inspect_app.services.users import create_user

SEED = 2017
PROVINCE_NAME = "Quảng Ngãi"
VN_TZ = timezone(timedelta(hours=7))
#: the day the 2025 reform abolished the district level and merged the communes.
REFORM_DAY = date(2025, 7, 1)
#: the day the merged provincial departments started work.
DEPARTMENT_MERGER_DAY = date(2025, 3, 1)
PROVINCE_ISSUER = "UBND tỉnh Quảng Ngãi"
#: the register's root: departments, districts and today's communes name it as their parent.
ROOT_CODE = REGISTER_ROOT_CODE
DOST_ISSUER = "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi"
PLAN_SUMMARY = (
    "Phê duyệt Kế hoạch kiểm tra việc xây dựng, áp dụng, duy trì, cải tiến HTQLCL theo "
    "TCVN ISO 9001 tại các CQHCNN năm {year}"
)
PLAN_TITLE = (
    "Kế hoạch kiểm tra việc xây dựng, áp dụng, duy trì, cải tiến HTQLCL theo TCVN ISO 9001 "
    "tại các cơ quan hành chính nhà nước trên địa bàn tỉnh Quảng Ngãi năm {year}"
)
#: (year, on-site, dossier): the report's tallies, section 2.6.
HISTORY_TALLIES = ((2017, 10, 26), (2018, 15, 31), (2019, 24, 40), (2020, 50, 15))
#: (number, signed_on, issuer) of the decisions approving the 2017–2020 plans.
HISTORY_DECISIONS = (
    ("728/QĐ-UBND", date(2017, 4, 20), PROVINCE_ISSUER),
    ("264/QĐ-UBND", date(2018, 2, 9), PROVINCE_ISSUER),
    ("79/QĐ-KHCN", date(2019, 4, 1), DOST_ISSUER),
    ("94/QĐ-KHCN", date(2020, 3, 25), DOST_ISSUER),
)
CURRENT_DECISION_NUMBER = "35/QĐ-KHCN"
AGENCY_USER_AGENCY = "XA-21211"  # UBND xã Tịnh Khê
#: agencies whose ISO officer changed this year, so that a training need shows.
OFFICER_CHANGES = ("SO-TP", AGENCY_USER_AGENCY)


def _rng(*key: object) -> random.Random:
    """A generator seeded with 2017 and a key, so each value depends only on what it is for."""
    return random.Random(":".join(str(part) for part in (SEED, *key)))


def _at(day: date, hour: int = 9) -> datetime:
    """A timestamp on that day in Vietnam's time zone."""
    return datetime.combine(day, time(hour), tzinfo=VN_TZ)


# --- agencies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    level: AgencyLevel
    parent: str | None = None
    active_from: date | None = None
    active_to: date | None = None
    merged_into: str | None = None
    merged_on: date | None = None
    address: str | None = None
    #: the tail of its decision numbers, e.g. "QĐ-UBND".
    doc_suffix: str = "QĐ-UBND"

    def active_on(self, day: date) -> bool:
        started = self.active_from is None or self.active_from <= day
        return started and (self.active_to is None or day <= self.active_to)

    @property
    def is_current(self) -> bool:
        return self.active_to is None


#: (code, name, decision suffix, active_from) of today's provincial agencies.
CURRENT_DEPARTMENTS = (
    ("SO-KHCN", "Sở Khoa học và Công nghệ", "QĐ-SKHCN", None),
    ("SO-NV", "Sở Nội vụ", "QĐ-SNV", None),
    ("SO-TP", "Sở Tư pháp", "QĐ-STP", None),
    ("SO-TC", "Sở Tài chính", "QĐ-STC", None),
    ("SO-XD", "Sở Xây dựng", "QĐ-SXD", None),
    ("SO-NNMT", "Sở Nông nghiệp và Môi trường", "QĐ-SNNMT", DEPARTMENT_MERGER_DAY),
    ("SO-YT", "Sở Y tế", "QĐ-SYT", None),
    ("SO-GDDT", "Sở Giáo dục và Đào tạo", "QĐ-SGDĐT", None),
    ("SO-CT", "Sở Công Thương", "QĐ-SCT", None),
    ("SO-VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "QĐ-SVHTTDL", None),
    ("SO-DTTG", "Sở Dân tộc và Tôn giáo", "QĐ-SDTTG", DEPARTMENT_MERGER_DAY),
    ("VP-UBND", "Văn phòng UBND tỉnh", "QĐ-VP", None),
    ("TT-TINH", "Thanh tra tỉnh", "QĐ-TTr", None),
    (
        "BQL-KKT",
        "Ban Quản lý Khu kinh tế Dung Quất và các KCN Quảng Ngãi",
        "QĐ-BQL",
        None,
    ),
)
#: (code, name, decision suffix, parent) of sub-department agencies (chi cục).
SUB_DEPARTMENTS = (
    ("CC-TDC", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "QĐ-TĐC", "SO-KHCN"),
    ("CC-KL", "Chi cục Kiểm lâm", "QĐ-CCKL", "SO-NNMT"),
    ("CC-TL", "Chi cục Thủy lợi", "QĐ-CCTL", "SO-NNMT"),
    ("CC-VTLT", "Chi cục Văn thư - Lưu trữ", "QĐ-CCVTLT", "SO-NV"),
)
#: (code, name, decision suffix, successor) of departments merged on 01/03/2025.
MERGED_DEPARTMENTS = (
    ("SO-KHDT", "Sở Kế hoạch và Đầu tư", "QĐ-SKHĐT", "SO-TC"),
    ("SO-TNMT", "Sở Tài nguyên và Môi trường", "QĐ-STNMT", "SO-NNMT"),
    ("SO-NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "QĐ-SNN", "SO-NNMT"),
    ("SO-GTVT", "Sở Giao thông vận tải", "QĐ-SGTVT", "SO-XD"),
    ("SO-TTTT", "Sở Thông tin và Truyền thông", "QĐ-STTTT", "SO-KHCN"),
    ("SO-LDTBXH", "Sở Lao động - Thương binh và Xã hội", "QĐ-SLĐTBXH", "SO-NV"),
    ("BAN-DT", "Ban Dân tộc tỉnh", "QĐ-BDT", "SO-DTTG"),
)
#: (key, name) of the district-level People's Committees abolished on 01/07/2025.
DISTRICTS = (
    ("TP-QNG", "UBND thành phố Quảng Ngãi"),
    ("H-BSO", "UBND huyện Bình Sơn"),
    ("H-STI", "UBND huyện Sơn Tịnh"),
    ("H-TNG", "UBND huyện Tư Nghĩa"),
    ("H-NHA", "UBND huyện Nghĩa Hành"),
    ("H-MDU", "UBND huyện Mộ Đức"),
    ("TX-DPH", "UBND thị xã Đức Phổ"),
    ("H-BTO", "UBND huyện Ba Tơ"),
    ("H-MLO", "UBND huyện Minh Long"),
    ("H-SHA", "UBND huyện Sơn Hà"),
    ("H-STA", "UBND huyện Sơn Tây"),
    ("H-TBO", "UBND huyện Trà Bồng"),
    ("H-LSO", "UBND huyện Lý Sơn"),
)
#: Lý Sơn district became the special zone (đặc khu) of the same name.
DISTRICT_SUCCESSORS = {"H-LSO": "Đặc khu Lý Sơn"}
#: commune-level People's Committees before the reform: (district, kind, name, successor
#: ward as vietnam-provinces names it). Successors are approximate, for the demo.
HISTORICAL_COMMUNES = (
    ("TP-QNG", "phường", "Trần Phú", "Phường Cẩm Thành"),
    ("TP-QNG", "phường", "Lê Hồng Phong", "Phường Cẩm Thành"),
    ("TP-QNG", "phường", "Chánh Lộ", "Phường Nghĩa Lộ"),
    ("TP-QNG", "phường", "Nghĩa Chánh", "Phường Nghĩa Lộ"),
    ("TP-QNG", "phường", "Quảng Phú", "Phường Trương Quang Trọng"),
    ("TP-QNG", "phường", "Trương Quang Trọng", "Phường Trương Quang Trọng"),
    ("TP-QNG", "xã", "Tịnh Khê", "Xã Tịnh Khê"),
    ("TP-QNG", "xã", "Tịnh Kỳ", "Xã Tịnh Khê"),
    ("TP-QNG", "xã", "Nghĩa Hà", "Xã An Phú"),
    ("TP-QNG", "xã", "Nghĩa Phú", "Xã An Phú"),
    ("H-BSO", "thị trấn", "Châu Ổ", "Xã Bình Sơn"),
    ("H-BSO", "xã", "Bình Thạnh", "Xã Vạn Tường"),
    ("H-BSO", "xã", "Bình Trị", "Xã Vạn Tường"),
    ("H-BSO", "xã", "Bình Hải", "Xã Vạn Tường"),
    ("H-BSO", "xã", "Bình Minh", "Xã Bình Minh"),
    ("H-BSO", "xã", "Bình Chương", "Xã Bình Chương"),
    ("H-BSO", "xã", "Bình Dương", "Xã Bình Sơn"),
    ("H-BSO", "xã", "Bình Trung", "Xã Đông Sơn"),
    ("H-STI", "xã", "Tịnh Hà", "Xã Sơn Tịnh"),
    ("H-STI", "xã", "Tịnh Sơn", "Xã Sơn Tịnh"),
    ("H-STI", "xã", "Tịnh Bắc", "Xã Thọ Phong"),
    ("H-STI", "xã", "Tịnh Thọ", "Xã Thọ Phong"),
    ("H-STI", "xã", "Tịnh Giang", "Xã Trường Giang"),
    ("H-STI", "xã", "Tịnh Hiệp", "Xã Ba Gia"),
    ("H-STI", "xã", "Tịnh Bình", "Xã Ba Gia"),
    ("H-TNG", "thị trấn", "La Hà", "Xã Tư Nghĩa"),
    ("H-TNG", "thị trấn", "Sông Vệ", "Xã Vệ Giang"),
    ("H-TNG", "xã", "Nghĩa Kỳ", "Xã Nghĩa Giang"),
    ("H-TNG", "xã", "Nghĩa Thuận", "Xã Trà Giang"),
    ("H-TNG", "xã", "Nghĩa Điền", "Xã Tư Nghĩa"),
    ("H-TNG", "xã", "Nghĩa Hiệp", "Xã Vệ Giang"),
    ("H-NHA", "thị trấn", "Chợ Chùa", "Xã Nghĩa Hành"),
    ("H-NHA", "xã", "Hành Thuận", "Xã Nghĩa Hành"),
    ("H-NHA", "xã", "Hành Trung", "Xã Đình Cương"),
    ("H-NHA", "xã", "Hành Phước", "Xã Phước Giang"),
    ("H-NHA", "xã", "Hành Thiện", "Xã Thiện Tín"),
    ("H-NHA", "xã", "Hành Tín Đông", "Xã Thiện Tín"),
    ("H-MDU", "thị trấn", "Mộ Đức", "Xã Mộ Đức"),
    ("H-MDU", "xã", "Đức Nhuận", "Xã Long Phụng"),
    ("H-MDU", "xã", "Đức Lợi", "Xã Long Phụng"),
    ("H-MDU", "xã", "Đức Thạnh", "Xã Mỏ Cày"),
    ("H-MDU", "xã", "Đức Chánh", "Xã Lân Phong"),
    ("H-MDU", "xã", "Đức Phong", "Xã Lân Phong"),
    ("TX-DPH", "phường", "Nguyễn Nghiêm", "Phường Đức Phổ"),
    ("TX-DPH", "phường", "Phổ Ninh", "Phường Trà Câu"),
    ("TX-DPH", "phường", "Phổ Thạnh", "Phường Sa Huỳnh"),
    ("TX-DPH", "xã", "Phổ Phong", "Xã Nguyễn Nghiêm"),
    ("TX-DPH", "xã", "Phổ Khánh", "Xã Khánh Cường"),
    ("TX-DPH", "xã", "Phổ Cường", "Xã Khánh Cường"),
    ("H-BTO", "thị trấn", "Ba Tơ", "Xã Ba Tơ"),
    ("H-BTO", "xã", "Ba Động", "Xã Ba Động"),
    ("H-BTO", "xã", "Ba Vì", "Xã Ba Vì"),
    ("H-BTO", "xã", "Ba Tô", "Xã Ba Tô"),
    ("H-MLO", "xã", "Long Hiệp", "Xã Minh Long"),
    ("H-MLO", "xã", "Long Sơn", "Xã Sơn Mai"),
    ("H-MLO", "xã", "Thanh An", "Xã Minh Long"),
    ("H-SHA", "thị trấn", "Di Lăng", "Xã Sơn Hà"),
    ("H-SHA", "xã", "Sơn Thành", "Xã Sơn Hạ"),
    ("H-SHA", "xã", "Sơn Giang", "Xã Sơn Thủy"),
    ("H-SHA", "xã", "Sơn Kỳ", "Xã Sơn Kỳ"),
    ("H-STA", "xã", "Sơn Dung", "Xã Sơn Tây"),
    ("H-STA", "xã", "Sơn Mùa", "Xã Sơn Tây Hạ"),
    ("H-STA", "xã", "Sơn Bua", "Xã Sơn Tây Thượng"),
    ("H-TBO", "thị trấn", "Trà Xuân", "Xã Trà Bồng"),
    ("H-TBO", "xã", "Trà Bình", "Xã Đông Trà Bồng"),
    ("H-TBO", "xã", "Trà Phong", "Xã Tây Trà"),
    ("H-TBO", "xã", "Trà Thủy", "Xã Thanh Bồng"),
)


def today_wards() -> list[Ward]:
    """Today's communes, wards and special zones of Quảng Ngãi (96 since 01/07/2025)."""
    province = next(p for p in Province.iter_all() if p.name == PROVINCE_NAME)
    return list(Ward.iter_by_province(province.code))


def ward_agency_code(ward: Ward) -> str:
    return f"XA-{int(ward.code.value)}"


def ward_agency_name(ward: Ward) -> str:
    """ "Xã Tịnh Khê" -> "UBND xã Tịnh Khê"; "Đặc khu Lý Sơn" -> "UBND đặc khu Lý Sơn"."""
    return f"UBND {ward.name[0].lower()}{ward.name[1:]}"


def _provincial_specs() -> list[AgencySpec]:
    specs = [
        AgencySpec(
            code,
            name,
            AgencyLevel.PROVINCIAL,
            parent=ROOT_CODE,
            active_from=since,
            doc_suffix=suffix,
        )
        for code, name, suffix, since in CURRENT_DEPARTMENTS
    ]
    specs += [
        AgencySpec(code, name, AgencyLevel.PROVINCIAL, parent=parent, doc_suffix=suffix)
        for code, name, suffix, parent in SUB_DEPARTMENTS
    ]
    specs += [
        AgencySpec(
            code,
            name,
            AgencyLevel.PROVINCIAL,
            parent=ROOT_CODE,
            active_to=DEPARTMENT_MERGER_DAY - timedelta(days=1),
            merged_into=successor,
            merged_on=DEPARTMENT_MERGER_DAY,
            doc_suffix=suffix,
        )
        for code, name, suffix, successor in MERGED_DEPARTMENTS
    ]
    return specs


def _district_specs(ward_codes: dict[str, str]) -> list[AgencySpec]:
    specs = []
    for key, name in DISTRICTS:
        successor = DISTRICT_SUCCESSORS.get(key)
        specs.append(
            AgencySpec(
                key,
                name,
                AgencyLevel.DISTRICT,
                parent=ROOT_CODE,
                active_to=REFORM_DAY - timedelta(days=1),
                merged_into=ward_codes[successor] if successor else None,
                merged_on=REFORM_DAY if successor else None,
                address=f"{name.removeprefix('UBND ')}, tỉnh Quảng Ngãi",
            )
        )
    return specs


def _historical_commune_specs(ward_codes: dict[str, str]) -> list[AgencySpec]:
    district_names = dict(DISTRICTS)
    specs = []
    for n, (district, kind, name, successor) in enumerate(HISTORICAL_COMMUNES, start=1):
        district_name = district_names[district].removeprefix("UBND ")
        specs.append(
            AgencySpec(
                f"XA-CU-{n:03d}",
                f"UBND {kind} {name}",
                AgencyLevel.COMMUNE,
                parent=district,
                active_to=REFORM_DAY - timedelta(days=1),
                merged_into=ward_codes[successor],
                merged_on=REFORM_DAY,
                address=f"{kind} {name}, {district_name}, tỉnh Quảng Ngãi",
            )
        )
    return specs


def _today_commune_specs(wards: list[Ward]) -> list[AgencySpec]:
    return [
        AgencySpec(
            ward_agency_code(ward),
            ward_agency_name(ward),
            AgencyLevel.COMMUNE,
            parent=ROOT_CODE,
            active_from=REFORM_DAY,
            address=f"{ward_agency_name(ward).removeprefix('UBND ')}, tỉnh Quảng Ngãi",
        )
        for ward in wards
    ]


def agency_specs(wards: list[Ward]) -> list[AgencySpec]:
    """Every demo agency, successors and parents before the agencies that refer to them."""
    ward_codes = {ward.name: ward_agency_code(ward) for ward in wards}
    return (
        _today_commune_specs(wards)
        + _provincial_specs()
        + _district_specs(ward_codes)
        + _historical_commune_specs(ward_codes)
    )


# --- people ---------------------------------------------------------------------------------

FAMILY_NAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng",
    "Đỗ", "Ngô", "Hồ", "Dương", "Đinh", "Lương", "Mai", "Tạ",
)  # fmt: skip
MALE_MIDDLE = ("Văn", "Minh", "Quang", "Hữu", "Đức", "Thanh", "Công", "Ngọc", "Tấn")
FEMALE_MIDDLE = ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hoài")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong",
    "Phúc", "Quang", "Sơn", "Tâm", "Thành", "Tuấn", "Việt", "Vinh", "Trung", "Hiếu",
)  # fmt: skip
FEMALE_GIVEN = (
    "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngân", "Nhung", "Oanh",
    "Phượng", "Thảo", "Thủy", "Trang", "Vy", "Yến", "Loan", "Hằng", "Duyên", "Tuyết",
)  # fmt: skip
OFFICER_POSITIONS = {
    AgencyLevel.PROVINCIAL: "Chuyên viên Văn phòng",
    AgencyLevel.DISTRICT: "Chuyên viên Văn phòng HĐND và UBND",
    AgencyLevel.COMMUNE: "Công chức Văn phòng - Thống kê",
}
OTHER_POSITIONS = {
    AgencyLevel.PROVINCIAL: "Phó Chánh Văn phòng",
    AgencyLevel.DISTRICT: "Chánh Văn phòng HĐND và UBND",
    AgencyLevel.COMMUNE: "Công chức Tư pháp - Hộ tịch",
}


def person_name(rng: random.Random) -> str:
    family = rng.choice(FAMILY_NAMES)
    if rng.random() < 0.55:
        return f"{family} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"
    return f"{family} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"


@dataclass
class OfficerSpec:
    name: str
    since: date
    until: date | None


def officer_history(spec: AgencySpec, today: date) -> list[OfficerSpec]:
    """Who was the agency's ISO officer when: one or two people, part-time, rotating."""
    rng = _rng("officer", spec.code)
    if spec.active_from is not None:
        first_since = spec.active_from + timedelta(days=rng.randint(3, 30))
    else:
        first_since = date(2015, 3, 2) + timedelta(days=rng.randint(0, 700))
    first_since = min(first_since, spec.active_to or today, today)
    history = [OfficerSpec(person_name(rng), first_since, spec.active_to)]
    if spec.active_from is None and rng.random() < 0.3:
        change = date(2019, 1, 2) + timedelta(days=rng.randint(0, 1000))
        history[-1].until = change - timedelta(days=1)
        history.append(OfficerSpec(person_name(rng), change, spec.active_to))
    change = min(date(today.year, 1, 12), today)
    if spec.code in OFFICER_CHANGES and spec.is_current and change > history[-1].since:
        history[-1].until = change - timedelta(days=1)
        history.append(OfficerSpec(person_name(rng), change, None))
    return history


# --- the seed -------------------------------------------------------------------------------


@dataclass
class Seed:
    """What the steps share: the day, and the rows found or created so far."""

    today: date
    specs: list[AgencySpec]
    #: agency code of each of today's communes by its vietnam-provinces name.
    ward_codes: dict[str, str]
    agencies: dict[str, Agency] = field(default_factory=dict)
    officers: dict[int, list[IsoOfficer]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    template: ChecklistTemplate | None = None
    decisions: dict[str, Decision] = field(default_factory=dict)
    plans: dict[int, InspectionPlan] = field(default_factory=dict)

    def past(self, fraction: float) -> date:
        """A day between 1 January of this year and today."""
        start = date(self.today.year, 1, 1)
        return start + timedelta(days=int((self.today - start).days * fraction))

    def future(self, fraction: float) -> date:
        """A day between today and 31 December of this year."""
        end = date(self.today.year, 12, 31)
        return self.today + timedelta(days=int((end - self.today).days * fraction))


def seed_register_root() -> Agency:
    """The provincial People's Committee, the register's root (DESIGN 5.3), once."""
    root = db.session.scalar(select(Agency).where(Agency.code == ROOT_CODE))
    if root is None:
        root = Agency(
            code=ROOT_CODE,
            name=PROVINCE_ISSUER,
            level=AgencyLevel.PROVINCIAL,
            address=f"tỉnh {PROVINCE_NAME}",
        )
        db.session.add(root)
        db.session.flush()
    return root


def seed_agencies(seed: Seed) -> None:
    """Create the missing agencies; parents and successors are linked by code."""
    seed_register_root()
    existing = {a.code: a for a in db.session.scalars(select(Agency))}
    for spec in seed.specs:
        agency = existing.get(spec.code)
        if agency is None:
            agency = Agency(
                code=spec.code,
                name=spec.name,
                level=spec.level,
                address=spec.address,
                active_from=spec.active_from,
                active_to=spec.active_to,
                merged_on=spec.merged_on,
                parent=existing.get(spec.parent) if spec.parent else None,
                merged_into=existing.get(spec.merged_into) if spec.merged_into else None,
            )
            db.session.add(agency)
            existing[spec.code] = agency
        seed.agencies[spec.code] = agency
    db.session.flush()


def seed_officers(seed: Seed) -> None:
    """Give every demo agency without an officer record its demo officer history."""
    staffed = set(db.session.scalars(select(IsoOfficer.agency_id).distinct()))
    for spec in seed.specs:
        agency = seed.agencies[spec.code]
        if agency.id in staffed:
            continue
        position = OFFICER_POSITIONS[spec.level]
        for person in officer_history(spec, seed.today):
            db.session.add(
                IsoOfficer(
                    agency=agency,
                    name=person.name,
                    position=position,
                    since=person.since,
                    until=person.until,
                    part_time=True,
                )
            )
    db.session.flush()
    by_agency: dict[int, list[IsoOfficer]] = defaultdict(list)
    for officer in db.session.scalars(select(IsoOfficer).order_by(IsoOfficer.since)):
        by_agency[officer.agency_id].append(officer)
    seed.officers = dict(by_agency)


def officer_on(seed: Seed, agency: Agency, day: date) -> IsoOfficer | None:
    """The agency's ISO officer on that day, if the records know one."""
    for officer in seed.officers.get(agency.id, []):
        if officer.since <= day and (officer.until is None or day <= officer.until):
            return officer
    return None


def seed_template(seed: Seed) -> None:
    template = db.session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.name == DEFAULT_TEMPLATE_NAME,
            ChecklistTemplate.version == DEFAULT_TEMPLATE_VERSION,
        )
    )
    if template is None:
        template = build_default_template()
        db.session.add(template)
        db.session.flush()
    seed.template = template


def seed_users(seed: Seed, password: str) -> None:
    """The demo accounts; passwords are hashed only for accounts that do not exist yet."""
    agency = seed.agencies[AGENCY_USER_AGENCY]
    officer = officer_on(seed, agency, seed.today)
    accounts = (
        ("admin", Role.ADMIN, "Nguyễn Văn Quản", None),
        ("inspector", Role.INSPECTOR, "Lê Thị Thu Hà", None),
        ("inspector2", Role.INSPECTOR, "Phạm Quốc Bảo", None),
        ("agency", Role.AGENCY, officer.name if officer else "Cán bộ ISO xã Tịnh Khê", agency),
        ("viewer", Role.VIEWER, "Đặng Ngọc Minh", None),
    )
    # how the record names the team: title and position
    titles = {
        "admin": ("Ông", "Chánh Văn phòng Sở Khoa học và Công nghệ"),
        "inspector": ("Bà", "Phó Chi cục trưởng Chi cục Tiêu chuẩn Đo lường Chất lượng"),
        "inspector2": ("Ông", "Chuyên viên Chi cục Tiêu chuẩn Đo lường Chất lượng"),
        "viewer": ("Ông", "Phó Giám đốc Sở Khoa học và Công nghệ"),
    }
    names = [username for username, *_rest in accounts]
    existing = {
        u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))
    }
    for username, role, full_name, bound_agency in accounts:
        user = existing.get(username)
        if user is None:
            honorific, position = titles.get(username, (None, None))
            user = create_user(
                username,
                role=role,
                password=password,
                full_name=full_name,
                agency=bound_agency,
                honorific=honorific,
                position=position,
            )
        seed.users[username] = user


def _decision_specs(today: date) -> list[tuple[str, date, str]]:
    current = min(date(today.year, 2, 10), today)
    return [*HISTORY_DECISIONS, (CURRENT_DECISION_NUMBER, current, DOST_ISSUER)]


def seed_decisions(seed: Seed) -> None:
    specs = _decision_specs(seed.today)
    existing = {
        (d.issuer, d.year, d.number): d
        for d in db.session.scalars(
            select(Decision).where(Decision.issuer.in_(sorted({s[2] for s in specs})))
        )
    }
    for number, signed_on, issuer in specs:
        decision = existing.get((issuer, signed_on.year, number))
        if decision is None:
            decision = Decision(
                number=number,
                signed_on=signed_on,
                year=signed_on.year,
                issuer=issuer,
                summary=PLAN_SUMMARY.format(year=signed_on.year),
                kind=DecisionKind.PLAN_APPROVAL,
            )
            db.session.add(decision)
        seed.decisions[number] = decision
    db.session.flush()


def seed_plans(seed: Seed) -> None:
    """The closed plans 2017–2020 and the approved plan of the current year."""
    years = [year for year, *_ in HISTORY_TALLIES] + [seed.today.year]
    existing = {
        (p.year, p.title): p
        for p in db.session.scalars(select(InspectionPlan).where(InspectionPlan.year.in_(years)))
    }
    numbers = [number for number, *_ in HISTORY_DECISIONS] + [CURRENT_DECISION_NUMBER]
    admin = seed.users["admin"]
    for year, number in zip(years, numbers, strict=True):
        title = PLAN_TITLE.format(year=year)
        plan = existing.get((year, title))
        if plan is None:
            decision = seed.decisions[number]
            closed = year < seed.today.year
            plan = InspectionPlan(
                year=year,
                title=title,
                status=PlanStatus.CLOSED if closed else PlanStatus.APPROVED,
                decision=decision,
                approved_at=_at(decision.signed_on, 15),
                closed_at=_at(date(year, 12, 30), 16) if closed else None,
                created_by_id=admin.id,
            )
            db.session.add(plan)
        seed.plans[year] = plan
    db.session.flush()


# --- 2017–2020 ------------------------------------------------------------------------------

LEVEL_RANK = {AgencyLevel.PROVINCIAL: 0, AgencyLevel.DISTRICT: 1, AgencyLevel.COMMUNE: 2}
DOSSIER_REQUEST = (
    "Đề nghị cơ quan gửi: báo cáo tình hình duy trì, cải tiến HTQLCL; danh mục tài liệu, "
    "quy trình đang áp dụng; kết quả đánh giá nội bộ và biên bản xem xét của lãnh đạo trong "
    "năm; quyết định công bố HTQLCL phù hợp TCVN ISO 9001."
)
CONCLUSION_TEXT = {
    Conclusion.PASSED: (
        "Cơ quan đã xây dựng, áp dụng, duy trì HTQLCL phù hợp TCVN ISO 9001; phạm vi bao "
        "quát các TTHC thuộc thẩm quyền."
    ),
    Conclusion.PASSED_WITH_RECOMMENDATIONS: (
        "Cơ quan duy trì HTQLCL cơ bản phù hợp TCVN ISO 9001; đề nghị khắc phục các điểm "
        "còn tồn tại nêu trong biên bản và báo cáo kết quả về Sở Khoa học và Công nghệ."
    ),
}
#: (item code, severity, description, corrective action, agency response) of typical
#: findings of the period: stale processes, missing reviews, untrained officers.
TYPICAL_FINDINGS = (
    (
        "A.2",
        Severity.MINOR,
        "Một số quy trình chưa được cập nhật theo văn bản quy phạm pháp luật mới ban hành.",
        "Rà soát, cập nhật các quy trình có căn cứ pháp lý đã thay đổi.",
        "Đã rà soát và ban hành lại các quy trình liên quan.",
    ),
    (
        "9.3",
        Severity.MINOR,
        "Chưa tổ chức họp xem xét của lãnh đạo trong năm.",
        "Tổ chức xem xét của lãnh đạo, lập biên bản đầy đủ đầu vào, đầu ra.",
        "Đã tổ chức họp xem xét của lãnh đạo và lưu biên bản.",
    ),
    (
        "9.2",
        Severity.MINOR,
        "Chưa thực hiện đánh giá nội bộ theo kế hoạch năm.",
        "Thực hiện đánh giá nội bộ và báo cáo kết quả.",
        "Đã hoàn thành đánh giá nội bộ, gửi kèm báo cáo.",
    ),
    (
        "A.7",
        Severity.OBSERVATION,
        "Cán bộ phụ trách ISO mới được phân công chưa qua đào tạo.",
        "Cử cán bộ tham gia lớp đào tạo về TCVN ISO 9001:2015.",
        "Đã cử cán bộ tham gia lớp tập huấn do Sở tổ chức.",
    ),
    (
        "7.5",
        Severity.OBSERVATION,
        "Còn tài liệu lỗi thời tại nơi làm việc của bộ phận một cửa.",
        "Thu hồi tài liệu lỗi thời, cập nhật danh mục tài liệu.",
        "Đã thu hồi và cập nhật danh mục tài liệu.",
    ),
    (
        "6.2",
        Severity.OBSERVATION,
        "Mục tiêu chất lượng chưa đo lường được, chưa đánh giá mức độ đạt.",
        "Xây dựng lại mục tiêu chất lượng có chỉ tiêu cụ thể.",
        "Đã ban hành mục tiêu chất lượng mới có chỉ tiêu đo lường.",
    ),
)


def history_selection(seed: Seed, year: int, on_site: int, dossier: int) -> list[tuple]:
    """(agency spec, mode) pairs inspected that year; the same every run."""
    rng = _rng("plan", year)
    pool = [spec for spec in seed.specs if spec.active_on(date(year, 12, 31))]
    picked = rng.sample(pool, on_site + dossier)
    # Departments and districts were usually visited; communes mostly sent dossiers.
    picked.sort(key=lambda spec: LEVEL_RANK[spec.level] + rng.random() * 1.5)
    modes = [InspectionMode.ON_SITE] * on_site + [InspectionMode.DOSSIER] * dossier
    return list(zip(picked, modes, strict=True))


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _concluded_inspection(
    seed: Seed, plan: InspectionPlan, spec: AgencySpec, mode: InspectionMode, n: int
) -> Inspection:
    """Inspection number n of a closed plan, visited or reviewed, then concluded."""
    rng = _rng("inspection", plan.year, spec.code)
    start = plan.decision.signed_on + timedelta(days=30)
    conducted = start + timedelta(days=rng.randint(0, (date(plan.year, 12, 5) - start).days))
    lead, member = seed.users["inspector"], seed.users["inspector2"]
    if rng.random() < 0.3:
        lead, member = member, lead
    conclusion = Conclusion.PASSED_WITH_RECOMMENDATIONS if rng.random() < 0.2 else Conclusion.PASSED
    inspection = Inspection(
        plan=plan,
        agency=seed.agencies[spec.code],
        mode=mode,
        status=InspectionStatus.CONCLUDED,
        planned_from=conducted.replace(day=1),
        planned_to=_month_end(conducted),
        lead=lead,
        template=seed.template,
        conducted_on=conducted,
        concluded_on=conducted + timedelta(days=rng.randint(1, 10)),
        conclusion=conclusion,
        conclusion_summary=CONCLUSION_TEXT[conclusion],
        record_number=f"{n}/BB-ĐKT",
    )
    if mode is InspectionMode.ON_SITE:
        inspection.members = [member]
        inspection.external_members = "Đại diện Sở Nội vụ"
    else:
        inspection.dossier_due = conducted - timedelta(days=5)
        inspection.dossier_request = DOSSIER_REQUEST
        inspection.dossier_requested_at = _at(inspection.dossier_due - timedelta(days=20))
        inspection.dossier_received_at = _at(
            inspection.dossier_due - timedelta(days=rng.randint(0, 4)), 14
        )
    return inspection


def _closed_finding(seed: Seed, inspection: Inspection) -> Finding:
    """A finding raised, answered and verified: the corrective action is done."""
    rng = _rng("finding", inspection.plan.year, inspection.agency.code)
    code, severity, description, action, response = rng.choice(TYPICAL_FINDINGS)
    items = {item.code: item for item in seed.template.items}
    raised = _at(inspection.concluded_on, 10)
    responded = raised + timedelta(days=rng.randint(10, 25))
    verified = responded + timedelta(days=rng.randint(2, 7))
    lead = inspection.lead
    finding = Finding(
        inspection=inspection,
        item=items.get(code),
        severity=severity,
        description=description,
        requirement=code,
        corrective_action_required=action,
        due_on=inspection.concluded_on + timedelta(days=30),
        status=FindingStatus.CLOSED,
        agency_response=response,
        responded_at=responded,
        verified_by=lead,
        verified_at=verified,
        created_by=lead,
    )
    finding.events = [
        FindingEvent(author=lead, kind="created", body=description, created_at=raised),
        FindingEvent(kind="responded", body=response, created_at=responded),
        FindingEvent(author=lead, kind="closed", body="Đã kiểm tra, đạt.", created_at=verified),
    ]
    return finding


def seed_history(seed: Seed) -> None:
    """The concluded inspections of 2017–2020, tallying exactly as the report does."""
    plan_ids = [seed.plans[year].id for year, *_ in HISTORY_TALLIES]
    done = {
        (plan_id, agency_id)
        for plan_id, agency_id in db.session.execute(
            select(Inspection.plan_id, Inspection.agency_id).where(Inspection.plan_id.in_(plan_ids))
        )
    }
    for year, on_site, dossier in HISTORY_TALLIES:
        plan = seed.plans[year]
        selection = history_selection(seed, year, on_site, dossier)
        for n, (spec, mode) in enumerate(selection, start=1):
            if (plan.id, seed.agencies[spec.code].id) in done:
                continue
            inspection = _concluded_inspection(seed, plan, spec, mode, n)
            db.session.add(inspection)
            if inspection.conclusion is Conclusion.PASSED_WITH_RECOMMENDATIONS:
                db.session.add(_closed_finding(seed, inspection))
    db.session.flush()


# --- the current year -----------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentInspection:
    #: an agency code, or the vietnam-provinces name of one of today's communes.
    agency: str
    mode: InspectionMode
    status: InspectionStatus
    #: where the planned window sits in what is left of the year (0 = today, 1 = 31/12).
    when: float
    with_member: bool = False


def current_inspections() -> tuple[CurrentInspection, ...]:
    on_site, dossier, s = InspectionMode.ON_SITE, InspectionMode.DOSSIER, InspectionStatus
    return (
        CurrentInspection(AGENCY_USER_AGENCY, on_site, s.PLANNED, 0.15, with_member=True),
        CurrentInspection("SO-TP", on_site, s.PLANNED, 0.3, with_member=True),
        CurrentInspection("Phường Cẩm Thành", on_site, s.PLANNED, 0.45),
        CurrentInspection("SO-NNMT", on_site, s.PLANNED, 0.6, with_member=True),
        CurrentInspection("Đặc khu Lý Sơn", on_site, s.PLANNED, 0.75),
        CurrentInspection("Xã Bình Sơn", dossier, s.PLANNED, 0.4),
        CurrentInspection("Phường Kon Tum", dossier, s.PLANNED, 0.55),
        CurrentInspection("Xã Mộ Đức", dossier, s.DOSSIER_REQUESTED, 0.3),
        CurrentInspection("Xã Đăk Hà", dossier, s.DOSSIER_RECEIVED, 0.2),
        CurrentInspection("SO-XD", on_site, s.IN_PROGRESS, 0.0, with_member=True),
        CurrentInspection("SO-YT", on_site, s.CONDUCTED, 0.0, with_member=True),
        CurrentInspection("SO-CT", dossier, s.PLANNED, 0.8),
    )


def _schedule(seed: Seed, inspection: Inspection, spec: CurrentInspection) -> None:
    """Dates that agree with the status: done things in the past, planned ones ahead."""
    end = date(seed.today.year, 12, 31)
    status = spec.status
    if status is InspectionStatus.CONDUCTED:
        inspection.conducted_on = seed.past(0.9)
        inspection.planned_from = inspection.conducted_on
        inspection.planned_to = inspection.conducted_on
    elif status is InspectionStatus.IN_PROGRESS:
        inspection.planned_from = seed.past(0.98)
        inspection.planned_to = max(seed.future(0.02), inspection.planned_from)
    elif spec.mode is InspectionMode.DOSSIER:
        inspection.dossier_due = seed.future(spec.when)
        inspection.planned_from = min(inspection.dossier_due + timedelta(days=3), end)
        inspection.planned_to = min(inspection.planned_from + timedelta(days=10), end)
    else:
        inspection.planned_from = seed.future(spec.when)
        inspection.planned_to = min(inspection.planned_from + timedelta(days=1), end)
    if status in (InspectionStatus.DOSSIER_REQUESTED, InspectionStatus.DOSSIER_RECEIVED):
        inspection.dossier_request = DOSSIER_REQUEST
        inspection.dossier_requested_at = _at(seed.past(0.9))
    if status is InspectionStatus.DOSSIER_RECEIVED:
        inspection.dossier_received_at = _at(seed.past(0.97), 14)


def _answers(seed: Seed, inspection: Inspection, count: int) -> None:
    """The first `count` checklist answers, each with its history row."""
    rng = _rng("answers", inspection.agency.code)
    answered_at = _at(inspection.conducted_on or seed.today, 10)
    lead = inspection.lead
    answers = []
    for item in seed.template.items[:count]:
        if item.code == "8.3":
            result, note = Result.NOT_APPLICABLE, "Cơ quan không có hoạt động thiết kế."
        elif item.code == "A.2" and inspection.status is InspectionStatus.CONDUCTED:
            result, note = Result.NONCONFORM, "Hai quy trình còn viện dẫn văn bản đã hết hiệu lực."
        elif rng.random() < 0.15:
            result, note = Result.OBSERVATION, "Cần lưu hồ sơ đầy đủ hơn."
        else:
            result, note = Result.CONFORM, ""
        answers.append(
            Answer(
                inspection=inspection,
                item=item,
                result=result,
                note=note,
                rev=1,
                updated_by=lead,
                updated_at=answered_at,
            )
        )
    db.session.add_all(answers)
    db.session.flush()
    db.session.add_all(
        AnswerHistory(
            answer_id=answer.id,
            rev=1,
            result=answer.result,
            note=answer.note,
            changed_by_id=lead.id,
            changed_at=answered_at,
            source="web",
        )
        for answer in answers
    )
    inspection.rev = count


def _open_finding(seed: Seed, inspection: Inspection) -> Finding:
    items = {item.code: item for item in seed.template.items}
    return Finding(
        inspection=inspection,
        item=items.get("A.2"),
        severity=Severity.MINOR,
        description="Hai quy trình còn viện dẫn văn bản quy phạm pháp luật đã hết hiệu lực.",
        requirement="A.2",
        corrective_action_required="Cập nhật các quy trình theo văn bản đang có hiệu lực.",
        due_on=min(inspection.conducted_on + timedelta(days=30), date(seed.today.year, 12, 31)),
        status=FindingStatus.OPEN,
        created_by=inspection.lead,
    )


def _open_major_finding(seed: Seed, inspection: Inspection) -> Finding:
    """A major nonconformity still open: the plan proposal puts the agency on-site again."""
    items = {item.code: item for item in seed.template.items}
    return Finding(
        inspection=inspection,
        item=items.get("7.5.3"),
        severity=Severity.MAJOR,
        description="Không kiểm soát được thông tin dạng văn bản: hồ sơ xử lý TTHC không được lưu.",
        requirement="7.5.3",
        corrective_action_required="Thiết lập và áp dụng quy định lưu trữ hồ sơ xử lý TTHC.",
        due_on=min(inspection.conducted_on + timedelta(days=45), date(seed.today.year, 12, 31)),
        status=FindingStatus.OPEN,
        created_by=inspection.lead,
    )


def seed_current_plan(seed: Seed) -> None:
    """This year's plan: visits still ahead, a dossier asked for, one under way, one done."""
    plan = seed.plans[seed.today.year]
    done = set(
        db.session.scalars(select(Inspection.agency_id).where(Inspection.plan_id == plan.id))
    )
    lead, member = seed.users["inspector"], seed.users["inspector2"]
    for spec in current_inspections():
        agency = seed.agencies.get(seed.ward_codes.get(spec.agency, spec.agency))
        if agency is None or agency.id in done:
            continue
        inspection = Inspection(
            plan=plan,
            agency=agency,
            mode=spec.mode,
            status=spec.status,
            lead=lead,
            template=seed.template,
        )
        inspection.members = [member] if spec.with_member else []
        _schedule(seed, inspection, spec)
        db.session.add(inspection)
        if spec.status is InspectionStatus.IN_PROGRESS:
            _answers(seed, inspection, 12)
        elif spec.status is InspectionStatus.CONDUCTED:
            _answers(seed, inspection, len(seed.template.items))
            db.session.add(_open_finding(seed, inspection))
            db.session.add(_open_major_finding(seed, inspection))
    db.session.flush()


# --- training -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseSpec:
    title: str
    kind: TrainingKind
    start_on: date
    days: int
    location: str
    participants: int
    audience_level: AgencyLevel | None = None


ORGANIZER = "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi"
TRAINERS = {
    TrainingKind.MAINTAIN_IMPROVE: "Chuyên gia Trung tâm Năng suất Việt Nam; "
    "Chi cục Tiêu chuẩn Đo lường Chất lượng Quảng Ngãi",
    TrainingKind.BUILD_APPLY_COMMUNE: "Chi cục Tiêu chuẩn Đo lường Chất lượng Quảng Ngãi",
    TrainingKind.TRANSITION_2015: "Chuyên gia Trung tâm Năng suất Việt Nam",
}
COURSES = (
    CourseSpec(
        "Tập huấn duy trì, cải tiến HTQLCL theo TCVN ISO 9001:2008 năm 2017",
        TrainingKind.MAINTAIN_IMPROVE,
        date(2017, 6, 14),
        2,
        "Hội trường Sở Khoa học và Công nghệ, thành phố Quảng Ngãi",
        28,
    ),
    CourseSpec(
        "Đào tạo chuyển đổi HTQLCL từ TCVN ISO 9001:2008 sang TCVN ISO 9001:2015 (đợt 1)",
        TrainingKind.TRANSITION_2015,
        date(2017, 9, 19),
        3,
        "Hội trường Sở Khoa học và Công nghệ, thành phố Quảng Ngãi",
        30,
    ),
    CourseSpec(
        "Đào tạo chuyển đổi HTQLCL từ TCVN ISO 9001:2008 sang TCVN ISO 9001:2015 (đợt 2)",
        TrainingKind.TRANSITION_2015,
        date(2018, 3, 20),
        3,
        "Hội trường UBND thành phố Quảng Ngãi",
        26,
    ),
    CourseSpec(
        "Tập huấn xây dựng, áp dụng HTQLCL theo TCVN ISO 9001:2015 cho UBND cấp xã (đợt 1)",
        TrainingKind.BUILD_APPLY_COMMUNE,
        date(2018, 7, 10),
        3,
        "Hội trường UBND huyện Bình Sơn",
        30,
        AgencyLevel.COMMUNE,
    ),
    CourseSpec(
        "Tập huấn duy trì, cải tiến HTQLCL theo TCVN ISO 9001:2015 năm 2018",
        TrainingKind.MAINTAIN_IMPROVE,
        date(2018, 10, 16),
        2,
        "Hội trường Sở Khoa học và Công nghệ, thành phố Quảng Ngãi",
        24,
    ),
    CourseSpec(
        "Tập huấn xây dựng, áp dụng HTQLCL theo TCVN ISO 9001:2015 cho UBND cấp xã (đợt 2)",
        TrainingKind.BUILD_APPLY_COMMUNE,
        date(2019, 5, 21),
        3,
        "Hội trường UBND huyện Mộ Đức",
        30,
        AgencyLevel.COMMUNE,
    ),
    CourseSpec(
        "Tập huấn duy trì, cải tiến HTQLCL và đánh giá nội bộ theo TCVN ISO 9001:2015 năm 2019",
        TrainingKind.MAINTAIN_IMPROVE,
        date(2019, 9, 24),
        2,
        "Hội trường Sở Khoa học và Công nghệ, thành phố Quảng Ngãi",
        22,
    ),
    CourseSpec(
        "Tập huấn duy trì, cải tiến HTQLCL theo TCVN ISO 9001:2015 năm 2020",
        TrainingKind.MAINTAIN_IMPROVE,
        date(2020, 8, 11),
        2,
        "Hội trường Sở Khoa học và Công nghệ, thành phố Quảng Ngãi",
        20,
    ),
)


def _participants(seed: Seed, course: CourseSpec) -> Iterable[TrainingParticipant]:
    """Mostly each agency's ISO officer of the day; sometimes a colleague went instead."""
    rng = _rng("course", course.title, course.start_on)
    pool = [
        spec
        for spec in seed.specs
        if spec.active_on(course.start_on)
        and (course.audience_level is None or spec.level is course.audience_level)
    ]
    for spec in rng.sample(pool, min(course.participants, len(pool))):
        agency = seed.agencies[spec.code]
        officer = officer_on(seed, agency, course.start_on)
        attended = rng.random() < 0.9
        if officer is not None and rng.random() < 0.85:
            yield TrainingParticipant(
                agency=agency,
                name=officer.name,
                position=officer.position or "",
                attended=attended,
                iso_officer=officer,
            )
        else:
            yield TrainingParticipant(
                agency=agency,
                name=person_name(rng),
                position=OTHER_POSITIONS[spec.level],
                attended=attended,
            )


def seed_training(seed: Seed) -> None:
    """The eight courses of 2017–2020: 4 maintain/improve, 2 for communes, 2 transition."""
    existing = {(c.title, c.start_on) for c in db.session.scalars(select(TrainingCourse))}
    for spec in COURSES:
        if (spec.title, spec.start_on) in existing:
            continue
        course = TrainingCourse(
            title=spec.title,
            kind=spec.kind,
            start_on=spec.start_on,
            end_on=spec.start_on + timedelta(days=spec.days - 1),
            location=spec.location,
            organizer=ORGANIZER,
            trainers=TRAINERS[spec.kind],
            audience_level=spec.audience_level,
        )
        course.participants = list(_participants(seed, spec))
        db.session.add(course)
    db.session.flush()


# --- conformity announcements ---------------------------------------------------------------


@dataclass
class AnnouncementSpec:
    agency: str
    number: str
    announced_on: date
    standard: Standard
    procedures: int
    acknowledged: bool = True
    supersedes: AnnouncementSpec | None = None


def _announcement(
    rng: random.Random,
    spec: AgencySpec,
    low: date,
    high: date,
    number_range: tuple[int, int],
    standard: Standard,
    prev: AnnouncementSpec | None,
) -> AnnouncementSpec:
    """One announcement dated between low and high, numbered within number_range."""
    procedures = {
        AgencyLevel.PROVINCIAL: rng.randint(40, 220),
        AgencyLevel.DISTRICT: rng.randint(240, 320),
        AgencyLevel.COMMUNE: rng.randint(95, 135),
    }[spec.level]
    return AnnouncementSpec(
        agency=spec.code,
        number=f"{rng.randint(*number_range)}/{spec.doc_suffix}",
        announced_on=low + timedelta(days=rng.randint(0, (high - low).days)),
        standard=standard,
        procedures=procedures,
        supersedes=prev,
    )


def announcement_specs(seed: Seed) -> list[AnnouncementSpec]:
    """The announcements of every demo agency, older ones before those that replace them."""
    end_2020 = date(2020, 12, 31)
    latest = min(date(2025, 12, 15), seed.today)
    rng_2025 = _rng("announcements", 2025)
    communes_now = [s.code for s in seed.specs if s.is_current and s.level is AgencyLevel.COMMUNE]
    rng_2025.shuffle(communes_now)
    missing, awaiting = set(communes_now[:3]), set(communes_now[3:8])
    result = []
    for spec in seed.specs:
        rng = _rng("announcement", spec.code)
        prev = None
        if spec.active_on(end_2020):
            if spec.level is not AgencyLevel.COMMUNE or rng.random() < 0.3:
                low, high = date(2015, 6, 1), date(2017, 12, 20)
                prev = _announcement(rng, spec, low, high, (10, 99), Standard.ISO_9001_2008, None)
                result.append(prev)
            low, high = date(2019, 1, 15), date(2020, 12, 20)
            prev = _announcement(rng, spec, low, high, (100, 199), Standard.ISO_9001_2015, prev)
            result.append(prev)
        low = REFORM_DAY + timedelta(days=10)
        if spec.is_current and spec.code not in missing and latest >= low:
            prev = _announcement(rng, spec, low, latest, (200, 399), Standard.ISO_9001_2015, prev)
            prev.acknowledged = spec.code not in awaiting
            result.append(prev)
    return result


def _key(spec: AnnouncementSpec) -> tuple[str, str]:
    return spec.agency, spec.number


def seed_announcements(seed: Seed) -> None:
    existing = {
        (a.agency_id, a.number): a for a in db.session.scalars(select(ConformityAnnouncement))
    }
    admin = seed.users["admin"]
    made: dict[tuple[str, str], ConformityAnnouncement] = {}
    for spec in announcement_specs(seed):
        agency = seed.agencies[spec.agency]
        row = existing.get((agency.id, spec.number))
        if row is None:
            rng = _rng("acknowledged", spec.agency, spec.number)
            submitted = _at(spec.announced_on + timedelta(days=rng.randint(1, 5)))
            acknowledged = submitted + timedelta(days=rng.randint(2, 10), hours=5)
            row = ConformityAnnouncement(
                agency=agency,
                number=spec.number,
                announced_on=spec.announced_on,
                standard=spec.standard,
                scope=(
                    f"Toàn bộ {spec.procedures} thủ tục hành chính thuộc thẩm quyền giải quyết "
                    f"của {agency.name} và các hoạt động hỗ trợ có liên quan."
                ),
                procedures_count=spec.procedures,
                status=(
                    AnnouncementStatus.ACKNOWLEDGED
                    if spec.acknowledged
                    else AnnouncementStatus.SUBMITTED
                ),
                supersedes=made.get(_key(spec.supersedes)) if spec.supersedes else None,
                submitted_at=submitted,
                acknowledged_by_id=admin.id if spec.acknowledged else None,
                acknowledged_at=acknowledged if spec.acknowledged else None,
            )
            db.session.add(row)
            existing[(agency.id, spec.number)] = row
        made[_key(spec)] = row
    db.session.flush()


# --- entry point ----------------------------------------------------------------------------

COUNTED = (
    Agency,
    IsoOfficer,
    User,
    ChecklistTemplate,
    Decision,
    InspectionPlan,
    Inspection,
    Answer,
    Finding,
    TrainingCourse,
    TrainingParticipant,
    ConformityAnnouncement,
    LegalDocument,
    IsoProcess,
    ProcessVersion,
)


def row_counts() -> dict[str, int]:
    """Rows per table of what the demo fills, as the database holds them now."""
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in COUNTED
    }


def seed_demo(password: str) -> dict[str, int]:
    """Load the demo data set, creating only what is missing; flush, never commit."""
    wards = today_wards()
    seed = Seed(
        today=clock.today(),
        specs=agency_specs(wards),
        ward_codes={ward.name: ward_agency_code(ward) for ward in wards},
    )
    seed_agencies(seed)
    seed_officers(seed)
    seed_template(seed)
    seed_users(seed, password)
    seed_decisions(seed)
    seed_plans(seed)
    seed_history(seed)
    seed_current_plan(seed)
    seed_training(seed)
    seed_announcements(seed)
    demo_followup.seed_followup(seed, password, AGENCY_USER_AGENCY)
    demo_regulations.seed_regulations(seed.agencies, AGENCY_USER_AGENCY, seed.today)
    return row_counts()
