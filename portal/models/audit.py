"""The append-only audit log."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, EmployerScoped, utcnow


class AuditEvent(EmployerScoped, Base):
    """Who did what, when, to which row; rows are chained by hash so edits are detectable."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Null for events that belong to no employer (sign-in, sign-up).
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    # {"field": {"before": .., "after": ..}}; redacted fields carry {"changed": true} only.
    changes: Mapped[dict | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))

    # An employer's log is read newest first, a page at a time.
    __table_args__ = (Index("ix_audit_events_employer_id_id", "employer_id", "id"),)
