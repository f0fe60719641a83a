"""Evidence: the files that prove the recruitment, the lawyer's review of them, the sign-off
and the filing bundles."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import User
from portal.models.base import Base, CreatedAt, EmployerOwned, PositionChild

EVIDENCE_CATEGORIES = (
    "ad_proof",
    "invoice",
    "job_match_record",
    "resume",
    "interview_notes",
    "business_document",
    "signed_offer",
    "other",
)
REVIEW_STATUSES = ("pending", "accepted", "changes_requested")


class EvidenceFile(CreatedAt, EmployerOwned, Base):
    """One uploaded file, attached to the employer, a position, an activity or an applicant.

    The bytes live in the storage backend under ``storage_key`` (generated, never the user's
    file name); rows are never overwritten with new content: a new upload is a new row.
    """

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruitment_activities.id", ondelete="SET NULL"), index=True
    )
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicants.id", ondelete="SET NULL"), index=True
    )
    # A worker's signed employment agreement (category signed_offer) names the worker.
    worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("workers.id", ondelete="SET NULL"), index=True
    )
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str | None] = mapped_column(Text)
    evidence_date: Mapped[date | None]
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    extension: Mapped[str] = mapped_column(String(10))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # For ad snapshots: when the capture was taken (the hash above proves what it showed).
    captured_at: Mapped[datetime | None]
    review_status: Mapped[str] = mapped_column(String(20), default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])

    __table_args__ = (
        CheckConstraint(
            "category IN ('ad_proof', 'invoice', 'job_match_record', 'resume', "
            "'interview_notes', 'business_document', 'signed_offer', 'other')",
            name="category_known",
        ),
        CheckConstraint(
            "review_status IN ('pending', 'accepted', 'changes_requested')",
            name="review_status_known",
        ),
        CheckConstraint("size_bytes > 0", name="size_positive"),
    )


class ReviewComment(CreatedAt, PositionChild, Base):
    """A comment in a thread about one evidence file or one finding (rule + subject)."""

    __tablename__ = "review_comments"

    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_files.id", ondelete="CASCADE"), index=True
    )
    rule_id: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # A representative's request that the employer must answer or act on.
    asks_for_change: Mapped[bool] = mapped_column(default=False)
    resolved_at: Mapped[datetime | None]
    # The author's role when writing (representative or a member of the employer): who asked
    # whom. Empty on rows written before it was recorded (those requests are a representative's).
    author_role: Mapped[str | None] = mapped_column(String(20))
    # A request's kind: "change" (a review asking for a change) or "question" (a comment
    # waiting for the other side's answer); empty on older rows (those are changes).
    kind: Mapped[str | None] = mapped_column(String(20))
    # Why a request closed: replaced, accepted, answered (see portal/reviews.py).
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    position: Mapped["Position"] = relationship()  # noqa: F821 (portal.models.recruitment)

    __table_args__ = (
        CheckConstraint("evidence_id IS NOT NULL OR rule_id IS NOT NULL", name="has_target"),
    )


class FindingReview(CreatedAt, PositionChild, Base):
    """A representative's decision on one finding: accepted, or changes needed."""

    __tablename__ = "finding_reviews"

    rule_id: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        Index("ix_finding_reviews_target", "position_id", "rule_id", "subject"),
        CheckConstraint("status IN ('accepted', 'changes_requested')", name="status_known"),
    )


class SignOff(CreatedAt, PositionChild, Base):
    """A representative's sign-off that a position is ready to file, with what it covered."""

    __tablename__ = "sign_offs"

    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ruleset: Mapped[str] = mapped_column(String(60))
    findings: Mapped[list] = mapped_column(JSON)
    # SHA-256 over the position's case file and every evidence file's hash: any later change
    # to the data or the evidence makes the sign-off outdated.
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    # What was still open when signing (portal/open_items.py ``OpenItems.to_dict``), and the
    # representative's reason for signing off although errors, files or requests were open.
    open_items: Mapped[dict | None] = mapped_column(JSON)
    confirmation_reason: Mapped[str | None] = mapped_column(Text)

    signed_by: Mapped[User] = relationship()


class BundleJob(CreatedAt, PositionChild, Base):
    """A filing bundle being built (or built): progress for the page, the ZIP when done.

    While ``status`` is "running", ``stage`` says where it is ("queued" until a builder takes
    it). ``owner_host``/``owner_pid`` name the process that holds the job, so a build left
    "running" by a process that died is found: put back on the job queue when there is one (a
    few ``attempts`` at most), else marked failed (``portal.evidence.bundles``).
    """

    __tablename__ = "bundle_jobs"

    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="running")
    stage: Mapped[str | None] = mapped_column(String(20))
    done_steps: Mapped[int] = mapped_column(default=0)
    total_steps: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    owner_host: Mapped[str | None] = mapped_column(String(255))
    owner_pid: Mapped[int | None]
    # The token of the worker building it: taken by a conditional UPDATE (one worker wins),
    # checked by every later write of that worker (a build taken over is stopped).
    claim: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    finished_at: Mapped[datetime | None]
    # The index's language (ESDC takes a filing in English or French); the person who starts
    # the build chooses it, their page's language by default.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")

    requested_by: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('running', 'done', 'failed')", name="status_known"),
        CheckConstraint("language IN ('en', 'fr')", name="language_known"),
        # At most one build running per position, whatever the number of processes.
        Index(
            "uq_bundle_jobs_one_running",
            "position_id",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )
