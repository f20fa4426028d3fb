"""The domain model: one module per aggregate, all imported here for Alembic."""

from inspect_app.models.agency import Agency, IsoOfficer
from inspect_app.models.audit import AuditLog
from inspect_app.models.checklist import ChecklistItem, ChecklistTemplate
from inspect_app.models.conformity import ConformityAnnouncement
from inspect_app.models.decision import Decision
from inspect_app.models.document_template import DocumentTemplate
from inspect_app.models.enums import (
    AgencyLevel,
    AnnouncementStatus,
    Conclusion,
    ConflictKind,
    ConflictResolution,
    DecisionKind,
    FindingStatus,
    InspectionMode,
    InspectionStatus,
    LegalChange,
    LegalDocumentKind,
    PlanStatus,
    Result,
    Role,
    Severity,
    Standard,
    TrainingKind,
)
from inspect_app.models.evidence import EvidenceFile
from inspect_app.models.finding import Finding, FindingEvent
from inspect_app.models.inspection import (
    Answer,
    AnswerConflict,
    AnswerHistory,
    DeviceReport,
    Inspection,
    SyncOp,
    inspection_members,
)
from inspect_app.models.job import Job, JobStatus
from inspect_app.models.login_attempt import LoginAttempt
from inspect_app.models.mail import MailStatus, OutboundEmail, SentReminder
from inspect_app.models.notification import Notification
from inspect_app.models.plan import InspectionPlan, PlanAmendment
from inspect_app.models.proposal import ProposalAdjustment, ProposalSetting
from inspect_app.models.regulation import (
    AdministrativeProcedure,
    IsoProcess,
    LegalDocument,
    LegalDocumentChange,
    ProcessVersion,
    RegulationNotice,
    process_legal_bases,
)
from inspect_app.models.training import TrainingCourse, TrainingParticipant
from inspect_app.models.user import AnonymousUser, ApiToken, User
from inspect_app.models.user_session import UserSession

__all__ = [
    "process_legal_bases",
    "RegulationNotice",
    "ProcessVersion",
    "LegalDocumentKind",
    "LegalDocumentChange",
    "LegalDocument",
    "LegalChange",
    "IsoProcess",
    "AdministrativeProcedure",
    "Agency",
    "AgencyLevel",
    "AnnouncementStatus",
    "AnonymousUser",
    "Answer",
    "AnswerConflict",
    "AnswerHistory",
    "ApiToken",
    "AuditLog",
    "ChecklistItem",
    "ChecklistTemplate",
    "Conclusion",
    "ConflictKind",
    "ConflictResolution",
    "ConformityAnnouncement",
    "Decision",
    "DecisionKind",
    "DocumentTemplate",
    "DeviceReport",
    "EvidenceFile",
    "Finding",
    "FindingEvent",
    "FindingStatus",
    "Inspection",
    "Job",
    "JobStatus",
    "InspectionMode",
    "InspectionPlan",
    "InspectionStatus",
    "IsoOfficer",
    "LoginAttempt",
    "MailStatus",
    "Notification",
    "OutboundEmail",
    "PlanAmendment",
    "PlanStatus",
    "ProposalAdjustment",
    "ProposalSetting",
    "Result",
    "Role",
    "SentReminder",
    "Severity",
    "Standard",
    "SyncOp",
    "TrainingCourse",
    "TrainingKind",
    "TrainingParticipant",
    "User",
    "UserSession",
    "inspection_members",
]
