"""The calendar feed parsed back with icalendar: one all-day event per deadline, stable UIDs,
the calendar's name and time zone, no full names of workers."""

from datetime import UTC, date, datetime

from icalendar import Calendar

from portal.deadlines import ics
from portal.deadlines.collect import Deadline


def deadline(key, due_on, title, kind="permit_expiry", worker_id=7):
    return Deadline(key, due_on, title, kind, 1, 2, worker_id, "x.y", (("employer_id", 1),), None)


def parse(deadlines, **kwargs):
    settings = {
        "name": "LMIA Portal deadlines",
        "zone": "America/Vancouver",
        "now": datetime(2026, 6, 15, 12, tzinfo=UTC),
        "url_of": lambda d: f"https://portal.example/{d.key}",
        "titles": {2: "Chef de cuisine"},
        "worker_names": {7: "Marco Bellini"},
    }
    return Calendar.from_ical(ics.feed_bytes(deadlines, **(settings | kwargs)))


def test_every_deadline_is_an_all_day_event_with_a_uid_from_its_key():
    items = [
        deadline("permit-expiry:worker:7:2027-03-04", date(2027, 3, 4), "Permit of Marco Bellini"),
        deadline(
            "job-match-day-30:position:2:2026-06-30",
            date(2026, 6, 30),
            "Job Match: last day of the first 30 days · Chef de cuisine",
            kind="job_match_day_30",
            worker_id=None,
        ),
    ]
    calendar = parse(items)
    assert str(calendar["PRODID"]).startswith("-//LMIA Compliance Portal")
    assert str(calendar["X-WR-CALNAME"]) == "LMIA Portal deadlines"
    assert str(calendar["X-WR-TIMEZONE"]) == "America/Vancouver"
    events = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [
        "permit-expiry:worker:7:2027-03-04@lmia-portal",
        "job-match-day-30:position:2:2026-06-30@lmia-portal",
    ]
    first, second = events
    # All-day: dates, not date-times; the event ends (exclusively) the next day.
    assert type(first.decoded("DTSTART")) is date
    assert first.decoded("DTSTART") == date(2027, 3, 4)
    assert first.decoded("DTEND") == date(2027, 3, 5)
    assert first.decoded("DTSTAMP") == datetime(2026, 6, 15, 12, tzinfo=UTC)
    assert str(first["URL"]) == "https://portal.example/permit-expiry:worker:7:2027-03-04"
    assert "Position: Chef de cuisine" in str(first["DESCRIPTION"])
    assert "Invite every qualified Job Match candidate" in str(second["DESCRIPTION"])
    # The same deadlines give the same UIDs (a calendar app updates rather than duplicates).
    again = [str(e["UID"]) for e in parse(items).walk("VEVENT")]
    assert again == [str(e["UID"]) for e in events]


def test_a_worker_appears_by_first_name_and_initial_only():
    calendar = parse([deadline("k", date(2027, 3, 4), "Permit of Marco Bellini expires")])
    raw = calendar.to_ical().decode()
    assert "Bellini" not in raw
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Permit of Marco B. expires"


def test_an_empty_feed_is_still_a_calendar():
    calendar = parse([])
    assert calendar.name == "VCALENDAR"
    assert list(calendar.walk("VEVENT")) == []
