"""Worker protection: recruiters and representatives, money that moved, who holds a worker's
documents, and the workers' own attestations.

These were JSON lists on ``positions`` (the ``lmia-case`` shapes); as tables they can be listed,
edited, imported from a ledger and linked to a worker, a third party or a contract on file.
A third party belongs to the employer (``position_id`` empty: it recruits for every position)
or to one position. Allowed values are the case format's; ``PAYMENT_PURPOSES`` already holds the
purposes ruleset 3 will need (``lmia-domain.md`` §7.4) so rules can grow without a migration.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import User
from portal.models.base import Base, CreatedAt, EmployerOwned, PositionChild
from portal.models.offers import Worker

THIRD_PARTY_ROLES = ("recruiter", "representative")
PARTIES = (
    "employer",
    "owner",
    "worker",
    "worker_family",
    "recruiter",
    "representative",
    "government",
    "other",
)
PAYMENT_PURPOSES = (
    "recruitment_fee",
    "placement_fee",
    "lmia_fee",
    "representative_fee",
    "processing_fee",
    "job_offer",
    "travel",
    "health_insurance",
    "housing",
    "wages",
    "wages_returned",
    "loan",
    "loan_repayment",
    "training",
    "statutory",
    "other",
    # Recorded now for ruleset 3 (what a worker may pay, by program: lmia-domain.md §7.4).
    "utilities",
    "meals",
    "government_agent",
)
PAYMENT_VIAS = ("transfer", "cash", "deduction", "cheque", "card", "other")
CUSTODY_DOCUMENTS = ("passport", "work_permit", "other")
CUSTODY_HOLDERS = ("employer", "owner", "recruiter", "other")


def _one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    check = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {check}" if nullable else check


class ThirdParty(CreatedAt, EmployerOwned, Base):
    """A recruiter or representative working for the employer (or for one of its positions)."""

    __tablename__ = "third_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    # Empty: the employer's own recruiter or representative, in every position's case.
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    province: Mapped[str | None] = mapped_column(String(2))
    paid: Mapped[bool | None]
    licence_number: Mapped[str | None] = mapped_column(String(60))
    cicc_number: Mapped[str | None] = mapped_column(String(20))
    law_society: Mapped[str | None] = mapped_column(String(200))
    contract_evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_files.id", ondelete="SET NULL")
    )
    contract_forbids_worker_fees: Mapped[bool | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint(_one_of("role", THIRD_PARTY_ROLES), name="role_known"),)


class Payment(CreatedAt, PositionChild, Base):
    """One payment connected with the job: who paid whom, how much, why, how and when."""

    __tablename__ = "payments"

    paid_on: Mapped[date | None]
    payer: Mapped[str] = mapped_column(String(20))
    payee: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    purpose: Mapped[str] = mapped_column(String(30))
    via: Mapped[str | None] = mapped_column(String(20))
    # Which worker paid or was paid, and which recruiter or representative, when known.
    worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("workers.id", ondelete="SET NULL"), index=True
    )
    third_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("third_parties.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)

    worker: Mapped[Worker | None] = relationship()
    third_party: Mapped[ThirdParty | None] = relationship()

    __table_args__ = (
        CheckConstraint(_one_of("payer", PARTIES), name="payer_known"),
        CheckConstraint(_one_of("payee", PARTIES), name="payee_known"),
        CheckConstraint(_one_of("purpose", PAYMENT_PURPOSES), name="purpose_known"),
        CheckConstraint(_one_of("via", PAYMENT_VIAS, nullable=True), name="via_known"),
        CheckConstraint("amount >= 0", name="amount_nonnegative"),
    )


class DocumentCustody(CreatedAt, PositionChild, Base):
    """A worker's passport or permit held by someone other than the worker, since when."""

    __tablename__ = "document_custody"

    worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("workers.id", ondelete="SET NULL"), index=True
    )
    document: Mapped[str] = mapped_column(String(20))
    held_by: Mapped[str] = mapped_column(String(20))
    since: Mapped[date | None]

    worker: Mapped[Worker | None] = relationship()

    __table_args__ = (
        CheckConstraint(_one_of("document", CUSTODY_DOCUMENTS), name="document_known"),
        CheckConstraint(_one_of("held_by", CUSTODY_HOLDERS), name="held_by_known"),
    )


class Attestation(CreatedAt, PositionChild, Base):
    """A private link sent to a worker, and the worker's answers, final once given.

    The link carries a random token; only its SHA-256 is stored. Answers are kept exactly as
    given, with the time and address they came from; a database trigger refuses any change to an
    answered attestation.
    """

    __tablename__ = "attestations"

    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    sent_to: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answered_ip: Mapped[str | None] = mapped_column(String(45))
    answers: Mapped[dict | None] = mapped_column(JSON)

    worker: Mapped[Worker] = relationship()
    created_by: Mapped[User] = relationship()

    __audit_redacted__ = frozenset({"token_hash", "sent_to", "answered_ip", "answers"})
    __table_args__ = (CheckConstraint("language IN ('en', 'fr')", name="language_known"),)
