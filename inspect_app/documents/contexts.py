"""What each document says, as plain data computed from the domain objects.

Documents are Vietnamese administrative texts: they keep the official Vietnamese wording
whatever the interface language, so every label is taken under the `vi` locale.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from inspect_app import clock
from inspect_app.extensions import db
from inspect_app.i18n import format_day, format_percent
from inspect_app.models import (
    Agency,
    AgencyLevel,
    Decision,
    Finding,
    FindingStatus,
    Inspection,
    InspectionMode,
    InspectionPlan,
    IsoOfficer,
    Result,
    TrainingKind,
)
from inspect_app.models.user import UNKNOWN_HONORIFIC
from inspect_app.services import records, tallies
from inspect_app.services.workbooks import plan_annex_export

DEFAULT_STANDARD = "TCVN ISO 9001:2015"
#: what a dossier request asks for when the inspection names nothing itself.
DEFAULT_DOSSIER_REQUEST = (
    "Báo cáo tình hình xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng;",
    "Danh mục tài liệu, quy trình của Hệ thống quản lý chất lượng đang áp dụng;",
    "Kết quả đánh giá nội bộ và biên bản họp xem xét của lãnh đạo gần nhất;",
    "Quyết định công bố Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015.",
)
#: how many overdue corrective actions the report lists by name.
OVERDUE_LISTED = 50
RESULT_KEYS = {result: result.value for result in Result}


def date_text(day: date | None) -> str:
    """`ngày 05 tháng 3 năm 2026`: the decree pads days below 10 and the months 1 and 2."""
    if day is None:
        return "ngày …… tháng …… năm ……"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def lower_first(text: str | None) -> str:
    text = str(text or "")
    return text[:1].lower() + text[1:]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _decision(decision: Decision | None) -> dict | None:
    if decision is None:
        return None
    return {
        "number": decision.number,
        "signed_on": format_day(decision.signed_on),
        "issuer": decision.issuer or "",
        "summary": lower_first(decision.summary),
    }


def _agency(agency: Agency) -> dict:
    return {"name": agency.name, "code": agency.code, "address": agency.address or ""}


def _standard(inspection: Inspection) -> str:
    template = inspection.template
    return (
        str(template.standard) if template is not None and template.standard else (DEFAULT_STANDARD)
    )


def _team(inspection: Inspection) -> list[dict]:
    """Each person's title (Ông/Bà), name, position and role in the team."""
    return [
        {"title": line.title, "name": line.name, "position": line.position, "role": line.role}
        for line in records.team_lines(inspection)
    ]


def _lead(inspection: Inspection) -> dict:
    """The lead's name (under the signature) and title (in "liên hệ Ông …")."""
    lead = inspection.lead
    return {
        "lead_name": lead.full_name if lead else "",
        "lead_title": (lead.honorific or UNKNOWN_HONORIFIC) if lead else "",
    }


def _counts(group: records.GroupResult) -> dict:
    counts = {RESULT_KEYS[result]: n for result, n in group.counts.items()}
    return {
        "code": group.code,
        "title": group.title,
        "total": group.total,
        "unanswered": group.unanswered,
        **counts,
    }


def window_text(start: date | None, end: date | None) -> str:
    if start is None:
        return "Đoàn kiểm tra sẽ thông báo sau"
    if end is None or end == start:
        return f"ngày {format_day(start)}"
    return f"từ ngày {format_day(start)} đến ngày {format_day(end)}"


# -- the four documents -----------------------------------------------------------------------


def record_context(inspection: Inspection) -> dict:
    """The inspection record: the same content as the printable record page."""
    with force_locale("vi"):
        page = records.record_context(inspection)
        day = inspection.conducted_on or inspection.concluded_on
        representatives = page["representatives"]
        conclusion = None
        if inspection.conclusion is not None:
            conclusion = {
                "label": inspection.conclusion.label,
                "summary": inspection.conclusion_summary or "",
            }
        return {
            "date_text": date_text(day),
            "number": inspection.record_number or "…/BB-KT",
            "standard": _standard(inspection),
            "agency": _agency(inspection.agency),
            "decision": _decision(page["decision"]),
            "amending_decision": _decision(inspection.added_by_decision),
            "plan": {"year": inspection.plan.year, "title": lower_first(inspection.plan.title)},
            "inspection": {
                "day": format_day(day) if day else "…………",
                "mode": lower_first(inspection.mode.label),
            },
            "team": _team(inspection),
            "representatives": representatives,
            "groups": [_counts(group) for group in page["groups"]],
            "total": _counts(page["total"]),
            "findings": [
                {
                    "number": number,
                    "requirement": finding.requirement
                    or (finding.item.code if finding.item else ""),
                    "description": finding.description or "",
                    "severity": finding.severity.label,
                    "corrective_action": finding.corrective_action_required or "",
                    "due_on": format_day(finding.due_on),
                }
                for number, finding in enumerate(page["findings"], start=1)
            ]
            + [  # non-conforming and observation items without a finding, as on the page
                {
                    "number": number,
                    "requirement": item.code,
                    "description": "\n".join(filter(None, (item.text, answer.note))),
                    "severity": answer.result.label,
                    "corrective_action": "",
                    "due_on": "",
                }
                for number, (item, answer) in enumerate(
                    page["unrecorded"], start=len(page["findings"]) + 1
                )
            ],
            "conclusion": conclusion,
            "agency_signer": representatives[0] if representatives else "",
            **_lead(inspection),
        }


def notice_context(inspection: Inspection, today: date | None = None) -> dict:
    """The letter to the agency: the planned window and team, and for dossier mode what to send."""
    with force_locale("vi"):
        dossier = inspection.mode is InspectionMode.DOSSIER
        requested = _lines(inspection.dossier_request) or list(DEFAULT_DOSSIER_REQUEST)
        return {
            "date_text": date_text(today or clock.today()),
            "dossier": dossier,
            "standard": _standard(inspection),
            "agency": _agency(inspection.agency),
            "decision": _decision(inspection.plan.decision),
            "plan": {"year": inspection.plan.year, "title": lower_first(inspection.plan.title)},
            "inspection": {
                "mode": lower_first(inspection.mode.label),
                "window": window_text(inspection.planned_from, inspection.planned_to),
                "dossier_due": format_day(inspection.dossier_due),
            },
            "team": _team(inspection),
            "requested": requested if dossier else [],
            **_lead(inspection),
        }


def annex_context(plan: InspectionPlan) -> dict:
    """The plan's annex: the agencies to inspect, for the approving decision."""
    with force_locale("vi"):
        rows = plan_annex_export.annex_rows(plan)
        on_site = str(InspectionMode.ON_SITE.label)
        return {
            "date_text": date_text(plan.decision.signed_on if plan.decision else None),
            "plan": {"year": plan.year, "title": plan.title},
            "decision": _decision(plan.decision),
            "rows": [
                {
                    "number": row.number,
                    "agency": row.agency,
                    "mode": row.mode,
                    "time": row.time,
                    "team": "\n".join(str(person) for person in row.team),
                }
                for row in rows
            ],
            "on_site": sum(1 for row in rows if row.mode == on_site),
            "dossier": sum(1 for row in rows if row.mode != on_site),
        }


def report_context(first: int, last: int, today: date | None = None) -> dict:
    """The report's section for a period: paragraphs, tallies, training, conformity, problems."""
    today = today or clock.today()
    with force_locale("vi"):
        report = tallies.tally_report(first, last)
        total = report["total"]
        training = total["training"]
        period = tallies.period_text(first, last)
        return {
            "date_text": date_text(today),
            "period": lower_first(period).replace("trong giai đoạn", "giai đoạn"),
            "first": first,
            "last": last,
            "inspection_text": tallies.inspection_paragraph(report),
            "training_text": tallies.training_paragraph(report),
            "years": [
                {key: row[key] for key in ("year", "inspected", "on_site", "dossier")}
                for row in report["years"]
            ],
            "total": {key: total[key] for key in ("inspected", "on_site", "dossier")},
            "training": [
                {"kind": kind.label, **training["by_kind"][kind.value]} for kind in TrainingKind
            ],
            "training_total": {
                key: training[key] for key in ("courses", "participants", "attended")
            },
            "conformity_text": conformity_text(total["coverage"], last),
            "coverage": [
                {
                    "level": AgencyLevel(level).label,
                    "announced": entry["announced"],
                    "total": entry["total"],
                    "percent": format_percent(entry["announced"], entry["total"]),
                }
                for level, entry in total["coverage"].items()
                if entry["total"]
            ],
            **problems(first, last, total, today),
        }


def conformity_text(coverage: dict[str, dict[str, int]], last: int) -> str:
    announced = sum(entry["announced"] for entry in coverage.values())
    whole = sum(entry["total"] for entry in coverage.values())
    if not whole:
        return f"Tính đến ngày 31/12/{last}, chưa có dữ liệu về công bố HTQLCL của các CQHCNN."
    return (
        f"Tính đến ngày 31/12/{last}, có {tallies.count_text(announced)}/"
        f"{tallies.count_text(whole)} CQHCNN ({format_percent(announced, whole)}) đã công bố "
        "HTQLCL phù hợp TCVN ISO 9001:2015."
    )


# -- the problems the data shows --------------------------------------------------------------


def overdue_findings(first: int, last: int, today: date) -> list[Finding]:
    """Findings of the period's inspections still awaiting their action after the due date."""
    return list(
        db.session.scalars(
            select(Finding)
            .join(Inspection, Finding.inspection_id == Inspection.id)
            .join(InspectionPlan, Inspection.plan_id == InspectionPlan.id)
            .where(
                InspectionPlan.year.between(first, last),
                Finding.status != FindingStatus.CLOSED,
                Finding.due_on.is_not(None),
                Finding.due_on < today,
            )
            .order_by(Finding.due_on, Finding.id)
        )
    )


def officer_changes(first: int, last: int) -> tuple[int, int]:
    """(agencies, changes): ISO officers replaced during the period (not an agency's first)."""
    earlier = aliased(IsoOfficer)
    replaced = exists().where(
        and_(earlier.agency_id == IsoOfficer.agency_id, earlier.since < IsoOfficer.since)
    )
    rows = db.session.execute(
        select(IsoOfficer.agency_id).where(
            IsoOfficer.since.between(date(first, 1, 1), date(last, 12, 31)), replaced
        )
    ).all()
    return len({row.agency_id for row in rows}), len(rows)


def part_time_officers() -> tuple[int, int]:
    current = db.session.scalars(select(IsoOfficer.part_time).where(IsoOfficer.until.is_(None)))
    flags = list(current)
    return sum(1 for flag in flags if flag), len(flags)


def problems(first: int, last: int, total: dict, today: date) -> dict:
    """The lines of "Tồn tại, hạn chế" and the overdue actions, from the data alone."""
    lines = []
    count = tallies.count_text
    if total["not_done"]:
        lines.append(
            f"Có {count(total['not_done'])} cuộc kiểm tra trong kế hoạch chưa thực hiện"
            f"{' và ' + count(total['cancelled']) + ' cuộc bị hủy' if total['cancelled'] else ''}."
        )
    overdue = overdue_findings(first, last, today)
    if overdue:
        lines.append(
            f"Có {count(len(overdue))} điểm không phù hợp, khuyến nghị đã quá thời hạn khắc phục "
            f"(tính đến ngày {format_day(today)}) mà cơ quan chưa hoàn thành hành động khắc phục."
        )
    agencies, changes = officer_changes(first, last)
    if changes:
        lines.append(
            f"Cán bộ phụ trách ISO thường xuyên thay đổi: {count(agencies)} cơ quan thay đổi cán "
            f"bộ phụ trách ({count(changes)} lượt) {lower_first(tallies.period_text(first, last))}."
        )
    part_time, officers = part_time_officers()
    if part_time:
        lines.append(
            f"{count(part_time)}/{count(officers)} cán bộ phụ trách ISO hiện nay làm việc kiêm "
            "nhiệm."
        )
    if not lines:
        lines.append("Dữ liệu kiểm tra của giai đoạn chưa cho thấy tồn tại, hạn chế nào.")
    return {
        "problems": lines,
        "overdue_count": len(overdue),
        "overdue": [
            {
                "number": number,
                "agency": finding.inspection.agency.name,
                "year": finding.inspection.plan.year,
                "requirement": finding.requirement or "",
                "severity": finding.severity.label,
                "due_on": format_day(finding.due_on),
            }
            for number, finding in enumerate(overdue[:OVERDUE_LISTED], start=1)
        ],
    }
