"""People who sign in, and their server-side sessions."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedString
from portal.models.base import Base, CreatedAt, utcnow


class User(CreatedAt, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased so uniqueness and look-ups ignore case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(10), default="en_CA")
    is_active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the owner of the address proved it: a confirmation, reset or invitation link
    # opened. Until then the account cannot sign in and its kept mail is not shown.
    email_confirmed_at: Mapped[datetime | None]
    # Deadlines: shown and sent in this time zone (None: the portal's PORTAL_TIMEZONE); reminders
    # are mailed this many days before each deadline (None: no reminder e-mails).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    reminder_days_before: Mapped[int | None] = mapped_column(default=7)
    # Two-factor sign-in (TOTP, RFC 6238). The secret is stored encrypted (portal.crypto) from
    # the moment enrolment starts; enabled_at is set when the first code proved the device.
    # last_step: the 30-second step of the last accepted code, so a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", foreign_keys="Membership.user_id"
    )

    # Flask-Login protocol. get_id() is set per request to the session token, see portal.auth.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        raise NotImplementedError("users are logged in through portal.auth.sessions")

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserSession(CreatedAt, Base):
    """One signed-in browser. The cookie holds a random token; only its hash is stored.

    Ending the row (logout, password change, removal from an employer, disable) makes a copied
    cookie useless on the very next request: stock Flask cookie sessions cannot do that.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(40))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    # When this browser passed the second step (a TOTP or recovery code). A session without it
    # only reaches the second-step and enrolment pages when the user has or needs two-factor.
    second_factor_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(CreatedAt, Base):
    """One of a user's ten one-time codes for a lost device. Only a hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]
