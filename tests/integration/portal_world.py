"""Two agencies with everything the portal shows: a helper for the portal and isolation tests."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from inspect_app.extensions import db
from inspect_app.models import (
    Agency,
    AnnouncementStatus,
    ConformityAnnouncement,
    EvidenceFile,
    Finding,
    Inspection,
    InspectionMode,
    InspectionStatus,
    Notification,
    PlanStatus,
    Role,
    Severity,
    Standard,
    User,
)
from inspect_app.models.base import utcnow
from inspect_app.services import evidence, findings, notifications

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
DOSSIER_REQUEST = "Báo cáo tình hình áp dụng HTQLCL; danh mục quy trình; báo cáo đánh giá nội bộ."


@dataclass
class AgencyWorld:
    agency: Agency
    user: User
    dossier: Inspection
    concluded: Inspection
    finding: Finding
    dossier_file: EvidenceFile
    announcement: ConformityAnnouncement
    notification: Notification
    extra: dict = field(default_factory=dict)


@dataclass
class World:
    a: AgencyWorld
    b: AgencyWorld
    lead: User
    member: User
    admin: User
    outsider: User


def build_agency(
    name, code, *, make_agency, make_user, make_inspection, plan, old_plan, lead, member
):
    """One agency with a dossier request, a concluded inspection, a finding, an announcement."""
    agency = make_agency(name, code=code)
    user = make_user(Role.AGENCY, agency=agency, full_name=f"Cán bộ ISO {name}")
    dossier = make_inspection(
        agency=agency,
        plan=plan,
        mode=InspectionMode.DOSSIER,
        status=InspectionStatus.DOSSIER_REQUESTED,
        lead=lead,
        members=[member],
        dossier_request=DOSSIER_REQUEST,
        dossier_due=date.today() + timedelta(days=10),
        dossier_requested_at=utcnow(),
    )
    concluded = make_inspection(
        agency=agency, plan=old_plan, status=InspectionStatus.CONCLUDED, lead=lead, members=[member]
    )
    finding = findings.create_finding(
        concluded,
        severity=Severity.MINOR,
        description="Quy trình viện dẫn văn bản đã hết hiệu lực.",
        corrective_action_required="Cập nhật quy trình theo văn bản đang có hiệu lực.",
        due_on=date.today() + timedelta(days=30),
        by=lead,
        requirement="7.5.3",
    )
    dossier_file = evidence.attach_evidence(
        io.BytesIO(PDF + code.encode()),
        f"Báo cáo {code}.pdf",
        inspection=dossier,
        purpose="dossier",
        uploaded_by=user,
        document_type="Báo cáo đánh giá nội bộ",
        effective_on=date(2025, 1, 2),
    )
    announcement_file = evidence.attach_evidence(
        io.BytesIO(PDF + b"announcement " + code.encode()),
        f"Quyết định công bố {code}.pdf",
        purpose="announcement",
        agency=agency,
        uploaded_by=user,
    )
    announcement = ConformityAnnouncement(
        agency=agency,
        number=f"12/QĐ-{code}",
        announced_on=date(2024, 5, 6),
        standard=Standard.ISO_9001_2015,
        scope="Toàn bộ thủ tục hành chính",
        procedures_count=80,
        file_id=announcement_file.id,
        status=AnnouncementStatus.SUBMITTED,
        submitted_by_id=user.id,
    )
    db.session.add(announcement)
    notification = notifications.notify(
        agency=agency, message=f"Thông báo cho {name}", link=f"/portal/dossiers/{dossier.id}"
    )
    db.session.commit()
    return AgencyWorld(
        agency, user, dossier, concluded, finding, dossier_file, announcement, notification
    )


def build_world(make_agency, make_user, make_plan, make_inspection) -> World:
    year = date.today().year
    plan = make_plan(year)
    old_plan = make_plan(year - 1, status=PlanStatus.CLOSED)
    lead = make_user(Role.INSPECTOR, full_name="Trưởng đoàn Lê Văn A")
    member = make_user(Role.INSPECTOR, full_name="Thành viên Trần Thị B")
    admin = make_user(Role.ADMIN, full_name="Quản trị Sở")
    outsider = make_user(Role.INSPECTOR, full_name="Kiểm tra viên khác")
    common = {
        "make_agency": make_agency,
        "make_user": make_user,
        "make_inspection": make_inspection,
        "plan": plan,
        "old_plan": old_plan,
        "lead": lead,
        "member": member,
    }
    a = build_agency("UBND xã Tịnh Khê", "XA-A", **common)
    b = build_agency("UBND phường Cẩm Thành", "XA-B", **common)
    return World(a, b, lead, member, admin, outsider)


def multipart(client, url: str, fields) -> object:
    """POST a multipart body built in memory (the test client would spool big bodies)."""
    data = MultiDict()
    for key, value in fields.items() if isinstance(fields, dict) else fields:
        if isinstance(value, tuple):  # (filename, bytes)
            value = FileStorage(io.BytesIO(value[1]), filename=value[0])
        data.add(key, value)
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
