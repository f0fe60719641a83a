"""portal.deadlines.collect: which dates become deadlines, at their boundaries (plain Python)."""

from datetime import date, timedelta
from types import SimpleNamespace

from portal.deadlines import collect
from portal.deadlines.collect import Deadline, PositionDates

TODAY = date(2026, 6, 15)


def posting(id, method="job_bank", start=date(2026, 6, 1), end=None, reasons=()):
    return SimpleNamespace(
        id=id,
        case_key=f"A{id}",
        method=method,
        kind="posting",
        platform=None,
        start_date=start,
        end_date=end,
        missed_capture_reasons=reasons,
    )


def capture(activity_id, on):
    return SimpleNamespace(activity_id=activity_id, captured_at=on)


def dates(**fields):
    values = {"employer_id": 1, "position_id": 2, "title": "Cook", "recruitment_over": False}
    values |= fields
    return PositionDates(**values)


def keys(found, kind=None):
    return [d.key for d in found if kind is None or d.kind == kind]


def test_job_match_day_30_is_the_last_of_the_first_30_days_of_the_earliest_job_bank_ad():
    found = collect.recruitment_deadlines(
        dates(
            activities=(
                posting(1, start=date(2026, 6, 1)),
                posting(2, start=date(2026, 5, 20)),
                posting(3, method="job_board", start=date(2026, 5, 1)),
            )
        ),
        TODAY,
    )
    (job_match,) = [d for d in found if d.kind == collect.JOB_MATCH]
    assert job_match.due_on == date(2026, 6, 18)  # 2026-05-20 + 29: day 30
    assert job_match.key == "job-match-day-30:position:2:2026-06-18"
    assert job_match.url_endpoint == "positions.job_match"
    assert dict(job_match.url_values) == {"employer_id": 1, "position_id": 2}
    assert job_match.citation.startswith("https://")
    # No Job Bank posting: no Job Match deadline.
    other = collect.recruitment_deadlines(dates(activities=(posting(3, "job_board"),)), TODAY)
    assert keys(other, collect.JOB_MATCH) == []


def test_direct_apply_review_is_due_21_days_after_the_application_until_downloaded():
    applicants = (
        (10, "Maria Gonzalez", "direct_apply", date(2026, 6, 1), None),
        (11, "Li Wei", "direct_apply", date(2026, 6, 1), date(2026, 6, 5)),  # downloaded
        (12, "Sam Jones", "email", date(2026, 6, 1), None),  # not Direct Apply
    )
    found = collect.recruitment_deadlines(dates(applicants=applicants), TODAY)
    (review,) = [d for d in found if d.kind == collect.DIRECT_APPLY]
    assert review.due_on == date(2026, 6, 22)  # day 21 is the last day allowed
    assert review.key == "direct-apply-review:applicant:10:2026-06-22"
    assert dict(review.url_values)["applicant_id"] == 10
    # The applicant's name does not travel with the deadline (calendars, mail): initials only.
    assert "M. G." in review.title and "Maria" not in review.title


def test_ad_captures_due_each_week_until_taken_or_excused():
    ad = posting(1, start=date(2026, 6, 1))
    found = collect.recruitment_deadlines(
        dates(activities=(ad,), evidence=(capture(1, date(2026, 6, 3)),)), TODAY
    )
    captures = [d for d in found if d.kind == collect.AD_CAPTURE]
    # Week 1 (06-01..06-07) was captured; weeks from 06-08, 06-15, 06-22 and 06-29 are listed
    # (up to today + 14), each due on its week's last day.
    assert [d.due_on for d in captures] == [
        date(2026, 6, 14),
        date(2026, 6, 21),
        date(2026, 6, 28),
        date(2026, 7, 5),
    ]
    assert captures[0].key == "ad-capture:activity:1:2026-06-08"
    # A capture due on today + 14 is listed, one due on today + 15 is not.
    later = collect.recruitment_deadlines(dates(activities=(ad,)), date(2026, 6, 15))
    assert date(2026, 6, 29) + timedelta(days=6) in [d.due_on for d in later]
    assert date(2026, 7, 6) + timedelta(days=6) not in [d.due_on for d in later]
    # A recorded reason for a week stops it being due.
    week = date(2026, 6, 8)
    reason = SimpleNamespace(id=1, due_from=week, due_until=week, reason="x")
    excused = collect.recruitment_deadlines(
        dates(activities=(posting(1, reasons=(reason,)),), evidence=()), TODAY
    )
    assert "ad-capture:activity:1:2026-06-08" not in keys(excused)
    assert "ad-capture:activity:1:2026-06-01" in keys(excused)
    # An ended ad has no captures after its end; an event has none.
    ended = collect.recruitment_deadlines(
        dates(activities=(posting(1, start=date(2026, 6, 1), end=date(2026, 6, 7)),)), TODAY
    )
    assert keys(ended, collect.AD_CAPTURE) == ["ad-capture:activity:1:2026-06-01"]


def test_filing_dates_and_the_end_of_recruitment():
    found = collect.recruitment_deadlines(
        dates(planned_filing=date(2026, 7, 1), filing_window_ends=date(2026, 8, 30)), TODAY
    )
    assert keys(found) == [
        "filing-window-ends:position:2:2026-08-30",
        "planned-filing:position:2:2026-07-01",
    ]
    # Once the LMIA decision (or an exemption) is recorded, recruitment deadlines stop.
    over = dates(
        recruitment_over=True,
        planned_filing=date(2026, 7, 1),
        activities=(posting(1),),
        applicants=((10, "A B", "direct_apply", date(2026, 6, 1), None),),
    )
    assert collect.recruitment_deadlines(over, TODAY) == []


def road(key, due_on, position_id=2):
    return Deadline(
        key, due_on, "Permit expires", "permit_expiry", 1, position_id, 7, "x.y", (), None
    )


def test_deadlines_for_orders_soonest_first_with_each_key_once_and_stable_keys():
    expiry = road("permit-expiry:worker:7:2026-09-01", date(2026, 9, 1))
    first = dates(planned_filing=date(2026, 7, 1), road=(expiry, expiry))
    second = dates(position_id=3, planned_filing=date(2026, 6, 20))
    found = collect.deadlines_for([first, second], TODAY)
    assert keys(found) == [
        "planned-filing:position:3:2026-06-20",
        "planned-filing:position:2:2026-07-01",
        "permit-expiry:worker:7:2026-09-01",
    ]
    assert keys(collect.deadlines_for([second, first], TODAY)) == keys(found)


def test_window_boundaries_and_past_due_flags():
    due = {
        offset: road(f"k:{offset}", TODAY + timedelta(days=offset))
        for offset in (-31, -30, -1, 0, 1, 30, 31)
    }
    listed = collect.in_window(due.values(), TODAY, 30)
    assert [item.deadline.key for item in listed] == ["k:-30", "k:-1", "k:0", "k:1", "k:30"]
    flags = {item.deadline.key: (item.past_due, item.days_left) for item in listed}
    assert flags["k:-1"] == (True, -1)
    assert flags["k:0"] == (False, 0)
    assert flags["k:1"] == (False, 1)
    # One employer only.
    other = Deadline("o", TODAY, "t", "permit_expiry", 9, 5, None, "x.y", (), None)
    mine = collect.in_window([other, due[0]], TODAY, 1, employer_id=9)
    assert [item.deadline.key for item in mine] == ["o"]


def test_reminders_are_due_from_today_to_the_chosen_days_never_for_past_deadlines():
    due = [road(f"k:{n}", TODAY + timedelta(days=n)) for n in (-1, 0, 6, 7, 8)]
    assert keys(collect.due_for_reminder(due, TODAY, 7)) == ["k:0", "k:6", "k:7"]
    assert keys(collect.due_for_reminder(due, TODAY, 0)) == ["k:0"]


def test_initials():
    assert collect.initials("Maria Gonzalez") == "M. G."
    assert collect.initials("  jean-luc  picard ") == "J. L. P."
    assert collect.initials("") == "?"
