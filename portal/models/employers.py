"""Employers (the tenants), their work locations, members and invitations."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.accounts import User
from portal.models.base import Audited, Base, CreatedAt, EmployerOwned


class Role:
    """Membership roles. What each may do lives in ``portal.tenancy.PERMISSIONS``."""

    OWNER = "owner"
    STAFF = "staff"
    VIEWER = "viewer"
    REPRESENTATIVE = "representative"
    ALL = (OWNER, STAFF, VIEWER, REPRESENTATIVE)


class Employer(CreatedAt, Audited, Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    operating_name: Mapped[str | None] = mapped_column(String(200))
    # CRA business number, the 9-digit root (program accounts like RP0001 are not the identity).
    business_number: Mapped[str] = mapped_column(String(9))
    street_address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(7))
    phone: Mapped[str] = mapped_column(String(30))
    naics_code: Mapped[str | None] = mapped_column(String(6))
    # Compliance history an officer checks (lmia-case/1 employer fields).
    on_noncompliance_list: Mapped[bool] = mapped_column(default=False)
    lmia_revoked_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    work_locations: Mapped[list["WorkLocation"]] = relationship(
        back_populates="employer", order_by="WorkLocation.id", cascade="all, delete-orphan"
    )
    # The employer's own recruiters and representatives (no position): in every position's case.
    own_third_parties: Mapped[list["ThirdParty"]] = relationship(  # noqa: F821
        primaryjoin="and_(ThirdParty.employer_id == Employer.id, ThirdParty.position_id.is_(None))",
        order_by="ThirdParty.id",
        viewonly=True,
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("length(business_number) = 9", name="business_number_9"),)

    @property
    def employer_id(self) -> int:
        # Lets the audit log treat the employer row like any other employer-owned row.
        return self.id

    @property
    def display_name(self) -> str:
        return self.operating_name or self.legal_name


class WorkLocation(CreatedAt, EmployerOwned, Base):
    __tablename__ = "work_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    street_address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    province: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(7))
    employee_count: Mapped[int]

    employer: Mapped[Employer] = relationship(back_populates="work_locations")

    __table_args__ = (CheckConstraint("employee_count >= 0", name="employee_count_nonnegative"),)


class Membership(CreatedAt, EmployerOwned, Base):
    """A user's access to one employer. Revoked rows are kept for the record."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # Representatives only: a CICC licence (R + 6 digits) or a law society and member number.
    cicc_number: Mapped[str | None] = mapped_column(String(7))
    law_society: Mapped[str | None] = mapped_column(String(80))
    law_society_number: Mapped[str | None] = mapped_column(String(30))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    employer: Mapped[Employer] = relationship()
    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint(
            "role IN ('owner', 'staff', 'viewer', 'representative')", name="role_known"
        ),
        # One live membership per person and employer; revoked history may repeat.
        Index(
            "uq_memberships_active",
            "employer_id",
            "user_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Invitation(CreatedAt, EmployerOwned, Base):
    """An emailed, signed, expiring, single-use offer of a membership."""

    __audit_redacted__ = frozenset({"nonce_hash"})

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    # Hash of the random nonce carried by the signed link; the link itself is never stored.
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]

    employer: Mapped[Employer] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])

    __table_args__ = (
        CheckConstraint(
            "role IN ('owner', 'staff', 'viewer', 'representative')", name="role_known"
        ),
    )

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
