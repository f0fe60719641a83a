"""Filing bundles: gather the position's facts and evidence, build the ZIP, keep it.

The ZIP itself is made by ``portal.bundle`` (plain Python). Here: starting a build (``start``,
the one place that applies the limits), the builder threads, progress on the job row, recording
the end (done or failed) whatever happens, finding builds left "running", and safe downloads.

Limits (security probe S1): only roles that may change the position start a build (the view's
policy); one build runs per position (a unique index; a second request gets the running one);
per employer at most ``BUNDLE_MAX_RUNNING_PER_EMPLOYER`` run at once and
``BUNDLE_MAX_PER_HOUR`` start per hour; each process runs at most ``BUNDLE_WORKERS`` builds at
a time (the rest wait, "queued"); a build past ``BUNDLE_TIME_LIMIT_SECONDS`` is stopped and
marked failed. The limits stay in ``start``, whoever builds.

Who builds (``_dispatch``): with Redis configured (``PORTAL_REDIS_URL``), a worker process of the
job queue (the job "bundle.build", ``portal.queue``); without it, a thread of the web process
(or the request itself, ``BUNDLE_INLINE``). Either way the builder first *claims* the job row: a
conditional UPDATE that only one process can win (the row is running and unclaimed, or its
claimant stopped beating for ``BUNDLE_LEASE_SECONDS``), so a job runs once even when two workers
pick it at the same moment; every later write of the builder names its claim, so a build taken
over stops instead of overwriting the other.

A build whose process died (same host, process gone; on the queue also: no heartbeat for the
lease) is, with the queue, put back on it for another worker (at most ``BUNDLE_MAX_ATTEMPTS``
tries: a file that kills its worker every time must not loop forever); without the queue, marked
failed (nobody else would build it; the user starts it again). A build past its time limit is
marked failed. This sweep runs when the bundle pages are shown, when the app starts serving,
when a worker starts and at each worker maintenance round. A killed build leaves no half file:
the ZIP is written in a temp directory, fsynced and renamed into the store
(``portal.storage``), and recorded only after the rename.
"""

import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Response, current_app, g, send_file
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from portal.audit import append_event
from portal.bundle import (
    LOCALES,
    BundleAgreement,
    BundleContext,
    BundleError,
    BundleEvidence,
    build_bundle,
)
from portal.documents import document_locale, render_document
from portal.evidence import bp, services
from portal.evidence.forms import CATEGORY_NAMES
from portal.extensions import db
from portal.models import BundleJob, Employer, EvidenceFile, Position, User, utcnow
from portal.offers import services as offers
from portal.positions import compliance
from portal.positions.labels import METHODS, TARGET_GROUPS
from portal.positions.services import applicants_of
from portal.queue import enqueue, job
from portal.recruitment.summary import recruitment_summary
from portal.rules.phrase import Joined
from portal.storage import new_key
from portal.tenancy import (
    load_for_operator,
    position_scope,
    position_scoped_select,
    scoped_select,
)

log = logging.getLogger("portal.bundle")

DEFAULTS = {
    "BUNDLE_WORKERS": 2,
    "BUNDLE_MAX_RUNNING_PER_EMPLOYER": 2,
    "BUNDLE_MAX_PER_HOUR": 10,
    "BUNDLE_TIME_LIMIT_SECONDS": 600,
    # A claimed build whose row has no heartbeat for this long is taken to be dead (its worker
    # on another host cannot be asked). Every evidence file beats; one step never takes this.
    "BUNDLE_LEASE_SECONDS": 120,
    "BUNDLE_MAX_ATTEMPTS": 3,
}
# Recording the end of a build is retried: a lost "failed" leaves a build running for good.
RECORD_ATTEMPTS = 6
RECORD_FIRST_WAIT = 0.2  # seconds, doubled after each failed attempt
UNEXPECTED = "An unexpected error stopped the build; the details are in the server log."
HOST = socket.gethostname()[:255]


class BundleRefused(Exception):
    """The employer's limit is reached: ``reason`` is "running" (``count`` builds running) or
    "hourly" (``count`` started in the last hour); try again in ``retry_after`` seconds."""

    def __init__(self, reason: str, count: int, retry_after: int):
        super().__init__(f"bundle limit reached: {reason} ({count})")
        self.reason, self.count, self.retry_after = reason, count, retry_after


class BuildStopped(Exception):
    """The build was stopped on purpose (time limit, or marked failed meanwhile)."""


@dataclass(frozen=True)
class Started:
    job: BundleJob
    new: bool  # False: a build of this position was already running; this is that one


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def attachment(stream, content_type: str, filename: str) -> Response:
    """Serve stored bytes as a download that no browser renders (uploads are data)."""
    response = send_file(
        stream, mimetype=content_type, as_attachment=True, download_name=filename, max_age=0
    )
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; frame-ancestors 'none'"
    )
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


_LATEST_BUNDLE = position_scoped_select(BundleJob).order_by(BundleJob.id.desc()).limit(1)


def latest_bundle(position: Position) -> BundleJob | None:
    return db.session.scalar(_LATEST_BUNDLE, position_scope(position))


def _activity_row(activity) -> dict:
    if activity.kind == "posting":
        end = activity.end_date.isoformat() if activity.end_date else _("running")
        dates = f"{activity.start_date.isoformat()} – {end}"
    else:
        dates = activity.event_date.isoformat()
    groups = (str(TARGET_GROUPS.get(t, t)) for t in activity.target_groups or [])
    method = str(METHODS.get(activity.method, activity.method))
    return {
        "key": activity.case_key,
        "method": method,
        "where": activity.platform or "",
        "dates": dates,
        "groups": ", ".join(groups),
    }


def _context(position: Position, employer: Employer, user: User, language: str = "en"):
    """The bundle's content, its labels in the bundle's language, with or without a request."""
    with document_locale(LOCALES[language]):
        return _content(position, employer, user, language)


def _content(position: Position, employer: Employer, user: User, language: str):
    report = compliance.check(position, date.today())
    applicants = applicants_of(position)
    summary = recruitment_summary(applicants)
    sign_off = services.latest_sign_off(position)
    evidence = services.evidence_of(position)
    case_json = compliance.case_json(position)
    findings = []
    for _area, items in report.groups:
        for item in items:
            f = item.finding
            findings.append(
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "subject": f.subject,
                    "about": item.about.text if item.about else None,
                    "message": f.message,
                    "fix": f.fix,
                    "citation": f.citation,
                    "waived_by": item.waiver.waived_by.full_name if item.waiver else None,
                    "waiver_reason": item.waiver.reason if item.waiver else None,
                }
            )
    timeline_svg = None
    if report.timeline is not None:
        timeline_svg = render_document("positions/_timeline.svg", t=report.timeline)
    activities = [_activity_row(a) for a in position.activities]
    context = BundleContext(
        employer_name=employer.display_name,
        employer_legal_name=employer.legal_name,
        business_number=employer.business_number,
        position_title=position.title,
        noc=position.noc_code,
        stream=position.stream,
        work_location=f"{position.street_address}, {position.city}, {position.province}",
        submission_date=report.verdict.submission_date,
        generated_at=utcnow(),
        generated_by=user.full_name,
        ruleset=report.verdict.ruleset,
        reference_sources=[Joined((s.name, s.as_of), ": ") for s in report.sources],
        summary={
            "local_applied": summary.local_applied,
            "local_interviewed": summary.local_interviewed,
            "local_offered": summary.local_offered,
            "local_hired": summary.local_hired,
            "foreign_applied": summary.foreign_applied,
            "reasons_not_hired": summary.reasons_not_hired,
        },
        activities=activities,
        findings=findings,
        timeline_svg=timeline_svg,
        sign_off=None
        if sign_off is None
        else {
            "signed_by": sign_off.signed_by.full_name,
            "signed_at": sign_off.created_at.isoformat(timespec="minutes"),
            "outdated": sign_off.content_hash != services.content_hash(case_json, evidence),
            "open_items": sign_off.open_items,
            "confirmation_reason": sign_off.confirmation_reason,
        },
        case_json=case_json,
        open_items=_labelled(services.open_items_of(position, report, evidence).to_dict(), report),
        agreements=_agreements(position, report, evidence),
        language=language,
    )
    storage = services.evidence_storage()
    files = [
        BundleEvidence(
            number=index,
            category=e.category,
            description=e.description,
            evidence_date=e.evidence_date,
            original_filename=e.original_filename,
            extension=e.extension,
            sha256=e.sha256,
            size=e.size_bytes,
            review_status=e.review_status,
            open=lambda key=e.storage_key: storage.open(key),
            category_label=str(CATEGORY_NAMES.get(e.category, e.category)),
        )
        for index, e in enumerate(evidence, start=1)
    ]
    return context, files


def _agreements(position: Position, report, evidence: list[EvidenceFile]):
    """Each named worker's employment agreement: the issued version (its PDF from the evidence
    storage), the signatures on the offer, its signed copies among ``evidence`` (by their
    number in the bundle), the waivers it was issued under and whether it is out of date."""
    storage = services.evidence_storage()
    case = compliance.case_of(position)
    numbers = {e.id: number for number, e in enumerate(evidence, start=1)}
    agreements = []
    for worker in offers.workers_of(position):
        name = worker.name or f"Worker {len(agreements) + 1}"
        status, issued = offers.offer_status(position, worker, case=case)
        if issued is None or issued.issued_at is None:  # none issued yet (maybe drafts)
            agreements.append(BundleAgreement(worker=name))
            continue
        offer = worker.offer or {}
        copies = tuple(
            numbers[e.id]
            for e in evidence
            if e.category == "signed_offer" and e.worker_id == worker.id
        )
        agreements.append(
            BundleAgreement(
                worker=name,
                version=issued.number,
                language=issued.language,
                issued_at=issued.issued_at,
                issued_by=issued.issued_by.full_name if issued.issued_by else None,
                sha256=issued.pdf_sha256,
                size=issued.pdf_size,
                open=lambda key=issued.pdf_key: storage.open(key),
                employer_signed_on=_date(offer.get("signed_by_employer_on")),
                employer_signed_by=offer.get("signed_by_employer_name"),
                worker_signed_on=_date(offer.get("signed_by_worker_on")),
                worker_signed_by=offer.get("signed_by_worker_name"),
                out_of_date=status == "out_of_date",
                waivers=tuple(_waiver(item, report) for item in issued.waived_errors or ()),
                signed_copies=copies,
            )
        )
    return tuple(agreements)


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _waiver(record: dict, report) -> dict:
    """An error waived when the version was issued, with its subject as the user knows it."""
    about = report.about(record.get("subject"))
    return {
        "rule": record.get("rule"),
        "about": about.text if about else record.get("subject"),
        "reason": record.get("reason"),
        "by": record.get("waived_by"),
    }


# --- starting a build: the limits live here ---------------------------------------------


def start(
    position: Position, user_id: int, *, language: str = "en", inline: bool | None = None
) -> Started:
    """Start a bundle build of ``position`` for ``user_id`` with its index in ``language``
    ("en" / "fr"), or return the one running.

    Raises :class:`BundleRefused` when the employer's limits are reached. The caller checked
    that the user may start a build (policy ``build_bundle``).
    """
    employer_id, position_id = position.employer_id, position.id
    sweep(_running_rows(employer_id))  # a dead build must not block or count
    _lock_employer(employer_id)  # one start at a time per employer, so the counts hold
    running = _running_job(position_id)
    if running is not None:
        db.session.rollback()
        return Started(running, False)
    now = utcnow()
    running_count = db.session.scalar(
        select(func.count()).select_from(
            scoped_select(BundleJob).where(BundleJob.status == "running").subquery()
        )
    )
    if running_count >= setting("BUNDLE_MAX_RUNNING_PER_EMPLOYER"):
        db.session.rollback()
        raise BundleRefused("running", running_count, retry_after=30)
    hour_ago = now - timedelta(hours=1)
    recent = list(
        db.session.scalars(
            scoped_select(BundleJob)
            .where(BundleJob.created_at > hour_ago)
            .order_by(BundleJob.created_at)
        )
    )
    if len(recent) >= setting("BUNDLE_MAX_PER_HOUR"):
        db.session.rollback()
        free_at = recent[-setting("BUNDLE_MAX_PER_HOUR")].created_at + timedelta(hours=1)
        wait = max(60, int((free_at - now).total_seconds()) + 1)
        raise BundleRefused("hourly", len(recent), retry_after=wait)
    queued = _queued(inline)
    job = BundleJob(
        employer_id=employer_id,
        position_id=position_id,
        requested_by_id=user_id,
        language=language,
        status="running",
        stage="queued",
        heartbeat_at=now,
        # Until a worker claims it, a queued job belongs to no process (the queue holds it);
        # a thread's job belongs to this process, and dies with it.
        owner_host=None if queued else HOST,
        owner_pid=None if queued else os.getpid(),
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:  # another process started one in between: show that one
        db.session.rollback()
        running = _running_job(position_id)
        if running is None:
            raise
        return Started(running, False)
    _dispatch(job.id, position_id, employer_id, user_id, inline)
    return Started(job, True)


def _queued(inline: bool | None) -> bool:
    """Whether builds go to the job queue (Redis configured, no inline build asked for)."""
    if inline if inline is not None else current_app.config.get("BUNDLE_INLINE"):
        return False
    return bool(current_app.config.get("REDIS_URL"))


def _lock_employer(employer_id: int) -> None:
    """Hold the employer's row until commit or rollback, so concurrent starts queue up."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks; the first write of a transaction takes the database's
        # write lock (others wait, busy_timeout), and this write changes nothing.
        db.session.execute(text("UPDATE employers SET id = id WHERE id = :id"), {"id": employer_id})
    else:
        # FOR NO KEY UPDATE: serialises starts without blocking inserts that reference it.
        lock = select(Employer.id).where(Employer.id == employer_id)
        db.session.execute(lock.with_for_update(key_share=True))


def _running_job(position_id: int) -> BundleJob | None:
    return db.session.scalar(
        scoped_select(BundleJob).where(
            BundleJob.position_id == position_id, BundleJob.status == "running"
        )
    )


_executor_lock = threading.Lock()


def _executor(app) -> ThreadPoolExecutor:
    with _executor_lock:
        executor = app.extensions.get("portal.bundle_executor")
        if executor is None:
            executor = ThreadPoolExecutor(
                max_workers=int(app.config.get("BUNDLE_WORKERS", DEFAULTS["BUNDLE_WORKERS"])),
                thread_name_prefix="bundle",
            )
            app.extensions["portal.bundle_executor"] = executor
        return executor


def _dispatch(job_id, position_id, employer_id, user_id, inline: bool | None) -> None:
    app = current_app._get_current_object()
    args = (app, job_id, position_id, employer_id, user_id)
    if _queued(inline):
        try:
            enqueue("bundle.build", bundle_id=job_id)
        except Exception:  # Redis unreachable: say so now rather than leave it "queued"
            log.exception("bundle %s could not be queued", job_id)
            record_failure(job_id, employer_id, "The job queue could not be reached; try again.")
        return
    if inline if inline is not None else app.config.get("BUNDLE_INLINE"):
        _run(*args)
        return
    try:
        _executor(app).submit(_run, *args)
    except RuntimeError:  # the process is shutting down: no builder will take it
        log.exception("bundle %s could not be queued", job_id)
        record_failure(job_id, employer_id, "The server was stopping; start the build again.")


def _labelled(open_items: dict, report) -> dict:
    """The open findings, each with the record it is about as the user knows it (U3)."""
    for key in ("errors", "warnings"):
        for finding in open_items.get(key) or ():
            about = report.about(finding.get("subject"))
            finding["about"] = about.text if about else None
    return open_items


@job("bundle.build")
def build_queued(bundle_id: int) -> None:
    """The queue's job: build bundle ``bundle_id`` unless another worker has it or it ended."""
    row = load_for_operator(BundleJob, bundle_id)  # no tenant yet: _run sets it
    if row is None or row.status != "running":
        return
    args = (row.id, row.position_id, row.employer_id, row.requested_by_id)
    db.session.rollback()  # no transaction held while building
    _run(current_app._get_current_object(), *args)


def claim(job_id: int) -> str | None:
    """Take ``job_id`` for this process: a token when this process won it, None when it is
    not to be built here (another process holds it, or it ended, or its tries are used up).

    One conditional UPDATE decides: the row must be running and either unclaimed or its
    claimant silent past the lease. The database lets exactly one of two racing UPDATEs
    match (PostgreSQL re-checks the condition on the row the winner wrote; SQLite runs writes
    one at a time), so the job runs once even when two workers take it at the same moment.
    """
    token = uuid.uuid4().hex
    now = utcnow()
    lease_ended = now - timedelta(seconds=setting("BUNDLE_LEASE_SECONDS"))
    with db.engine.begin() as connection:
        won = connection.execute(
            update(BundleJob)
            .where(
                BundleJob.id == job_id,
                BundleJob.status == "running",
                or_(BundleJob.claim.is_(None), BundleJob.heartbeat_at < lease_ended),
                BundleJob.attempts < setting("BUNDLE_MAX_ATTEMPTS"),
            )
            .values(
                claim=token,
                attempts=BundleJob.attempts + 1,
                heartbeat_at=now,
                owner_host=HOST,
                owner_pid=os.getpid(),
            )
        ).rowcount
    return token if won == 1 else None


def _run(app, job_id: int, position_id: int, employer_id: int, user_id: int) -> None:
    with app.test_request_context():
        try:
            token = claim(job_id)
        except Exception:  # left unclaimed: the sweep ends it at its time limit
            log.exception("bundle %s could not be claimed", job_id)
            return
        if token is None:
            log.info("bundle %s: taken by another builder or ended; not built here", job_id)
            return
        try:
            employer = db.session.get(Employer, employer_id)
            g.employer = employer  # the tenancy scope of this job
            g.audit_actor_id = user_id
            job = db.session.scalar(scoped_select(BundleJob).where(BundleJob.id == job_id))
            position = db.session.scalar(scoped_select(Position).where(Position.id == position_id))
            user = db.session.scalar(select(User).where(User.id == user_id))
        except Exception:
            log.exception("bundle %s could not be loaded", job_id)
            record_failure(job_id, employer_id, UNEXPECTED, claim=token)
            return
        try:
            build(job, position, employer, user, claim=token)
        except Exception:  # build() recorded the failure; the page shows it
            log.exception("bundle %s failed", job_id)


# --- building, with progress and a recorded end -------------------------------------------


def build(
    job: BundleJob, position: Position, employer: Employer, user: User, claim: str | None = None
) -> None:
    """Build the bundle for ``job`` and keep it in storage; record progress as it goes.

    The end is always recorded: "done" with the ZIP, or "failed" with a reason for the user
    (re-raising the error). Used by the builders (threads, queue workers: ``claim`` is their
    token, and every write is theirs only while they hold it) and by ``flask bundle``.
    """
    job_id, employer_id = job.id, job.employer_id
    deadline = job.created_at + timedelta(seconds=setting("BUNDLE_TIME_LIMIT_SECONDS"))
    tracker = _Tracker(job_id, deadline, claim)
    key = None
    try:
        tracker.update(
            stage="gathering", started_at=utcnow(), owner_host=HOST, owner_pid=os.getpid()
        )
        context, files = _context(position, employer, user, job.language)
        db.session.commit()  # hold no write lock while other connections record progress
        tracker.update(done_steps=0, total_steps=len(files))
        with tempfile.TemporaryDirectory(dir=_tmp_dir()) as work:
            out = Path(work) / "bundle.zip"
            result = build_bundle(out, context, files, tracker.progress, tracker.stage)
            tracker.stage("storing")
            key = new_key()
            services.evidence_storage().save(key, out)
        done = {"storage_key": key, "sha256": result.sha256, "size_bytes": result.size}
        if not _record(job_id, employer_id, "done", done, claim=claim):
            raise BuildStopped("The build was stopped before it finished.")
    except BaseException as error:
        if key is not None:
            services.forget_stored(key)
        record_failure(job_id, employer_id, _reason(error), claim=claim)
        raise
    finally:
        db.session.expire(job)  # its row was changed through other connections


def _reason(error: BaseException) -> str:
    if isinstance(error, BuildStopped | BundleError):
        return str(error)[:500]
    return UNEXPECTED


class _Tracker:
    """Writes the stage, the file count and a heartbeat on the job row, in short transactions
    of their own, and stops the build past its deadline or once it is no longer running."""

    def __init__(self, job_id: int, deadline: datetime, claim: str | None = None):
        self.job_id, self.deadline, self.claim = job_id, deadline, claim

    def update(self, **values) -> None:
        now = utcnow()
        if now > self.deadline:
            minutes = setting("BUNDLE_TIME_LIMIT_SECONDS") // 60
            raise BuildStopped(f"The build took longer than {minutes} minutes and was stopped.")
        try:
            with db.engine.begin() as connection:
                changed = connection.execute(
                    update(BundleJob)
                    .where(*_held(self.job_id, self.claim))
                    .values(heartbeat_at=now, **values)
                ).rowcount
        except SQLAlchemyError:  # progress is for the page; the build goes on without it
            log.warning("bundle %s: progress not recorded", self.job_id, exc_info=True)
            return
        if changed == 0:
            raise BuildStopped("The build was stopped before it finished.")

    def progress(self, done: int, total: int) -> None:
        self.update(stage="converting", done_steps=done, total_steps=total)
        pause = current_app.config.get("BUNDLE_STEP_PAUSE_SECONDS")
        if pause:  # tests only (a build slow enough to be killed half-way)
            time.sleep(pause)

    def stage(self, name: str) -> None:
        self.update(stage=name)


def _held(job_id: int, claim: str | None) -> tuple:
    """The row while it runs (and, given a claim, while that claim holds it)."""
    conditions = (BundleJob.id == job_id, BundleJob.status == "running")
    return conditions if claim is None else (*conditions, BundleJob.claim == claim)


def _record(
    job_id: int, employer_id: int, status: str, values: dict, actor=..., claim: str | None = None
) -> bool:
    """End a running job as ``status`` (one transaction, with its audit event); False when it
    was not running any more (already ended elsewhere) or no longer held by ``claim``."""
    now = utcnow()
    values = {**values, "status": status, "stage": None, "finished_at": now}
    with db.engine.begin() as connection:
        changed = connection.execute(
            update(BundleJob).where(*_held(job_id, claim)).values(heartbeat_at=now, **values)
        ).rowcount
        if changed != 1:
            return False
        changes = {"status": {"before": "running", "after": status}}
        changes |= {
            k: {"before": None, "after": v.isoformat() if isinstance(v, datetime) else v}
            for k, v in values.items()
            if k not in ("status", "stage") and v is not None
        }
        event = {"actor_id": actor} if actor is not ... else {}
        append_event(
            connection,
            action="bundle_jobs.update",
            employer_id=employer_id,
            entity_type="BundleJob",
            entity_id=job_id,
            changes=changes,
            **event,
        )
    return True


def record_failure(
    job_id: int, employer_id: int, reason: str, actor=..., claim: str | None = None
) -> bool:
    """Mark the job failed, retrying (a busy database must not leave it "running" for good).

    Each attempt is a fresh transaction. Returns False when every attempt failed; the sweep
    finds the job later (its process is gone, or its time limit passes).
    """
    wait = RECORD_FIRST_WAIT
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            _record(job_id, employer_id, "failed", {"error": reason}, actor, claim)
            return True
        except Exception:
            log.warning(
                "bundle %s: recording the failure, attempt %d", job_id, attempt, exc_info=True
            )
            if attempt < RECORD_ATTEMPTS:
                time.sleep(wait)
                wait *= 2
    log.error("bundle %s: the failure could not be recorded", job_id)
    return False


def _tmp_dir() -> str:
    path = Path(current_app.instance_path) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


# --- builds left running --------------------------------------------------------------------


def _running_rows(employer_id: int | None = None) -> list:
    """(id, employer_id, created_at, owner_host, owner_pid, claim, attempts, heartbeat_at) of
    running builds: the current employer's, or every employer's when the app starts (no tenant
    then: bookkeeping only)."""
    columns = (
        BundleJob.id,
        BundleJob.employer_id,
        BundleJob.created_at,
        BundleJob.owner_host,
        BundleJob.owner_pid,
        BundleJob.claim,
        BundleJob.attempts,
        BundleJob.heartbeat_at,
    )
    query = select(*columns).where(BundleJob.status == "running")
    if employer_id is not None:
        query = query.where(BundleJob.employer_id == employer_id)
    with db.engine.connect() as connection:
        return list(connection.execute(query))


PROCESS_GONE = "The build stopped: the process building it ended before it finished."


def stale_reason(
    row, now: datetime, time_limit: timedelta, lease: timedelta | None = None
) -> str | None:
    """Why a running build is over (or, on the queue, its builder gone), or None while it may
    still be going. ``lease``: on the queue, a claimed build silent that long is abandoned."""
    if now - row.created_at > time_limit:
        minutes = int(time_limit.total_seconds()) // 60
        return f"The build took longer than {minutes} minutes and was stopped."
    if row.owner_host == HOST and row.owner_pid and not _process_alive(row.owner_pid):
        return PROCESS_GONE
    claimed = getattr(row, "claim", None) is not None
    if lease is not None and claimed and row.heartbeat_at and now - row.heartbeat_at > lease:
        return PROCESS_GONE
    return None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    # A builder killed together with its parent (a queue worker and the child it forked) is
    # handed to PID 1, which in a container may never reap it: a zombie keeps its pid but runs
    # nothing. Linux says so in /proc; elsewhere the pid is taken as alive.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def sweep(rows) -> int:
    """End the running builds (rows of ``_running_rows``) that are over, or put back on the
    queue those whose builder died (with a try left); count them."""
    now = utcnow()
    time_limit = timedelta(seconds=setting("BUNDLE_TIME_LIMIT_SECONDS"))
    queued = bool(current_app.config.get("REDIS_URL"))
    lease = timedelta(seconds=setting("BUNDLE_LEASE_SECONDS")) if queued else None
    marked = 0
    for row in rows:
        reason = stale_reason(row, now, time_limit, lease)
        if reason is None:
            continue
        retry = queued and reason == PROCESS_GONE
        if retry and row.attempts < setting("BUNDLE_MAX_ATTEMPTS"):
            if _requeue(row):
                log.warning("bundle %s: its builder died; queued again", row.id)
                marked += 1
            continue
        if retry:
            reason = f"{PROCESS_GONE} It was tried {row.attempts} times; start it again."
        if record_failure(row.id, row.employer_id, reason, actor=None):
            log.warning("bundle %s marked failed: %s", row.id, reason)
            marked += 1
    return marked


def _requeue(row) -> bool:
    """Release a dead builder's claim (only the claim seen: a build another process has taken
    since is left alone) and queue the build again. Its half-made ZIP was in a temp directory,
    never in the store; the next build starts from the beginning."""
    with db.engine.begin() as connection:
        released = connection.execute(
            update(BundleJob)
            .where(*_held(row.id, row.claim))
            .values(
                claim=None,
                stage="queued",
                done_steps=0,
                owner_host=None,
                owner_pid=None,
                heartbeat_at=utcnow(),
            )
        ).rowcount
    if released != 1:
        return False
    try:
        enqueue("bundle.build", bundle_id=row.id)
    except Exception:  # Redis unreachable: end it, so the user can start it again
        log.exception("bundle %s could not be queued again", row.id)
        record_failure(row.id, row.employer_id, "The job queue could not be reached; try again.")
    return True


def sweep_employer(employer_id: int) -> int:
    return sweep(_running_rows(employer_id))


def sweep_all() -> int:
    """Every employer's builds that are over (the scheduled sweep, ``portal.maintenance``)."""
    return sweep(_running_rows())


def sweep_at_start(app) -> None:
    """End (or, on the queue, queue again) the builds dead processes left running (once per
    process)."""
    with _sweep_lock:
        if app.extensions.get("portal.bundle_swept"):
            return
        app.extensions["portal.bundle_swept"] = True
    try:
        rows = _running_rows()
    except SQLAlchemyError:  # not migrated yet
        log.warning("bundle sweep skipped: bundle_jobs not readable", exc_info=True)
        return
    sweep(rows)


_sweep_lock = threading.Lock()


@bp.record_once
def _sweep_when_serving(state) -> None:
    """ "At app start" is the first request a process serves: command-line runs (``flask db
    upgrade``, ``lmia check``) then never touch the database for this."""
    app = state.app

    def first_request() -> None:
        if not app.extensions.get("portal.bundle_swept"):
            sweep_at_start(app)

    app.before_request(first_request)
