"""Declarative base shared by every model, with named constraints for clean migrations."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time in UTC (evaluated per call, never at import)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store instants as UTC and always hand back aware datetimes.

    SQLite has no time-zone type and returns naive values; PostgreSQL returns aware ones.
    Normalising here keeps comparisons such as "has this link expired?" identical on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


class Audited:
    """Marker: every insert, update and delete of this row is written to the audit log.

    The row must expose ``employer_id`` so the event lands in that employer's log.
    """

    __audited__ = True
    # Fields whose values never appear in the audit log (only the fact that they changed).
    __audit_redacted__: frozenset[str] = frozenset()


class EmployerScoped:
    """Marker for rows read per employer.

    Every query of such rows goes through ``portal.tenancy`` (scoped_select / get_scoped_or_404).
    """

    employer_id: Mapped[int]


class EmployerOwned(EmployerScoped, Audited):
    """Marker for rows that belong to one employer, and whose changes are audited."""


class PositionChild(EmployerOwned):
    """Columns of a row that belongs to one position (and so to its employer)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id", ondelete="CASCADE"), index=True
    )


class CreatedAt:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
