"""Every deadline a user has, across the employers they are a live member of (plain Python).

Two kinds of dates become deadlines:

- the recruitment deadlines the portal already computes: the last day of Job Match's first 30
  days and each Direct Apply résumé's 21-day review (``portal.recruitment.timeline``), the weekly
  captures of online ads (``portal.recruitment.evidence_checklist``), the last day the
  recruitment still fits the 3-month window (``portal.recruitment.filing_window``) and the
  planned filing date. They stop once the LMIA decision (or an exemption code) is recorded:
  the recruitment is over then.
- the road's, after the LMIA (``portal.road.checks.road_deadlines``).

Each :class:`Deadline` has a stable key (kind, record, due date): reminders are sent once per
key, and calendar events keep their UID from it. This module reads no database: the loader
(``portal.deadlines.services``) hands it plain rows and dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.recruitment.evidence_checklist import SNAPSHOT_EVERY_DAYS, snapshots_due
from portal.recruitment.timeline import direct_apply_review_by, job_match_last_day
from portal.rules import sources as src
from portal.rules.phrase import phrase

try:  # the road's dataclass (contract 4 shares it); a copy of its shape until it lands
    from portal.road.deadline import Deadline
except ImportError:  # pragma: no cover - only before the road branch is merged

    @dataclass(frozen=True)
    class Deadline:  # type: ignore[no-redef]
        key: str
        due_on: date
        title: str
        kind: str
        employer_id: int
        position_id: int
        worker_id: int | None
        url_endpoint: str
        url_values: tuple[tuple[str, int], ...]
        citation: str | None


# Past deadlines stay listed (flagged) this long; the calendar feed keeps a year of them.
PAST_DUE_DAYS = 30
FEED_PAST_DAYS = 365
# Weekly captures of a running ad are listed this far ahead (they go on as long as the ad).
CAPTURE_AHEAD_DAYS = 14
DEFAULT_WINDOW_DAYS = 60
MAX_WINDOW_DAYS = 3660

# Recruitment kinds (the road's kinds come with its deadlines).
JOB_MATCH = "job_match_day_30"
DIRECT_APPLY = "direct_apply_review"
AD_CAPTURE = "ad_capture"
FILING_WINDOW_ENDS = "filing_window_ends"
PLANNED_FILING = "planned_filing"
RECRUITMENT_KINDS = (JOB_MATCH, DIRECT_APPLY, AD_CAPTURE, FILING_WINDOW_ENDS, PLANNED_FILING)

# Where each recruitment date comes from: the citations of the rules that judge it (REC-JOBMATCH,
# REC-DIRECTAPPLY, REC-WINDOW-3M).
JOB_MATCH_SOURCE = src.S37
DIRECT_APPLY_SOURCE = src.S51
WINDOW_SOURCE = src.S35

# What to do, per kind: the page and the calendar say it beside the date. Road kinds not
# listed here fall back to their own titles.
WHAT_TO_DO = {
    JOB_MATCH: phrase(
        "Invite every qualified Job Match candidate first seen in the posting's first 30 "
        "days, and record the invitation dates."
    ),
    DIRECT_APPLY: phrase(
        "Download and assess the résumé received through Job Bank Direct Apply, and "
        "record the date you downloaded it."
    ),
    AD_CAPTURE: phrase(
        "Take a dated capture of the online ad (with its job number) and upload it to "
        "the evidence locker."
    ),
    FILING_WINDOW_ENDS: phrase(
        "File the LMIA by this day: after it, the recruitment no longer fits "
        "the 3-month window and must be repeated."
    ),
    PLANNED_FILING: phrase("The planned LMIA filing date: check the compliance page and file."),
    # The road's kinds (portal.road.checks.road_deadlines).
    "lmia-validity": phrase(
        "The worker must apply for the work permit on this LMIA by this day, or "
        "the LMIA can no longer be used."
    ),
    "permit-expiry": phrase(
        "The work permit ends: the worker may keep working only if a renewal was "
        "applied for before this day. Record the renewal on the worker's road."
    ),
    "start-recruiting": phrase(
        "Start recruiting for a new LMIA now: it takes months, and the permit's "
        "renewal needs it before the permit expires."
    ),
    "retention-end": phrase(
        "The 6 years of keeping this worker's records end; they may be deleted "
        "after this day (not before)."
    ),
}


@dataclass(frozen=True)
class Listed:
    """One deadline as a list shows it on a given day."""

    deadline: Deadline
    today: date

    @property
    def days_left(self) -> int:
        return (self.deadline.due_on - self.today).days

    @property
    def past_due(self) -> bool:
        return self.deadline.due_on < self.today

    @property
    def what_to_do(self) -> str:
        return WHAT_TO_DO.get(self.deadline.kind, self.deadline.title)


@dataclass(frozen=True)
class PositionDates:
    """What one position's recruitment deadlines are made of, as plain values.

    ``applicants``: (id, name, channel, applied_on, resume_downloaded_on) of each applicant;
    ``activities`` and ``evidence``: the rows ``evidence_checklist.snapshots_due`` reads.
    """

    employer_id: int
    position_id: int
    title: str
    recruitment_over: bool  # a decision or an exemption code is recorded
    planned_filing: date | None = None
    filing_window_ends: date | None = None
    activities: tuple = ()
    applicants: tuple = ()
    evidence: tuple = ()
    road: tuple = field(default_factory=tuple)  # the road's Deadlines for its workers


def initials(name: str | None) -> str:
    """ "Maria Gonzalez" -> "M. G." (names leave the portal in calendars and mail only so)."""
    parts = [part for part in (name or "").replace("-", " ").split() if part[:1].isalpha()]
    return " ".join(f"{part[0].upper()}." for part in parts[:3]) or "?"


def _position_values(dates: PositionDates) -> tuple[tuple[str, int], ...]:
    return (("employer_id", dates.employer_id), ("position_id", dates.position_id))


def recruitment_deadlines(dates: PositionDates, today: date) -> list[Deadline]:
    """The position's recruitment deadlines (none once the recruitment is over)."""
    if dates.recruitment_over:
        return []
    found: list[Deadline] = []
    where = _position_values(dates)

    def add(key, due_on, title, kind, endpoint, values=where, citation=None):
        found.append(
            Deadline(
                key=key,
                due_on=due_on,
                title=title,
                kind=kind,
                employer_id=dates.employer_id,
                position_id=dates.position_id,
                worker_id=None,
                url_endpoint=endpoint,
                url_values=values,
                citation=citation,
            )
        )

    starts = [
        a.start_date
        for a in dates.activities
        if a.method == "job_bank" and a.kind == "posting" and a.start_date
    ]
    if starts:
        day = job_match_last_day(starts)
        add(
            f"job-match-day-30:position:{dates.position_id}:{day.isoformat()}",
            day,
            phrase("Job Match: last day of the first 30 days · %(title)s", title=dates.title),
            JOB_MATCH,
            "positions.job_match",
            citation=JOB_MATCH_SOURCE,
        )
    for applicant_id, name, channel, applied_on, downloaded in dates.applicants:
        if channel != "direct_apply" or downloaded is not None or applied_on is None:
            continue
        day = direct_apply_review_by(applied_on)
        add(
            f"direct-apply-review:applicant:{applicant_id}:{day.isoformat()}",
            day,
            phrase(
                "Direct Apply: review the résumé of applicant %(initials)s · %(title)s",
                initials=initials(name),
                title=dates.title,
            ),
            DIRECT_APPLY,
            "positions.edit_applicant",
            where + (("applicant_id", applicant_id),),
            DIRECT_APPLY_SOURCE,
        )
    # Weekly captures: each due on a day, to be taken within its week; the deadline is the
    # week's last day. Only those neither taken nor excused with a recorded reason.
    horizon = today + timedelta(days=CAPTURE_AHEAD_DAYS)
    for capture in snapshots_due(dates.activities, dates.evidence, horizon):
        if not capture.missing:
            continue
        last_day = capture.due + timedelta(days=SNAPSHOT_EVERY_DAYS - 1)
        add(
            f"ad-capture:activity:{capture.activity_id}:{capture.due.isoformat()}",
            last_day,
            phrase(
                "Ad capture due (%(ad)s, week of %(week)s) · %(title)s",
                ad=capture.activity,
                week=capture.due.isoformat(),
                title=dates.title,
            ),
            AD_CAPTURE,
            "positions.captures",
        )
    if dates.filing_window_ends is not None:
        day = dates.filing_window_ends
        add(
            f"filing-window-ends:position:{dates.position_id}:{day.isoformat()}",
            day,
            phrase(
                "Last day to file with this recruitment (3-month window) · %(title)s",
                title=dates.title,
            ),
            FILING_WINDOW_ENDS,
            "positions.compliance_page",
            citation=WINDOW_SOURCE,
        )
    if dates.planned_filing is not None:
        day = dates.planned_filing
        add(
            f"planned-filing:position:{dates.position_id}:{day.isoformat()}",
            day,
            phrase("Planned LMIA filing date · %(title)s", title=dates.title),
            PLANNED_FILING,
            "positions.compliance_page",
        )
    return found


def order(deadline: Deadline) -> tuple:
    """Soonest first; on one day, by position and key (a stable order)."""
    return (deadline.due_on, deadline.position_id, deadline.key)


def deadlines_for(positions: Iterable[PositionDates], today: date) -> list[Deadline]:
    """Every deadline of these positions (recruitment and road), soonest first, each key once."""
    seen: dict[str, Deadline] = {}
    for dates in positions:
        for deadline in [*recruitment_deadlines(dates, today), *dates.road]:
            seen.setdefault(deadline.key, deadline)
    return sorted(seen.values(), key=order)


def in_window(
    deadlines: Iterable[Deadline],
    today: date,
    days: int = DEFAULT_WINDOW_DAYS,
    *,
    employer_id: int | None = None,
    past_days: int = PAST_DUE_DAYS,
) -> list[Listed]:
    """The deadlines due from ``today - past_days`` to ``today + days`` (inclusive), of one
    employer if given, soonest first; past ones are flagged (``Listed.past_due``)."""
    first = today - timedelta(days=past_days)
    last = today + timedelta(days=days)
    return [
        Listed(deadline, today)
        for deadline in sorted(deadlines, key=order)
        if first <= deadline.due_on <= last
        and (employer_id is None or deadline.employer_id == employer_id)
    ]


def due_for_reminder(deadlines: Iterable[Deadline], today: date, days_before: int) -> list:
    """The deadlines a reminder is due for: not past, due within ``days_before`` days."""
    last = today + timedelta(days=days_before)
    return [d for d in sorted(deadlines, key=order) if today <= d.due_on <= last]
