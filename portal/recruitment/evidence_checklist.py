"""What proof a position's file needs, and what is missing (plain Python).

Expectations follow the rules' evidence notes: a dated capture of every ad (the Job Bank one
showing the job number), proof of every other method, the Job Match invitation record, the
signed offer. Online ads should be captured on day 1 and weekly while they run, since links
die when an ad expires.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

ONLINE_METHODS = frozenset({"job_bank", "job_board", "occupation_site", "social_media"})
SNAPSHOT_EVERY_DAYS = 7


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    expects: str
    status: str  # "missing", "attached", "reviewed", "changes_requested"
    evidence_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SnapshotDue:
    activity: str
    due: date
    done: bool


def _status(items) -> str:
    if not items:
        return "missing"
    if any(e.review_status == "changes_requested" for e in items):
        return "changes_requested"
    if all(e.review_status == "accepted" for e in items):
        return "reviewed"
    return "attached"


def _label(activity) -> str:
    name = activity.platform or activity.method.replace("_", " ")
    return f"{activity.case_key} · {name}"


def checklist(activities, evidence, has_job_match: bool, has_offer: bool) -> list[ChecklistItem]:
    items = []
    for activity in activities:
        attached = [
            e
            for e in evidence
            if e.activity_id == activity.id and e.category in ("ad_proof", "invoice")
        ]
        if activity.method == "job_bank":
            expects = "A dated screenshot of the Job Bank ad showing the job number."
        elif activity.kind == "event":
            expects = "Proof of the event: a flyer, a registration or a dated photo."
        else:
            expects = "A dated capture of the ad, or the invoice or receipt for it."
        items.append(
            ChecklistItem(
                _label(activity), expects, _status(attached), tuple(e.id for e in attached)
            )
        )
    if has_job_match:
        records = [e for e in evidence if e.category == "job_match_record"]
        items.append(
            ChecklistItem(
                "Job Match",
                "The Job Match invitation record from Job Bank.",
                _status(records),
                tuple(e.id for e in records),
            )
        )
    if has_offer:
        offers = [e for e in evidence if e.category == "signed_offer"]
        items.append(
            ChecklistItem(
                "Job offer",
                "The offer signed by the employer and worker.",
                _status(offers),
                tuple(e.id for e in offers),
            )
        )
    return items


def snapshots_due(activities, evidence, today: date) -> list[SnapshotDue]:
    """Day 1 and every 7 days of each online ad, up to its end or today."""
    due = []
    for activity in activities:
        if activity.kind != "posting" or activity.method not in ONLINE_METHODS:
            continue
        last = min(activity.end_date or today, today)
        captures = [
            e.captured_at.date() if isinstance(e.captured_at, datetime) else e.captured_at
            for e in evidence
            if e.activity_id == activity.id and e.captured_at is not None
        ]
        day = activity.start_date
        while day <= last:
            window_end = day + timedelta(days=SNAPSHOT_EVERY_DAYS - 1)
            done = any(day <= captured <= window_end for captured in captures)
            due.append(SnapshotDue(_label(activity), day, done))
            day += timedelta(days=SNAPSHOT_EVERY_DAYS)
    return due


def due_now_and_missed(snapshots: list[SnapshotDue], today: date):
    """Captures to take this week (not done yet), and how many earlier weeks were missed."""
    current_from = today - timedelta(days=SNAPSHOT_EVERY_DAYS - 1)
    due_now = [s for s in snapshots if not s.done and s.due >= current_from]
    missed = sum(1 for s in snapshots if not s.done and s.due < current_from)
    return due_now, missed
