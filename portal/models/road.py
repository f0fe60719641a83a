"""After the LMIA: each worker's road to the first day of work, the pay they were given, and the
deadlines the portal reminds people of.

The LMIA decision is the position's (``Position.lmia_*``; an LMIA-exempt position has an
exemption code instead). Everything after it is the worker's: :class:`WorkerRoad` holds the
dates and the permit as printed, one row per worker, and :class:`PayrollPeriod` one pay period
as the payroll shows it. Sources and date rules live in ``portal/road/`` (plain Python).
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedString
from portal.models.accounts import User
from portal.models.base import Base, CreatedAt, PositionChild, utcnow
from portal.models.offers import Worker

LMIA_DECISIONS = ("approved", "refused", "withdrawn")
PAYROLL_SOURCES = ("form", "csv", "xlsx")


class WorkerRoad(CreatedAt, PositionChild, Base):
    """The worker's steps after the LMIA (or the Employer Portal offer, when LMIA-exempt)."""

    __tablename__ = "worker_roads"

    worker_id: Mapped[int] = mapped_column(
        ForeignKey("workers.id", ondelete="CASCADE"), unique=True
    )
    # LMIA-exempt hires (IRCC Employer Portal, lmia-domain.md §6.3). Identity numbers are
    # encrypted at rest (portal.crypto) and never recorded by the audit log.
    offer_of_employment_number: Mapped[str | None] = mapped_column(EncryptedString(20))
    offer_of_employment_submitted_on: Mapped[date | None]
    compliance_fee_paid_on: Mapped[date | None]
    # The work-permit application.
    permit_applied_on: Mapped[date | None]
    ircc_reference: Mapped[str | None] = mapped_column(EncryptedString(40))
    # None: not known yet whether the worker needs one.
    visa_required: Mapped[bool | None]
    visa_issued_on: Mapped[date | None]
    caq_required: Mapped[bool | None]  # Québec acceptance certificate
    caq_issued_on: Mapped[date | None]
    # The permit as printed.
    permit_number: Mapped[str | None] = mapped_column(EncryptedString(20))
    permit_issued_on: Mapped[date | None]
    permit_expires_on: Mapped[date | None]
    permit_employer: Mapped[str | None] = mapped_column(String(200))
    permit_occupation: Mapped[str | None] = mapped_column(String(200))
    permit_location: Mapped[str | None] = mapped_column(String(200))
    arrived_on: Mapped[date | None]
    first_day_on: Mapped[date | None]
    # A new LMIA or permit extension under way for the same worker.
    renewal_started_on: Mapped[date | None]
    # Someone asked for the worker's records to be deleted (retention is 6 years from day one).
    records_deletion_requested_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    worker: Mapped[Worker] = relationship()

    __mapper_args__ = {"version_id_col": version}


class PayrollPeriod(CreatedAt, PositionChild, Base):
    """One pay period of one worker, as the payroll shows it. Amounts are exact decimals."""

    __tablename__ = "payroll_periods"

    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    paid_on: Mapped[date | None]
    hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    gross: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # [{"purpose": <lmia-case/2 payment purpose>, "amount": "12.34", "note": str|None}, ...]
    deductions: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(10), default="form")

    worker: Mapped[Worker] = relationship()

    __table_args__ = (
        UniqueConstraint("worker_id", "period_start"),
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint("hours >= 0 AND gross >= 0", name="amounts_nonnegative"),
        CheckConstraint("source IN ('form', 'csv', 'xlsx')", name="source_known"),
    )


class CalendarFeed(Base):
    """A user's private calendar URL; only the token's SHA-256 is stored. Revoked feeds stay
    (a revoked URL answers 404, never another user's calendar)."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ReminderSent(Base):
    """One reminder mailed to one user about one deadline: the unique key makes sending twice
    impossible, even when two ``send-reminders`` run at once."""

    __tablename__ = "reminders_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The deadline's stable key, e.g. "permit-expiry:worker:7:2027-03-04".
    deadline_key: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "deadline_key"),)
