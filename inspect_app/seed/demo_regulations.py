"""Demo data of the regulation tracker, from the report itself (idempotent; flush only).

Legal documents: the numbers and signing dates are those the report cites; effective dates
are the documents' own (the UBND decisions take effect on signing). The TTHC lists are the
report's table of Quyết định 2093/QĐ-UBND and 1757/QĐ-UBND (Sở KH&CN). Process codes, names
and version dates are demo data: some processes went stale when QĐ 971/QĐ-UBND amended
QĐ 599/QĐ-UBND on 03/07/2020, some were updated on time, some late, some never.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from inspect_app.extensions import db
from inspect_app.models import Agency, LegalDocument, LegalDocumentKind
from inspect_app.services import regulations
from inspect_app.services.regulations import DocumentData

PROVINCE = "UBND tỉnh Quảng Ngãi"


@dataclass(frozen=True)
class DocSpec:
    number: str
    kind: LegalDocumentKind
    issuer: str
    signed_on: date
    effective_on: date
    summary: str
    amends: tuple[str, ...] = ()


K = LegalDocumentKind
DOCUMENTS = (
    DocSpec(
        "19/2014/QĐ-TTg",
        K.DECISION,
        "Thủ tướng Chính phủ",
        date(2014, 3, 5),
        date(2014, 4, 20),
        "Về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008 "
        "vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước",
    ),
    DocSpec(
        "34/2016/NĐ-CP",
        K.DECREE,
        "Chính phủ",
        date(2016, 5, 14),
        date(2016, 7, 1),
        "Quy định chi tiết một số điều và biện pháp thi hành Luật Ban hành văn bản quy phạm "
        "pháp luật",
    ),
    DocSpec(
        "903/QĐ-UBND",
        K.DECISION,
        PROVINCE,
        date(2018, 6, 7),
        date(2018, 6, 7),
        "Ban hành Kế hoạch triển khai áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc "
        "gia TCVN ISO 9001:2015 vào hoạt động của UBND xã, phường, thị trấn trên địa bàn tỉnh "
        "Quảng Ngãi, giai đoạn 2018 – 2021",
    ),
    DocSpec(
        "2093/QĐ-UBND",
        K.DECISION,
        "Chủ tịch UBND tỉnh Quảng Ngãi",
        date(2018, 11, 23),
        date(2018, 11, 23),
        "Phê duyệt Danh mục TTHC được rút ngắn thời gian giải quyết so với quy định pháp luật "
        "thuộc thẩm quyền giải quyết của Sở Khoa học và Công nghệ",
    ),
    DocSpec(
        "599/QĐ-UBND",
        K.DECISION,
        PROVINCE,
        date(2019, 4, 26),
        date(2019, 4, 26),
        "Ban hành Kế hoạch triển khai xây dựng chuyển đổi, áp dụng Hệ thống quản lý chất lượng "
        "theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015 vào hoạt động của các cơ quan hành chính "
        "nhà nước tỉnh Quảng Ngãi, giai đoạn 2019 – 2020",
    ),
    DocSpec(
        "1757/QĐ-UBND",
        K.DECISION,
        "Chủ tịch UBND tỉnh Quảng Ngãi",
        date(2019, 11, 19),
        date(2019, 11, 19),
        "Phê duyệt Danh mục TTHC được rút ngắn thời gian giải quyết so với quy định pháp luật "
        "thuộc thẩm quyền giải quyết của Sở Khoa học và Công nghệ",
    ),
    DocSpec(
        "971/QĐ-UBND",
        K.DECISION,
        PROVINCE,
        date(2020, 7, 3),
        date(2020, 7, 3),
        "Sửa đổi, bổ sung, điều chỉnh Kế hoạch triển khai xây dựng chuyển đổi, áp dụng Hệ thống "
        "quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015 vào hoạt động của các cơ "
        "quan hành chính nhà nước tỉnh Quảng Ngãi, giai đoạn 2019 - 2020 ban hành kèm theo Quyết "
        "định số 599/QĐ-UBND ngày 26/4/2019 của Chủ tịch UBND tỉnh",
        amends=("599/QĐ-UBND",),
    ),
)

TDC, ATBX, KHCN = (
    "Lĩnh vực tiêu chuẩn Đo lường Chất lượng",
    "Lĩnh vực năng lượng nguyên tử, an toàn bức xạ hạt nhân",
    "Lĩnh vực hoạt động khoa học và công nghệ",
)
#: the report's table: the TTHC of Sở KH&CN each decision lists.
PROCEDURES = {
    "2093/QĐ-UBND": (
        (
            TDC,
            "Đăng ký công bố hợp chuẩn dựa trên kết quả chứng nhận hợp chuẩn của tổ chức "
            "chứng nhận",
        ),
        (
            TDC,
            "Đăng ký công bố hợp chuẩn dựa trên kết quả tự đánh giá của tổ chức, cá nhân sản "
            "xuất, kinh doanh",
        ),
        (
            TDC,
            "Đăng ký công bố hợp quy đối với các sản phẩm, hàng hóa, dịch vụ, quá trình, môi "
            "trường được quản lý bởi các quy chuẩn kỹ thuật quốc gia do Bộ Khoa học và Công "
            "nghệ ban hành dựa trên kết quả chứng nhận hợp quy của tổ chức chứng nhận",
        ),
        (
            ATBX,
            "Cấp Giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X-quang chẩn đoán "
            "trong y tế)",
        ),
        (
            ATBX,
            "Gia hạn giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X - quang chẩn đoán "
            "trong y tế)",
        ),
        (
            ATBX,
            "Cấp và cấp lại chứng chỉ nhân viên bức xạ (đối với người phụ trách an toàn cơ sở "
            "X-quang chẩn đoán trong y tế)",
        ),
        (
            ATBX,
            "Phê duyệt kế hoạch ứng phó sự cố bức xạ cấp cơ sở (cơ sở sử dụng thiết bị X-quang "
            "chẩn đoán trong y tế)",
        ),
        (
            KHCN,
            "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh, cấp cơ sở sử "
            "dụng ngân sách nhà nước và nhiệm vụ khoa học và công nghệ do quỹ của Nhà nước "
            "trong lĩnh vực khoa học và công nghệ tài trợ thuộc phạm vi quản lý của tỉnh, "
            "thành phố trực thuộc trung ương",
        ),
        (
            KHCN,
            "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ không sử dụng ngân sách "
            "nhà nước",
        ),
    ),
    "1757/QĐ-UBND": (
        (
            ATBX,
            "Cấp Giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X - quang chẩn đoán "
            "trong y tế)",
        ),
        (
            ATBX,
            "Gia hạn Giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X - quang chẩn đoán "
            "trong y tế)",
        ),
        (KHCN, "Giấy chứng nhận doanh nghiệp khoa học và công nghệ"),
    ),
}
#: the TTHC (by position in 2093) that the demo Sở KH&CN has no process for: "missing".
UNCOVERED = {8}

#: the QMS's own processes every agency keeps; they cite the plan and 19/2014.
SYSTEM_PROCESSES = (
    ("QT-01", "Quy trình kiểm soát tài liệu"),
    ("QT-02", "Quy trình kiểm soát hồ sơ"),
    ("QT-03", "Quy trình đánh giá nội bộ"),
    ("QT-04", "Quy trình kiểm soát sự không phù hợp và hành động khắc phục"),
)
PROVINCIAL_CODES = (
    "SO-KHCN",
    "SO-NV",
    "SO-TP",
    "SO-TC",
    "SO-XD",
    "SO-YT",
    "SO-GDDT",
    "SO-CT",
    "SO-VHTTDL",
    "VP-UBND",
    "TT-TINH",
)
AMENDED_ON = date(2020, 7, 3)


def _rng(*key: object) -> random.Random:
    return random.Random("regulations:" + ":".join(str(k) for k in key))


def seed_documents() -> dict[str, LegalDocument]:
    """The report's documents; existing ones (by number) are left as they are."""
    found = {}
    for spec in DOCUMENTS:
        document = regulations.find_document(spec.number)
        if document is None:
            document = regulations.save_document(
                None,
                DocumentData(
                    number=spec.number,
                    kind=spec.kind,
                    issuer=spec.issuer,
                    summary=spec.summary,
                    signed_on=spec.signed_on,
                    effective_on=spec.effective_on,
                    amends=list(spec.amends),
                ),
            )
        found[spec.number] = document
    return found


def seed_procedures(docs: dict[str, LegalDocument], agency: Agency) -> None:
    for number, entries in PROCEDURES.items():
        regulations.add_procedures(docs[number], agency, entries)


def _versions(code: str, agency_code: str) -> list[date]:
    """Version dates of a system process: first issued before the amendment, then updated
    on time, late or not at all (a fixed draw per agency and process)."""
    rng = _rng(agency_code, code)
    first = date(2019, 6, 1) + timedelta(days=rng.randrange(0, 300))
    fate = rng.random()
    if fate < 0.35:
        return [first, AMENDED_ON + timedelta(days=rng.randrange(5, 80))]  # on time
    if fate < 0.6:
        return [first, date(2021, 1, 5) + timedelta(days=rng.randrange(0, 200))]  # late
    return [first]  # still waiting


def _process(agency, code, name, dates, bases, procedure=None):
    row = regulations.find_process(agency, code)
    if row is None:
        row = regulations.create_process(
            agency,
            code=code,
            name=name,
            issued_on=dates[0],
            number="01",
            bases=bases,
            procedure_key=regulations.procedure_key(procedure) if procedure else None,
        )
    known = {v.issued_on for v in row.versions}
    for number, day in enumerate(dates[1:], start=2):
        if day not in known and day > row.version_date:
            regulations.record_version(row, issued_on=day, number=f"{number:02d}")
    return row


def seed_catalogues(docs: dict[str, LegalDocument], agencies: dict[str, Agency], agency_user: str):
    """Process catalogues: provincial departments, Sở KH&CN's TTHC, and some communes."""
    system_bases = [docs["19/2014/QĐ-TTg"], docs["599/QĐ-UBND"]]
    for code in PROVINCIAL_CODES:
        agency = agencies.get(code)
        if agency is None:
            continue
        for process_code, name in SYSTEM_PROCESSES:
            _process(agency, process_code, name, _versions(process_code, code), system_bases)
    if (tp := agencies.get("SO-TP")) is not None:
        _process(
            tp,
            "QT-05",
            "Quy trình thẩm định dự thảo văn bản quy phạm pháp luật",
            [date(2019, 3, 15)],
            [docs["34/2016/NĐ-CP"]],
        )
    if (khcn := agencies.get("SO-KHCN")) is not None:
        seed_procedures(docs, khcn)
        # the 1757 list repeats two of 2093's procedures, already covered; its third and
        # one of 2093's stay without a process (the "missing" of checklist item A.1).
        for n, (_field, name) in enumerate(PROCEDURES["2093/QĐ-UBND"], start=1):
            if n in UNCOVERED:
                continue
            _process(
                khcn,
                f"QT-TTHC-{n:02d}",
                f"Quy trình giải quyết TTHC: {name}",
                [date(2019, 1, 7)],
                [docs["2093/QĐ-UBND"]],
                procedure=name,
            )
    commune = agencies.get(agency_user)
    if commune is not None:
        commune_bases = [docs["19/2014/QĐ-TTg"], docs["903/QĐ-UBND"], docs["599/QĐ-UBND"]]
        for process_code, name in SYSTEM_PROCESSES[:3]:
            dates = [date(2020, 3, 16)]
            if process_code == "QT-03":
                dates.append(date(2020, 9, 14))  # updated within the 90 days
            _process(commune, process_code, name, dates, commune_bases)
    for code in sorted(agencies):
        agency = agencies[code]
        if agency.level.value != "commune" or agency.active_to is not None or code == agency_user:
            continue
        if _rng("commune", code).random() < 0.12:
            bases = [docs["19/2014/QĐ-TTg"], docs["903/QĐ-UBND"]]
            for process_code, name in SYSTEM_PROCESSES[:2]:
                _process(agency, process_code, name, [date(2025, 8, 4)], bases)


def seed_regulations(agencies: dict[str, Agency], agency_user: str, today: date) -> None:
    """Documents, TTHC, catalogues, and the notices the stale processes call for."""
    docs = seed_documents()
    db.session.flush()
    seed_catalogues(docs, agencies, agency_user)
    db.session.flush()
    regulations.notify_stale(today)
