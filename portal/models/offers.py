"""Foreign workers named on a position, their job offers, and each generated offer version.

A position approved for N workers names up to N of them; each has one job offer (the
``lmia-case/2`` ``workers[].offer`` object, kept whole as JSON so a case file round-trips without
loss). Each generated letter is an :class:`OfferVersion`: evidence-grade bytes (PDF and DOCX in
the evidence storage, with their SHA-256), who made it, when, and the exact inputs it was
written from. Issuing freezes a version.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedJSON
from portal.models.accounts import User
from portal.models.base import Base, CreatedAt, PositionChild
from portal.models.recruitment import Position

# Identity numbers inside an offer (and a letter's inputs): stored encrypted, read clear.
OFFER_IDENTITY_KEYS = ("lmia_number", "employer_portal_offer_number")


class Worker(CreatedAt, PositionChild, Base):
    """A named foreign worker for one of the position's approved places."""

    __tablename__ = "workers"

    # Optional in the table because an imported lmia-case/1 offer may lack them; the form
    # requires the name and language.
    name: Mapped[str | None] = mapped_column(String(200))  # as on the passport
    country: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str | None] = mapped_column(String(2))  # preferred: en / fr
    # Québec: the agreement is in French unless the worker asks otherwise (Charter of the
    # French language, s. 41, from 2022-06-01); the date the worker asked for English.
    english_requested_on: Mapped[date | None]
    planned_start_date: Mapped[date | None]
    # lmia-case/2 workers[].offer
    offer: Mapped[dict | None] = mapped_column(EncryptedJSON(OFFER_IDENTITY_KEYS))
    version: Mapped[int] = mapped_column(default=1)

    position: Mapped[Position] = relationship(back_populates="workers")
    versions: Mapped[list["OfferVersion"]] = relationship(
        back_populates="worker",
        order_by="OfferVersion.number",
        cascade="all, delete-orphan",
    )
    attestations: Mapped[list["Attestation"]] = relationship(  # noqa: F821
        order_by="Attestation.id", viewonly=True
    )

    __mapper_args__ = {"version_id_col": version}
    __audit_redacted__ = frozenset({"name", "email"})
    __table_args__ = (
        CheckConstraint("language IS NULL OR language IN ('en', 'fr')", name="language_known"),
    )


class OfferVersion(CreatedAt, PositionChild, Base):
    """One generated job offer / employment agreement: its bytes, hashes and exact inputs."""

    __tablename__ = "offer_versions"

    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1, 2, ... per worker
    language: Mapped[str] = mapped_column(String(2))
    # The letter's inputs as JSON (portal.offers.letter.LetterInputs), and their SHA-256, so a
    # later draft can say what changed and an issued one whether it is out of date.
    inputs: Mapped[dict] = mapped_column(EncryptedJSON(OFFER_IDENTITY_KEYS))
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    pdf_key: Mapped[str] = mapped_column(String(200), unique=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int]
    docx_key: Mapped[str] = mapped_column(String(200), unique=True)
    docx_sha256: Mapped[str] = mapped_column(String(64))
    docx_size: Mapped[int]
    # DRAFT on every page: an error finding about this offer stood (unwaived) when generated.
    is_draft: Mapped[bool] = mapped_column(Boolean, default=True)
    # The error findings (rule, subject, message) that stood, and at issue time the waivers
    # (rule, subject, reason, who) that let it be issued anyway.
    open_errors: Mapped[list | None] = mapped_column(JSON)
    waived_errors: Mapped[list | None] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    worker: Mapped[Worker] = relationship(back_populates="versions")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    __table_args__ = (
        UniqueConstraint("worker_id", "number"),
        CheckConstraint("language IN ('en', 'fr')", name="language_known"),
    )
