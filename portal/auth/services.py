"""Accounts: sign-up, credentials, password reset. Views call these; nothing here renders."""

import hmac

from flask import current_app
from sqlalchemy import select

from portal.audit import record_event
from portal.auth.passwords import PasswordHashing
from portal.auth.sessions import end_all_sessions, start_session
from portal.extensions import db
from portal.models import User, utcnow
from portal.tokens import InvalidLink, digest, sign, unsign


class EmailTaken(Exception):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hashing() -> PasswordHashing:
    config = current_app.config
    key = "portal.password_hashing"
    if key not in current_app.extensions:
        current_app.extensions[key] = PasswordHashing(
            config["ARGON2_TIME_COST"],
            config["ARGON2_MEMORY_COST_KIB"],
            config["ARGON2_PARALLELISM"],
        )
    return current_app.extensions[key]


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(full_name: str, email: str, password: str) -> User:
    """Create an account; raise EmailTaken if the address is in use."""
    if find_user(email) is not None:
        raise EmailTaken(email)
    user = User(
        full_name=full_name.strip(),
        email=normalise_email(email),
        password_hash=hashing().hash(password),
    )
    db.session.add(user)
    db.session.flush()
    record_event(db.session, "user.signup", entity=user, actor_id=user.id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the password matches; spend equal time when the email is unknown."""
    user = find_user(email)
    if user is None or not user.is_active:
        hashing().burn(password)
        return None
    if not hashing().verify(user.password_hash, password):
        return None
    if hashing().needs_rehash(user.password_hash):
        user.password_hash = hashing().hash(password)
    return user


def sign_in(user: User) -> None:
    start_session(user)
    record_event(db.session, "user.login", entity=user, actor_id=user.id)


def change_password(user: User, new_password: str, *, reason: str) -> None:
    """Set a new password and end every session of the user (the caller may start a new one)."""
    user.password_hash = hashing().hash(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(user.id, reason)
    record_event(db.session, "user.password_changed", entity=user, actor_id=user.id)


# A reset link carries a fingerprint of the current password hash, so it stops working the
# moment the password changes: that makes it single-use without storing the link.
def _password_fingerprint(user: User) -> str:
    return digest(user.password_hash)[:32]


def reset_link_token(user: User) -> str:
    return sign("password-reset", {"u": user.id, "p": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """Return the user a reset link is for; raise InvalidLink if expired, used or forged."""
    payload = unsign("password-reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.is_active:
        raise InvalidLink()
    if not hmac.compare_digest(str(payload.get("p", "")), _password_fingerprint(user)):
        raise InvalidLink()
    return user
