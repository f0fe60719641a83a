"""Devices that signed in before: a signed, HttpOnly, long-lived cookie bound to the account.

Five failed sign-ins lock an account for everyone for 15 minutes, which lets anyone lock the
owner out. A browser that has signed in to the account before (or opened an e-mailed unlock
link) carries this cookie and skips the per-account limit; the per-IP limit still applies.
The cookie names the account and is bound to its password: changing the password (after a
compromise, say) makes every earlier device an unknown one again.
"""

from datetime import timedelta

from flask import current_app, request

from portal.models import User
from portal.tokens import InvalidLink, digest, sign, unsign

MAX_AGE = timedelta(days=365)
MAX_ACCOUNTS = 5  # one browser may be shared by a few people (an office PC)
_PURPOSE = "known-device"


def cookie_name() -> str:
    # __Host- (Secure, Path=/, no Domain) where cookies are Secure, as for the session cookie.
    return "__Host-device" if current_app.config["SESSION_COOKIE_SECURE"] else "portal_device"


def _stamp(user: User) -> str:
    return digest(f"{user.id}:{user.password_changed_at.isoformat()}")[:24]


def _entries() -> list[list]:
    raw = request.cookies.get(cookie_name())
    if not raw:
        return []
    try:
        entries = unsign(_PURPOSE, raw, MAX_AGE).get("a")
    except InvalidLink:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2]


def is_known(user: User | None) -> bool:
    """Whether this browser signed in to ``user``'s account before (with the current password)."""
    if user is None:
        return False
    return [user.id, _stamp(user)] in _entries()


def remember(response, user: User):
    """Mark this browser as one ``user`` signs in from (after a successful sign-in or unlock)."""
    entries = [e for e in _entries() if e[0] != user.id]
    entries = ([[user.id, _stamp(user)]] + entries)[:MAX_ACCOUNTS]
    response.set_cookie(
        cookie_name(),
        sign(_PURPOSE, {"a": entries}),
        max_age=int(MAX_AGE.total_seconds()),
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
