"""Ad captures as evidence: asking for one, running one (the job ``ad.capture``), and the
scheduled re-captures (the scheduled command ``send-reminders`` asks for them).

A capture's two files are filed through the evidence locker's own service, on the activity,
as snapshots taken at the capture time: the capture checklist counts them like a screenshot
the employer uploaded. A capture that fails saves no file and no evidence row; its attempt
says what happened.
"""

from __future__ import annotations

import io
import logging
from datetime import date, timedelta

from flask import current_app, g
from sqlalchemy import func
from werkzeug.datastructures import FileStorage

from portal.audit import record_event
from portal.capture.browser import PageCapture, capture_page
from portal.capture.guard import CaptureRefused, check_url
from portal.evidence import services as evidence
from portal.extensions import db
from portal.models import AdCapture, Employer, Position, RecruitmentActivity, utcnow
from portal.queue import enqueue, job
from portal.recruitment.evidence_checklist import ONLINE_METHODS, SNAPSHOT_EVERY_DAYS
from portal.tenancy import across_employers_for_operator, load_for_operator, of_position

log = logging.getLogger(__name__)


def allowed_hosts() -> tuple[str, ...]:
    return tuple(current_app.config.get("CAPTURE_ALLOWED_HOSTS") or ())


def captures_of(position: Position, activity: RecruitmentActivity) -> list[AdCapture]:
    """The activity's capture attempts, newest first."""
    return list(
        db.session.scalars(
            of_position(AdCapture, position)
            .where(AdCapture.activity_id == activity.id)
            .order_by(AdCapture.id.desc())
        )
    )


def request_capture(
    position: Position, activity: RecruitmentActivity, url: str, user_id: int | None
) -> AdCapture:
    """Check ``url`` (CaptureRefused: nothing recorded), record the attempt and queue it (run
    now without a queue). The caller commits first: the job reads the row."""
    check_url(url, allowed_hosts())
    attempt = AdCapture(
        employer_id=position.employer_id,
        position_id=position.id,
        activity_id=activity.id,
        url=url.strip(),
        requested_by_id=user_id,
        status="queued",
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def start(attempt: AdCapture) -> None:
    enqueue("ad.capture", capture_id=attempt.id)


def _file_name(activity: RecruitmentActivity, shot: PageCapture, extension: str) -> str:
    return f"ad-{activity.case_key}-{shot.captured_at:%Y-%m-%d-%H%M}.{extension}"


def _description(shot: PageCapture, sha256: str) -> str:
    return (
        f"Capture of {shot.url} taken by the portal at {shot.captured_at:%Y-%m-%d %H:%M:%S} UTC; "
        f"final address {shot.final_url}; SHA-256 {sha256}"
    )[:2000]


@job("ad.capture")
def run_capture(capture_id: int) -> None:
    """Take the capture ``capture_id`` asked for and file its PDF and PNG, or record why not."""
    attempt = load_for_operator(AdCapture, capture_id)
    if attempt is None or attempt.status != "queued":
        return  # gone, or already taken by another worker
    with current_app.test_request_context():
        g.employer = db.session.get(Employer, attempt.employer_id)
        g.audit_actor_id = attempt.requested_by_id
        position = load_for_operator(Position, attempt.position_id)
        activity = load_for_operator(RecruitmentActivity, attempt.activity_id)
        config = current_app.config
        try:
            shot = capture_page(
                attempt.url,
                executable_path=config["CAPTURE_CHROMIUM"],
                allowed=allowed_hosts(),
                timeout_s=config["CAPTURE_TIMEOUT_SECONDS"],
                max_bytes=config["EVIDENCE_MAX_BYTES"],
            )
        except CaptureRefused as refusal:
            _fail(attempt, str(refusal))
            return
        except Exception as error:  # noqa: BLE001 - the browser failing must not lose the attempt
            log.exception("capture %s failed", capture_id)
            _fail(attempt, f"the browser could not capture the page ({type(error).__name__})")
            return
        # A weekly re-capture is filed in the name of whoever asked for the ad's captures.
        uploader = attempt.requested_by_id or _last_requester(attempt)
        stored: list[str] = []
        try:
            rows = []
            for extension, content, sha256 in (
                ("pdf", shot.pdf, shot.pdf_sha256),
                ("png", shot.png, shot.png_sha256),
            ):
                upload = FileStorage(
                    io.BytesIO(content), filename=_file_name(activity, shot, extension)
                )
                row = evidence.attach_evidence(
                    position,
                    upload,
                    {
                        "category": "ad_proof",
                        "attach_to": f"activity-{activity.id}",
                        "evidence_date": shot.captured_at.date(),
                        "description": _description(shot, sha256),
                        "is_snapshot": True,
                    },
                    uploader,
                    same_bytes_again=True,
                )
                stored.append(row.storage_key)
                row.captured_at = shot.captured_at
                rows.append(row)
            attempt.status = "done"
            attempt.final_url = shot.final_url[:2000]
            attempt.finished_at = utcnow()
            attempt.pdf_evidence_id, attempt.png_evidence_id = rows[0].id, rows[1].id
            record_event(
                db.session,
                "capture.done",
                employer_id=attempt.employer_id,
                changes={"url": attempt.url, "evidence": [r.id for r in rows]},
            )
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            for key in stored:
                evidence.forget_stored(key)
            reason = (
                str(error) if isinstance(error, evidence.UploadRefused) else type(error).__name__
            )
            attempt = load_for_operator(AdCapture, capture_id)
            _fail(attempt, f"the capture could not be filed ({reason})")


def _last_requester(attempt: AdCapture) -> int | None:
    return db.session.scalar(
        across_employers_for_operator(AdCapture)
        .with_only_columns(AdCapture.requested_by_id)
        .where(
            AdCapture.activity_id == attempt.activity_id,
            AdCapture.employer_id == attempt.employer_id,
            AdCapture.requested_by_id.is_not(None),
        )
        .order_by(AdCapture.id.desc())
        .limit(1)
    )


def _fail(attempt: AdCapture, reason: str) -> None:
    attempt.status = "failed"
    attempt.message = reason[:500]
    attempt.finished_at = utcnow()
    record_event(
        db.session,
        "capture.failed",
        employer_id=attempt.employer_id,
        changes={"url": attempt.url, "reason": reason[:200]},
    )
    db.session.commit()


# --- the schedule ----------------------------------------------------------------------------


def due_recaptures(today: date) -> list[tuple[int, str]]:
    """(activity id, URL) of every online ad running today whose capture of this week is not
    taken yet, with the URL of its latest capture (an ad never captured through the portal is
    the employer's to capture: the checklist asks for it). One attempt a day at most."""
    latest = (
        across_employers_for_operator(AdCapture)
        .with_only_columns(AdCapture.activity_id, func.max(AdCapture.id).label("last_id"))
        .group_by(AdCapture.activity_id)
        .subquery()
    )
    rows = db.session.execute(
        across_employers_for_operator(AdCapture)
        .join(latest, AdCapture.id == latest.c.last_id)
        .join(RecruitmentActivity, RecruitmentActivity.id == AdCapture.activity_id)
        .with_only_columns(
            RecruitmentActivity.id,
            RecruitmentActivity.kind,
            RecruitmentActivity.method,
            RecruitmentActivity.start_date,
            RecruitmentActivity.end_date,
            AdCapture.url,
            AdCapture.created_at,
        )
    ).all()
    due = []
    for activity_id, kind, method, start, end, url, last_attempt in rows:
        if kind != "posting" or method not in ONLINE_METHODS or start is None:
            continue
        if not start <= today <= (end or today) or last_attempt.date() == today:
            continue
        weeks = (today - start).days // SNAPSHOT_EVERY_DAYS
        week_start = start + timedelta(days=weeks * SNAPSHOT_EVERY_DAYS)
        if not _captured_since(activity_id, week_start):
            due.append((activity_id, url))
    return due


def _captured_since(activity_id: int, day: date) -> bool:
    from portal.models import EvidenceFile

    return (
        db.session.scalar(
            across_employers_for_operator(EvidenceFile)
            .with_only_columns(func.count())
            .where(
                EvidenceFile.activity_id == activity_id,
                EvidenceFile.captured_at.is_not(None),
                EvidenceFile.archived_at.is_(None),
                func.date(EvidenceFile.captured_at) >= day,
            )
        )
        > 0
    )


def queue_recaptures(today: date) -> int:
    """Record and queue the due re-captures (the scheduled command); how many."""
    count = 0
    for activity_id, url in due_recaptures(today):
        activity = load_for_operator(RecruitmentActivity, activity_id)
        attempt = AdCapture(
            employer_id=activity.employer_id,
            position_id=activity.position_id,
            activity_id=activity.id,
            url=url,
            requested_by_id=None,
            status="queued",
        )
        db.session.add(attempt)
        db.session.commit()
        start(attempt)
        count += 1
    return count


__all__ = ["CaptureRefused", "captures_of", "queue_recaptures", "request_capture", "run_capture"]
