"""The weekly re-capture (portal/capture/services.py): an online ad captured through the portal
is captured again from its last address when its week's capture is due, while the ad runs;
at the boundaries (the day before the next week's capture is due, on the day, after)."""

from datetime import date, timedelta

from sqlalchemy import select

from portal.capture.services import due_recaptures, queue_recaptures
from portal.extensions import db
from portal.models import AdCapture, EvidenceFile
from tests.positions.support import first_activity_id


def test_the_next_weekly_capture_is_due_on_its_day_not_the_day_before(shop, app, servers):
    base, _forbidden = servers
    today = date.today()
    start = today - timedelta(days=3)  # today is in the ad's first week
    position_id, url = shop.create_position()
    shop.add_activity(url, start_date=start.isoformat(), end_date="")
    activity_id = first_activity_id(app, position_id)
    page = f"{url}activities/{activity_id}/capture"
    assert shop.post(page, {"url": f"{base}/ad"}).status_code == 302

    with app.app_context():
        assert due_recaptures(today) == []  # taken this week (and tried today)
        assert due_recaptures(start + timedelta(days=6)) == []  # the day before the next week
        due = [(activity_id, f"{base}/ad")]
        assert due_recaptures(start + timedelta(days=7)) == due  # the next week's first day
        assert due_recaptures(start + timedelta(days=8)) == due  # still due, not yet taken

        # The scheduled command's step takes it: two more files, and nothing due that week.
        assert queue_recaptures(start + timedelta(days=7)) == 1
        attempts = db.session.scalars(select(AdCapture).order_by(AdCapture.id)).all()
        assert [(a.status, a.requested_by_id is None) for a in attempts] == [
            ("done", False),
            ("done", True),
        ]
        assert db.session.query(EvidenceFile).count() == 4


def test_an_ad_that_has_ended_is_not_captured_again(shop, app, servers):
    base, _forbidden = servers
    today = date.today()
    position_id, url = shop.create_position()
    start, end = today - timedelta(days=3), today + timedelta(days=5)
    shop.add_activity(url, start_date=start.isoformat(), end_date=end.isoformat())
    activity_id = first_activity_id(app, position_id)
    shop.post(f"{url}activities/{activity_id}/capture", {"url": f"{base}/ad"})
    with app.app_context():
        assert due_recaptures(end) == [(activity_id, f"{base}/ad")]  # the last day it runs
        assert due_recaptures(end + timedelta(days=1)) == []  # the day after it ended
