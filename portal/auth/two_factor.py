"""Two-factor sign-in: TOTP codes (RFC 6238, pyotp) and one-time recovery codes.

A password sign-in makes a session without ``second_factor_at``. The access guard
(``portal.tenancy.guard_request``) then sends a user who has two-factor, or needs it, to the
code page or the enrolment page before anything else. Who needs it: everyone with a live
representative membership, and everyone who owns an employer that has a live representative
(``portal.tenancy.two_factor_required``): one stolen password must not open many files.

Codes: 6 digits, a 30-second step, one step either side accepted (a phone's clock drifts, and
typing takes time). A code works once: ``User.totp_last_step`` keeps the step of the last
accepted code and only a later step is accepted, set by a conditional UPDATE so two requests
racing with the same code cannot both win.
"""

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, func, or_, select, update

from portal.extensions import db
from portal.models import RecoveryCode, User, utcnow

ISSUER = "LMIA Portal"
STEP_SECONDS = 30
DIGITS = 6
VALID_WINDOW = 1  # steps accepted either side of now
RECOVERY_CODE_COUNT = 10


# The secret ----------------------------------------------------------------------------------


def new_secret() -> str:
    """160 random bits (pyotp uses ``secrets``), base32 as authenticator apps expect."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER
    )


def qr_code_data_uri(uri: str) -> str:
    """The ``otpauth://`` URI as an SVG QR code in a ``data:`` URI, made here: the secret never
    goes to an outside service. The CSP allows ``img-src data:``."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# Codes ---------------------------------------------------------------------------------------


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def _digits(code: str) -> str:
    return "".join(code.split())


def is_totp_shaped(code: str) -> bool:
    """Six digits, spaces ignored (apps show "123 456"); anything else is a recovery code."""
    digits = _digits(code)
    return len(digits) == DIGITS and digits.isascii() and digits.isdigit()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The step (within the window around now) whose code is ``code``, else None."""
    if not is_totp_shaped(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    step = current_step(now)
    found = None
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        # compare_digest on every candidate: the time taken does not say which one matched
        if hmac.compare_digest(totp.generate_otp(candidate), _digits(code)):
            found = candidate
    return found


def accept_code(user: User, code: str, *, secret: str | None = None, now: float | None = None):
    """Accept ``code`` for ``user`` once: True when it is right and its step is later than the
    last accepted one (then that step is recorded). ``secret``: the one being enrolled."""
    secret = secret or user.totp_secret
    if not secret:
        return False
    step = matching_step(secret, code, now)
    if step is None:
        return False
    result = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False  # replayed: this step (or a later one) was already used
    db.session.refresh(user, ["totp_last_step"])
    return True


# Recovery codes ------------------------------------------------------------------------------

# 10 random bytes: 80 bits, 16 base32 characters shown in groups of four.
_RECOVERY_BYTES = 10


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_code_hash(code: str) -> str:
    # SHA-256, not argon2: a slow, salted hash protects passwords a person chose, which are
    # guessable. These codes are 80 random bits: a stolen table would need about 2^79 SHA-256
    # guesses per code, out of reach, and an unsalted hash lets a code be found by its hash.
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(_RECOVERY_BYTES)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; return them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(code)) for code in codes
    )
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one of the user's unused recovery codes; False if it is not one (or was used)."""
    if not _normalised(code):
        return False
    unused = (
        RecoveryCode.user_id == user.id,
        RecoveryCode.code_hash == recovery_code_hash(code),
        RecoveryCode.used_at.is_(None),
    )
    # Look first: a wrong code writes nothing (not even an UPDATE of no row).
    if db.session.scalar(select(RecoveryCode.id).where(*unused)) is None:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(*unused)
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


# Turning it on and off -----------------------------------------------------------------------


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def start_enrolment(user: User) -> str:
    """A new secret, stored (encrypted) at once; any earlier unfinished one is replaced."""
    secret = new_secret()
    user.totp_secret = secret
    user.totp_last_step = None
    return secret


def turn_off(user: User) -> None:
    """Forget the secret and the recovery codes (turned off, or reset by the operator)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
