"""Evidence operations: store an upload (all or nothing), review, comment, sign off, retain."""

import hashlib
import logging
import os
import tempfile
from datetime import date
from pathlib import Path

from flask import abort, current_app
from sqlalchemy import bindparam, or_
from sqlalchemy.orm import selectinload

from portal.audit import record_event
from portal.evidence_inspection import (
    RejectedFile,
    clean_filename,
    inspect_upload,
)
from portal.extensions import db
from portal.models import (
    Applicant,
    EvidenceFile,
    Position,
    RecruitmentActivity,
    SignOff,
    Worker,
    utcnow,
)
from portal.models.protection import ThirdParty
from portal.open_items import OpenItems, open_items
from portal.positions.reference import labour_market
from portal.positions.services import child_of
from portal.reviews import add_comment, notify_request, to_do_all
from portal.road.dates import retention_ends
from portal.rules import ruleset_version
from portal.storage import Storage, new_key, storage_from_settings
from portal.tenancy import (
    get_scoped_or_404,
    position_scope,
    position_scoped_select,
    prepared_scoped_select,
    scoped_select,
)

log = logging.getLogger("portal.evidence")


class UploadRefused(Exception):
    """The upload cannot be kept; the message is for the user."""


class DeletionRefused(Exception):
    """Deleting would break the retention rules; the message says why."""


def evidence_storage() -> Storage:
    key = "portal.evidence_storage"
    if key not in current_app.extensions:
        settings = dict(current_app.config)
        settings.setdefault("STORAGE_DIR", str(Path(current_app.instance_path) / "evidence"))
        current_app.extensions[key] = storage_from_settings(settings)
    return current_app.extensions[key]


def _spool(upload, limit: int) -> Path:
    """Copy the uploaded stream to a private temp file, stopping past ``limit`` bytes."""
    directory = Path(current_app.instance_path) / "tmp"
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=directory, prefix="upload-")
    written = 0
    with os.fdopen(handle, "wb") as out:
        while chunk := upload.stream.read(1024 * 1024):
            out.write(chunk)
            written += len(chunk)
            if written > limit:  # enough to know it is too large; inspection says so
                break
    return Path(name)


def attach_evidence(
    position: Position, upload, fields: dict, uploaded_by_id: int, *, same_bytes_again=False
):
    """Check the file by its content and keep it, with a row; nothing is kept on refusal.

    A file already in the locker is refused, unless ``same_bytes_again``: the weekly capture of
    an ad that has not changed is the same screenshot, and still the proof of another week.

    The storage object is written before the row; if the transaction later fails the view
    calls ``forget_stored`` so no object is left without a row.
    """
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    spooled = _spool(upload, limit)
    try:
        try:
            inspected = inspect_upload(spooled, limit)  # includes the antivirus hook
        except RejectedFile as refusal:
            record_event(
                db.session,
                "evidence.upload_refused",
                employer_id=position.employer_id,
                changes={"reason": str(refusal)[:200]},
            )
            raise UploadRefused(str(refusal)) from refusal
        same = db.session.scalar(
            scoped_select(EvidenceFile).where(
                EvidenceFile.sha256 == inspected.sha256, EvidenceFile.archived_at.is_(None)
            )
        )
        if same is not None and not same_bytes_again:
            raise UploadRefused(
                f"This exact file is already in the locker (item #{same.id}, "
                f"{same.original_filename}); it was not stored twice."
            )
        activity_id = applicant_id = worker_id = None
        position_id = position.id
        if fields.get("worker_id"):
            worker_id = child_of(position, Worker, int(fields["worker_id"])).id
        target = fields["attach_to"]
        if target == "employer":
            position_id = None  # shared by every position of the employer
        elif target.startswith("activity-"):
            activity_id = child_of(position, RecruitmentActivity, int(target[9:])).id
        elif target.startswith("applicant-"):
            applicant_id = child_of(position, Applicant, int(target[10:])).id
        key = new_key()
        evidence_storage().save(key, spooled)
        row = EvidenceFile(
            employer_id=position.employer_id,
            position_id=position_id,
            activity_id=activity_id,
            applicant_id=applicant_id,
            worker_id=worker_id,
            category=fields["category"],
            description=(fields.get("description") or "").strip() or None,
            evidence_date=fields.get("evidence_date"),
            original_filename=clean_filename(upload.filename, inspected.extension),
            content_type=inspected.content_type,
            extension=inspected.extension,
            size_bytes=inspected.size,
            sha256=inspected.sha256,
            storage_key=key,
            uploaded_by_id=uploaded_by_id,
            captured_at=utcnow() if fields.get("is_snapshot") else None,
        )
        db.session.add(row)
        try:
            db.session.flush()
        except Exception:
            forget_stored(key)
            raise
        return row
    finally:
        spooled.unlink(missing_ok=True)


def forget_stored(key: str) -> None:
    try:
        evidence_storage().delete(key)
    except Exception:  # the sweeper removes what is left
        log.exception("could not remove stored object %s", key)


# The position's own files and the employer's shared ones (business documents); built once,
# as the evidence page reads them on every view (see portal.tenancy._MEMBERSHIPS_OF).
_EVIDENCE_OF_ALL = (
    prepared_scoped_select(EvidenceFile)
    .options(selectinload(EvidenceFile.uploaded_by))
    .where(
        or_(
            EvidenceFile.position_id == bindparam("scope_position_id"),
            EvidenceFile.position_id.is_(None),
        )
    )
    .order_by(EvidenceFile.id)
)
_EVIDENCE_OF = _EVIDENCE_OF_ALL.where(EvidenceFile.archived_at.is_(None))


def evidence_of(position: Position, include_archived: bool = False) -> list[EvidenceFile]:
    query = _EVIDENCE_OF_ALL if include_archived else _EVIDENCE_OF
    return list(db.session.scalars(query, position_scope(position)))


def evidence_item(position: Position, evidence_id: int) -> EvidenceFile:
    """One file seen from this position: its own, or the employer's shared ones; else 404."""
    evidence = get_scoped_or_404(EvidenceFile, evidence_id)
    if evidence.position_id not in (None, position.id):
        abort(404)
    return evidence


def review_evidence(
    position: Position, evidence: EvidenceFile, decision: str, comment: str | None, reviewer_id
):
    evidence.review_status = decision
    evidence.reviewed_by_id = reviewer_id
    evidence.reviewed_at = utcnow()
    if comment or decision == "changes_requested":
        row = add_comment(
            position.id,
            evidence.employer_id,
            reviewer_id,
            comment or "Please replace this file.",
            evidence_id=evidence.id,
            asks_for_change=decision == "changes_requested",
            author_role="representative",
        )
        if row.asks_for_change:
            notify_request(position, row)
    db.session.flush()


def content_hash(case_json: str, evidence: list[EvidenceFile]) -> str:
    """What a sign-off covers: the case file, every kept evidence file's content, and the rules
    the findings were worked out with (ruleset and reference data): a new ruleset, or newly
    loaded reference data, makes earlier sign-offs outdated, as a changed file does."""
    digest = hashlib.sha256(case_json.encode())
    for item in sorted(evidence, key=lambda e: e.id):
        digest.update(f"|{item.id}:{item.sha256}:{item.review_status}".encode())
    digest.update(f"|rules:{ruleset_version(labour_market())}".encode())
    return digest.hexdigest()


def open_items_of(position: Position, report, evidence, requests=None) -> OpenItems:
    """What is still open on the position, for ``report`` (a compliance report), its active
    ``evidence`` and its open ``requests`` (read from the database when not given)."""
    waived = [
        (item.finding.rule, item.finding.subject)
        for _area, items in report.groups
        for item in items
        if item.waiver is not None
    ]
    if requests is None:
        requests = to_do_all(position)
    return open_items(report.verdict.findings, waived, evidence, requests)


def sign_off(
    position: Position,
    case_json: str,
    evidence,
    verdict,
    note,
    by_user_id,
    *,
    open_now: OpenItems | None = None,
    confirmation_reason: str | None = None,
):
    """Record the sign-off with what was open then, and the reason for signing regardless."""
    open_now = open_now or OpenItems()
    row = SignOff(
        employer_id=position.employer_id,
        position_id=position.id,
        signed_by_id=by_user_id,
        ruleset=verdict.ruleset,
        findings=[f.to_dict() for f in verdict.findings],
        content_hash=content_hash(case_json, evidence),
        note=(note or "").strip() or None,
        open_items=open_now.to_dict(),
        confirmation_reason=(confirmation_reason or "").strip() or None
        if open_now.needs_confirmation
        else None,
    )
    db.session.add(row)
    db.session.flush()
    if open_now.needs_confirmation:
        # Besides the row's own audit entry: an event that says plainly what was signed over.
        record_event(
            db.session,
            "evidence.signed_off_with_open_items",
            employer_id=position.employer_id,
            entity=row,
            changes={
                "position_id": position.id,
                "open": open_now.counts(),
                "reason": row.confirmation_reason,
            },
        )
    return row


_LATEST_SIGN_OFF = (
    position_scoped_select(SignOff)
    .options(selectinload(SignOff.signed_by))
    .order_by(SignOff.id.desc())
    .limit(1)
)


def latest_sign_off(position: Position) -> SignOff | None:
    return db.session.scalar(_LATEST_SIGN_OFF, position_scope(position))


def retain_until(first_work_day: date | None) -> date | None:
    return retention_ends(first_work_day)


def set_retention(position: Position, first_work_day: date | None, legal_hold: bool) -> None:
    position.first_work_day = first_work_day
    position.retain_until = retain_until(first_work_day)
    position.legal_hold = legal_hold
    db.session.flush()


def delete_evidence(position: Position, evidence: EvidenceFile, today: date) -> None:
    """Delete a file only when the retention period is over and no legal hold applies."""
    if evidence.position_id is None:
        raise DeletionRefused(
            "This file belongs to the employer and supports every position, so it is kept "
            "as long as any of them. You can archive it instead."
        )
    if position.legal_hold:
        raise DeletionRefused(
            "This position is on legal hold: nothing can be deleted. "
            "You can archive the file instead."
        )
    if position.retain_until is None:
        raise DeletionRefused(
            "Records must be kept 6 years after the worker's first day of "
            "work, which is not recorded yet. You can archive the file "
            "instead."
        )
    if today <= position.retain_until:
        raise DeletionRefused(
            f"Records must be kept until {position.retain_until.isoformat()} "
            "(6 years after the worker's first day). You can archive the "
            "file instead."
        )
    key = evidence.storage_key
    # ON DELETE SET NULL by hand: SQLite does not enforce foreign keys.
    for party in db.session.scalars(
        scoped_select(ThirdParty).where(ThirdParty.contract_evidence_id == evidence.id)
    ):
        party.contract_evidence_id = None
    db.session.delete(evidence)
    db.session.flush()
    return key


# Replacing archives the old file, so it needs the permission of the archive button.
REPLACE_PERMISSION = "manage_employer"


def replace_evidence(position: Position, replaced_id: int) -> EvidenceFile:
    """Archive the file that a new upload replaces (the caller checked REPLACE_PERMISSION)."""
    replaced = evidence_item(position, replaced_id)
    archive_evidence(replaced)
    return replaced


def archive_evidence(evidence: EvidenceFile) -> None:
    if evidence.archived_at is None:
        evidence.archived_at = utcnow()
        db.session.flush()
