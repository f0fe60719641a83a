"""A position (one LMIA file) and what the employer did to fill it locally.

Columns hold what the portal edits, lists and checks; the rarer nested parts of a case (ad text,
transition plan) are kept as JSON in the
``lmia-case/1`` shapes, so a case file imports and exports without loss.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedString
from portal.models.accounts import User
from portal.models.base import Base, CreatedAt, EmployerOwned, PositionChild

Money = Numeric(12, 2)


class Position(CreatedAt, EmployerOwned, Base):
    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    noc_code: Mapped[str] = mapped_column(String(5))
    stream: Mapped[str] = mapped_column(String(20))
    is_caregiver: Mapped[bool] = mapped_column(default=False)
    is_seasonal: Mapped[bool] = mapped_column(default=False)
    quebec_facilitated: Mapped[bool] = mapped_column(default=False)
    advertising_variation: Mapped[str | None] = mapped_column(String(200))
    # Work location
    street_address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(7))
    economic_region: Mapped[str | None] = mapped_column(String(10))
    cma: Mapped[str | None] = mapped_column(String(100))
    admin_region: Mapped[str | None] = mapped_column(String(100))
    # Wage and terms
    wage_amount: Mapped[Decimal] = mapped_column(Money)
    wage_per: Mapped[str] = mapped_column(String(5))
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    positions: Mapped[int]
    duration_months: Mapped[int]
    duties: Mapped[str] = mapped_column(Text)
    education: Mapped[str | None] = mapped_column(String(300))
    experience: Mapped[str | None] = mapped_column(String(300))
    experience_years: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    languages: Mapped[list | None] = mapped_column(JSON)
    language_justification: Mapped[str | None] = mapped_column(Text)
    benefits: Mapped[str | None] = mapped_column(Text)
    terms: Mapped[str | None] = mapped_column(String(300))
    prevailing_wage_amount: Mapped[Decimal | None] = mapped_column(Money)
    prevailing_wage_per: Mapped[str | None] = mapped_column(String(5))
    prevailing_wage_source: Mapped[str | None] = mapped_column(String(300))
    incumbent_wage_amount: Mapped[Decimal | None] = mapped_column(Money)
    incumbent_wage_per: Mapped[str | None] = mapped_column(String(5))
    live_in_required: Mapped[bool | None]
    # Agricultural positions: the Seasonal Agricultural Worker Program or the Agricultural
    # Stream (what a worker may be charged differs: lmia-domain.md §7.4).
    program: Mapped[str | None] = mapped_column(String(30))
    # Headcounts at the work location (low-wage cap, fraud checks)
    employees_at_location: Mapped[int | None]
    low_wage_tfws_at_location: Mapped[int | None]
    planned_submission_date: Mapped[date | None]
    job_bank_alternative_rationale: Mapped[str | None] = mapped_column(Text)
    job_match_mode: Mapped[str | None] = mapped_column(String(10))
    # lmia-case/1 shapes, kept whole
    transition_plan: Mapped[dict | None] = mapped_column(JSON)
    # After the filing: ESDC's decision (None while waiting), or the exemption code of an
    # LMIA-exempt hire (its road goes through IRCC's Employer Portal instead).
    lmia_exemption_code: Mapped[str | None] = mapped_column(String(10))
    lmia_number: Mapped[str | None] = mapped_column(EncryptedString(20))  # encrypted at rest
    lmia_decision: Mapped[str | None] = mapped_column(String(12))
    lmia_decided_on: Mapped[date | None]
    lmia_positions_approved: Mapped[int | None]
    lmia_valid_until: Mapped[date | None]
    # Retention: records are kept at least 6 years after the worker's first day (IRPR 209.3);
    # evidence cannot be deleted before ``retain_until`` or while on legal hold.
    first_work_day: Mapped[date | None]
    retain_until: Mapped[date | None]
    legal_hold: Mapped[bool] = mapped_column(default=False)
    archived_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    activities: Mapped[list["RecruitmentActivity"]] = relationship(
        back_populates="position",
        order_by="RecruitmentActivity.id",
        cascade="all, delete-orphan",
    )
    job_matches: Mapped[list["JobMatchEntry"]] = relationship(
        back_populates="position",
        order_by="JobMatchEntry.id",
        cascade="all, delete-orphan",
    )
    workers: Mapped[list["Worker"]] = relationship(  # noqa: F821 (portal.models.offers)
        back_populates="position",
        order_by="Worker.id",
        cascade="all, delete-orphan",
    )
    # portal.models.protection; the employer's own third parties are not here (no position).
    third_parties: Mapped[list["ThirdParty"]] = relationship(  # noqa: F821
        order_by="ThirdParty.id", cascade="all, delete-orphan"
    )
    payments: Mapped[list["Payment"]] = relationship(  # noqa: F821
        order_by="Payment.id", cascade="all, delete-orphan"
    )
    document_custody: Mapped[list["DocumentCustody"]] = relationship(  # noqa: F821
        order_by="DocumentCustody.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(
            "stream IN ('high_wage', 'low_wage', 'global_talent', 'agricultural', 'pr_only')",
            name="stream_known",
        ),
        CheckConstraint("positions >= 1", name="positions_positive"),
        CheckConstraint("duration_months >= 1", name="duration_positive"),
        CheckConstraint("wage_amount >= 0", name="wage_nonnegative"),
        CheckConstraint(
            "program IS NULL OR program IN ('sawp', 'agricultural_stream')", name="program_known"
        ),
        CheckConstraint(
            "lmia_decision IS NULL OR lmia_decision IN ('approved', 'refused', 'withdrawn')",
            name="lmia_decision_known",
        ),
    )


class RecruitmentActivity(CreatedAt, PositionChild, Base):
    """One recruitment effort: a posting that runs between dates, or a dated event."""

    __tablename__ = "recruitment_activities"

    # The activity's id in an lmia-case/1 file (applicants refer to it there).
    case_key: Mapped[str] = mapped_column(String(60))
    method: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    event_date: Mapped[date | None]
    platform: Mapped[str | None] = mapped_column(String(200))
    is_national: Mapped[bool | None]
    target_groups: Mapped[list | None] = mapped_column(JSON)
    reference: Mapped[str | None] = mapped_column(String(500))
    direct_apply: Mapped[bool | None]
    ad: Mapped[dict | None] = mapped_column(JSON)

    position: Mapped[Position] = relationship(back_populates="activities")
    missed_capture_reasons: Mapped[list["MissedCaptureReason"]] = relationship(
        back_populates="activity",
        order_by="MissedCaptureReason.id",
        cascade="all, delete-orphan",  # through the ORM, so each deletion is audited
    )

    __table_args__ = (
        CheckConstraint("kind IN ('posting', 'event')", name="kind_known"),
        CheckConstraint(
            "(kind = 'posting' AND start_date IS NOT NULL "
            "AND (end_date IS NULL OR end_date >= start_date)) "
            "OR (kind = 'event' AND event_date IS NOT NULL)",
            name="dates_fit_kind",
        ),
    )

    @property
    def is_running(self) -> bool:
        return self.kind == "posting" and self.end_date is None


class Applicant(CreatedAt, PositionChild, Base):
    __tablename__ = "applicants"
    # Personal data: the audit log records that these changed, never their values.
    __audit_redacted__ = frozenset({"name", "reason_detail"})

    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    source_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruitment_activities.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str | None] = mapped_column(String(20))
    applied_on: Mapped[date]
    resume_downloaded_on: Mapped[date | None]
    interviewed_on: Mapped[date | None]
    offered: Mapped[bool | None]
    hired: Mapped[bool | None]
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_detail: Mapped[str | None] = mapped_column(Text)
    # Two people editing the same applicant: the second save is refused, not lost.
    version: Mapped[int] = mapped_column(default=1)

    source_activity: Mapped[RecruitmentActivity | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    # The applicant list's order, read a page at a time (issue 12: 2,000 applicants a position).
    __table_args__ = (Index("ix_applicants_position_applied", "position_id", "applied_on", "id"),)


class JobMatchEntry(CreatedAt, PositionChild, Base):
    """A Job Bank Job Match candidate: when first seen, how many stars, when invited."""

    __tablename__ = "job_match_entries"

    first_seen: Mapped[date]
    stars: Mapped[int]
    invited_on: Mapped[date | None]

    position: Mapped[Position] = relationship(back_populates="job_matches")

    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="stars_1_to_5"),)


class Waiver(CreatedAt, PositionChild, Base):
    """A representative's written decision to accept a finding (rule + subject) as it is."""

    __tablename__ = "waivers"

    rule_id: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    waived_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None]

    waived_by: Mapped[User] = relationship()


class MissedCaptureReason(CreatedAt, PositionChild, Base):
    """Why the weekly captures of an online ad due from ``due_from`` to ``due_until`` are missing.

    Someone who takes over a campaign cannot go back and capture last month's ad: the reason
    stops those captures counting as missing, and stays on the evidence page beside them. A later
    reason over the same dates replaces an earlier one on the page; both stay in the table.
    """

    __tablename__ = "missed_capture_reasons"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("recruitment_activities.id", ondelete="CASCADE"), index=True
    )
    due_from: Mapped[date]
    due_until: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    activity: Mapped[RecruitmentActivity] = relationship(back_populates="missed_capture_reasons")
    recorded_by: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("due_until >= due_from", name="dates_in_order"),)


class AdCapture(CreatedAt, PositionChild, Base):
    """One attempt to capture an online ad (issue 13): the URL asked for, and either the two
    evidence files it made (a full-page PDF and a PNG screenshot, filed on the activity) or why
    it failed. The latest URL of an activity is the one the scheduled re-captures take."""

    __tablename__ = "ad_captures"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("recruitment_activities.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    # None: the scheduled re-capture (the scheduled command), not a person.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued, done, failed
    message: Mapped[str | None] = mapped_column(String(500))
    final_url: Mapped[str | None] = mapped_column(String(2000))
    finished_at: Mapped[datetime | None]
    pdf_evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_files.id", ondelete="SET NULL")
    )
    png_evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_files.id", ondelete="SET NULL")
    )

    activity: Mapped[RecruitmentActivity] = relationship()
    requested_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'done', 'failed')", name="known_status"),
    )
