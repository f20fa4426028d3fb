"""The audit log as people read it: who did what to which object, in Vietnamese, with the
changed fields as "before → after" under their labels; and the same rows as a workbook."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter
from flask import url_for
from flask_babel import lazy_gettext as _l

from inspect_app.i18n import format_day, format_moment
from inspect_app.models import AuditLog
from inspect_app.models import enums as e

#: table name → (label, detail endpoint, its id argument).
OBJECTS: dict[str, tuple] = {
    "agencies": (_l("Cơ quan"), "agencies.detail", "agency_id"),
    "iso_officers": (_l("Cán bộ phụ trách ISO"), None, None),
    "decisions": (_l("Quyết định"), None, None),
    "inspection_plans": (_l("Kế hoạch kiểm tra"), "plans.detail", "plan_id"),
    "plan_amendments": (_l("Điều chỉnh kế hoạch"), None, None),
    "inspections": (_l("Cuộc kiểm tra"), "inspections.detail", "inspection_id"),
    "answers": (_l("Kết quả kiểm tra"), None, None),
    "answer_conflicts": (_l("Xung đột dữ liệu"), None, None),
    "findings": (_l("Phát hiện"), "findings.detail", "finding_id"),
    "evidence_files": (_l("Tệp bằng chứng"), None, None),
    "conformity_announcements": (
        _l("Công bố HTQLCL"),
        "conformity.announcement",
        "announcement_id",
    ),
    "checklist_templates": (_l("Phiếu kiểm tra"), "checklists.detail", "template_id"),
    "checklist_items": (_l("Nội dung phiếu kiểm tra"), None, None),
    "training_courses": (_l("Khóa đào tạo"), "training.detail", "course_id"),
    "training_participants": (_l("Học viên"), None, None),
    "users": (_l("Người dùng"), "admin.user_edit", "user_id"),
    "api_tokens": (_l("Mã truy cập API"), None, None),
    "notifications": (_l("Thông báo"), None, None),
}

ACTIONS = {
    "create": _l("Tạo"),
    "update": _l("Sửa"),
    "delete": _l("Xóa"),
    "copy": _l("Sao chép"),
    "merge": _l("Sáp nhập"),
    "deactivate": _l("Ngừng hoạt động"),
    "reopen": _l("Mở lại"),
    "revoke": _l("Thu hồi"),
    "read": _l("Đánh dấu đã đọc"),
    "read_all": _l("Đánh dấu đã đọc tất cả"),
    "password_change": _l("Đổi mật khẩu"),
    "submit": _l("Nộp"),
    "acknowledge": _l("Tiếp nhận"),
    "return": _l("Trả lại"),
    "respond": _l("Trả lời"),
    "close": _l("Đóng"),
    "verify": _l("Xác nhận khắc phục"),
    "upload": _l("Tải lên"),
    "resolve_conflict": _l("Xử lý xung đột"),
    "import:history": _l("Nhập dữ liệu lịch sử"),
    "login": _l("Đăng nhập"),
}

FIELDS = {
    "active": _l("Đang hoạt động"),
    "active_from": _l("Hoạt động từ"),
    "active_to": _l("Hoạt động đến"),
    "address": _l("Địa chỉ"),
    "agency_id": _l("Cơ quan"),
    "agency_response": _l("Trả lời của cơ quan"),
    "acknowledged_at": _l("Tiếp nhận lúc"),
    "acknowledged_by_id": _l("Người tiếp nhận"),
    "announced_on": _l("Ngày công bố"),
    "approved_at": _l("Phê duyệt lúc"),
    "audience_level": _l("Đối tượng"),
    "cancel_reason": _l("Lý do hủy"),
    "closed_at": _l("Kết thúc lúc"),
    "code": _l("Mã"),
    "conclusion": _l("Kết luận"),
    "conclusion_summary": _l("Tóm tắt kết luận"),
    "concluded_on": _l("Ngày kết luận"),
    "conducted_on": _l("Ngày kiểm tra"),
    "corrective_action_required": _l("Hành động khắc phục yêu cầu"),
    "count": _l("Số lượng"),
    "decision_id": _l("Quyết định"),
    "description": _l("Nội dung"),
    "document_type": _l("Loại tài liệu"),
    "dossier_due": _l("Hạn nộp hồ sơ"),
    "dossier_request": _l("Tài liệu yêu cầu"),
    "due_on": _l("Thời hạn"),
    "effective_on": _l("Ngày hiệu lực"),
    "email": _l("Email"),
    "end_on": _l("Ngày kết thúc"),
    "full_name": _l("Họ và tên"),
    "honorific": _l("Danh xưng"),
    "issuer": _l("Cơ quan ban hành"),
    "kind": _l("Loại"),
    "last_login_at": _l("Đăng nhập lần cuối"),
    "level": _l("Cấp"),
    "location": _l("Địa điểm"),
    "mode": _l("Hình thức kiểm tra"),
    "name": _l("Tên"),
    "note": _l("Ghi chú"),
    "number": _l("Số hiệu"),
    "organizer": _l("Đơn vị tổ chức"),
    "original_name": _l("Tên tệp"),
    "parent_id": _l("Cơ quan cấp trên"),
    "part_time": _l("Kiêm nhiệm"),
    "phone": _l("Điện thoại"),
    "position": _l("Chức vụ"),
    "procedures_count": _l("Số TTHC"),
    "reason": _l("Lý do"),
    "requirement": _l("Điều khoản"),
    "return_reason": _l("Lý do trả lại"),
    "role": _l("Vai trò"),
    "root_cause": _l("Nguyên nhân"),
    "scope": _l("Phạm vi"),
    "severity": _l("Mức độ"),
    "signed_on": _l("Ngày ký"),
    "since": _l("Từ ngày"),
    "size": _l("Dung lượng"),
    "standard": _l("Tiêu chuẩn"),
    "start_on": _l("Ngày bắt đầu"),
    "status": _l("Trạng thái"),
    "summary": _l("Trích yếu"),
    "text": _l("Nội dung"),
    "title": _l("Tiêu đề"),
    "trainers": _l("Giảng viên"),
    "until": _l("Đến ngày"),
    "username": _l("Tên đăng nhập"),
    "year": _l("Năm"),
}

#: bookkeeping columns that say nothing to the reader of the log.
HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "session_version", "rev"})

#: enumerated fields whose stored value is shown by its label.
ENUM_FIELDS = {
    "role": e.Role,
    "level": e.AgencyLevel,
    "mode": e.InspectionMode,
    "conclusion": e.Conclusion,
    "result": e.Result,
    "severity": e.Severity,
    "standard": e.Standard,
}
STATUS_ENUMS = {
    "inspection_plans": e.PlanStatus,
    "inspections": e.InspectionStatus,
    "findings": e.FindingStatus,
    "conformity_announcements": e.AnnouncementStatus,
}
KIND_ENUMS = {"decisions": e.DecisionKind, "training_courses": e.TrainingKind}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    at: str
    who: str
    action: str
    object_label: str
    object_url: str | None
    changes: list[Change] = field(default_factory=list)


def object_label(object_type: str) -> str:
    return str(OBJECTS.get(object_type, (object_type,))[0])


def action_label(action: str) -> str:
    if action.startswith("transition:"):
        target = action.partition(":")[2]
        status = _enum_label(e.InspectionStatus, target)
        return str(_l("Chuyển trạng thái → %(status)s", status=status))
    return str(ACTIONS.get(action, action))


def _enum_label(enum_class, value) -> str:
    try:
        return str(enum_class(value).label)
    except ValueError:
        return str(value)


def show_value(object_type: str, name: str, value) -> str:
    """A stored value as the user typed or chose it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Có")) if value else str(_l("Không"))
    enum_class = ENUM_FIELDS.get(name)
    if name == "status":
        enum_class = STATUS_ENUMS.get(object_type)
    elif name == "kind":
        enum_class = KIND_ENUMS.get(object_type)
    if enum_class is not None and isinstance(value, str):
        return _enum_label(enum_class, value)
    if isinstance(value, str) and _MOMENT.match(value):
        return format_moment(datetime.fromisoformat(value))
    if isinstance(value, str) and _DATE.match(value):
        return format_day(date.fromisoformat(value))
    if isinstance(value, list | dict):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def changes_of(entry: AuditLog) -> list[Change]:
    """The fields of the entry as label, before, after (only those that differ)."""
    before, after = entry.before or {}, entry.after or {}
    names = [n for n in dict.fromkeys([*before, *after]) if n not in HIDDEN_FIELDS]
    rows = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if name in before and name in after and old == new:
            continue
        label = str(FIELDS.get(name, name))
        rows.append(
            Change(
                label,
                show_value(entry.object_type, name, old) if name in before else "",
                show_value(entry.object_type, name, new) if name in after else "",
            )
        )
    return rows


def _object_url(entry: AuditLog) -> str | None:
    _label, endpoint, argument = OBJECTS.get(entry.object_type, (None, None, None))
    if endpoint is None or entry.object_id is None or entry.action == "delete":
        return None
    return url_for(endpoint, **{argument: entry.object_id})


def describe(entry: AuditLog) -> Entry:
    """One row of the log as a person reads it."""
    who = entry.user.full_name or entry.user.username if entry.user else str(_l("Hệ thống"))
    target = object_label(entry.object_type)
    if entry.object_id is not None:
        target = f"{target} #{entry.object_id}"
    return Entry(
        at=format_moment(entry.at),
        who=who,
        action=action_label(entry.action),
        object_label=target,
        object_url=_object_url(entry),
        changes=changes_of(entry),
    )


def _safe(text: str) -> str:
    """Cells from user text never start a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def audit_workbook(entries: list[AuditLog]) -> bytes:
    """The filtered log as an .xlsx: one row per changed field."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(str(_l("Nhật ký thay đổi"))[:31])
    bold = book.add_format({"bold": True, "bg_color": "#e9ecef", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    headers = [
        _l("Thời điểm"),
        _l("Người thực hiện"),
        _l("Thao tác"),
        _l("Đối tượng"),
        _l("Trường"),
        _l("Trước"),
        _l("Sau"),
    ]
    for col, (title, width) in enumerate(zip(headers, (17, 24, 22, 28, 24, 40, 40), strict=True)):
        sheet.write(0, col, str(title), bold)
        sheet.set_column(col, col, width, wrap)
    row = 1
    for entry in entries:
        shown = describe(entry)
        for change in shown.changes or [Change("", "", "")]:
            values = (shown.at, shown.who, shown.action, shown.object_label, change.label)
            for col, value in enumerate((*values, change.before, change.after)):
                sheet.write_string(row, col, _safe(str(value)))
            row += 1
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row - 1, 1), len(headers) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    book.close()
    return buffer.getvalue()
