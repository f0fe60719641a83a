"""Every model, imported here so Alembic's autogenerate sees the whole schema."""

from portal.models.accounts import RecoveryCode, User, UserSession
from portal.models.audit import AuditEvent
from portal.models.base import Base, EmployerOwned, EmployerScoped, utcnow
from portal.models.employers import Employer, Invitation, Membership, Role, WorkLocation
from portal.models.evidence import (
    BundleJob,
    EvidenceFile,
    FindingReview,
    ReviewComment,
    SignOff,
)
from portal.models.mail import OutboxMessage
from portal.models.offers import OfferVersion, Worker
from portal.models.protection import Attestation, DocumentCustody, Payment, ThirdParty
from portal.models.recruitment import (
    AdCapture,
    Applicant,
    JobMatchEntry,
    MissedCaptureReason,
    Position,
    RecruitmentActivity,
    Waiver,
)
from portal.models.road import CalendarFeed, PayrollPeriod, ReminderSent, WorkerRoad
from portal.models.submissions import SubmissionClaim
from portal.models.verdicts import PositionVerdict

__all__ = [
    "PositionVerdict",
    "BundleJob",
    "EvidenceFile",
    "FindingReview",
    "ReviewComment",
    "SignOff",
    "Applicant",
    "JobMatchEntry",
    "AdCapture",
    "MissedCaptureReason",
    "Position",
    "RecruitmentActivity",
    "Waiver",
    "AuditEvent",
    "Base",
    "Employer",
    "EmployerOwned",
    "EmployerScoped",
    "Invitation",
    "Membership",
    "OutboxMessage",
    "OfferVersion",
    "Attestation",
    "DocumentCustody",
    "Payment",
    "ThirdParty",
    "Worker",
    "WorkerRoad",
    "PayrollPeriod",
    "CalendarFeed",
    "ReminderSent",
    "SubmissionClaim",
    "Role",
    "User",
    "RecoveryCode",
    "UserSession",
    "WorkLocation",
    "utcnow",
]
