"""The deadlines page, the account's deadline settings and the private calendar feed, through
HTTP."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.deadlines import services
from portal.extensions import db
from portal.models import CalendarFeed, Membership, Role, User, utcnow
from tests.deadlines.support import add_position
from tests.helpers import form_token, text_of

_FEED = re.compile(r'value="(http://localhost/calendar/[A-Za-z0-9_-]{43}\.ics)"')


@pytest.fixture
def world(app, make):
    owner = make.user(name="Olga Owner")
    employer = make.employer(owner, legal_name="Olga Foods Ltd.")
    start = date.today() - timedelta(days=10)  # Job Match day 30 is in 19 days
    position_id = add_position(app, employer.id, owner.id, "Pastry Cook", start)
    return owner, employer, position_id, start


def _feed_link(client) -> str:
    token = form_token(client, "/deadlines")
    response = client.post("/deadlines/feed", data={"action": "new", "csrf_token": token})
    assert response.status_code == 200
    match = _FEED.search(text_of(response))
    assert match, text_of(response)
    return match.group(1)


def _events(client, link) -> dict:
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.get_data())
    return {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


def test_the_page_lists_the_users_deadlines_soonest_first(app, make, world):
    owner, employer, position_id, start = world
    client = make.signed_in_client(owner)
    response = client.get("/deadlines")
    page = text_of(response)
    assert response.status_code == 200
    job_match = start + timedelta(days=29)
    direct_apply = start + timedelta(days=22)
    assert f'data-key="job-match-day-30:position:{position_id}:{job_match.isoformat()}"' in page
    assert "Direct Apply: review the résumé of applicant M. G. · Pastry Cook" in page
    assert page.index(direct_apply.isoformat()) < page.index(job_match.isoformat())
    assert 'href="/deadlines"' in page  # the navigation link
    assert client.head("/deadlines").status_code == 200
    # Days: the Job Match deadline (in 19 days) is outside a 14-day window.
    page = text_of(client.get("/deadlines?days=14"))
    assert "job-match-day-30" not in page and "direct-apply-review" in page
    # Employer filter: one of the user's; another id is a 400 naming the field.
    assert client.get(f"/deadlines?employer={employer.id}").status_code == 200
    for bad in ("days=0", "days=366", "days=x", "employer=999999", "employer=-1"):
        response = client.get(f"/deadlines?{bad}")
        assert response.status_code == 400, bad
        assert bad.split("=")[0] + ":" in text_of(response)
    assert app.test_client().get("/deadlines").status_code == 302  # sign in first


def test_past_deadlines_are_flagged(app, make):
    owner = make.user()
    employer = make.employer(owner)
    start = date.today() - timedelta(days=40)  # Direct Apply due 18 days ago, Job Match 11
    add_position(app, employer.id, owner.id, "Baker", start)
    page = text_of(make.signed_in_client(owner).get("/deadlines"))
    assert page.count("Past due") >= 2


def test_today_is_the_users_day_in_their_time_zone(app, make, monkeypatch):
    # 2026-06-15 11:30 UTC is already 2026-06-16 in Kiritimati (UTC+14), still 2026-06-15 in
    # Pago Pago (UTC-11). A Job Bank ad from 2026-05-17 has Job Match day 30 on 2026-06-15.
    monkeypatch.setattr(services, "utcnow", lambda: datetime(2026, 6, 15, 11, 30, tzinfo=UTC))
    east = make.user(time_zone="Pacific/Kiritimati")
    west = make.user(time_zone="Pacific/Pago_Pago")
    employer = make.employer(east)
    make.member(employer, west, Role.STAFF)
    add_position(app, employer.id, east.id, "Cook", date(2026, 5, 17))
    east_page = text_of(make.signed_in_client(east).get("/deadlines"))
    west_page = text_of(make.signed_in_client(west).get("/deadlines"))
    assert "Pacific/Kiritimati" in east_page and "June 16, 2026" in east_page
    assert "Pacific/Pago_Pago" in west_page and "June 15, 2026" in west_page
    row = re.compile(r'data-key="job-match-day-30[^"]*">.*?</tr>', re.S)
    assert "Past due" in row.search(east_page).group(0)
    assert "Today" in row.search(west_page).group(0)


def test_account_settings_time_zone_and_reminder_days(app, make):
    user = make.user()
    client = make.signed_in_client(user)

    def save(**fields):
        data = {
            "full_name": "Ann Example",
            "locale": "en_CA",
            "csrf_token": form_token(client, "/account/"),
        }
        return client.post("/account/", data=data | fields)

    assert save(time_zone="America/Vancouver", reminder_days_before="3").status_code == 302
    with app.app_context():
        row = db.session.get(User, user.id)
        assert (row.time_zone, row.reminder_days_before) == ("America/Vancouver", 3)
    for bad in (
        {"time_zone": "Mars/Olympus_Mons"},
        {"reminder_days_before": "61"},
        {"reminder_days_before": "-1"},
    ):
        response = save(**({"time_zone": "", "reminder_days_before": "7"} | bad))
        assert response.status_code == 422, bad
        label = "Time zone" if "time_zone" in bad else "Reminder e-mails"
        assert label in text_of(response)
        assert 'value="Ann Example"' in text_of(response)  # the form comes back filled
    with app.app_context():
        row = db.session.get(User, user.id)
        assert (row.time_zone, row.reminder_days_before) == ("America/Vancouver", 3)
    # Boundaries 0 and 60 are allowed; empty turns reminder mail off; empty zone: the portal's.
    assert save(time_zone="", reminder_days_before="0").status_code == 302
    assert save(time_zone="", reminder_days_before="60").status_code == 302
    assert save(time_zone="", reminder_days_before="").status_code == 302
    with app.app_context():
        row = db.session.get(User, user.id)
        assert (row.time_zone, row.reminder_days_before) == (None, None)
    page = text_of(client.get("/account/"))
    assert 'id="deadline-settings"' in page
    # A form without the deadline fields (the language alone) leaves them as they were.
    assert save(time_zone="Europe/Paris", reminder_days_before="5").status_code == 302
    token = form_token(client, "/account/")
    response = client.post(
        "/account/", data={"full_name": "Ann", "locale": "en_CA", "csrf_token": token}
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(User, user.id)
        assert (row.time_zone, row.reminder_days_before) == ("Europe/Paris", 5)


def test_the_feed_shown_once_replaced_and_revoked(app, make, world):
    owner, _employer, position_id, start = world
    client = make.signed_in_client(owner)
    link = _feed_link(client)
    # Shown once: the page does not show it again; only its digest is stored.
    assert link not in text_of(client.get("/deadlines"))
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context():
        stored = db.session.scalars(select(CalendarFeed.token_hash)).all()
        assert stored == [services.token_hash(token)]
        assert token not in stored
    # No cookie needed, none set.
    anonymous = app.test_client()
    events = _events(anonymous, link)
    job_match = (
        f"job-match-day-30:position:{position_id}:{(start + timedelta(days=29)).isoformat()}"
    )
    assert job_match in events
    assert events[job_match].decoded("DTSTART") == start + timedelta(days=29)
    response = anonymous.get(link)
    assert "Set-Cookie" not in response.headers
    assert anonymous.head(link).status_code == 200
    # Replace: the old address is dead, the new one works.
    new_link = _feed_link(client)
    assert new_link != link
    assert anonymous.get(link).status_code == 404
    assert job_match in _events(anonymous, new_link)
    # Revoke: 404, like any unknown or malformed address.
    token = form_token(client, "/deadlines")
    response = client.post("/deadlines/feed", data={"action": "revoke", "csrf_token": token})
    assert response.status_code == 200
    assert "No calendar address is active." in text_of(response)
    for dead in (new_link, "/calendar/" + "x" * 43 + ".ics", "/calendar/short.ics"):
        assert anonymous.get(dead).status_code == 404, dead
    # An unknown action changes nothing.
    token = form_token(client, "/deadlines")
    assert (
        client.post("/deadlines/feed", data={"action": "x", "csrf_token": token}).status_code == 400
    )
    with app.app_context():
        assert (
            db.session.scalar(select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None))) is None
        )


def test_a_feed_shows_only_its_owners_deadlines(app, make, world):
    owner, employer, position_id, _start = world
    other = make.user(name="Otto Other")
    other_employer = make.employer(other, legal_name="Otto Ltd.")
    other_position = add_position(app, other_employer.id, other.id, "Otto Baker", date.today())
    mine = _events(app.test_client(), _feed_link(make.signed_in_client(owner)))
    theirs = _events(app.test_client(), _feed_link(make.signed_in_client(other)))
    assert all(f"position:{position_id}:" in uid for uid in mine if "position" in uid)
    assert not any(f"position:{other_position}:" in uid for uid in mine)
    assert not any(f"position:{position_id}:" in uid for uid in theirs)
    assert "Otto Baker" not in str([e.to_ical() for e in mine.values()])
    # Removed from the employer: the feed stops showing its deadlines at once.
    staff = make.user()
    membership = make.member(employer, staff, Role.STAFF)
    link = _feed_link(make.signed_in_client(staff))
    assert _events(app.test_client(), link)
    with app.app_context():
        row = db.session.get(Membership, membership.id)
        row.revoked_at = utcnow()
        db.session.commit()
    assert _events(app.test_client(), link) == {}


def test_the_feed_is_throttled_per_link(app, make, world):
    app.config["CALENDAR_FEED_LIMIT_PER_LINK"] = "2 per 15 minutes"
    link = _feed_link(make.signed_in_client(world[0]))
    client = app.test_client()
    assert [client.get(link).status_code for _ in range(3)] == [200, 200, 429]
    assert int(client.get(link).headers["Retry-After"]) >= 1
