"""Reading the deadlines' rows, the calendar feeds and the reminders (the database side of
``portal.deadlines.collect``)."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.deadlines import collect
from portal.evidence.services import evidence_of
from portal.extensions import db
from portal.models import CalendarFeed, Employer, Position, ReminderSent, User, utcnow
from portal.positions import services as position_services
from portal.positions.compliance import case_of
from portal.positions.reference import labour_market
from portal.recruitment.filing_window import filing_window
from portal.tenancy import across_my_employers, memberships_of, scoped_select

log = logging.getLogger("portal.deadlines")

try:  # the road's deadlines (contract 2); none until the road branch is merged
    from portal.road.checks import road_deadlines
    from portal.road.services import facts_of
except ImportError:  # pragma: no cover - only before the road branch is merged
    road_deadlines = facts_of = None


# --- Time zones -------------------------------------------------------------------------------


@functools.cache
def _known_zones() -> frozenset[str]:
    # available_timezones() walks the zone directories on every call (about 10 ms); the set
    # does not change while the process runs.
    return frozenset(available_timezones())


def zone_names() -> list[str]:
    """Every IANA time zone name Python knows, sorted (the account form's choices)."""
    return sorted(_known_zones())


def portal_zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def zone_of(user: User | None) -> str:
    """The user's time zone, else the portal's (PORTAL_TIMEZONE)."""
    default = portal_zone()
    if user is None or not user.time_zone or user.time_zone not in _known_zones():
        return default
    return user.time_zone


def today_for(user: User | None, now: datetime | None = None) -> date:
    """Today's date where the user is (deadlines are days, not instants)."""
    return (now or utcnow()).astimezone(ZoneInfo(zone_of(user))).date()


# --- Collecting -------------------------------------------------------------------------------


@contextmanager
def acting_for(employer: Employer) -> Iterator[None]:
    """Read one employer's rows through the scoped helpers (they read ``g.employer``)."""
    saved = g.get("employer")
    g.employer = employer
    try:
        yield
    finally:
        g.employer = saved


def _road_of(position: Position, today: date) -> tuple:
    if road_deadlines is None:
        return ()
    found = []
    for worker in position.workers:
        found.extend(road_deadlines(facts_of(position, worker), today))
    return tuple(found)


def position_dates(position: Position, today: date, reference=None) -> collect.PositionDates:
    """One position's rows as ``collect`` reads them; call under ``acting_for`` its employer."""
    over = position.lmia_decision is not None or bool(position.lmia_exemption_code)
    window_ends = None
    activities, applicants, evidence = (), (), ()
    if not over:
        applicant_rows = position_services.applicants_in_log_order(position)
        applicants = tuple(
            (a.id, a.name, a.channel, a.applied_on, a.resume_downloaded_on) for a in applicant_rows
        )
        activities = tuple(position.activities)
        evidence = tuple(evidence_of(position))
        window = filing_window(case_of(position, applicant_rows), reference or labour_market())
        if window is not None and window.latest is not None:
            window_ends = window.latest
    return collect.PositionDates(
        employer_id=position.employer_id,
        position_id=position.id,
        title=position.title,
        recruitment_over=over,
        planned_filing=None if over else position.planned_submission_date,
        filing_window_ends=window_ends,
        activities=activities,
        applicants=applicants,
        evidence=evidence,
        road=_road_of(position, today),
    )


@dataclass(frozen=True)
class Collected:
    deadlines: list  # soonest first
    employers: dict[int, Employer]  # by id: the employers the deadlines may belong to
    titles: dict[int, str]  # position titles by id
    worker_names: dict[int, str]  # full names of the workers the road's deadlines are about


def _worker_names(positions: list[Position], found) -> dict[int, str]:
    with_road = {d.position_id for d in found if d.road}
    return {
        worker.id: worker.name
        for position in positions
        if position.id in with_road
        for worker in position.workers
        if worker.name
    }


def deadlines_of_user(user_id: int, today: date) -> Collected:
    """Every deadline of every live position of the employers the user is a live member of."""
    employers = {m.employer_id: m.employer for m in memberships_of(user_id)}
    positions = list(
        db.session.scalars(
            across_my_employers(Position, user_id)
            .where(Position.archived_at.is_(None))
            .order_by(Position.id)
        )
    )
    reference = labour_market()
    found = []
    for position in positions:
        employer = employers.get(position.employer_id)
        if employer is None:  # the membership ended between the two reads
            continue
        with acting_for(employer):
            found.append(position_dates(position, today, reference))
    return Collected(
        collect.deadlines_for(found, today),
        employers,
        {d.position_id: d.title for d in found},
        _worker_names(positions, found),
    )


def deadlines_of_employers(employers: list[Employer], today: date) -> Collected:
    """Every deadline of these employers' live positions: for the operator's command line."""
    reference = labour_market()
    found, positions = [], []
    for employer in employers:
        with acting_for(employer):
            rows = db.session.scalars(
                scoped_select(Position).where(Position.archived_at.is_(None)).order_by(Position.id)
            )
            for position in rows:
                positions.append(position)
                found.append(position_dates(position, today, reference))
    return Collected(
        collect.deadlines_for(found, today),
        {e.id: e for e in employers},
        {d.position_id: d.title for d in found},
        _worker_names(positions, found),
    )


# --- The calendar feed ------------------------------------------------------------------------

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def live_feed(user: User) -> CalendarFeed | None:
    return db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def revoke_feeds(user: User) -> int:
    """End every live feed of the user; return how many."""
    feeds = db.session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    ).all()
    now = utcnow()
    for feed in feeds:
        feed.revoked_at = now
    return len(feeds)


def new_feed(user: User) -> str:
    """Replace the user's feed with a new one; return its token (shown once, never stored)."""
    revoke_feeds(user)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=token_hash(token)))
    db.session.flush()
    return token


def feed_owner(token: str) -> User | None:
    """The user whose live feed this token is, else None (revoked, unknown, malformed)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None)
        )
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


# --- Reminders --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    users: int  # users whose reminders were looked at
    mails: int  # mails sent
    reminders: int  # deadlines mailed about (each once per user)


def users_with_reminders() -> list[User]:
    """Active, confirmed accounts that asked for reminder mail."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.reminder_days_before.is_not(None),
                User.is_active.is_(True),
                User.email_confirmed_at.is_not(None),
            )
            .order_by(User.id)
        )
    )


def _already_sent(user_id: int, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(
        db.session.scalars(
            select(ReminderSent.deadline_key).where(
                ReminderSent.user_id == user_id, ReminderSent.deadline_key.in_(keys)
            )
        )
    )


ATTEMPTS = 3


def remind(user: User, deadlines: list, today: date, send) -> int:
    """Mail the user about the deadlines not reminded of yet; return how many were in the mail.

    Each deadline is claimed first by inserting its ``ReminderSent`` row (unique per user and
    key), then one mail lists the claimed ones, then all commit together: the outbox row and
    the claims land at once or not at all. Another run claiming the same key at the same time
    makes the insert fail (PostgreSQL waits for the other transaction, SQLite for its write
    lock): this run rolls back and tries again without the keys the other run sent."""
    for _attempt in range(ATTEMPTS):
        sent = _already_sent(user.id, [d.key for d in deadlines])
        fresh = [d for d in deadlines if d.key not in sent]
        if not fresh:
            return 0
        try:
            for deadline in fresh:
                db.session.add(
                    ReminderSent(user_id=user.id, deadline_key=deadline.key, due_on=deadline.due_on)
                )
                db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue
        try:
            send(user, fresh, today)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return len(fresh)
    log.warning("reminders for user %s kept colliding with another run; left for the next", user.id)
    return 0
