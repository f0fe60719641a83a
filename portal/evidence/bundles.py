"""Filing bundles: gather the position's facts and evidence, build the ZIP, keep it.

The ZIP itself is made by ``portal.bundle`` (plain Python). Here: the job row that the page
polls for progress, the background thread, and safe download responses.
"""

import logging
import tempfile
import threading
from datetime import date
from pathlib import Path

from flask import Response, current_app, g, render_template, send_file
from sqlalchemy import select

from portal.bundle import BundleContext, BundleEvidence, build_bundle
from portal.evidence import services
from portal.extensions import db
from portal.models import BundleJob, Employer, Position, User, utcnow
from portal.positions import compliance
from portal.positions.labels import METHODS, TARGET_GROUPS
from portal.positions.services import applicants_of
from portal.recruitment.summary import recruitment_summary
from portal.storage import new_key
from portal.tenancy import scoped_select

log = logging.getLogger("portal.bundle")


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


def latest_bundle(position: Position) -> BundleJob | None:
    return db.session.scalar(
        scoped_select(BundleJob)
        .where(BundleJob.position_id == position.id)
        .order_by(BundleJob.id.desc())
        .limit(1)
    )


def _activity_row(activity) -> dict:
    if activity.kind == "posting":
        end = activity.end_date.isoformat() if activity.end_date else "running"
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


def _context(position: Position, employer: Employer, user: User):
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
                    "message": f.message,
                    "fix": f.fix,
                    "citation": f.citation,
                    "waived_by": item.waiver.waived_by.full_name if item.waiver else None,
                    "waiver_reason": item.waiver.reason if item.waiver else None,
                }
            )
    timeline_svg = None
    if report.timeline is not None:
        timeline_svg = render_template("positions/_timeline.svg", t=report.timeline)
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
        reference_sources=[f"{s.name}: {s.as_of}" for s in report.sources],
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
        open_items=services.open_items_of(position, report, evidence).to_dict(),
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
        )
        for index, e in enumerate(evidence, start=1)
    ]
    return context, files


def build(job: BundleJob, position: Position, employer: Employer, user: User) -> None:
    """Build the bundle for ``job`` and keep it in storage; record progress as it goes."""
    context, files = _context(position, employer, user)
    job.total_steps = len(files)
    db.session.commit()

    def progress(done: int, total: int) -> None:
        job.done_steps, job.total_steps = done, total
        db.session.commit()

    with tempfile.TemporaryDirectory(dir=_tmp_dir()) as work:
        out = Path(work) / "bundle.zip"
        result = build_bundle(out, context, files, progress)
        key = new_key()
        services.evidence_storage().save(key, out)
    job.storage_key, job.sha256, job.size_bytes = key, result.sha256, result.size
    job.status, job.finished_at = "done", utcnow()
    db.session.commit()


def _tmp_dir() -> str:
    path = Path(current_app.instance_path) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def start(position: Position, user_id: int) -> BundleJob:
    """Create the job and build it in a background thread (inline when configured)."""
    job = BundleJob(
        employer_id=position.employer_id, position_id=position.id, requested_by_id=user_id
    )
    db.session.add(job)
    db.session.commit()
    app = current_app._get_current_object()
    ids = (job.id, position.id, position.employer_id, user_id)
    if app.config.get("BUNDLE_INLINE"):
        _run(app, *ids)
    else:
        threading.Thread(target=_run, args=(app, *ids), daemon=True).start()
    return job


def _run(app, job_id: int, position_id: int, employer_id: int, user_id: int) -> None:
    with app.test_request_context():
        employer = db.session.get(Employer, employer_id)
        g.employer = employer  # the tenancy scope of this job
        g.audit_actor_id = user_id
        job = db.session.scalar(scoped_select(BundleJob).where(BundleJob.id == job_id))
        position = db.session.scalar(scoped_select(Position).where(Position.id == position_id))
        user = db.session.scalar(select(User).where(User.id == user_id))
        try:
            build(job, position, employer, user)
        except Exception as error:  # the page shows the failure; details go to the log
            log.exception("bundle %s failed", job_id)
            db.session.rollback()
            job = db.session.scalar(scoped_select(BundleJob).where(BundleJob.id == job_id))
            job.status, job.error, job.finished_at = "failed", str(error)[:500], utcnow()
            db.session.commit()
