"""The deadlines page (``/deadlines``), its calendar feed section, and the feed itself
(``/calendar/<token>.ics``: no account, the token is the credential)."""

from __future__ import annotations

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from limits import parse

from portal.deadlines import collect, ics, services
from portal.extensions import db, limiter, rate_limits
from portal.forms import SelectField, options
from portal.models import utcnow
from portal.tenancy import PUBLIC, SIGNED_IN, policy

bp = Blueprint("deadlines", __name__)

DAY_CHOICES = (7, 14, 30, 60, 90, 180, 365)
# Calendar apps fetch a feed every few minutes to hours; a shared server (a big calendar
# provider) fetches many users' feeds from one address, hence the generous per-IP limit.
FEED_LIMIT_PER_IP = "600 per 15 minutes"
FEED_LIMIT_PER_LINK = "60 per 15 minutes"


def _days() -> int:
    raw = request.args.get("days", "")
    if not raw:
        return collect.DEFAULT_WINDOW_DAYS
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        abort(400, description=_("days: a number of days from 1 to %(last)d.", last=365))
    days = int(raw)
    if not 1 <= days <= 365:
        abort(400, description=_("days: a number of days from 1 to %(last)d.", last=365))
    return days


def _employer_filter(employers: dict) -> int | None:
    raw = request.args.get("employer", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or int(raw) not in employers:
        abort(400, description=_("employer: one of the employers you are a member of."))
    return int(raw)


def _in_zone(moment, zone: str) -> str:
    """An instant as the user reads it: their language, their time zone."""
    return babel_dates.format_datetime(
        moment, "medium", tzinfo=ZoneInfo(zone), locale=str(get_locale())
    )


def url_of(deadline, external: bool = False) -> str | None:
    """The page where the deadline is dealt with (None while that page does not exist)."""
    if deadline.url_endpoint not in current_app.view_functions:
        return None
    return url_for(deadline.url_endpoint, _external=external, **dict(deadline.url_values))


def _page(status: int = 200, new_link: str | None = None, problem: str | None = None):
    user = current_user._get_current_object()
    zone = services.zone_of(user)
    today = services.today_for(user)
    collected = services.deadlines_of_user(user.id, today)
    employer_id = _employer_filter(collected.employers)
    days = _days()
    listed = collect.in_window(collected.deadlines, today, days, employer_id=employer_id)
    feed = services.live_feed(user)
    return (
        render_template(
            "deadlines/index.html",
            listed=listed,
            today=today,
            zone=zone,
            days=days,
            day_choices=sorted({*DAY_CHOICES, days}),
            employer_id=employer_id,
            employers=sorted(collected.employers.values(), key=lambda e: e.display_name),
            employer_names={i: e.display_name for i, e in collected.employers.items()},
            titles=collected.titles,
            url_of=url_of,
            feed=feed,
            feed_created=_in_zone(feed.created_at, zone) if feed else None,
            new_link=new_link,
            problem=problem,
            past_days=collect.PAST_DUE_DAYS,
            reminder_days=user.reminder_days_before,
        ),
        status,
    )


@bp.get("/deadlines")
@policy(SIGNED_IN)
def index():
    """The user's deadlines, soonest first, in their time zone; filters: employer, days."""
    return _page()


class FeedForm(FlaskForm):
    """The calendar section's buttons: a new address (replacing any) or none."""

    action = SelectField(choices=options([("new", "new"), ("revoke", "revoke")]))


@bp.post("/deadlines/feed")
@policy(SIGNED_IN)
def feed_action():
    """Create or replace the private calendar address (shown once), or revoke it (it answers
    404 from then on)."""
    form = FeedForm()
    if not form.validate():
        return _page(400, problem=_("action: new or revoke."))
    user = current_user._get_current_object()
    if form.action.data == "revoke":
        services.revoke_feeds(user)
        db.session.commit()
        return _page()
    token = services.new_feed(user)
    db.session.commit()
    return _page(new_link=url_for("deadlines.feed", token=token, _external=True))


def _throttled(token: str) -> int | None:
    """Count this fetch per IP and per feed (by the token's digest); seconds to wait, if over."""
    config = current_app.config
    if not (config["RATELIMIT_ENABLED"] and limiter.enabled):
        return None
    per_ip = parse(config.get("CALENDAR_FEED_LIMIT_PER_IP", FEED_LIMIT_PER_IP))
    per_link = parse(config.get("CALENDAR_FEED_LIMIT_PER_LINK", FEED_LIMIT_PER_LINK))
    buckets = [
        (per_ip, ("feed", "ip", request.remote_addr or "-")),
        (per_link, ("feed", "link", services.token_hash(token))),
    ]
    waits = []
    for item, keys in buckets:
        if not rate_limits().hit(item, *keys):
            reset_at = rate_limits().get_window_stats(item, *keys).reset_time
            waits.append(max(1, int(reset_at - time.time()) + 1))
    return max(waits) if waits else None


@bp.get("/calendar/<token>.ics")
@policy(PUBLIC)
def feed(token: str):
    """The user's deadlines as iCalendar; 404 for an unknown or revoked token."""
    wait = _throttled(token)
    if wait is not None:
        return (
            "Too many requests for this calendar; try again later.\n",
            429,
            {
                "Retry-After": str(wait),
                "Content-Type": "text/plain; charset=utf-8",
            },
        )
    user = services.feed_owner(token)
    if user is None:
        return "No such calendar.\n", 404, {"Content-Type": "text/plain; charset=utf-8"}
    today = services.today_for(user)
    collected = services.deadlines_of_user(user.id, today)
    first = today - timedelta(days=collect.FEED_PAST_DAYS)
    body = ics.feed_bytes(
        [d for d in collected.deadlines if d.due_on >= first],
        name=_("LMIA Portal deadlines"),
        zone=services.zone_of(user),
        now=utcnow(),
        url_of=lambda deadline: url_of(deadline, external=True),
        titles=collected.titles,
        worker_names=collected.worker_names,
    )
    return (
        body,
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": 'inline; filename="lmia-deadlines.ics"',
        },
    )
