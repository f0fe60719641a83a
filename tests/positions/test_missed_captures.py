"""Why an ad capture is missing (issue 7, U7): a reason recorded for a range of an ad's weekly
captures stops them counting as missing, and they stay visible with the reason.

Boundaries: a range from one due date to the next covers both and nothing past them; a reason is
refused for dates that hold no missing capture (the day after a due date), for dates out of
order, and without a reason.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from portal.models import MissedCaptureReason
from portal.recruitment.evidence_checklist import (
    SnapshotDue,
    due_now_and_missed,
    reason_problems,
    snapshots_due,
)
from tests.helpers import text_of
from tests.positions.support import count, field_errors, first_activity_id

START = date(2026, 3, 2)
TODAY = date(2026, 4, 27)  # nine due dates: 03-02, 03-09, ..., 04-27


def _activity(reasons=()):
    return SimpleNamespace(
        id=7,
        case_key="A1",
        platform="Job Bank",
        method="job_bank",
        kind="posting",
        start_date=START,
        end_date=None,
        missed_capture_reasons=list(reasons),
    )


def _reason(n, first, last, text):
    return SimpleNamespace(id=n, due_from=first, due_until=last, reason=text)


def test_a_range_excuses_exactly_the_captures_due_in_it():
    reasons = [_reason(1, date(2026, 3, 9), date(2026, 3, 16), "Took over on 03-20.")]
    snapshots = snapshots_due([_activity(reasons)], [], TODAY)
    excused = {s.due for s in snapshots if s.reason}
    assert excused == {date(2026, 3, 9), date(2026, 3, 16)}  # not 03-02, not 03-23
    due_now, missed, groups = due_now_and_missed(snapshots, TODAY)
    assert [s.due for s in due_now] == [TODAY]
    assert missed == 9 - 1 - 2
    assert [(g.first_due, g.last_due, g.count, g.reason) for g in groups] == [
        (date(2026, 3, 9), date(2026, 3, 16), 2, "Took over on 03-20.")
    ]


def test_a_later_reason_replaces_an_earlier_one_and_a_taken_capture_needs_none():
    reasons = [
        _reason(1, START, date(2026, 3, 30), "First wording."),
        _reason(2, date(2026, 3, 16), date(2026, 3, 16), "Site was down that week."),
    ]
    captured = SimpleNamespace(activity_id=7, captured_at=date(2026, 3, 10))
    snapshots = snapshots_due([_activity(reasons)], [captured], TODAY)
    by_due = {s.due: s for s in snapshots}
    assert by_due[date(2026, 3, 9)].done and by_due[date(2026, 3, 9)].reason is None
    assert by_due[date(2026, 3, 16)].reason == "Site was down that week."
    assert by_due[date(2026, 3, 23)].reason == "First wording."
    _, missed, groups = due_now_and_missed(snapshots, TODAY)
    assert missed == 9 - 1 - 5  # 04-06 to 04-20 earlier and missing; 04-27 is due this week
    assert [g.count for g in groups] == [1, 1, 2]


def test_reason_problems_at_the_boundaries():
    snapshots = [SnapshotDue("A1", START + timedelta(days=7 * n), n == 1) for n in range(3)]
    assert reason_problems(snapshots, START, START) == {}
    assert set(reason_problems(snapshots, START + timedelta(days=1), date(2026, 3, 9))) == {
        "due_from"
    }  # only the taken 03-09 capture is in range
    assert reason_problems(snapshots, START + timedelta(days=1), date(2026, 3, 16)) == {}
    assert set(reason_problems(snapshots, date(2026, 3, 16), date(2026, 3, 15))) == {"due_until"}


# --- Through HTTP --------------------------------------------------------------------------


@pytest.fixture
def campaign(shop, app):
    """A position with a Job Bank ad that started eight weeks ago and is still running."""
    _, url = shop.create_position()
    start = date.today() - timedelta(days=7 * 8)
    shop.add_activity(url, start_date=start.isoformat(), end_date="")
    return url, first_activity_id(app, int(url.rstrip("/").rsplit("/", 1)[1])), start


def _body(activity_id, first, last="", reason="I took over the file mid-campaign."):
    return {
        "activity_id": str(activity_id),
        "due_from": first.isoformat(),
        "due_until": last.isoformat() if last else "",
        "reason": reason,
    }


def test_recording_a_reason_stops_the_captures_counting_and_shows_the_reason(shop, app, campaign):
    url, activity_id, start = campaign
    before = text_of(shop.client().get(url + "evidence"))
    assert "8 earlier weekly captures are missing." in before
    assert f"{url}captures" in before

    last = start + timedelta(days=7 * 5)
    response = shop.post(url + "captures", _body(activity_id, start, last))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/evidence")
    page = text_of(shop.client().get(url + "evidence"))
    assert "2 earlier weekly captures are missing." in page
    assert "6 captures due" in page and "I took over the file mid-campaign." in page

    listing = text_of(shop.client().get(url + "captures"))
    assert listing.count('class="capture-excused"') == 6
    assert listing.count('class="capture-missing"') == 3  # two earlier, one this week
    assert count(app, MissedCaptureReason) == 1


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"due_from": "day after"}, "due_from"),
        ({"due_until": "day before"}, "due_until"),
        ({"reason": "short"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"due_from": ""}, "due_from"),
        ({"activity_id": "999999"}, "activity_id"),
    ],
    ids=[
        "no capture due in range",
        "dates out of order",
        "reason too short",
        "no reason",
        "no date",
        "not one of the ads",
    ],
)
def test_a_bad_reason_is_refused_on_its_field_and_keeps_what_was_typed(
    shop, app, campaign, change, name
):
    url, activity_id, start = campaign
    body = _body(activity_id, start, start + timedelta(days=7), "Because of the handover.")
    if change.get("due_from") == "day after":
        change = {"due_from": (start + timedelta(days=1)).isoformat(), "due_until": ""}
    if change.get("due_until") == "day before":
        change = {"due_until": (start - timedelta(days=1)).isoformat()}
    response = shop.post(url + "captures", body | change)
    assert response.status_code == 422
    assert list(field_errors(response)) == [name]
    page = text_of(response)
    assert f'href="#{name}"' in page
    if name != "reason":
        assert "Because of the handover.</textarea>" in page
    assert count(app, MissedCaptureReason) == 0


def test_a_viewer_sees_the_captures_but_cannot_record_a_reason(shop, app, campaign):
    url, activity_id, start = campaign
    page = shop.client("viewer").get(url + "captures")
    assert page.status_code == 200
    assert "Record the reason" not in text_of(page)
    refused = shop.post(url + "captures", _body(activity_id, start), who="viewer")
    assert refused.status_code == 403
    assert count(app, MissedCaptureReason) == 0


def test_deleting_the_activity_deletes_its_reasons(shop, app, campaign):
    url, activity_id, start = campaign
    assert shop.post(url + "captures", _body(activity_id, start)).status_code == 302
    response = shop.post(url + f"activities/{activity_id}/delete", {})
    assert response.status_code == 302
    assert count(app, MissedCaptureReason) == 0
