"""The printable inspection record (biên bản kiểm tra): what it shows, computed here."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from inspect_app.extensions import db
from inspect_app.models import Answer, ChecklistItem, Inspection, Result
from inspect_app.models.user import HONORIFICS, UNKNOWN_HONORIFIC
from inspect_app.services import audit
from inspect_app.services.findings import inspection_findings
from inspect_app.services.record_check import items_without_finding

LEAD_ROLE = "Trưởng đoàn"
MEMBER_ROLE = "Thành viên"


@dataclass(frozen=True)
class TeamLine:
    """One person of the team as the department's documents name them:
    "Bà Trần Thị Hoa, Chuyên viên Phòng QLTCCL: Thành viên"."""

    title: str
    name: str
    position: str
    role: str

    def __str__(self) -> str:
        position = f", {self.position}" if self.position else ""
        return f"{self.title} {self.name}{position}: {self.role}"


def team_lines(inspection: Inspection) -> list[TeamLine]:
    """The lead, the members, then the members from outside the app, each line typed as
    "[Ông|Bà] Họ tên[, chức vụ]"."""
    lead = inspection.lead
    people = [(lead, LEAD_ROLE)] if lead else []
    people += [(m, MEMBER_ROLE) for m in inspection.members if lead is None or m.id != lead.id]
    lines = [
        TeamLine(user.honorific or UNKNOWN_HONORIFIC, user.full_name, user.position or "", role)
        for user, role in people
    ]
    return lines + [external_line(text) for text in _lines(inspection.external_members)]


def external_line(text: str) -> TeamLine:
    """A person from outside the app, typed as "[Ông|Bà] Họ tên[, chức vụ]"."""
    title = UNKNOWN_HONORIFIC
    for word in (UNKNOWN_HONORIFIC, *HONORIFICS):
        if text.startswith(word + " "):
            title, text = word, text[len(word) + 1 :].strip()
            break
    name, _comma, position = text.partition(",")
    return TeamLine(title, name.strip(), position.strip(), MEMBER_ROLE)


@dataclass
class GroupResult:
    """Counts of one checklist group: items, each result, and items not yet assessed."""

    code: str
    title: str
    total: int = 0
    counts: dict[Result, int] = field(default_factory=lambda: dict.fromkeys(Result, 0))

    @property
    def unanswered(self) -> int:
        return self.total - sum(self.counts.values())


def results_by_group(inspection: Inspection) -> list[GroupResult]:
    """Per group of the pinned template, how many items got each result (one GROUP BY)."""
    if inspection.template_id is None:
        return []
    answer_join = and_(Answer.item_id == ChecklistItem.id, Answer.inspection_id == inspection.id)
    query = (
        select(
            ChecklistItem.group_code,
            ChecklistItem.group_title,
            Answer.result,
            func.count(ChecklistItem.id).label("n"),
            func.min(ChecklistItem.position).label("first"),
        )
        .outerjoin(Answer, answer_join)
        .where(ChecklistItem.template_id == inspection.template_id)
        .group_by(ChecklistItem.group_code, ChecklistItem.group_title, Answer.result)
    )
    groups: dict[str, GroupResult] = {}
    first_position: dict[str, int] = {}
    for row in db.session.execute(query):
        group = groups.setdefault(row.group_code, GroupResult(row.group_code, row.group_title))
        group.total += row.n
        if row.result is not None:
            group.counts[row.result] += row.n
        first_position[row.group_code] = min(
            first_position.get(row.group_code, row.first), row.first
        )
    return sorted(groups.values(), key=lambda group: first_position[group.code])


def total_results(groups: list[GroupResult]) -> GroupResult:
    total = GroupResult("", "")
    for group in groups:
        total.total += group.total
        for result, n in group.counts.items():
            total.counts[result] += n
    return total


def record_context(inspection: Inspection) -> dict:
    """Everything the record page prints, besides the inspection itself."""
    groups = results_by_group(inspection)
    return {
        "decision": inspection.plan.decision,
        "team": team_lines(inspection),
        "representatives": _lines(inspection.agency_representatives),
        "groups": groups,
        "total": total_results(groups),
        "findings": inspection_findings(inspection),
        # Non-conforming and observation items without a finding: listed too (5.10).
        "unrecorded": items_without_finding(inspection),
        "results": list(Result),
    }


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def update_record_details(inspection: Inspection, number: str | None, people: str | None) -> None:
    """Set the record's number and the agency's representatives (one per line)."""
    before = audit.snapshot(inspection, ["record_number", "agency_representatives"])
    inspection.record_number = (number or "").strip() or None
    inspection.agency_representatives = "\n".join(
        line.strip() for line in (people or "").splitlines() if line.strip()
    )
    db.session.flush()
    after = audit.snapshot(inspection, ["record_number", "agency_representatives"])
    audit.record("update", inspection, before=before, after=after)
