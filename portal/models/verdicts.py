"""The stored verdict of a position: the rules engine's counts, kept per input revision.

A row exists for every position (made in the flush that makes the position). ``revision`` is
bumped by ``portal.verdicts`` in the same transaction as any change to the position's inputs;
``computed_revision`` is the revision the stored counts were worked out from. The counts are
current only while the two agree and ``as_of``, ``reference_version`` and ``ruleset`` are
today's (see ``portal.verdicts.is_current``).
"""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, EmployerScoped


class PositionVerdict(EmployerScoped, Base):
    __tablename__ = "position_verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), unique=True
    )
    revision: Mapped[int] = mapped_column(default=1)
    computed_revision: Mapped[int | None]
    as_of: Mapped[date | None]
    reference_version: Mapped[str | None] = mapped_column(String(64))
    ruleset: Mapped[str | None] = mapped_column(String(64))
    errors: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    risk: Mapped[int] = mapped_column(default=0)  # fee and fraud items not waived
    # (rule, subject) of every reported finding not waived: a request about one stays open.
    open_findings: Mapped[list] = mapped_column(JSON, default=list)
    # subject → how the screens name it, for the subjects of the position's requests.
    labels: Mapped[dict] = mapped_column(JSON, default=dict)
    # What a sign-off covers (portal.evidence.services.content_hash), to tell current/outdated.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    computed_at: Mapped[datetime | None]

    position = relationship("Position")
