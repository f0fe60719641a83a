"""Server-side sign-in sessions on top of Flask-Login.

The cookie carries a random token (as Flask-Login's user id); the database keeps its SHA-256 in a
``UserSession`` row. Every request looks the row up, so ending the row signs the browser out for
good, even if someone copied the cookie. Idle (30 min) and absolute (12 h) limits apply here.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from portal.extensions import db, login_manager
from portal.models import User, UserSession, utcnow

# Writing last_seen on every request would turn every GET into a write; a minute is precise
# enough for a 30-minute idle limit.
_TOUCH_EVERY = timedelta(minutes=1)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The account in the same statement: every signed-in request reads both. Built once, so each
# request reuses its compiled form (portal.tenancy._MEMBERSHIPS_OF).
_SESSION_BY_TOKEN_HASH = (
    select(UserSession)
    .options(joinedload(UserSession.user))
    .where(UserSession.token_hash == bindparam("token_hash"))
)


@login_manager.user_loader
def load_user_from_session_token(token: str) -> User | None:
    user_session = db.session.scalar(_SESSION_BY_TOKEN_HASH, {"token_hash": _token_hash(token)})
    if user_session is None or user_session.ended_at is not None:
        return None
    now = utcnow()
    config = current_app.config
    if now - user_session.created_at > config["PERMANENT_SESSION_LIFETIME"]:
        _end(user_session, "expired")
        db.session.commit()
        return None
    if now - user_session.last_seen_at > config["SESSION_IDLE_TIMEOUT"]:
        _end(user_session, "idle")
        db.session.commit()
        return None
    user = user_session.user
    if not user.is_active:
        # End the row, so re-enabling the account does not revive a stolen cookie.
        _end(user_session, "disabled")
        db.session.commit()
        return None
    if now - user_session.last_seen_at > _TOUCH_EVERY:
        user_session.last_seen_at = now
        db.session.commit()
    user.get_id = lambda: token  # Flask-Login stores this, not the numeric id
    g.user_session = user_session
    return user


def start_session(user: User, *, second_factor: bool = False) -> None:
    """Sign ``user`` in on this browser with a fresh session and a fresh cookie.

    ``second_factor``: this browser has just passed the second step (a two-factor code), or
    keeps having passed it (a password change). A password alone never sets it.
    """
    session.clear()
    token = secrets.token_urlsafe(32)
    user_session = UserSession(
        user_id=user.id,
        token_hash=_token_hash(token),
        user_agent=(request.user_agent.string or "")[:300],
        second_factor_at=utcnow() if second_factor else None,
    )
    db.session.add(user_session)
    db.session.flush()
    user.get_id = lambda: token
    login_user(user)
    g.user_session = user_session
    g.pop("second_step", None)


def passed_second_step() -> bool:
    """Whether this browser's session has passed the second step (two-factor)."""
    user_session = g.get("user_session")
    return user_session is not None and user_session.second_factor_at is not None


def restart_after_second_step(user: User) -> None:
    """The second step passed: end the half-signed-in session and give this browser a new one
    (a new token at each rise in privilege, as at sign-in) that has passed it."""
    user_session = g.get("user_session")
    if user_session is not None:
        _end(user_session, "second_step_passed")
    start_session(user, second_factor=True)


def _end(user_session: UserSession, reason: str) -> None:
    user_session.ended_at = utcnow()
    user_session.ended_reason = reason


def end_current_session(reason: str = "logout") -> None:
    """Sign this browser out; the cookie it had no longer works anywhere."""
    user_session = g.get("user_session")
    if user_session is not None:
        _end(user_session, reason)
    logout_user()
    session.clear()


def end_all_sessions(user_id: int, reason: str) -> None:
    """End every live session of a user (password change, removal, account disabled)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
