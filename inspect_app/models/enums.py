"""Enumerations of the domain; values are what the database and the API store."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translatable label."""

    @property
    def label(self) -> str:
        return str(self._labels().get(self.value, self.value))

    @classmethod
    def _labels(cls) -> dict:
        return {}

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    def __str__(self) -> str:
        return self.value


class Role(LabelledEnum):
    ADMIN = "admin"
    INSPECTOR = "inspector"
    AGENCY = "agency"
    VIEWER = "viewer"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "admin": _l("Quản trị (Sở KH&CN)"),
            "inspector": _l("Kiểm tra viên"),
            "agency": _l("Cán bộ ISO của cơ quan"),
            "viewer": _l("Lãnh đạo (chỉ xem)"),
        }


class AgencyLevel(LabelledEnum):
    PROVINCIAL = "provincial"
    DISTRICT = "district"
    COMMUNE = "commune"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "provincial": _l("Cấp tỉnh"),
            "district": _l("Cấp huyện"),
            "commune": _l("Cấp xã"),
            "other": _l("Khác"),
        }


class DecisionKind(LabelledEnum):
    PLAN_APPROVAL = "plan_approval"
    PLAN_AMENDMENT = "plan_amendment"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "plan_approval": _l("Phê duyệt kế hoạch"),
            "plan_amendment": _l("Điều chỉnh kế hoạch"),
            "other": _l("Khác"),
        }


class PlanStatus(LabelledEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    CLOSED = "closed"

    @classmethod
    def _labels(cls) -> dict:
        return {"draft": _l("Dự thảo"), "approved": _l("Đã phê duyệt"), "closed": _l("Đã kết thúc")}


class InspectionMode(LabelledEnum):
    ON_SITE = "on_site"
    DOSSIER = "dossier"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "on_site": _l("Kiểm tra tại trụ sở cơ quan"),
            "dossier": _l("Kiểm tra thông qua hồ sơ và báo cáo"),
        }


class InspectionStatus(LabelledEnum):
    PLANNED = "planned"
    DOSSIER_REQUESTED = "dossier_requested"
    DOSSIER_RECEIVED = "dossier_received"
    IN_PROGRESS = "in_progress"
    CONDUCTED = "conducted"
    CONCLUDED = "concluded"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "planned": _l("Theo kế hoạch"),
            "dossier_requested": _l("Đã yêu cầu hồ sơ"),
            "dossier_received": _l("Đã nhận hồ sơ"),
            "in_progress": _l("Đang kiểm tra"),
            "conducted": _l("Đã kiểm tra"),
            "concluded": _l("Đã kết luận"),
            "cancelled": _l("Đã hủy"),
        }


class Conclusion(LabelledEnum):
    PASSED = "passed"
    PASSED_WITH_RECOMMENDATIONS = "passed_with_recommendations"
    FAILED = "failed"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "passed": _l("Đạt"),
            "passed_with_recommendations": _l("Đạt nhưng có khuyến nghị"),
            "failed": _l("Không đạt"),
        }


class Result(LabelledEnum):
    CONFORM = "conform"
    NONCONFORM = "nonconform"
    OBSERVATION = "observation"
    NOT_APPLICABLE = "not_applicable"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "conform": _l("Phù hợp"),
            "nonconform": _l("Không phù hợp"),
            "observation": _l("Khuyến nghị"),
            "not_applicable": _l("Không áp dụng"),
        }


class Severity(LabelledEnum):
    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "major": _l("Không phù hợp nặng"),
            "minor": _l("Không phù hợp nhẹ"),
            "observation": _l("Khuyến nghị"),
        }


class FindingStatus(LabelledEnum):
    OPEN = "open"
    RESPONDED = "responded"
    CLOSED = "closed"
    REOPENED = "reopened"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "open": _l("Chưa khắc phục"),
            "responded": _l("Đã phản hồi"),
            "closed": _l("Đã đóng"),
            "reopened": _l("Mở lại"),
        }


class Standard(LabelledEnum):
    ISO_9001_2015 = "TCVN ISO 9001:2015"
    ISO_9001_2008 = "TCVN ISO 9001:2008"


class AnnouncementStatus(LabelledEnum):
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    RETURNED = "returned"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "submitted": _l("Chờ tiếp nhận"),
            "acknowledged": _l("Đã tiếp nhận"),
            "returned": _l("Trả lại"),
        }


class TrainingKind(LabelledEnum):
    MAINTAIN_IMPROVE = "maintain_improve"
    BUILD_APPLY_COMMUNE = "build_apply_commune"
    TRANSITION_2015 = "transition_2015"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "maintain_improve": _l("Duy trì, cải tiến HTQLCL"),
            "build_apply_commune": _l("Xây dựng, áp dụng HTQLCL cho UBND cấp xã"),
            "transition_2015": _l("Chuyển đổi sang TCVN ISO 9001:2015"),
            "other": _l("Khác"),
        }


class ConflictResolution(LabelledEnum):
    KEEP_SERVER = "keep_server"
    TAKE_CLIENT = "take_client"
    #: the same person sent a newer value for the item; the newer one is what counts.
    SUPERSEDED = "superseded"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "keep_server": _l("Giữ giá trị trên máy chủ"),
            "take_client": _l("Lấy giá trị nhập ngoại tuyến"),
            "superseded": _l("Được thay bằng thay đổi mới hơn của cùng người"),
        }


class ConflictKind(LabelledEnum):
    #: an offline value based on an older revision than the server's, with another value.
    CONFLICT = "conflict"
    #: a value that arrived after the inspection was locked (concluded or cancelled).
    LATE = "late"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "conflict": _l("Xung đột"),
            "late": _l("Gửi sau khi đã khóa"),
        }


class LegalDocumentKind(LabelledEnum):
    """Kinds of legal and administrative documents (văn bản QPPL và văn bản hành chính)."""

    LAW = "law"
    DECREE = "decree"
    CIRCULAR = "circular"
    DECISION = "decision"
    RESOLUTION = "resolution"
    DIRECTIVE = "directive"
    PLAN = "plan"
    STANDARD = "standard"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict:
        return {
            "law": _l("Luật"),
            "decree": _l("Nghị định"),
            "circular": _l("Thông tư"),
            "decision": _l("Quyết định"),
            "resolution": _l("Nghị quyết"),
            "directive": _l("Chỉ thị"),
            "plan": _l("Kế hoạch"),
            "standard": _l("Tiêu chuẩn"),
            "other": _l("Văn bản khác"),
        }


class LegalChange(LabelledEnum):
    """How a later document changes an earlier one."""

    REPLACED = "replaced"
    AMENDED = "amended"

    @classmethod
    def _labels(cls) -> dict:
        return {"replaced": _l("Thay thế"), "amended": _l("Sửa đổi, bổ sung")}
