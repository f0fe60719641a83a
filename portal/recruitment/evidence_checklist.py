"""What proof a position's file needs, and what is missing (plain Python).

Expectations follow the rules' evidence notes: a dated capture of every ad (the Job Bank one
showing the job number), proof of every other method, the Job Match invitation record, the
signed offer. Online ads should be captured on day 1 and weekly while they run, since links
die when an ad expires.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

ONLINE_METHODS = frozenset({"job_bank", "job_board", "occupation_site", "social_media"})
SNAPSHOT_EVERY_DAYS = 7


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    expects: str
    status: str  # "missing", "attached", "reviewed", "changes_requested"
    evidence_ids: tuple[int, ...] = field(default_factory=tuple)
    # How an upload of this proof starts filled in: (field, value) pairs of the upload form.
    upload_preset: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SnapshotDue:
    activity: str
    due: date
    done: bool
    # Why it was not taken, as the user recorded it: it then no longer counts as missing.
    reason: str | None = None
    activity_id: int | None = None

    @property
    def missing(self) -> bool:
        return not self.done and self.reason is None


@dataclass(frozen=True)
class ExcusedCaptures:
    """Consecutive captures of one ad not taken, for one recorded reason."""

    activity: str
    first_due: date
    last_due: date
    count: int
    reason: str


class CaptureStatus(NamedTuple):
    due_now: list[SnapshotDue]  # to take this week
    missed: int  # earlier weeks missing, without a reason
    excused: list[ExcusedCaptures]  # not taken, with the reason recorded


def reason_for(reasons, due: date) -> str | None:
    """The latest recorded reason whose dates include ``due`` (a later one replaces earlier)."""
    covering = [r for r in reasons if r.due_from <= due <= r.due_until]
    return max(covering, key=lambda r: r.id).reason if covering else None


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


def checklist(activities, evidence, has_job_match: bool, issued_workers=()) -> list[ChecklistItem]:
    """What the file needs: proof of each activity, the Job Match record, and for each worker
    whose agreement was issued (objects with ``id`` and ``name``) the copy both sides signed."""
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
                _label(activity),
                expects,
                _status(attached),
                tuple(e.id for e in attached),
                (("attach_to", f"activity-{activity.id}"), ("category", "ad_proof")),
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
                (("attach_to", "position"), ("category", "job_match_record")),
            )
        )
    for worker in issued_workers:
        signed = [
            e
            for e in evidence
            if e.category == "signed_offer" and getattr(e, "worker_id", None) == worker.id
        ]
        items.append(
            ChecklistItem(
                f"Signed agreement · {worker.name or f'worker #{worker.id}'}",
                "The employment agreement as issued, signed by the employer and the worker.",
                _status(signed),
                tuple(e.id for e in signed),
                (
                    ("attach_to", "position"),
                    ("category", "signed_offer"),
                    ("worker_id", str(worker.id)),
                ),
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
        reasons = getattr(activity, "missed_capture_reasons", None) or ()
        day = activity.start_date
        while day <= last:
            window_end = day + timedelta(days=SNAPSHOT_EVERY_DAYS - 1)
            done = any(day <= captured <= window_end for captured in captures)
            reason = None if done else reason_for(reasons, day)
            due.append(SnapshotDue(_label(activity), day, done, reason, activity.id))
            day += timedelta(days=SNAPSHOT_EVERY_DAYS)
    return due


def due_now_and_missed(snapshots: list[SnapshotDue], today: date) -> CaptureStatus:
    """Captures to take this week, how many earlier weeks are missing without a reason, and
    those not taken for a recorded reason (shown with it, never counted as missing)."""
    current_from = today - timedelta(days=SNAPSHOT_EVERY_DAYS - 1)
    due_now = [s for s in snapshots if s.missing and s.due >= current_from]
    missed = sum(1 for s in snapshots if s.missing and s.due < current_from)
    excused: list[ExcusedCaptures] = []
    for snapshot in snapshots:
        if snapshot.done or snapshot.reason is None:
            continue
        last = excused[-1] if excused else None
        follows = last and last.last_due + timedelta(days=SNAPSHOT_EVERY_DAYS) == snapshot.due
        if follows and (last.activity, last.reason) == (snapshot.activity, snapshot.reason):
            excused[-1] = replace(last, last_due=snapshot.due, count=last.count + 1)
        else:
            excused.append(
                ExcusedCaptures(snapshot.activity, snapshot.due, snapshot.due, 1, snapshot.reason)
            )
    return CaptureStatus(due_now, missed, excused)


def online_postings(activities) -> list:
    """The activities that need weekly captures."""
    return [a for a in activities if a.kind == "posting" and a.method in ONLINE_METHODS]


def reason_problems(
    snapshots: list[SnapshotDue], due_from: date, due_until: date
) -> dict[str, str]:
    """Why a reason for the captures of one ad due from ``due_from`` to ``due_until`` cannot
    be recorded, by field: the dates must be in order and include a capture not taken."""
    if due_until < due_from:
        return {"due_until": "The last date is before the first."}
    if any(not s.done and due_from <= s.due <= due_until for s in snapshots):
        return {}
    missing = [s.due.isoformat() for s in snapshots if not s.done]
    listed = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
    where = f"; captures not taken are due on {listed}" if missing else ""
    return {
        "due_from": (
            f"No capture of this ad due from {due_from.isoformat()} to "
            f"{due_until.isoformat()} is missing{where}."
        )
    }
