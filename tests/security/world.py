"""A small world with two agencies and every kind of object, for the authorization matrix."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from werkzeug.datastructures import FileStorage

from inspect_app.extensions import db
from inspect_app.jobs import service as jobs
from inspect_app.models import (
    AnswerConflict,
    ConformityAnnouncement,
    Decision,
    DecisionKind,
    InspectionMode,
    InspectionStatus,
    MailStatus,
    Result,
    Role,
    Severity,
    Standard,
    TrainingCourse,
    TrainingKind,
    TrainingParticipant,
    User,
)
from inspect_app.models.base import utcnow
from inspect_app.services import calendar_feed, evidence, findings, mail, notifications, regulations
from inspect_app.services.sync import store_answer
from inspect_app.services.users import create_token

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@dataclass
class World:
    principals: dict[str, User | None]
    params: dict[str, int | str]
    #: per-endpoint overrides (e.g. the portal's dossier pages need a dossier inspection)
    overrides: dict[str, dict[str, int]]


def build_world(make_agency, make_user, make_plan, make_inspection, make_template) -> World:
    year = date.today().year
    agency_a = make_agency("UBND xã A", code="XA-A")
    agency_b = make_agency("UBND xã B", code="XA-B")
    lead = make_user(Role.INSPECTOR, username="lead")
    member = make_user(Role.INSPECTOR, username="member")
    principals = {
        "anonymous": None,
        "agency_b": make_user(Role.AGENCY, agency=agency_b, username="iso_b"),
        "inspector_off_team": make_user(Role.INSPECTOR, username="outsider"),
        "agency_a": make_user(Role.AGENCY, agency=agency_a, username="iso_a"),
        "viewer": make_user(Role.VIEWER, username="leader"),
        "inspector_on_team": member,
        "admin": make_user(Role.ADMIN, username="boss"),
    }
    template = make_template(3)
    plan = make_plan(year)
    inspection = make_inspection(
        plan=plan,
        agency=agency_a,
        lead=lead,
        members=[member],
        template=template,
        status=InspectionStatus.IN_PROGRESS,
    )
    dossier = make_inspection(
        plan=make_plan(year + 1),
        agency=agency_a,
        mode=InspectionMode.DOSSIER,
        lead=lead,
        members=[member],
        template=template,
        status=InspectionStatus.DOSSIER_REQUESTED,
        dossier_request="Sổ tay",
        dossier_due=date.today() + timedelta(days=7),
        dossier_requested_at=utcnow(),
    )
    make_inspection(plan=plan, agency=agency_b, lead=lead, template=template)
    item = template.items[0]
    store_answer(inspection, item, None, Result.NONCONFORM, "server", lead)
    conflict = AnswerConflict(
        inspection_id=inspection.id,
        item_id=item.id,
        op_id="0c7a8e4e-7a57-4f4b-9f7e-2b0c2a7d1e11",
        server_result=Result.NONCONFORM,
        server_note="server",
        server_rev=1,
        client_result=Result.CONFORM,
        client_note="client",
        client_base_rev=0,
        submitted_by_id=member.id,
    )
    db.session.add(conflict)
    finding = findings.create_finding(
        inspection,
        severity=Severity.OBSERVATION,
        description="Khuyến nghị cập nhật quy trình",
        corrective_action_required="Cập nhật",
        due_on=date.today() + timedelta(days=30),
        by=lead,
    )
    file = evidence.attach_evidence(
        io.BytesIO(PDF),
        "bang-chung.pdf",
        inspection=inspection,
        purpose="evidence",
        uploaded_by=lead,
    )
    dossier_file = evidence.attach_evidence(
        io.BytesIO(PDF + b"%dossier"),
        "ho-so.pdf",
        inspection=dossier,
        purpose="dossier",
        uploaded_by=principals["agency_a"],
    )
    decision = Decision(
        number="5/QĐ-KHCN",
        signed_on=date(year, 2, 1),
        year=year,
        issuer="Sở KH&CN",
        kind=DecisionKind.OTHER,
    )
    course = TrainingCourse(
        title="Duy trì HTQLCL",
        kind=TrainingKind.MAINTAIN_IMPROVE,
        start_on=date(year, 3, 1),
        end_on=date(year, 3, 2),
    )
    participant = TrainingParticipant(course=course, agency=agency_a, name="Nguyễn Văn A")
    announcement = ConformityAnnouncement(
        agency=agency_a,
        number="1/QĐ-XA-A",
        announced_on=date(year, 1, 10),
        standard=Standard.ISO_9001_2015,
        scope="Toàn bộ TTHC",
        procedures_count=40,
    )
    db.session.add_all([decision, course, participant, announcement])
    db.session.flush()
    decision_file = evidence.attach_decision_file(
        FileStorage(io.BytesIO(PDF + b"%qd"), filename="qd.pdf"), decision, principals["admin"]
    )
    notice = notifications.notify(agency=agency_a, message="Có yêu cầu hồ sơ", link="/portal/")
    legal = regulations.save_document(
        None,
        regulations.DocumentData(
            "599/QĐ-UBND", "Kế hoạch ISO", date(2019, 4, 26), date(2019, 4, 26)
        ),
    )
    iso_process = regulations.create_process(
        agency_a, code="QT-01", name="Kiểm soát tài liệu", issued_on=date(2019, 6, 1), bases=[legal]
    )
    process_file = evidence.attach_agency_file(
        FileStorage(io.BytesIO(PDF + b"%qt"), filename="qt.pdf"), agency_a, "process", None
    )
    iso_process.versions[0].file_id = process_file.id
    db.session.flush()
    token, _ = create_token(principals["agency_a"])
    failed_message = mail.queue_message("iso@agency-a.example.org", "Nhắc việc", "Nội dung")
    failed_message.status = MailStatus.FAILED
    feed_secret = calendar_feed.new_feed_secret(principals["inspector_on_team"])
    job = jobs.create_job("export:inspections", principals["viewer"], {"from": 2000, "to": 2100})
    db.session.commit()
    jobs.run_job(job.id)
    params = {
        "inspection_id": inspection.id,
        "finding_id": finding.id,
        "file_id": file.id,
        "conflict_id": conflict.id,
        "plan_id": plan.id,
        "agency_id": agency_a.id,
        "decision_id": decision.id,
        "template_id": template.id,
        "item_id": item.id,
        "course_id": course.id,
        "participant_id": participant.id,
        "announcement_id": announcement.id,
        "notification_id": notice.id,
        "user_id": principals["agency_a"].id,
        "token_id": token.id,
        "key": job.key,
        "target": "conducted",
        "code": "en",
        "filename": "css/app.css",
        "kind": "record",
        "message_id": failed_message.id,
        "secret": feed_secret,
        "document_id": legal.id,
        "process_id": iso_process.id,
    }
    overrides = {
        "portal.dossier": {"inspection_id": dossier.id},
        "portal.add_dossier_file": {"inspection_id": dossier.id},
        "portal.submit_dossier": {"inspection_id": dossier.id},
        "portal.remove_dossier_file": {"inspection_id": dossier.id, "file_id": dossier_file.id},
        "findings.download_evidence": {"file_id": file.id},
        "api.download_evidence": {"file_id": file.id},
        "bootstrap.static": {"filename": "css/bootstrap.min.css"},
        "decisions.download_file": {"file_id": decision_file.id},
        "processes.download_file": {"file_id": process_file.id},
        "regulations.import_upload": {"kind": "documents"},
        "regulations.import_confirm": {"kind": "documents"},
        "followup.work_queue": {"key": "overdue_actions"},
    }
    return World(principals, params, overrides)
