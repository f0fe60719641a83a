"""Accounts: sign-up, credentials, password reset. Views call these; nothing here renders.

Sign-up and reset must not tell whether an address has an account. Their views do the same work
for every address (validate, throttle, hash) and hand the rest to ``after_response``: the
``*_after_response`` functions below look the address up and send the mail once the answer has
left. A new account cannot sign in until its owner opens the link mailed to the address.
"""

import hmac
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.audit import record_event
from portal.auth.passwords import PasswordHashing
from portal.auth.sessions import end_all_sessions, start_session
from portal.extensions import db
from portal.mail.services import send_mail
from portal.models import User, utcnow
from portal.tokens import InvalidLink, digest, sign, unsign


class EmailTaken(Exception):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


HASHING_EXTENSION = "portal.password_hashing"


def hashing() -> PasswordHashing:
    config = current_app.config
    key = HASHING_EXTENSION
    if key not in current_app.extensions:
        current_app.extensions[key] = PasswordHashing(
            config["ARGON2_TIME_COST"],
            config["ARGON2_MEMORY_COST_KIB"],
            config["ARGON2_PARALLELISM"],
        )
    return current_app.extensions[key]


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(full_name: str, email: str, password: str, locale: str | None = None) -> User:
    """Create an account whose address is already proven; raise EmailTaken if it is in use.

    For callers that know the address belongs to the person: accepting an invitation (the link
    came to that address), the demo seed. The public sign-up goes through ``request_signup``.
    ``locale``: the language the account starts in (the page's, where a person signed up).
    """
    if find_user(email) is not None:
        raise EmailTaken(email)
    user = _new_user(full_name, email, hashing().hash(password), confirmed=True, locale=locale)
    record_event(db.session, "user.signup", entity=user, actor_id=user.id)
    return user


def _new_user(
    full_name: str, email: str, password_hash: str, *, confirmed: bool, locale: str | None = None
) -> User:
    user = User(
        full_name=full_name.strip(),
        email=normalise_email(email),
        password_hash=password_hash,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    if locale:
        user.locale = locale
    db.session.add(user)
    db.session.flush()
    return user


def claim_pending_account(user: User, full_name: str, password: str) -> None:
    """An invitation link opened by the owner of an address whose account was never confirmed:
    whoever signed up with it may not have been them, so their name and password replace it."""
    user.full_name = full_name.strip()
    change_password(user, password, reason="claimed_by_invitee")
    confirm_email(user)


# Sign-up ------------------------------------------------------------------------------------

CONFIRMATION_MAX_AGE = timedelta(days=3)
UNLOCK_MAX_AGE = timedelta(hours=1)


def request_signup(full_name: str, email: str, password: str, locale: str | None = None) -> None:
    """The in-request half of a sign-up: the same for every address (hash, then defer).
    ``locale``: the sign-up page's language, the new account's (its confirmation mail too)."""
    from portal.mail.deferred import after_response

    password_hash = hashing().hash(password)
    after_response(
        signup_after_response,
        full_name.strip(),
        normalise_email(email),
        password_hash,
        locale=locale,
    )


def signup_after_response(
    full_name: str, email: str, password_hash: str, locale: str | None = None
) -> None:
    """Create the pending account and mail its confirmation link, or tell the address's owner
    that someone tried to sign up with it (in their own account's language)."""
    existing = find_user(email)
    if existing is None:
        try:
            with db.session.begin_nested():
                user = _new_user(full_name, email, password_hash, confirmed=False, locale=locale)
        except IntegrityError:  # the same address signed up a moment ago
            existing = find_user(email)
            if existing is None:  # not a duplicate address: a real fault, not to be hidden
                raise
        else:
            record_event(db.session, "user.signup", entity=user, actor_id=user.id)
            send_confirmation(user)
            return
    if existing is None or not existing.is_active:
        return
    # No actor: whoever typed the address is unknown, and need not be the account's owner.
    record_event(db.session, "user.signup_attempted", entity=existing)
    send_mail(
        existing.email,
        _l("Someone tried to create an LMIA Portal account with your email"),
        "signup_attempt",
        locale=existing.locale,
        user=existing,
        confirmation_link=None
        if existing.email_confirmed_at
        else url_for("auth.confirm_email", token=confirmation_token(existing), _external=True),
        login_link=url_for("auth.login", _external=True),
        reset_link=url_for("auth.request_reset", _external=True),
    )


def confirmation_token(user: User) -> str:
    return sign("confirm-email", {"u": user.id, "p": _password_fingerprint(user)})


def send_confirmation(user: User) -> None:
    link = url_for("auth.confirm_email", token=confirmation_token(user), _external=True)
    send_mail(
        user.email,
        _l("Confirm your LMIA Portal account"),
        "confirm_email",
        locale=user.locale,
        user=user,
        link=link,
    )


def resend_confirmation_after_response(user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is not None and user.is_active and user.email_confirmed_at is None:
        send_confirmation(user)


def user_for_confirmation_token(token: str) -> User:
    """Return the unconfirmed account a confirmation link is for; raise InvalidLink otherwise.

    The link carries a fingerprint of the password hash: once the password changes (a reset),
    older links stop working.
    """
    user = _user_for_link("confirm-email", token, CONFIRMATION_MAX_AGE)
    if user.email_confirmed_at is not None:
        raise InvalidLink()
    return user


def confirm_email(user: User) -> None:
    """The owner of the address opened a link sent to it."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record_event(db.session, "user.email_confirmed", entity=user, actor_id=user.id)


# Password reset and unlock ------------------------------------------------------------------


def request_reset(email: str) -> None:
    from portal.mail.deferred import after_response

    after_response(reset_after_response, normalise_email(email))


def reset_after_response(email: str) -> None:
    user = find_user(email)
    if user is None or not user.is_active:
        return
    link = url_for("auth.reset_password", token=reset_link_token(user), _external=True)
    send_mail(
        user.email,
        _l("Reset your LMIA Portal password"),
        "password_reset",
        locale=user.locale,
        user=user,
        link=link,
    )
    record_event(db.session, "user.reset_requested", entity=user, actor_id=user.id)


def request_unlock(email: str) -> None:
    from portal.mail.deferred import after_response

    after_response(unlock_after_response, normalise_email(email))


def unlock_after_response(email: str) -> None:
    user = find_user(email)
    if user is None or not user.is_active:
        return
    link = url_for("auth.unlock", token=unlock_token(user), _external=True)
    send_mail(
        user.email,
        _l("Sign in to the LMIA Portal from this device"),
        "unlock",
        locale=user.locale,
        user=user,
        link=link,
    )
    record_event(db.session, "user.unlock_requested", entity=user, actor_id=user.id)


def unlock_token(user: User) -> str:
    return sign("unlock", {"u": user.id, "p": _password_fingerprint(user)})


def user_for_unlock_token(token: str) -> User:
    return _user_for_link("unlock", token, UNLOCK_MAX_AGE)


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the password matches; spend equal time when the email is unknown."""
    return check_password(find_user(email), password)


def check_password(user: User | None, password: str) -> User | None:
    """``authenticate`` for an account already looked up (``None``: no account for the email)."""
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
    return _user_for_link("password-reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])


def _user_for_link(purpose: str, token: str, max_age: int) -> User:
    """The active account a mailed link of ``purpose`` is for; raise InvalidLink if it expired,
    was forged, or its password changed since (the link carries a fingerprint of the hash)."""
    payload = unsign(purpose, token, max_age)
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.is_active:
        raise InvalidLink()
    if not hmac.compare_digest(str(payload.get("p", "")), _password_fingerprint(user)):
        raise InvalidLink()
    return user
